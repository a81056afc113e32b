package which50

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"
)

// maxXMLDepth bounds element nesting; the deepest model needs 6 levels.
const maxXMLDepth = 64

// maxBindings bounds the namespace declarations in scope at once, which
// every name is resolved against: DataContract XML needs a handful, while
// tens of thousands would make each element cost as much as the document.
const maxBindings = 256

// maxMapHint caps the size hint of a map of values, so that one large map
// in a body does not make every later small one large.
const maxMapHint = 32

// xmlDecoder reads DataContractSerializer's XML for any described model
// (codec.go).
//
// It is a streaming scanner written to be safe on hostile input: a DTD
// (<!DOCTYPE, <!ENTITY) is an error, so nothing is expanded or fetched;
// only the five predefined entities and character references are decoded;
// CDATA, comments and processing instructions are handled; end tags must
// match; invalid UTF-8, characters XML forbids and nesting deeper than
// maxXMLDepth are errors. (One leniency: a character reference to a control
// character other than NUL, or to U+FFFE/U+FFFF, is accepted, because .NET
// writes such characters in a string that way.) Elements are matched by
// local name and namespace URI, never by prefix; i:nil="true" gives a zero
// value; members may come in any order and unknown elements are skipped;
// i:type says what an untyped (object) value holds. An empty body, or a root
// with i:nil="true", holds no item. An <?xml ...?> declaration may name any
// encoding: the bytes are read as UTF-8 whatever it says, as
// docs/wire-format.md describes.
type xmlDecoder struct {
	reader
	scratch []byte // decoded text and attribute values
	mapHint int    // sizes a dictionary, as jsonDecoder.mapHint does
	names   []byte // qualified names of the open elements, end to end
	open    []openElement
	binds   []binding

	// The start tag next returned last.
	elNS       int    // its namespace, one of the ns constants
	elLocal    []byte // its local name, valid until the next tag
	elNil      bool   // it has i:nil="true"
	elType     int    // what its i:type names, one of the xsType constants
	pendingEnd bool   // it was self-closing: next returns its end
}

// What an i:type attribute names.
const (
	xsNone           = iota // no i:type
	xsOther                 // a type the decoder does not know
	xsString                // xs:string and its kin
	xsInteger               // xs:int, xs:long, ...
	xsFloat                 // xs:double, xs:float, xs:decimal
	xsBoolean               // xs:boolean
	xsDateTime              // xs:dateTime
	xsDateTimeOffset        // System's DateTimeOffset
	xsArray                 // Arrays' ArrayOfstring, ArrayOfanyType, ...
)

// What xmlDecoder.next found.
const (
	tokEOF = iota
	tokStart
	tokEnd
)

// binding is one namespace declaration in scope.
type binding struct {
	prefix string // "" for the default namespace
	ns     int
}

// openElement is an element whose end tag is still to come.
type openElement struct {
	nameEnd  int // end of its qualified name in xmlDecoder.names
	bindings int // len(xmlDecoder.binds) before its declarations
}

// document decodes a whole body: a list of m's items in an ArrayOf<name>
// root when list is set, each into the zeroed storage next returns (yield
// is called after each), else one item, the root element, into what next
// returns (yield is called once it is complete).
func (d *xmlDecoder) document(m *model, list bool, next func() unsafe.Pointer, yield func(offset int64) bool) error {
	root := m.name
	if list {
		root = "ArrayOf" + m.name
	}
	if err := d.rootStart(m.ns, root); err != nil || d.el() == tokEOF {
		return err
	}
	var err error
	switch {
	case d.elNil:
		err = d.skip()
	case list:
		var stopped bool
		if stopped, err = d.list(m, next, yield); stopped {
			return nil
		}
	default:
		if err = d.object(m, next()); err == nil {
			yield(d.offset())
		}
	}
	if err != nil {
		return err
	}
	return d.epilogue()
}

// el reports whether rootStart found a root element (tokStart) or an empty
// body (tokEOF).
func (d *xmlDecoder) el() int {
	if len(d.open) == 0 {
		return tokEOF
	}
	return tokStart
}

// rootStart reads the prolog and the root's start tag, which must be the
// element ns:local. An empty body leaves no element open.
func (d *xmlDecoder) rootStart(ns int, local string) error {
	d.skipBOM()
	markup, err := d.declaration()
	if err != nil {
		return err
	}
	// The prolog: whitespace, comments and processing instructions.
	_, nonWS, seen, err := d.text(false)
	if err != nil {
		return err
	}
	if nonWS {
		return d.fail(0, "text outside the root element")
	}
	if d.pos == d.end { // end of input
		switch {
		case d.rerr != nil:
			return d.failEOF()
		case markup || seen:
			return d.fail(0, "no root element")
		}
		return nil // empty body
	}
	kind, err := d.tag()
	if err != nil {
		return err
	}
	if kind != tokStart {
		return d.fail(0, "unexpected end tag")
	}
	if d.elNS != ns || string(d.elLocal) != local {
		return d.fail(0, "root element is not "+local)
	}
	return nil
}

// count decodes a body that holds one integer: DataContract's <int>.
func (d *xmlDecoder) count() (int64, error) {
	if err := d.rootStart(nsSerialization, "int"); err != nil {
		return 0, err
	}
	if d.el() == tokEOF || d.elNil {
		return 0, d.fail(0, "no integer")
	}
	text, err := d.value()
	if err != nil {
		return 0, err
	}
	n, err := d.int64(text)
	if err != nil {
		return 0, err
	}
	if err := d.valueEnd(); err != nil {
		return 0, err
	}
	return n, d.epilogue()
}

