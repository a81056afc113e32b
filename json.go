package which50

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// maxJSONDepth bounds the nesting of unknown member values the decoder
// skips, so hostile input (an array nested 200,000 deep) fails at once.
const maxJSONDepth = 64

// jsonDecoder reads Json.NET's JSON for any described model (codec.go).
//
// It follows Json.NET's output (docs/wire-format.md): member names matched
// exactly or, like encoding/json, case-insensitively; null or missing
// members give zero values; unknown members are skipped; integers must fit
// in int64; dates take every form parseDate reads. A top-level null, or an
// empty body (only whitespace or a BOM), holds no item. Invalid UTF-8 in a
// string is an error. It streams: memory stays constant whatever the number
// of items.
type jsonDecoder struct {
	reader
	scratch []byte // unescaped strings
	// mapHint sizes a top-level map of values (Contact.Values): the size
	// of the last one, capped, since the items of a list mostly hold the
	// same fields. It saves growing each map from empty.
	mapHint int
}

// document decodes a whole body: a list of m's items when list is set,
// each into the zeroed storage next returns (yield is called after each),
// else one item, into what next returns (yield is called once it is
// complete).
func (d *jsonDecoder) document(m *model, list bool, next func() unsafe.Pointer, yield func(offset int64) bool) error {
	d.skipBOM()
	c, ok := d.peek()
	if !ok {
		if d.rerr != nil {
			return d.failEOF()
		}
		return nil // empty body
	}
	switch {
	case c == 'n':
		if err := d.literal("null"); err != nil {
			return err
		}
	case list && c == '[':
		stopped, err := d.list(m, next, yield)
		if err != nil || stopped {
			return err
		}
	case !list && c == '{':
		if err := d.object(m, next()); err != nil {
			return err
		}
		yield(d.offset())
	case list:
		return d.fail(0, "expected an array of "+m.name)
	default:
		return d.fail(0, "expected a "+m.name+" object")
	}
	return d.finish()
}

// finish checks that nothing but whitespace follows the top-level value.
func (d *jsonDecoder) finish() error {
	if _, ok := d.peek(); ok {
		return d.fail(0, "unexpected data after the top-level value")
	}
	if d.rerr != nil {
		return d.failEOF()
	}
	return nil
}

// count decodes a body that holds one integer.
func (d *jsonDecoder) count() (int64, error) {
	d.skipBOM()
	if _, ok := d.peek(); !ok {
		return 0, d.failEOF()
	}
	n, err := d.int64()
	if err != nil {
		return 0, err
	}
	return n, d.finish()
}

// list decodes the items of a top-level array; pos is at '['.
func (d *jsonDecoder) list(m *model, next func() unsafe.Pointer, yield func(offset int64) bool) (stopped bool, err error) {
	d.pos++
	c, ok := d.peek()
	if !ok {
		return false, d.failEOF()
	}
	if c == ']' {
		d.pos++
		return false, nil
	}
	for {
		switch c {
		case '{':
			d.beginItem()
			if err := d.object(m, next()); err != nil {
				return false, err
			}
			if !yield(d.offset()) {
				return true, nil
			}
		case 'n':
			return false, d.fail(0, "null item in array")
		default:
			return false, d.fail(0, "expected an object")
		}
		if d.pos+1 < d.end && d.buf[d.pos] == ',' && d.buf[d.pos+1] == '{' { // the next item at once
			d.pos++
			c = '{'
			continue
		}
		if c, ok = d.peek(); !ok {
			return false, d.failEOF()
		}
		switch c {
		case ',':
			d.pos++
			if c, ok = d.peek(); !ok {
				return false, d.failEOF()
			}
		case ']':
			d.pos++
			return false, nil
		default:
			return false, d.fail(0, "expected , or ] after an array element")
		}
	}
}

// elementEnd consumes what follows an array element: a ',', returning the
// first byte of the next element with more set, or the closing ']'.
func (d *jsonDecoder) elementEnd() (c byte, more bool, err error) {
	c, ok := d.peek()
	if !ok {
		return 0, false, d.failEOF()
	}
	switch c {
	case ',':
		d.pos++
		if c, ok = d.peek(); !ok {
			return 0, false, d.failEOF()
		}
		return c, true, nil
	case ']':
		d.pos++
		return 0, false, nil
	}
	return 0, false, d.fail(0, "expected , or ] after an array element")
}

