package which50

import (
	"bytes"
	"encoding/binary"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// maxJSONDepth bounds the nesting of unknown member values the decoder
// skips, so hostile input (an array nested 200,000 deep) fails at once.
const maxJSONDepth = 64

// decodeJSON decodes a JSON array of ContactInteraction read from r, calling
// yield for each item in order; it returns nil early if yield returns false.
//
// It follows Json.NET's output (spec/WIRE.md): member names matched exactly
// or, like encoding/json, case-insensitively; null or missing members give
// zero values; unknown members are skipped; Id and CampaignId must be
// integers that fit in int64; Occurred takes every date form parseJSONDate
// reads. A top-level null, [], or an empty body (only whitespace or a BOM)
// gives no items. Invalid UTF-8 in a string is an error. It streams: memory
// stays constant whatever the number of items.
func decodeJSON(r io.Reader, yield func(ContactInteraction) bool) error {
	d := &jsonDecoder{}
	d.init(r, "JSON")
	defer d.release()
	return d.document(yield)
}

// jsonDecoder is a byte scanner for this one schema.
type jsonDecoder struct {
	reader
	scratch []byte // unescaped strings
}

func (d *jsonDecoder) document(yield func(ContactInteraction) bool) error {
	d.skipBOM()
	c, ok := d.peek()
	if !ok {
		if d.rerr != nil {
			return d.failEOF()
		}
		return nil // empty body
	}
	switch c {
	case 'n':
		if err := d.literal("null"); err != nil {
			return err
		}
	case '[':
		stopped, err := d.array(yield)
		if err != nil || stopped {
			return err
		}
	default:
		return d.fail(0, "expected an array of interactions")
	}
	if _, ok := d.peek(); ok {
		return d.fail(0, "unexpected data after the top-level value")
	}
	if d.rerr != nil {
		return d.failEOF()
	}
	return nil
}

// array decodes the items of the top-level array; pos is at '['.
func (d *jsonDecoder) array(yield func(ContactInteraction) bool) (stopped bool, err error) {
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
			it, err := d.item()
			if err != nil {
				return false, err
			}
			if !yield(it) {
				return true, nil
			}
		case 'n':
			return false, d.fail(0, "null item in array")
		default:
			return false, d.fail(0, "expected an object")
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

// JSON member names as Json.NET writes them.
const (
	fieldUnknown = iota
	fieldID
	fieldInteraction
	fieldName
	fieldOccurred
	fieldStatus
	fieldCampaignID
	fieldCampaignName
)

// wireKey returns `"Name":` for field f as Json.NET writes it, "" past
// the last field.
func wireKey(f int) string {
	switch f {
	case fieldID:
		return `"Id":`
	case fieldInteraction:
		return `"Interaction":`
	case fieldName:
		return `"Name":`
	case fieldOccurred:
		return `"Occurred":`
	case fieldStatus:
		return `"Status":`
	case fieldCampaignID:
		return `"CampaignId":`
	case fieldCampaignName:
		return `"CampaignName":`
	}
	return "\x00" // matches no member
}

// field maps a member name to its field: exact match first, then a
// case-insensitive one as encoding/json does.
func field(name []byte) int {
	switch string(name) {
	case "Id":
		return fieldID
	case "Interaction":
		return fieldInteraction
	case "Name":
		return fieldName
	case "Occurred":
		return fieldOccurred
	case "Status":
		return fieldStatus
	case "CampaignId":
		return fieldCampaignID
	case "CampaignName":
		return fieldCampaignName
	}
	switch {
	case bytes.EqualFold(name, []byte("Id")):
		return fieldID
	case bytes.EqualFold(name, []byte("Interaction")):
		return fieldInteraction
	case bytes.EqualFold(name, []byte("Name")):
		return fieldName
	case bytes.EqualFold(name, []byte("Occurred")):
		return fieldOccurred
	case bytes.EqualFold(name, []byte("Status")):
		return fieldStatus
	case bytes.EqualFold(name, []byte("CampaignId")):
		return fieldCampaignID
	case bytes.EqualFold(name, []byte("CampaignName")):
		return fieldCampaignName
	}
	return fieldUnknown
}

// item decodes one object; pos is at '{'.
func (d *jsonDecoder) item() (ContactInteraction, error) {
	var it ContactInteraction
	d.beginItem()
	d.pos++
	c, ok := d.peek()
	if !ok {
		return it, d.failEOF()
	}
	if c == '}' {
		d.pos++
		return it, nil
	}
	expect := fieldID // the member Json.NET writes next
	for {
		if c != '"' {
			return it, d.fail(0, "expected a member name")
		}
		var f int
		if key := wireKey(expect); d.end-d.pos >= len(key) && string(d.buf[d.pos:d.pos+len(key)]) == key {
			// Fast path: the member in declaration order, "Name":
			f = expect
			d.pos += len(key)
		} else {
			name, err := d.str()
			if err != nil {
				return it, err
			}
			f = field(name)
			if c, ok = d.peek(); !ok {
				return it, d.failEOF()
			}
			if c != ':' {
				return it, d.fail(0, "expected : after a member name")
			}
			d.pos++
		}
		expect = f + 1
		var err error
		if c, ok = d.peek(); !ok {
			return it, d.failEOF()
		}
		if c == 'n' && f != fieldUnknown {
			// null leaves the field as it is, as in encoding/json: zero,
			// unless the member came twice.
			if err := d.literal("null"); err != nil {
				return it, err
			}
		} else {
			switch f {
			case fieldID:
				it.ID, err = d.int64()
			case fieldCampaignID:
				it.CampaignID, err = d.int64()
			case fieldInteraction:
				err = d.stringValue(&it, strInteraction)
			case fieldName:
				err = d.stringValue(&it, strName)
			case fieldStatus:
				err = d.stringValue(&it, strStatus)
			case fieldCampaignName:
				err = d.stringValue(&it, strCampaignName)
			case fieldOccurred:
				err = d.date(&it)
			default:
				err = d.skipValue()
			}
			if err != nil {
				return it, err
			}
		}
		if c, ok = d.peek(); !ok {
			return it, d.failEOF()
		}
		switch c {
		case ',':
			d.pos++
			if c, ok = d.peek(); !ok {
				return it, d.failEOF()
			}
		case '}':
			d.pos++
			d.endItem(&it)
			return it, nil
		default:
			return it, d.fail(0, "expected , or } after an object member")
		}
	}
}

// stringValue reads a string member value into field f of it.
func (d *jsonDecoder) stringValue(it *ContactInteraction, f strField) error {
	if d.buf[d.pos] != '"' {
		return d.fail(0, "expected a string")
	}
	b, err := d.str()
	if err != nil {
		return err
	}
	d.setString(it, f, b)
	return nil
}

// date reads the Occurred member.
func (d *jsonDecoder) date(it *ContactInteraction) error {
	if d.buf[d.pos] != '"' {
		return d.fail(0, "expected a date string")
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
	it.Occurred = t
	return nil
}

// peek returns the next byte after any whitespace, without consuming it;
// false at the end of input. Json.NET writes no whitespace: the fast path
// inlines.
func (d *jsonDecoder) peek() (byte, bool) {
	if d.pos < d.end && d.buf[d.pos] > ' ' {
		return d.buf[d.pos], true
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
			if (hasZeroByte(x^(lsb*'"'))|hasZeroByte(x^(lsb*'\\'))|(x-lsb*0x20)|x)&msb != 0 {
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

// int64 reads an Id or CampaignId: an integer in int64's range.
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