// declaration reads an <?xml ...?> declaration at the start of the input.
// It checks its syntax and version; the encoding it names is ignored.
func (d *xmlDecoder) declaration() (bool, error) {
	d.ensure(6)
	if d.end-d.pos < 6 || string(d.buf[d.pos:d.pos+5]) != "<?xml" || !isSpace(d.buf[d.pos+5]) {
		return false, nil
	}
	i := 5
	for n := 0; ; n++ {
		i = d.spaces(i)
		c, ok := d.byteAt(i)
		if !ok {
			return false, d.failEOF()
		}
		if c == '?' {
			if c, ok = d.byteAt(i + 1); !ok {
				return false, d.failEOF()
			}
			if c != '>' || n == 0 {
				return false, d.fail(i, "malformed XML declaration")
			}
			d.pos += i + 2
			return true, nil
		}
		// A pseudo-attribute: version, encoding or standalone.
		start := i
		for c, ok = d.byteAt(i); ok && c >= 'a' && c <= 'z'; c, ok = d.byteAt(i) {
			i++
		}
		key := string(d.buf[d.pos+start : d.pos+i])
		if (n == 0) != (key == "version") || (key != "version" && key != "encoding" && key != "standalone") {
			return false, d.fail(start, "malformed XML declaration")
		}
		i = d.spaces(i)
		if c, ok = d.byteAt(i); !ok || c != '=' {
			return false, d.fail(i, "malformed XML declaration")
		}
		i = d.spaces(i + 1)
		q, ok := d.byteAt(i)
		if !ok || (q != '"' && q != '\'') {
			return false, d.fail(i, "malformed XML declaration")
		}
		i++
		vstart := i
		for c, ok = d.byteAt(i); ok && c != q; c, ok = d.byteAt(i) {
			if !isDeclValueByte(c) {
				return false, d.fail(i, "malformed XML declaration")
			}
			i++
		}
		if !ok {
			return false, d.failEOF()
		}
		if key == "version" && string(d.buf[d.pos+vstart:d.pos+i]) != "1.0" {
			return false, d.fail(vstart, "unsupported XML version")
		}
		i++
		if c, ok = d.byteAt(i); ok && !isSpace(c) && c != '?' {
			return false, d.fail(i, "malformed XML declaration")
		}
	}
}

func isDeclValueByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-'
}

// epilogue checks that only whitespace, comments and processing
// instructions follow the root element.
func (d *xmlDecoder) epilogue() error {
	_, nonWS, _, err := d.text(false)
	if err != nil {
		return err
	}
	if nonWS {
		return d.fail(0, "text after the root element")
	}
	if d.pos < d.end {
		return d.fail(0, "content after the root element")
	}
	if d.rerr != nil {
		return d.failEOF()
	}
	return nil
}

// list decodes the items of the root element, whose start tag was read.
func (d *xmlDecoder) list(m *model, next func() unsafe.Pointer, yield func(offset int64) bool) (stopped bool, err error) {
	for {
		kind, err := d.next()
		if err != nil {
			return false, err
		}
		switch {
		case kind == tokEnd:
			return false, nil
		case d.elNS != m.ns || string(d.elLocal) != m.name:
			err = d.skip()
		case d.elNil:
			return false, d.fail(0, "nil "+m.name)
		default:
			d.beginItem()
			if err = d.object(m, next()); err == nil && !yield(d.offset()) {
				return true, nil
			}
		}
		if err != nil {
			return false, err
		}
	}
}

// object decodes the members of the element whose start tag was read into
// the value of m at p. Members absent from the element are left as they
// are.
func (d *xmlDecoder) object(m *model, p unsafe.Pointer) error {
	hint := 0 // where m.xmlOrder has the member DataContractSerializer writes next
	defaultNS, _ := d.lookup(nil)
	for {
		if hint < len(m.xmlOrder) && !d.pendingEnd {
			mb := &m.members[m.xmlOrder[hint]]
			if mb.ns == defaultNS {
				done, err := d.expected(mb, unsafe.Add(p, mb.off))
				if err != nil {
					return err
				}
				if done {
					hint++
					continue
				}
			}
		}
		kind, err := d.next()
		if err != nil {
			return err
		}
		if kind == tokEnd {
			return nil
		}
		var mb *member
		mb, hint = m.memberXML(d.elNS, d.elLocal, hint)
		switch {
		case mb == nil:
			err = d.skip()
		case d.elNil:
			if err = d.skip(); err == nil {
				d.clear(mb, unsafe.Add(p, mb.off))
			}
		default:
			err = d.memberValue(mb, unsafe.Add(p, mb.off))
		}
		if err != nil {
			return err
		}
	}
}

// expected is the fast path of object for the member DataContractSerializer
// writes next, mb, whose namespace is the default one: if its start tag
// comes at pos with no attributes (<Name>), it decodes the element into the
// field at p and reports true. A leaf whose text is plain ASCII (no entity,
// no control character) and whose end tag follows at once is decoded
// without opening an element at all. Anything else, it leaves to the
// general path and reports false.
func (d *xmlDecoder) expected(mb *member, p unsafe.Pointer) (bool, error) {
	tag := mb.xmlTag
	if d.end-d.pos < len(tag) || string(d.buf[d.pos:d.pos+len(tag)]) != tag || len(d.open) == maxXMLDepth {
		return false, nil
	}
	if mb.kind == kindString || mb.kind == kindInt64 || mb.kind == kindBool {
		start := d.pos + len(tag)
		k := start
		for k < d.end {
			if c := d.buf[k]; c < 0x20 || c >= 0x80 || c == '<' || c == '&' || c == ']' {
				break
			}
			k++
		}
		// "</" + name + ">" right after the text.
		if e := k + 2 + len(mb.name); e < d.end && d.buf[k] == '<' && d.buf[k+1] == '/' &&
			d.buf[e] == '>' && string(d.buf[k+2:e]) == mb.name {
			text := d.buf[start:k]
			d.pos = k // errors point where the general path's would
			var err error
			switch mb.kind {
			case kindInt64:
				*(*int64)(p), err = d.int64(text)
			case kindString:
				*(*string)(p) = d.memberString(mb.idx, text)
			case kindBool:
				*(*bool)(p), err = d.boolean(text)
			}
			d.pos = e + 1
			return true, err
		}
	}
	// Open the element as startTag would, then decode its content.
	d.names = append(d.names, mb.name...)
	d.opened(len(mb.name), len(d.binds))
	d.elNS, d.elNil, d.elType = mb.ns, false, xsNone
	d.pos += len(tag)
	return true, d.memberValue(mb, p)
}