// object decodes the members of a JSON object into the value of m at p;
// pos is at '{'. Members absent from the object are left as they are.
func (d *jsonDecoder) object(m *model, p unsafe.Pointer) error {
	d.pos++
	c, ok := d.peek()
	if !ok {
		return d.failEOF()
	}
	if c == '}' {
		d.pos++
		return nil
	}
	expect := 0 // the member Json.NET writes next
	for {
		if c != '"' {
			return d.fail(0, "expected a member name")
		}
		var mb *member
		if expect < len(m.members) {
			// Fast path: the member in declaration order, "Name":
			next := &m.members[expect]
			key := next.jsonKey
			if len(key) <= 16 && d.end-d.pos >= 16 {
				if binary.LittleEndian.Uint64(d.buf[d.pos:])&next.keyMasks[0] == next.keyWords[0] &&
					binary.LittleEndian.Uint64(d.buf[d.pos+8:])&next.keyMasks[1] == next.keyWords[1] {
					mb = next
					d.pos += len(key)
				}
			} else if d.end-d.pos >= len(key) && string(d.buf[d.pos:d.pos+len(key)]) == key {
				mb = next
				d.pos += len(key)
			}
		}
		if mb == nil {
			name, err := d.str()
			if err != nil {
				return err
			}
			mb = m.memberJSON(name)
			if c, ok = d.peek(); !ok {
				return d.failEOF()
			}
			if c != ':' {
				return d.fail(0, "expected : after a member name")
			}
			d.pos++
		}
		// peek, by hand: it is too large for the compiler to inline.
		if d.pos < d.end && d.buf[d.pos] > ' ' {
			c = d.buf[d.pos]
		} else if c, ok = d.ws(); !ok {
			return d.failEOF()
		}
		var err error
		switch {
		case mb == nil:
			err = d.skipValue()
		case c == 'n':
			// null leaves the field as it is, as in encoding/json: zero,
			// unless the member came twice.
			expect = mb.idx + 1
			err = d.literal("null")
		default:
			expect = mb.idx + 1
			err = d.value(mb, unsafe.Add(p, mb.off), c)
		}
		if err != nil {
			return err
		}
		// Fast path: the next member's name right after the comma, as
		// Json.NET writes it.
		if d.pos+1 < d.end && d.buf[d.pos] == ',' && d.buf[d.pos+1] == '"' {
			d.pos++
			c = '"'
			continue
		}
		if c, ok = d.peek(); !ok {
			return d.failEOF()
		}
		switch c {
		case ',':
			d.pos++
			if c, ok = d.peek(); !ok {
				return d.failEOF()
			}
		case '}':
			d.pos++
			return nil
		default:
			return d.fail(0, "expected , or } after an object member")
		}
	}
}

// value decodes the value of member mb, not null, into the field at p; c
// is its first byte, at pos.
func (d *jsonDecoder) value(mb *member, p unsafe.Pointer, c byte) error {
	switch mb.kind {
	case kindInt64:
		n, err := d.int64()
		*(*int64)(p) = n
		return err
	case kindString:
		if c != '"' {
			return d.fail(0, "expected a string")
		}
		b, err := d.str()
		if err != nil {
			return err
		}
		*(*string)(p) = d.memberString(mb.idx, b)
		return nil
	case kindTime:
		return d.date((*time.Time)(p))
	case kindBool:
		switch c {
		case 't':
			*(*bool)(p) = true
			return d.literal("true")
		case 'f':
			*(*bool)(p) = false
			return d.literal("false")
		}
		return d.fail(0, "expected true or false")
	case kindStrings:
		return d.strings((*[]string)(p), c)
	case kindAny:
		v, err := d.anyValue(c, 0)
		*(*any)(p) = v
		return err
	case kindValues:
		if c != '{' {
			return d.fail(0, "expected an object")
		}
		v, err := d.anyValue(c, 0)
		if err == nil {
			*(*map[string]any)(p) = v.(map[string]any)
		}
		return err
	case kindStruct:
		if c != '{' {
			return d.fail(0, "expected an object")
		}
		return d.object(mb.elem, p)
	case kindSlice:
		return d.objects(mb.elem, p, c)
	}
	panic("which50: member of unknown kind")
}