// memberValue decodes the element of member mb, whose start tag was read,
// into the field at p.
func (d *xmlDecoder) memberValue(mb *member, p unsafe.Pointer) error {
	switch mb.kind {
	case kindTime:
		return d.timeValue((*time.Time)(p))
	case kindStrings:
		return d.stringList((*[]string)(p))
	case kindAny:
		v, err := d.anyValue()
		*(*any)(p) = v
		return err
	case kindValues:
		return d.dictionary((*map[string]any)(p))
	case kindStruct:
		return d.object(mb.elem, p)
	case kindSlice:
		return d.objects(mb.elem, p)
	}
	text, err := d.value()
	if err != nil {
		return err
	}
	switch mb.kind {
	case kindInt64:
		*(*int64)(p), err = d.int64(text)
	case kindString:
		*(*string)(p) = d.memberString(mb.idx, text)
	case kindBool:
		*(*bool)(p), err = d.boolean(text)
	}
	if err != nil {
		return err
	}
	return d.valueEnd()
}

// clear gives the field at p of member mb its zero value, for i:nil.
func (d *xmlDecoder) clear(mb *member, p unsafe.Pointer) {
	switch mb.kind {
	case kindInt64:
		*(*int64)(p) = 0
	case kindString:
		d.clearString((*string)(p))
	case kindBool:
		*(*bool)(p) = false
	case kindTime:
		*(*time.Time)(p) = time.Time{}
	case kindStrings:
		*(*[]string)(p) = nil
	case kindAny:
		*(*any)(p) = nil
	case kindValues:
		*(*map[string]any)(p) = nil
	case kindStruct:
		mb.elem.zero(p)
	case kindSlice:
		mb.elem.setNil(p)
	}
}

// objects decodes a list of m's items, the children of the element whose
// start tag was read, into the *[]T at p.
func (d *xmlDecoder) objects(m *model, p unsafe.Pointer) error {
	m.setEmpty(p)
	for {
		kind, err := d.next()
		if err != nil {
			return err
		}
		switch {
		case kind == tokEnd:
			return nil
		case d.elNS != m.ns || string(d.elLocal) != m.name || d.elNil:
			err = d.skip()
		default:
			err = d.object(m, m.appendZero(p))
		}
		if err != nil {
			return err
		}
	}
}

// stringList decodes an ArrayOfstring, the children of the element whose
// start tag was read; a nil string is "".
func (d *xmlDecoder) stringList(dst *[]string) error {
	out := []string{}
	for {
		kind, err := d.next()
		if err != nil {
			return err
		}
		if kind == tokEnd {
			*dst = out
			return nil
		}
		if d.elNS != nsArrays || string(d.elLocal) != "string" {
			if err := d.skip(); err != nil {
				return err
			}
			continue
		}
		if d.elNil {
			if err := d.skip(); err != nil {
				return err
			}
			out = append(out, "")
			continue
		}
		text, err := d.value()
		if err != nil {
			return err
		}
		out = append(out, d.intern(text))
		if err := d.valueEnd(); err != nil {
			return err
		}
	}
}

// dictionary decodes a Dictionary<string, object>, the children of the
// element whose start tag was read: KeyValueOfstringanyType entries of a Key
// and a Value whose i:type says what it holds.
func (d *xmlDecoder) dictionary(dst *map[string]any) error {
	out := make(map[string]any, d.mapHint)
	for {
		kind, err := d.next()
		if err != nil {
			return err
		}
		if kind == tokEnd {
			*dst = out
			d.mapHint = min(len(out), maxMapHint)
			return nil
		}
		if d.elNS != nsArrays || string(d.elLocal) != "KeyValueOfstringanyType" || d.elNil {
			if err := d.skip(); err != nil {
				return err
			}
			continue
		}
		if err := d.keyValue(out); err != nil {
			return err
		}
	}
}

// keyValue decodes one dictionary entry into out.
func (d *xmlDecoder) keyValue(out map[string]any) error {
	var key string
	var v any
	hasKey := false
	for {
		kind, err := d.next()
		if err != nil {
			return err
		}
		if kind == tokEnd {
			break
		}
		switch {
		case d.elNS == nsArrays && string(d.elLocal) == "Key" && !d.elNil:
			var text []byte
			if text, err = d.value(); err == nil {
				key, hasKey = d.intern(text), true
				err = d.valueEnd()
			}
		case d.elNS == nsArrays && string(d.elLocal) == "Value":
			v, err = d.anyValue()
		default:
			err = d.skip()
		}
		if err != nil {
			return err
		}
	}
	if !hasKey {
		return d.fail(0, "dictionary entry without a key")
	}
	out[key] = v
	return nil
}