// objects decodes an array of m's objects and appends them to the *[]T at
// p, which it first empties.
func (d *jsonDecoder) objects(m *model, p unsafe.Pointer, c byte) error {
	if c != '[' {
		return d.fail(0, "expected an array")
	}
	m.setEmpty(p)
	d.pos++
	c, ok := d.peek()
	if !ok {
		return d.failEOF()
	}
	if c == ']' {
		d.pos++
		return nil
	}
	for {
		if c != '{' {
			return d.fail(0, "expected an object")
		}
		if err := d.object(m, m.appendZero(p)); err != nil {
			return err
		}
		var more bool
		var err error
		if c, more, err = d.elementEnd(); err != nil || !more {
			return err
		}
	}
}

// strings decodes an array of strings into *dst; a null element is "".
func (d *jsonDecoder) strings(dst *[]string, c byte) error {
	if c != '[' {
		return d.fail(0, "expected an array")
	}
	out := []string{}
	d.pos++
	c, ok := d.peek()
	if !ok {
		return d.failEOF()
	}
	if c == ']' {
		d.pos++
		*dst = out
		return nil
	}
	for {
		switch c {
		case '"':
			b, err := d.str()
			if err != nil {
				return err
			}
			out = append(out, d.intern(b))
		case 'n':
			if err := d.literal("null"); err != nil {
				return err
			}
			out = append(out, "")
		default:
			return d.fail(0, "expected a string")
		}
		var more bool
		var err error
		if c, more, err = d.elementEnd(); err != nil {
			return err
		}
		if !more {
			*dst = out
			return nil
		}
	}
}

// anyValue decodes a value of any type, c being its first byte: strings as
// string, integers that fit as int64, other numbers as float64, true and
// false, null as nil, objects as map[string]any and arrays as []any, nested
// at most maxJSONDepth deep.
func (d *jsonDecoder) anyValue(c byte, depth int) (any, error) {
	switch {
	case c == '"':
		b, err := d.str()
		if err != nil {
			return nil, err
		}
		return d.intern(b), nil
	case c == 'n':
		return nil, d.literal("null")
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == '-' || ('0' <= c && c <= '9'):
		return d.anyNumber()
	case c == '{' || c == '[':
		if depth == maxJSONDepth {
			return nil, d.fail(0, "value nested too deep")
		}
		if c == '{' {
			return d.anyObject(depth)
		}
		return d.anyArray(depth)
	}
	return nil, d.fail(0, "expected a value")
}

// anyNumber decodes a number as int64 when it is an integer in range, else
// as float64.
func (d *jsonDecoder) anyNumber() (any, error) {
	num, isInt, err := d.number()
	if err != nil {
		return nil, err
	}
	if isInt {
		if n, err := strconv.ParseInt(string(num), 10, 64); err == nil {
			return n, nil
		}
	}
	f, err := strconv.ParseFloat(string(num), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, d.fail(0, "invalid number "+quoted(num))
	}
	return f, nil // out of range: ±Inf, as Json.NET's double would be
}

// anyObject decodes an object into a map; pos is at '{'.
func (d *jsonDecoder) anyObject(depth int) (any, error) {
	hint := 0
	if depth == 0 {
		hint = d.mapHint
	}
	out := make(map[string]any, hint)
	d.pos++
	c, ok := d.peek()
	if !ok {
		return nil, d.failEOF()
	}
	if c == '}' {
		d.pos++
		return out, nil
	}
	for {
		if c != '"' {
			return nil, d.fail(0, "expected a member name")
		}
		name, err := d.str()
		if err != nil {
			return nil, err
		}
		key := d.intern(name)
		if c, ok = d.peek(); !ok {
			return nil, d.failEOF()
		}
		if c != ':' {
			return nil, d.fail(0, "expected : after a member name")
		}
		d.pos++
		if c, ok = d.peek(); !ok {
			return nil, d.failEOF()
		}
		v, err := d.anyValue(c, depth+1)
		if err != nil {
			return nil, err
		}
		out[key] = v
		if c, ok = d.peek(); !ok {
			return nil, d.failEOF()
		}
		switch c {
		case ',':
			d.pos++
			if c, ok = d.peek(); !ok {
				return nil, d.failEOF()
			}
		case '}':
			d.pos++
			if depth == 0 {
				d.mapHint = min(len(out), maxMapHint)
			}
			return out, nil
		default:
			return nil, d.fail(0, "expected , or } after an object member")
		}
	}
}