// anyValue decodes an object-typed element whose start tag was read, by
// its i:type: strings as string, integers as int64, other numbers as
// float64, booleans as bool, dateTime and DateTimeOffset as time.Time,
// arrays as []any, nil as nil. A value without i:type, or of a type the
// decoder does not know, is its text as a string if it has only text, and
// nil otherwise: an unknown shape never fails the call.
func (d *xmlDecoder) anyValue() (any, error) {
	if d.elNil {
		return nil, d.skip()
	}
	switch d.elType {
	case xsDateTimeOffset:
		var t time.Time
		err := d.dateTimeOffset(&t)
		return t, err
	case xsArray:
		out := []any{}
		for {
			kind, err := d.next()
			if err != nil {
				return nil, err
			}
			if kind == tokEnd {
				return out, nil
			}
			v, err := d.anyValue()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	}
	typ := d.elType
	var text []byte
	if !d.pendingEnd {
		var err error
		if text, _, _, err = d.text(true); err != nil {
			return nil, err
		}
		if d.pos == d.end {
			return nil, d.failEOF()
		}
		if d.buf[d.pos+1] != '/' { // child elements: a shape we do not know
			return nil, d.skip()
		}
	}
	var v any
	var err error
	switch typ {
	case xsInteger:
		v, err = d.int64(text)
	case xsFloat:
		v, err = d.float(text)
	case xsBoolean:
		v, err = d.boolean(text)
	case xsDateTime:
		var t time.Time
		if t, err = parseISODate(trimSpace(text), &d.zones); err != nil {
			err = d.fail(0, "invalid date "+quoted(text)+": "+err.Error())
		}
		v = t
	default:
		v = d.intern(text)
	}
	if err != nil {
		return nil, err
	}
	return v, d.valueEnd()
}

// timeValue decodes a date element whose start tag was read: a
// DateTimeOffset (DateTime and OffsetMinutes children) or a DateTime (its
// text; without a zone suffix it is read as UTC).
func (d *xmlDecoder) timeValue(dst *time.Time) error {
	if !d.pendingEnd {
		text, _, _, err := d.text(true)
		if err != nil {
			return err
		}
		if d.pos == d.end {
			return d.failEOF()
		}
		if d.buf[d.pos+1] == '/' {
			t, err := parseISODate(trimSpace(text), &d.zones)
			if err != nil {
				return d.fail(0, "invalid date "+quoted(text)+": "+err.Error())
			}
			*dst = t
			return d.valueEnd()
		}
		if len(trimSpace(text)) > 0 {
			return d.fail(0, "text mixed with elements in a date")
		}
	}
	return d.dateTimeOffset(dst)
}

// dateTimeOffset decodes a DateTimeOffset's children: a DateTime in UTC
// and the OffsetMinutes the server recorded.
func (d *xmlDecoder) dateTimeOffset(dst *time.Time) error {
	var dateBuf [40]byte
	date := dateBuf[:0]
	hasDate, hasOffset := false, false
	var offset int64
	for {
		kind, err := d.next()
		if err != nil {
			return err
		}
		if kind == tokEnd {
			break
		}
		isDate := d.elNS == nsSystem && string(d.elLocal) == "DateTime"
		isOffset := d.elNS == nsSystem && string(d.elLocal) == "OffsetMinutes"
		if !isDate && !isOffset {
			if err := d.skip(); err != nil {
				return err
			}
			continue
		}
		if d.elNil {
			return d.fail(0, "nil DateTime or OffsetMinutes")
		}
		text, err := d.value()
		if err != nil {
			return err
		}
		if isDate {
			date, hasDate = append(date[:0], trimSpace(text)...), true
		} else {
			if offset, err = d.int64(text); err != nil {
				return err
			}
			hasOffset = true
		}
		if err := d.valueEnd(); err != nil {
			return err
		}
	}
	if !hasDate {
		return d.fail(0, "date without DateTime")
	}
	t, err := combineXMLDate(date, offset, hasOffset, &d.zones)
	if err != nil {
		return d.fail(0, "invalid date "+quoted(date)+": "+err.Error())
	}
	*dst = t
	return nil
}

// boolean parses an xs:boolean element's text.
func (d *xmlDecoder) boolean(text []byte) (bool, error) {
	switch string(trimSpace(text)) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, d.fail(0, "invalid boolean "+quoted(text))
}

// float parses an xs:double element's text, INF, -INF and NaN included.
func (d *xmlDecoder) float(text []byte) (float64, error) {
	b := trimSpace(text)
	switch string(b) {
	case "INF":
		return math.Inf(1), nil
	case "-INF":
		return math.Inf(-1), nil
	case "NaN":
		return math.NaN(), nil
	}
	if !xsDecimalSyntax(b) {
		return 0, d.fail(0, "invalid number "+quoted(text))
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, d.fail(0, "invalid number "+quoted(text))
	}
	return f, nil // out of range: ±Inf or 0, as .NET's double would be
}

// xsDecimalSyntax checks b against xs:double's lexical form other than
// INF and NaN: an optional sign, digits with an optional fraction, and an
// optional exponent. strconv accepts more (hexadecimal, "Inf", "nan",
// underscores), which XML does not.
func xsDecimalSyntax(b []byte) bool {
	i := 0
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		digits++
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		start := i
		for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
		if i == start {
			return false
		}
	}
	return i == len(b)
}

// int64 parses an integer element's text as XmlConvert does: optional
// sign, decimal digits, surrounding whitespace allowed.
func (d *xmlDecoder) int64(text []byte) (int64, error) {
	b := trimSpace(text)
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	for len(b) > 1 && b[0] == '0' {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, d.fail(0, "invalid integer "+quoted(text))
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, d.fail(0, "invalid integer "+quoted(text))
		}
		n = n*10 + uint64(c-'0')
	}
	if neg {
		if n > 1<<63 {
			return 0, d.fail(0, "integer out of range")
		}
		return -int64(n), nil
	}
	if n > 1<<63-1 {
		return 0, d.fail(0, "integer out of range")
	}
	return int64(n), nil
}

// value reads the text of a leaf element whose start tag was read. The
// result is valid until the next read; valueEnd consumes the end tag.
func (d *xmlDecoder) value() ([]byte, error) {
	if d.pendingEnd {
		return nil, nil
	}
	text, _, _, err := d.text(true)
	if err != nil {
		return nil, err
	}
	if d.pos == d.end {
		return nil, d.failEOF()
	}
	if d.pos+1 >= d.end || d.buf[d.pos+1] != '/' { // no read: text may point into buf
		return nil, d.fail(0, "unexpected markup inside a value")
	}
	return text, nil
}

// valueEnd consumes the end tag of a leaf element.
func (d *xmlDecoder) valueEnd() error {
	kind, err := d.next()
	if err != nil {
		return err
	}
	if kind != tokEnd {
		return d.fail(0, "unexpected element inside a value")
	}
	return nil
}

// skip consumes the rest of the element whose start tag was read.
func (d *xmlDecoder) skip() error {
	depth := len(d.open)
	for len(d.open) >= depth {
		if _, err := d.next(); err != nil {
			return err
		}
	}
	return nil
}

// next reads up to the next start or end tag, skipping text, comments and
// processing instructions. It is for use inside the root element: the end
// of input is an error.
func (d *xmlDecoder) next() (int, error) {
	if d.pendingEnd {
		d.pendingEnd = false
		d.pop()
		return tokEnd, nil
	}
	if d.pos+1 < d.end && d.buf[d.pos] == '<' && d.buf[d.pos+1] != '!' && d.buf[d.pos+1] != '?' {
		return d.tag() // fast path: a tag right away, as the service writes
	}
	if _, _, _, err := d.text(false); err != nil {
		return 0, err
	}
	if d.pos == d.end {
		return 0, d.failEOF()
	}
	return d.tag()
}

// tag reads the tag at pos, which holds '<' not followed by a comment,
// CDATA section or processing instruction.
func (d *xmlDecoder) tag() (int, error) {
	c, ok := d.byteAt(1)
	if !ok {
		return 0, d.failEOF()
	}
	switch {
	case c == '/':
		return tokEnd, d.endTag()
	case c == '!':
		return 0, d.fail(0, "DTDs and declarations are not allowed")
	}
	return tokStart, d.startTag()
}

// startTag reads a start tag at pos.
func (d *xmlDecoder) startTag() error {
	if len(d.open) == maxXMLDepth {
		return d.fail(0, "elements nested too deep")
	}
	bindMark := len(d.binds)
	i, colon, err := d.name(1)
	if err != nil {
		return err
	}
	nameLen := i - 1
	// Up to 4 prefixed "nil" attributes, resolved once all declarations
	// of the tag are known.
	type nilAttr struct {
		prefixStart, prefixEnd int
		value                  int // 1 true, 0 false, -1 invalid
	}
	var nils [4]nilAttr
	nNils := 0
	// The last prefixed "type" attribute, resolved likewise.
	typePrefixStart, typePrefixEnd, typeStart, typeEnd := -1, 0, 0, 0
	selfClosing := false
	for {
		j := d.spaces(i)
		c, ok := d.byteAt(j)
		if !ok {
			return d.failEOF()
		}
		if c == '>' {
			i = j + 1
			break
		}
		if c == '/' {
			if c, ok = d.byteAt(j + 1); !ok {
				return d.failEOF()
			}
			if c != '>' {
				return d.fail(j, "expected /> at the end of a tag")
			}
			i, selfClosing = j+2, true
			break
		}
		if j == i {
			return d.fail(j, "expected whitespace before an attribute")
		}
		attrStart := j
		attrEnd, attrColon, err := d.name(j)
		if err != nil {
			return err
		}
		j = d.spaces(attrEnd)
		if c, ok = d.byteAt(j); !ok {
			return d.failEOF()
		} else if c != '=' {
			return d.fail(j, "expected = after an attribute name")
		}
		j = d.spaces(j + 1)
		valStart, valEnd, err := d.attrValue(j)
		if err != nil {
			return err
		}
		i = valEnd + 1
		name := d.buf[d.pos+attrStart : d.pos+attrEnd]
		if len(d.binds) == maxBindings && (string(name) == "xmlns" || attrColon > 0 && string(name[:attrColon-attrStart]) == "xmlns") {
			return d.fail(attrStart, "too many namespace declarations in scope")
		}
		switch {
		case string(name) == "xmlns":
			d.binds = append(d.binds, binding{prefix: "", ns: d.nsID(valStart, valEnd)})
		case attrColon > 0 && string(name[:attrColon-attrStart]) == "xmlns":
			ns := d.nsID(valStart, valEnd)
			if ns == nsNone {
				return d.fail(valStart, "empty namespace for a prefix")
			}
			d.binds = append(d.binds, binding{prefix: d.intern(name[attrColon-attrStart+1:]), ns: ns})
		case attrColon > 0 && string(name[attrColon-attrStart+1:]) == "nil":
			if nNils == len(nils) {
				return d.fail(attrStart, "too many nil attributes")
			}
			nils[nNils] = nilAttr{attrStart, attrColon, d.boolValue(valStart, valEnd)}
			nNils++
		case attrColon > 0 && string(name[attrColon-attrStart+1:]) == "type":
			typePrefixStart, typePrefixEnd, typeStart, typeEnd = attrStart, attrColon, valStart, valEnd
		}
	}
	// The tag is complete in buf[pos:pos+i]: resolve names.
	prefix, local := []byte(nil), d.buf[d.pos+1:d.pos+1+nameLen]
	if colon > 0 {
		prefix, local = d.buf[d.pos+1:d.pos+colon], d.buf[d.pos+colon+1:d.pos+1+nameLen]
	}
	ns, ok := d.lookup(prefix)
	if !ok {
		return d.fail(1, "undeclared namespace prefix")
	}
	d.elNS, d.elNil, d.elType = ns, false, xsNone
	for _, a := range nils[:nNils] {
		if ns, ok := d.lookup(d.buf[d.pos+a.prefixStart : d.pos+a.prefixEnd]); ok && ns == nsXSI {
			if a.value < 0 {
				return d.fail(a.prefixStart, "invalid i:nil value")
			}
			d.elNil = a.value == 1
		}
	}
	if typePrefixStart >= 0 {
		if ns, ok := d.lookup(d.buf[d.pos+typePrefixStart : d.pos+typePrefixEnd]); ok && ns == nsXSI {
			d.elType = d.xsType(typeStart, typeEnd)
		}
	}
	d.names = append(d.names, d.buf[d.pos+1:d.pos+1+nameLen]...)
	d.opened(len(local), bindMark)
	d.pendingEnd = selfClosing
	d.pos += i
	return nil
}

// opened records an element as open, its qualified name having just been
// appended to names: the last localLen bytes are its local name, and
// bindMark is len(binds) before its namespace declarations.
func (d *xmlDecoder) opened(localLen, bindMark int) {
	d.elLocal = d.names[len(d.names)-localLen:]
	d.open = append(d.open, openElement{nameEnd: len(d.names), bindings: bindMark})
}