// anyArray decodes an array into a []any; pos is at '['.
func (d *jsonDecoder) anyArray(depth int) (any, error) {
	out := []any{}
	d.pos++
	c, ok := d.peek()
	if !ok {
		return nil, d.failEOF()
	}
	if c == ']' {
		d.pos++
		return out, nil
	}
	for {
		v, err := d.anyValue(c, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		var more bool
		if c, more, err = d.elementEnd(); err != nil {
			return nil, err
		}
		if !more {
			return out, nil
		}
	}
}

// date reads a date member into dst.
func (d *jsonDecoder) date(dst *time.Time) error {
	if d.buf[d.pos] != '"' {
		return d.fail(0, "expected a date string")
	}
	// Fast path: an ISO date ends in its closing quote 20 to 35 bytes on
	// (Json.NET writes 0 to 7 fraction digits and an offset or Z). If
	// the bytes up to the first quote there parse as a date, they hold no
	// quote or escape: the string ends there.
	if d.end-d.pos >= 36 {
		k := 0
		if m := hasZeroByte(binary.LittleEndian.Uint64(d.buf[d.pos+20:]) ^ (lsb * '"')); m != 0 {
			k = 20 + bits.TrailingZeros64(m)>>3
		} else if m := hasZeroByte(binary.LittleEndian.Uint64(d.buf[d.pos+28:]) ^ (lsb * '"')); m != 0 {
			k = 28 + bits.TrailingZeros64(m)>>3
		}
		if k > 0 {
			if t, err := parseISODate(d.buf[d.pos+1:d.pos+k], &d.zones); err == nil {
				*dst = t
				d.pos += k + 1
				return nil
			}
		}
	}
	start := d.base + int64(d.pos)
	b, err := d.str()
	if err != nil {
		return err
	}
	t, err := parseDate(b, &d.zones)
	if err != nil {
		rel := int(start - d.base - int64(d.pos))
		return d.fail(rel, "invalid date "+quoted(b)+": "+err.Error())
	}
	*dst = t
	return nil
}

// peek returns the next byte after any whitespace, without consuming it;
// false at the end of input. Json.NET writes no whitespace, so the first
// test nearly always holds; the hottest callers repeat it inline, as peek
// is over the compiler's inlining budget.
func (d *jsonDecoder) peek() (byte, bool) {
	if d.pos < d.end {
		if c := d.buf[d.pos]; c > ' ' {
			return c, true
		}
	}
	return d.ws()
}

// ws skips JSON whitespace and returns the next byte without consuming it;
// false at the end of input.
func (d *jsonDecoder) ws() (byte, bool) {
	for {
		for d.pos < d.end {
			c := d.buf[d.pos]
			if c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
				return c, true
			}
			d.pos++
		}
		if !d.more() {
			return 0, false
		}
	}
}

// literal consumes the keyword lit (null, true, false).
func (d *jsonDecoder) literal(lit string) error {
	if !d.ensure(len(lit)) {
		if string(d.buf[d.pos:d.end]) == lit[:d.end-d.pos] {
			return d.failEOF()
		}
		return d.fail(0, "invalid literal")
	}
	if string(d.buf[d.pos:d.pos+len(lit)]) != lit {
		return d.fail(0, "invalid literal")
	}
	d.pos += len(lit)
	return nil
}