// endTag reads an end tag at pos and closes the innermost open element.
func (d *xmlDecoder) endTag() error {
	if len(d.open) > 0 { // fast path: "</" + the open element's name + ">"
		start := 0
		if len(d.open) > 1 {
			start = d.open[len(d.open)-2].nameEnd
		}
		name := d.names[start:d.open[len(d.open)-1].nameEnd]
		if k := d.pos + 2 + len(name); k < d.end && d.buf[k] == '>' && string(d.buf[d.pos+2:k]) == string(name) {
			d.pos = k + 1
			d.pop()
			return nil
		}
	}
	i, _, err := d.name(2)
	if err != nil {
		return err
	}
	if len(d.open) == 0 {
		return d.fail(0, "unexpected end tag")
	}
	top := d.open[len(d.open)-1]
	start := 0
	if len(d.open) > 1 {
		start = d.open[len(d.open)-2].nameEnd
	}
	if string(d.buf[d.pos+2:d.pos+i]) != string(d.names[start:top.nameEnd]) {
		return d.fail(2, "end tag does not match its start tag "+quoted(d.names[start:top.nameEnd]))
	}
	i = d.spaces(i)
	c, ok := d.byteAt(i)
	if !ok {
		return d.failEOF()
	}
	if c != '>' {
		return d.fail(i, "expected > at the end of an end tag")
	}
	d.pos += i + 1
	d.pop()
	return nil
}

// pop closes the innermost open element.
func (d *xmlDecoder) pop() {
	top := d.open[len(d.open)-1]
	d.open = d.open[:len(d.open)-1]
	d.binds = d.binds[:top.bindings]
	start := 0
	if len(d.open) > 0 {
		start = d.open[len(d.open)-1].nameEnd
	}
	d.names = d.names[:start]
}

// lookup resolves a prefix ("" for none) to a namespace.
func (d *xmlDecoder) lookup(prefix []byte) (int, bool) {
	for k := len(d.binds) - 1; k >= 0; k-- {
		if d.binds[k].prefix == string(prefix) {
			return d.binds[k].ns, true
		}
	}
	switch string(prefix) {
	case "":
		return nsNone, true
	case "xml":
		return nsOther, true
	}
	return 0, false
}

// nsID classifies the attribute value at buf[pos+start:pos+end] as a
// namespace URI; an empty value unbinds the default namespace.
func (d *xmlDecoder) nsID(start, end int) int {
	v := d.attrText(start, end)
	if len(v) == 0 {
		return nsNone
	}
	for ns, uri := range namespaceURIs {
		if uri != "" && uri == string(v) {
			return ns
		}
	}
	return nsOther
}

// xsType classifies the QName an i:type attribute holds, whose value is at
// buf[pos+start:pos+end], resolving its prefix with the bindings in scope.
func (d *xmlDecoder) xsType(start, end int) int {
	v := trimSpace(d.attrText(start, end))
	prefix, local := []byte(nil), v
	if i := bytes.IndexByte(v, ':'); i >= 0 {
		prefix, local = v[:i], v[i+1:]
	}
	ns, ok := d.lookup(prefix)
	if !ok {
		return xsOther
	}
	switch ns {
	case nsXSD:
		switch string(local) {
		case "string", "anyURI", "QName", "char", "guid", "duration":
			return xsString
		case "int", "long", "short", "byte", "unsignedInt", "unsignedShort", "unsignedByte", "unsignedLong", "integer":
			return xsInteger
		case "double", "float", "decimal":
			return xsFloat
		case "boolean":
			return xsBoolean
		case "dateTime":
			return xsDateTime
		}
	case nsSystem:
		if string(local) == "DateTimeOffset" {
			return xsDateTimeOffset
		}
	case nsArrays:
		if bytes.HasPrefix(local, []byte("ArrayOf")) {
			return xsArray
		}
	}
	return xsOther
}

// boolValue classifies an xs:boolean attribute value: 1 true, 0 false,
// -1 invalid.
func (d *xmlDecoder) boolValue(start, end int) int {
	switch string(trimSpace(d.attrText(start, end))) {
	case "true", "1":
		return 1
	case "false", "0":
		return 0
	}
	return -1
}

// attrText returns the attribute value at buf[pos+start:pos+end] with its
// references decoded; attrValue has checked them.
func (d *xmlDecoder) attrText(start, end int) []byte {
	v := d.buf[d.pos+start : d.pos+end]
	for k := range v {
		if v[k] == '&' {
			out := d.scratch[:0]
			for k := 0; k < len(v); {
				if v[k] != '&' {
					out = append(out, v[k])
					k++
					continue
				}
				r, n := entity(v[k:])
				out = utf8.AppendRune(out, r)
				k += n
			}
			d.scratch = out
			return out
		}
	}
	return v
}

// attrValue checks the quoted attribute value at pos+i and returns the
// bounds of its content.
func (d *xmlDecoder) attrValue(i int) (start, end int, err error) {
	q, ok := d.byteAt(i)
	if !ok {
		return 0, 0, d.failEOF()
	}
	if q != '"' && q != '\'' {
		return 0, 0, d.fail(i, "expected a quoted attribute value")
	}
	i++
	start = i
	for {
		b := d.buf[d.pos:d.end]
		for i+8 <= len(b) { // eight plain ASCII bytes at a time
			x := binary.LittleEndian.Uint64(b[i:])
			if (hasZeroByte(x^(lsb*uint64(q)))|hasZeroByte(x^(lsb*'<'))|hasZeroByte(x^(lsb*'&'))|(x-lsb*0x20)|x)&msb != 0 {
				break
			}
			i += 8
		}
		for d.pos+i < d.end {
			c := d.buf[d.pos+i]
			switch {
			case c == q:
				return start, i, nil
			case c == '<':
				return 0, 0, d.fail(i, "< in an attribute value")
			case c == '&':
				d.ensure(i + maxEntityLen)
				_, n := entity(d.buf[d.pos+i : min(d.pos+i+maxEntityLen, d.end)])
				if n == 0 {
					if d.end-d.pos-i < maxEntityLen && !hasByte(d.buf[d.pos+i:d.end], ';') {
						return 0, 0, d.failEOF()
					}
					return 0, 0, d.fail(i, "invalid entity or character reference")
				}
				i += n
			case c >= 0x20 && c < utf8.RuneSelf:
				i++
			default:
				n, err := d.char(i, c)
				if err != nil {
					return 0, 0, err
				}
				i += n
			}
		}
		if !d.more() {
			return 0, 0, d.failEOF()
		}
	}
}

// char checks the character starting with byte c at pos+i and returns its
// length in bytes.
func (d *xmlDecoder) char(i int, c byte) (int, error) {
	if c < utf8.RuneSelf {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return 0, d.fail(i, "control character")
		}
		return 1, nil
	}
	if !utf8.FullRune(d.buf[d.pos+i : d.end]) {
		d.ensure(i + utf8.UTFMax)
	}
	r, n := utf8.DecodeRune(d.buf[d.pos+i : d.end])
	if r == utf8.RuneError && n <= 1 {
		if !utf8.FullRune(d.buf[d.pos+i:d.end]) && d.rerr != nil {
			return 0, d.failEOF()
		}
		return 0, d.fail(i, "invalid UTF-8")
	}
	if r == 0xFFFE || r == 0xFFFF {
		return 0, d.fail(i, "character not allowed in XML")
	}
	return n, nil
}

// maxEntityLen bounds a reference: "&#x10FFFF;" and "&#1114111;" are the
// longest valid ones, but leading zeros may make them longer.
const maxEntityLen = 32

// entity decodes the reference at the start of b (which starts with '&')
// and returns the character and the reference's length; n is 0 if b does
// not start with a valid, complete reference.
func entity(b []byte) (r rune, n int) {
	end := 1
	for end < len(b) && b[end] != ';' {
		end++
	}
	if end == len(b) {
		return 0, 0
	}
	name := b[1:end]
	switch string(name) {
	case "amp":
		return '&', end + 1
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "apos":
		return '\'', end + 1
	case "quot":
		return '"', end + 1
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, 0
	}
	digits, base := name[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return 0, 0
	}
	for _, c := range digits {
		var v rune
		switch {
		case '0' <= c && c <= '9':
			v = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			v = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			v = rune(c-'A') + 10
		default:
			return 0, 0
		}
		r = r*base + v
		if r > utf8.MaxRune {
			return 0, 0
		}
	}
	// Unlike raw characters, references to control characters (not NUL)
	// and to U+FFFE/U+FFFF are accepted: .NET's XML writer emits them for
	// such characters in a string, and its reader takes them back.
	if r == 0 || 0xD800 <= r && r <= 0xDFFF {
		return 0, 0
	}
	return r, end + 1
}

// text consumes character data (with references, CDATA sections, comments
// and processing instructions) up to a tag or the end of input. With keep,
// it returns the decoded text, valid until the next read. Without keep,
// nonWS reports text other than whitespace; markup reports a comment or processing
// instruction. At return, pos is at the end of input or at a '<' with at
// least 4 bytes after it or all the input there is.
func (d *xmlDecoder) text(keep bool) (text []byte, nonWS, markup bool, err error) {
	// While direct, the text so far is buf[start:pos], untransformed;
	// before anything that transforms it or reads more input, spill copies
	// it to out.
	out := d.scratch[:0]
	direct, start := true, d.pos
	spill := func() {
		if keep && direct {
			out = append(out, d.buf[start:d.pos]...)
			direct = false
		}
	}
	for {
		// A run of plain characters. Nothing here reads input, so b stays
		// valid.
		b := d.buf[d.pos:d.end]
		i, partial := 0, false
		for ; i+8 <= len(b); i += 8 { // eight ASCII bytes at a time
			x := binary.LittleEndian.Uint64(b[i:])
			if (hasZeroByte(x^(lsb*'<'))|hasZeroByte(x^(lsb*'&'))|(x-lsb*0x20)|x)&msb != 0 {
				break
			}
		}
		for i < len(b) {
			c := b[i]
			if c >= 0x20 && c < utf8.RuneSelf && c != '<' && c != '&' {
				i++
				continue
			}
			if c == '<' || c == '&' || c == '\r' {
				break
			}
			if c >= utf8.RuneSelf && !utf8.FullRune(b[i:]) && !d.eof && d.rerr == nil {
				partial = true // read the rest below, after spilling: char would read here
				break
			}
			n, err := d.char(i, c)
			if err != nil {
				return nil, false, false, err
			}
			i += n
		}
		if !keep && !nonWS {
			for _, c := range b[:i] {
				if c != ' ' && c != '\t' && c != '\n' {
					nonWS = true
					break
				}
			}
		}
		if keep && !direct {
			out = append(out, d.buf[d.pos:d.pos+i]...)
		}
		d.pos += i
		if d.pos == d.end || partial {
			spill()
			if !d.more() {
				if partial {
					continue // char reports the cut rune or the read error
				}
				break
			}
			continue
		}
		switch d.buf[d.pos] {
		case '\r': // line ends normalize to \n
			spill()
			if keep {
				out = append(out, '\n')
			}
			d.pos++
			if c, ok := d.byteAt(0); ok && c == '\n' {
				d.pos++
			}
			continue
		case '&':
			spill()
			d.ensure(maxEntityLen)
			r, n := entity(d.buf[d.pos:min(d.pos+maxEntityLen, d.end)])
			if n == 0 {
				if d.end-d.pos < maxEntityLen && !hasByte(d.buf[d.pos:d.end], ';') {
					return nil, false, false, d.failEOF()
				}
				return nil, false, false, d.fail(0, "invalid entity or character reference")
			}
			if r != ' ' && r != '\t' && r != '\n' && r != '\r' {
				nonWS = true
			}
			if keep {
				out = utf8.AppendRune(out, r)
			}
			d.pos += n
			continue
		}
		// '<': markup that belongs to text, or a tag.
		if d.end-d.pos < 4 {
			spill()
			d.ensure(4)
		}
		rest := d.buf[d.pos:d.end]
		switch {
		case len(rest) >= 4 && string(rest[:4]) == "<!--":
			spill()
			if err := d.comment(); err != nil {
				return nil, false, false, err
			}
			markup = true
			continue
		case len(rest) >= 2 && rest[1] == '?':
			spill()
			if err := d.procInst(); err != nil {
				return nil, false, false, err
			}
			markup = true
			continue
		case len(rest) >= 3 && string(rest[:3]) == "<![":
			spill()
			var ws bool
			if out, ws, err = d.cdata(out, keep); err != nil {
				return nil, false, false, err
			}
			nonWS = nonWS || !ws
			continue
		}
		break
	}
	switch {
	case !keep:
		return nil, nonWS, markup, nil
	case direct:
		return d.buf[start:d.pos], nonWS, markup, nil
	}
	d.scratch = out
	return out, nonWS, markup, nil
}