// str consumes the string at pos (its opening quote) and returns its
// unescaped content, valid until the next read.
func (d *jsonDecoder) str() ([]byte, error) {
	i := 1 // relative to pos
	var hi byte
	for {
		b := d.buf[d.pos+i : d.end]
		j := 0
		// Eight bytes at a time while none is a quote, a backslash, a
		// control character or non-ASCII.
		for ; j+8 <= len(b); j += 8 {
			x := binary.LittleEndian.Uint64(b[j:])
			if m := (hasZeroByte(x^(lsb*'"')) | hasZeroByte(x^(lsb*'\\')) | (x - lsb*0x20) | x) & msb; m != 0 {
				// The lowest flagged byte is exact (a borrow only
				// flags bytes above it): start the byte loop there.
				j += bits.TrailingZeros64(m) >> 3
				break
			}
		}
		for j < len(b) {
			c := b[j]
			if c == '"' || c == '\\' || c < 0x20 {
				break
			}
			hi |= c
			j++
		}
		i += j
		if d.pos+i == d.end {
			if !d.more() {
				return nil, d.failEOF()
			}
			continue
		}
		switch c := d.buf[d.pos+i]; {
		case c == '"':
			s := d.buf[d.pos+1 : d.pos+i]
			if hi >= utf8.RuneSelf && !utf8.Valid(s) {
				return nil, d.fail(1, "invalid UTF-8 in string")
			}
			d.pos += i + 1
			return s, nil
		case c < 0x20:
			return nil, d.fail(i, "control character in string")
		}
		return d.escaped(i)
	}
}

// Constants for testing the eight bytes of a uint64 at once.
const (
	lsb = 0x0101010101010101 // the low bit of each byte
	msb = 0x8080808080808080 // the high bit of each byte
)

// hasZeroByte returns x with the high bit set in (at least) the lowest zero
// byte of x; it is zero if and only if x has no zero byte.
func hasZeroByte(x uint64) uint64 { return (x - lsb) &^ x & msb }

// escaped finishes a string with escapes; buf[pos+1:pos+i] holds its plain
// start and buf[pos+i] is a backslash.
func (d *jsonDecoder) escaped(i int) ([]byte, error) {
	out := append(d.scratch[:0], d.buf[d.pos+1:d.pos+i]...)
	defer func() { d.scratch = out[:0] }()
	for {
		if d.pos+i == d.end && !d.more() {
			return nil, d.failEOF()
		}
		c := d.buf[d.pos+i]
		switch {
		case c == '"':
			if !utf8.Valid(out) {
				return nil, d.fail(1, "invalid UTF-8 in string")
			}
			d.pos += i + 1
			return out, nil
		case c < 0x20:
			return nil, d.fail(i, "control character in string")
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		if d.end-d.pos < i+2 && !d.ensure(i+2) {
			return nil, d.failEOF()
		}
		switch e := d.buf[d.pos+i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok, err := d.u4(i)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, d.fail(i, "invalid \\u escape")
			}
			i += 6
			if utf16.IsSurrogate(r) {
				// Like encoding/json: a valid pair makes one rune, anything
				// else U+FFFD (and the next escape is read on its own).
				r2, ok, err := d.u4(i)
				if err != nil {
					return nil, err
				}
				if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			return nil, d.fail(i, "invalid escape in string")
		}
		i += 2
	}
}

// u4 reads the escape \uXXXX at pos+i; ok is false if there is none.
func (d *jsonDecoder) u4(i int) (r rune, ok bool, err error) {
	if !d.ensure(i + 6) {
		if d.end-d.pos > i && d.buf[d.pos+i] != '\\' {
			return 0, false, nil // the string goes on without another escape
		}
		return 0, false, d.failEOF()
	}
	b := d.buf[d.pos+i : d.pos+i+6]
	if b[0] != '\\' || b[1] != 'u' {
		return 0, false, nil
	}
	for _, c := range b[2:] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false, nil
		}
		r = r<<4 | rune(c)
	}
	return r, true, nil
}

// number consumes the number at pos and returns its bytes, valid until the
// next read, and whether it is an integer (no fraction, no exponent).
func (d *jsonDecoder) number() (num []byte, isInt bool, err error) {
	i := 0
	for {
		for d.pos+i < d.end {
			c := d.buf[d.pos+i]
			if ('0' <= c && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
				i++
				continue
			}
			goto done
		}
		if !d.more() {
			if d.rerr != nil {
				return nil, false, d.failEOF()
			}
			break
		}
	}
done:
	num = d.buf[d.pos : d.pos+i]
	isInt, ok := numberSyntax(num)
	if !ok {
		return nil, false, d.fail(0, "invalid number")
	}
	d.pos += i
	return num, isInt, nil
}