// comment consumes <!-- ... --> at pos.
func (d *xmlDecoder) comment() error {
	i := 4
	for {
		c, ok := d.byteAt(i)
		if !ok {
			return d.failEOF()
		}
		if c == '-' {
			c2, ok := d.byteAt(i + 1)
			if !ok {
				return d.failEOF()
			}
			if c2 == '-' {
				c3, ok := d.byteAt(i + 2)
				if !ok {
					return d.failEOF()
				}
				if c3 != '>' {
					return d.fail(i, "-- inside a comment")
				}
				d.pos += i + 3
				return nil
			}
		}
		n, err := d.char(i, c)
		if err != nil {
			return err
		}
		i += n
	}
}

// procInst consumes a processing instruction <?target ...?> at pos. An XML
// declaration anywhere but at the start is an error.
func (d *xmlDecoder) procInst() error {
	end, colon, err := d.name(2)
	if err != nil {
		return err
	}
	if target := d.buf[d.pos+2 : d.pos+end]; colon > 0 || len(target) == 3 &&
		(target[0]|0x20) == 'x' && (target[1]|0x20) == 'm' && (target[2]|0x20) == 'l' {
		return d.fail(2, "misplaced XML declaration or reserved target")
	}
	i := end
	c, ok := d.byteAt(i)
	if !ok {
		return d.failEOF()
	}
	if !isSpace(c) && c != '?' {
		return d.fail(i, "malformed processing instruction")
	}
	for {
		c, ok := d.byteAt(i)
		if !ok {
			return d.failEOF()
		}
		if c == '?' {
			c2, ok := d.byteAt(i + 1)
			if !ok {
				return d.failEOF()
			}
			if c2 == '>' {
				d.pos += i + 2
				return nil
			}
		}
		n, err := d.char(i, c)
		if err != nil {
			return err
		}
		i += n
	}
}

// cdata consumes a CDATA section at pos (which holds "<!["), appending its
// content to out when keep; ws reports whether it held only whitespace.
func (d *xmlDecoder) cdata(out []byte, keep bool) (_ []byte, ws bool, err error) {
	const open = "<![CDATA["
	if !d.ensure(len(open)) || string(d.buf[d.pos:d.pos+len(open)]) != open {
		if d.end-d.pos < len(open) && string(d.buf[d.pos:d.end]) == open[:d.end-d.pos] {
			return out, false, d.failEOF()
		}
		return out, false, d.fail(0, "DTDs and declarations are not allowed")
	}
	d.pos += len(open)
	ws = true
	for {
		i := 0
		for {
			c, ok := d.byteAt(i)
			if !ok {
				return out, false, d.failEOF()
			}
			if c == ']' {
				if d.ensure(i+3) && d.buf[d.pos+i+1] == ']' && d.buf[d.pos+i+2] == '>' {
					break
				}
			}
			if c == '\r' {
				break
			}
			n, err := d.char(i, c)
			if err != nil {
				return out, false, err
			}
			if c != ' ' && c != '\t' && c != '\n' {
				ws = false
			}
			i += n
		}
		if keep {
			out = append(out, d.buf[d.pos:d.pos+i]...)
		}
		d.pos += i
		if d.buf[d.pos] == '\r' {
			if keep {
				out = append(out, '\n')
			}
			d.pos++
			if c, ok := d.byteAt(0); ok && c == '\n' {
				d.pos++
			}
			continue
		}
		d.pos += 3 // ]]>
		return out, ws, nil
	}
}

// name reads an XML name at pos+i: ASCII letters, digits, '_', '-', '.'
// and at most one ':' separating a prefix from a local name. (Names in this
// API are ASCII; a non-ASCII name is rejected rather than half-checked.) It
// returns the index after the name and that of the colon, 0 if none.
func (d *xmlDecoder) name(i int) (end, colon int, err error) {
	start := i
	for {
		b := d.buf[d.pos:d.end]
		for i < len(b) {
			c := b[i]
			if (c|0x20)-'a' < 26 { // an ASCII letter
				i++
				continue
			}
			switch {
			case c == '_':
			case '0' <= c && c <= '9' || c == '-' || c == '.':
				if i == start || i == colon+1 && colon > 0 {
					return 0, 0, d.fail(i, "invalid name")
				}
			case c == ':':
				if colon > 0 || i == start {
					return 0, 0, d.fail(i, "invalid name")
				}
				colon = i
			default:
				if i == start || i == colon+1 && colon > 0 {
					return 0, 0, d.fail(i, "invalid name")
				}
				return i, colon, nil
			}
			i++
		}
		if !d.more() {
			return 0, 0, d.failEOF()
		}
	}
}

// byteAt returns the byte at pos+i, reading more input as needed.
func (d *xmlDecoder) byteAt(i int) (byte, bool) {
	if d.pos+i < d.end {
		return d.buf[d.pos+i], true
	}
	if !d.ensure(i + 1) {
		return 0, false
	}
	return d.buf[d.pos+i], true
}

// spaces skips whitespace from pos+i and returns the index after it.
func (d *xmlDecoder) spaces(i int) int {
	for {
		c, ok := d.byteAt(i)
		if !ok || !isSpace(c) {
			return i
		}
		i++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// trimSpace trims XML whitespace.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func hasByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}