// numberSyntax checks b against JSON's number grammar.
func numberSyntax(b []byte) (isInt, ok bool) {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		return false, false
	}
	isInt = true
	if i < len(b) && b[i] == '.' {
		isInt = false
		i++
		n := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == n {
			return false, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		isInt = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		n := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == n {
			return false, false
		}
	}
	return isInt, i == len(b)
}

// int64 reads an integer member: an integer in int64's range.
func (d *jsonDecoder) int64() (int64, error) {
	// Fast path: up to 18 digits (no overflow) and a delimiter, all in buf.
	if b := d.buf[d.pos:d.end]; len(b) > 0 && '1' <= b[0] && b[0] <= '9' {
		var n int64
		for i, c := range b {
			if '0' <= c && c <= '9' {
				if i == 18 {
					break
				}
				n = n*10 + int64(c-'0')
				continue
			}
			if c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-' {
				break
			}
			d.pos += i
			return n, nil
		}
	}
	if c := d.buf[d.pos]; c != '-' && (c < '0' || c > '9') {
		return 0, d.fail(0, "expected a number")
	}
	start := d.base + int64(d.pos) // number may refill the buffer
	num, isInt, err := d.number()
	if err != nil {
		return 0, err
	}
	rel := int(start-d.base) - d.pos
	if !isInt {
		return 0, d.fail(rel, "number "+quoted(num)+" is not an integer")
	}
	neg := num[0] == '-'
	if neg {
		num = num[1:]
	}
	if len(num) > 19 { // no leading zeros: 20 digits are past int64
		return 0, d.fail(rel, "number out of range")
	}
	var n uint64 // 19 digits fit
	for _, c := range num {
		n = n*10 + uint64(c-'0')
	}
	if neg {
		if n > 1<<63 {
			return 0, d.fail(rel, "number out of range")
		}
		return -int64(n), nil
	}
	if n > 1<<63-1 {
		return 0, d.fail(rel, "number out of range")
	}
	return int64(n), nil
}

// skipValue consumes one value of any type, checking its syntax, with
// nesting bounded by maxJSONDepth.
func (d *jsonDecoder) skipValue() error {
	var stack [maxJSONDepth]byte // closing brackets of open containers
	depth := 0
	for {
		c, ok := d.peek()
		if !ok {
			return d.failEOF()
		}
		// A value.
		switch {
		case c == '{' || c == '[':
			if depth == maxJSONDepth {
				return d.fail(0, "value nested too deep")
			}
			closing := byte(']')
			if c == '{' {
				closing = '}'
			}
			stack[depth] = closing
			depth++
			d.pos++
			c, ok = d.peek()
			if !ok {
				return d.failEOF()
			}
			if c == closing {
				d.pos++
				depth--
				break
			}
			if closing == '}' {
				if err := d.memberName(c); err != nil {
					return err
				}
			}
			continue
		case c == '"':
			if _, err := d.str(); err != nil {
				return err
			}
		case c == 'n':
			if err := d.literal("null"); err != nil {
				return err
			}
		case c == 't':
			if err := d.literal("true"); err != nil {
				return err
			}
		case c == 'f':
			if err := d.literal("false"); err != nil {
				return err
			}
		case c == '-' || ('0' <= c && c <= '9'):
			if _, _, err := d.number(); err != nil {
				return err
			}
		default:
			return d.fail(0, "expected a value")
		}
		// After a value: close containers or go on to the next element.
		for {
			if depth == 0 {
				return nil
			}
			c, ok = d.peek()
			if !ok {
				return d.failEOF()
			}
			if c == stack[depth-1] {
				d.pos++
				depth--
				continue
			}
			if c != ',' {
				return d.fail(0, "expected , or a closing bracket")
			}
			d.pos++
			if stack[depth-1] == '}' {
				if c, ok = d.peek(); !ok {
					return d.failEOF()
				}
				if err := d.memberName(c); err != nil {
					return err
				}
			}
			break
		}
	}
}

// memberName consumes `"name" :` inside a skipped object; c is the byte at pos.
func (d *jsonDecoder) memberName(c byte) error {
	if c != '"' {
		return d.fail(0, "expected a member name")
	}
	if _, err := d.str(); err != nil {
		return err
	}
	c, ok := d.peek()
	if !ok {
		return d.failEOF()
	}
	if c != ':' {
		return d.fail(0, "expected : after a member name")
	}
	d.pos++
	return nil
}
