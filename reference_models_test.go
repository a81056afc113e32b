package which50

// Reference decoders for every model: encoding/json and encoding/xml, then
// reflection over the model's json tags. They share no code with json.go,
// xml.go or codec.go (not even the model descriptions: what DataContract
// XML needs beyond the tags is in refContracts below), so that the
// differential and fuzz tests hold the fast decoders to an independent
// statement of the same rules:
//
//   - JSON members match a json tag exactly, else case-insensitively
//     (strings.EqualFold); null leaves the field as it is (zero unless the
//     member came twice); unknown members are skipped; a member that
//     repeats is decoded again over the first (a nested object merges into
//     the one decoded so far, lists and maps are replaced).
//   - int64 members take integers only (no fraction or exponent) in int64's
//     range; dates are strings in the forms refParseDate reads.
//   - any and map[string]any values: string, int64 for an integer that fits,
//     float64 for other numbers (±Inf past float64's range), bool, nil,
//     map[string]any, []any (non-nil, even empty). A value (unknown members
//     included) may nest at most refMaxNesting objects and arrays.
//   - XML elements match by namespace URI and local name; i:nil="true"
//     gives the zero value; text between elements is ignored; an any value
//     is read by its i:type, and is nil when it has child elements of a
//     type that is not an array or a DateTimeOffset.
//   - A list is a JSON array or an ArrayOf<Name> root, one item a JSON
//     object or a <Name> root; an empty body, JSON null or a root with
//     i:nil="true" holds none.

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// refMaxNesting is the deepest nesting of objects and arrays a JSON any
// value, or a skipped member's value, may have; refMaxXMLDepth the deepest
// nesting of XML elements. Both bound what hostile input can make a decoder
// do.
const (
	refMaxNesting  = 64
	refMaxXMLDepth = 64
)

// XML namespaces, as DataContractSerializer writes them.
const (
	refNSDTO      = "http://schemas.datacontract.org/2004/07/W50API.Models.DTO"
	refNSContacts = "http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts"
	refNSCommon   = "http://schemas.datacontract.org/2004/07/W50Common.Model.DTO"
	refNSSystem   = "http://schemas.datacontract.org/2004/07/System"
	refNSArrays   = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"
	refNSSer      = "http://schemas.microsoft.com/2003/10/Serialization/"
	refNSXSI      = "http://www.w3.org/2001/XMLSchema-instance"
	refNSXSD      = "http://www.w3.org/2001/XMLSchema"
)

// refContract is a model's DataContract: its element name, its namespace,
// and the members that sit in another namespace (a base class's).
type refContract struct {
	name, ns string
	memberNS map[string]string
}

var refContracts = map[reflect.Type]refContract{
	reflect.TypeFor[ContactInteraction]():      {"ContactInteraction", refNSContacts, nil},
	reflect.TypeFor[ContactEmail]():            {"ContactEmail", refNSContacts, nil},
	reflect.TypeFor[ContactTextMessage]():      {"ContactTextMessage", refNSContacts, nil},
	reflect.TypeFor[ContactLandingPage]():      {"ContactLandingPage", refNSContacts, nil},
	reflect.TypeFor[ContactWebForm]():          {"ContactWebForm", refNSContacts, nil},
	reflect.TypeFor[ContactList]():             {"ContactsList", refNSDTO, nil},
	reflect.TypeFor[ContactSchemaField]():      {"ContactSchemaField", refNSDTO, nil},
	reflect.TypeFor[ContactSchemaFieldValue](): {"ContactSchemaFieldValue", refNSDTO, nil},
	reflect.TypeFor[Journey]():                 {"Campaign", refNSDTO, nil},
	reflect.TypeFor[JourneyActivity]():         {"CampaignActivity", refNSDTO, nil},
	reflect.TypeFor[Target]():                  {"Target", refNSDTO, nil},
	reflect.TypeFor[ImportJob]():               {"ImportJob", refNSDTO, nil},
	reflect.TypeFor[Contact](): {"Contact", refNSDTO, map[string]string{
		"ValidationWarnings": refNSCommon, "EncContactId": refNSCommon, "Id": refNSCommon, "ListId": refNSCommon, "Values": refNSCommon,
	}},
}

var (
	refTimeType    = reflect.TypeFor[time.Time]()
	refStringsType = reflect.TypeFor[[]string]()
	refValuesType  = reflect.TypeFor[map[string]any]()
)

// refWireName returns a field's wire name, from its json tag.
func refWireName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// refFieldJSON finds the field a JSON member name stands for.
func refFieldJSON(t reflect.Type, name string) (int, bool) {
	for i := range t.NumField() {
		if refWireName(t.Field(i)) == name {
			return i, true
		}
	}
	for i := range t.NumField() {
		if strings.EqualFold(refWireName(t.Field(i)), name) {
			return i, true
		}
	}
	return 0, false
}

// --- JSON ---

// rjv is a JSON value as encoding/json's tokens give it, objects keeping
// their members in order.
type rjv struct {
	kind  byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	s     string
	b     bool
	keys  []string // of an object
	elems []rjv    // of an object (member values) or an array
}

func rjParse(dec *json.Decoder) (rjv, error) {
	tok, err := dec.Token()
	if err != nil {
		return rjv{}, err
	}
	switch t := tok.(type) {
	case json.Delim:
		v := rjv{kind: 'a'}
		if t == '{' {
			v.kind = 'o'
		}
		for dec.More() {
			if v.kind == 'o' {
				k, err := dec.Token()
				if err != nil {
					return rjv{}, err
				}
				v.keys = append(v.keys, k.(string))
			}
			e, err := rjParse(dec)
			if err != nil {
				return rjv{}, err
			}
			v.elems = append(v.elems, e)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return rjv{}, err
		}
		return v, nil
	case string:
		return rjv{kind: 's', s: t}, nil
	case json.Number:
		return rjv{kind: 'n', s: string(t)}, nil
	case bool:
		return rjv{kind: 'b', b: t}, nil
	case nil:
		return rjv{kind: 'z'}, nil
	}
	return rjv{}, fmt.Errorf("unexpected token %v", tok)
}

// nesting returns how many objects and arrays v nests, itself included.
func (v rjv) nesting() int {
	if v.kind != 'o' && v.kind != 'a' {
		return 0
	}
	n := 0
	for _, e := range v.elems {
		n = max(n, e.nesting())
	}
	return n + 1
}

// refJSONBody checks a JSON body and parses its top-level value; ok is
// false for an empty body.
func refJSONBody(data []byte) (v rjv, ok bool, err error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if len(bytes.Trim(data, " \t\r\n")) == 0 {
		return rjv{}, false, nil
	}
	if !utf8.Valid(data) {
		return rjv{}, false, errors.New("invalid UTF-8")
	}
	if !json.Valid(data) {
		var x any
		return rjv{}, false, fmt.Errorf("invalid JSON: %v", json.Unmarshal(data, &x))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err = rjParse(dec)
	return v, err == nil, err
}

// refModelJSON decodes data as a list of T ([]T, nil when it holds none)
// or, without list, one T (*T, nil when it holds none).
func refModelJSON(data []byte, t reflect.Type, list bool) (any, error) {
	v, ok, err := refJSONBody(data)
	none := reflect.Zero(reflect.PointerTo(t))
	if list {
		none = reflect.Zero(reflect.SliceOf(t))
	}
	switch {
	case err != nil:
		return nil, err
	case !ok || v.kind == 'z':
		return none.Interface(), nil
	case !list:
		if v.kind != 'o' {
			return nil, errors.New("not an object")
		}
		p := reflect.New(t)
		if err := refJSONObject(p.Elem(), v); err != nil {
			return nil, err
		}
		return p.Interface(), nil
	}
	if v.kind != 'a' {
		return nil, errors.New("not an array")
	}
	out := none
	for _, e := range v.elems {
		if e.kind != 'o' {
			return nil, errors.New("an item is not an object")
		}
		item := reflect.New(t).Elem()
		if err := refJSONObject(item, e); err != nil {
			return nil, err
		}
		out = reflect.Append(out, item)
	}
	return out.Interface(), nil
}

// refCountJSON decodes a body that holds one integer.
func refCountJSON(data []byte) (int64, error) {
	v, ok, err := refJSONBody(data)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, errors.New("empty body")
	}
	return refJSONInt(v)
}

func refJSONInt(v rjv) (int64, error) {
	if v.kind != 'n' || strings.ContainsAny(v.s, ".eE") {
		return 0, errors.New("not an integer")
	}
	return strconv.ParseInt(v.s, 10, 64)
}

// refJSONObject decodes the members of object v into the struct dst.
func refJSONObject(dst reflect.Value, v rjv) error {
	for k, key := range v.keys {
		val := v.elems[k]
		i, ok := refFieldJSON(dst.Type(), key)
		if !ok || val.kind == 'z' {
			if val.nesting() > refMaxNesting {
				return errors.New("value nested too deep")
			}
			continue
		}
		if err := refJSONField(dst.Field(i), val); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	return nil
}

func refJSONField(f reflect.Value, v rjv) error {
	switch t := f.Type(); {
	case t == refTimeType:
		if v.kind != 's' {
			return errors.New("date is not a string")
		}
		d, err := refParseDate(v.s, true)
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(d))
	case t.Kind() == reflect.Int64:
		n, err := refJSONInt(v)
		if err != nil {
			return err
		}
		f.SetInt(n)
	case t.Kind() == reflect.String:
		if v.kind != 's' {
			return errors.New("not a string")
		}
		f.SetString(v.s)
	case t.Kind() == reflect.Bool:
		if v.kind != 'b' {
			return errors.New("not a bool")
		}
		f.SetBool(v.b)
	case t == refStringsType:
		if v.kind != 'a' {
			return errors.New("not an array")
		}
		out := []string{}
		for _, e := range v.elems {
			switch e.kind {
			case 's':
				out = append(out, e.s)
			case 'z':
				out = append(out, "")
			default:
				return errors.New("not a string")
			}
		}
		f.Set(reflect.ValueOf(out))
	case t == refValuesType:
		if v.kind != 'o' {
			return errors.New("not an object")
		}
		if v.nesting() > refMaxNesting {
			return errors.New("value nested too deep")
		}
		f.Set(reflect.ValueOf(refJSONAny(v)))
	case t.Kind() == reflect.Interface:
		if v.nesting() > refMaxNesting {
			return errors.New("value nested too deep")
		}
		if a := refJSONAny(v); a != nil {
			f.Set(reflect.ValueOf(a))
		} else {
			f.SetZero()
		}
	case t.Kind() == reflect.Struct:
		if v.kind != 'o' {
			return errors.New("not an object")
		}
		return refJSONObject(f, v)
	case t.Kind() == reflect.Slice:
		if v.kind != 'a' {
			return errors.New("not an array")
		}
		out := reflect.MakeSlice(t, 0, len(v.elems))
		for _, e := range v.elems {
			if e.kind != 'o' {
				return errors.New("an element is not an object")
			}
			item := reflect.New(t.Elem()).Elem()
			if err := refJSONObject(item, e); err != nil {
				return err
			}
			out = reflect.Append(out, item)
		}
		f.Set(out)
	default:
		panic("no reference rule for " + t.String())
	}
	return nil
}

// refJSONAny converts an untyped value.
func refJSONAny(v rjv) any {
	switch v.kind {
	case 's':
		return v.s
	case 'b':
		return v.b
	case 'n':
		if !strings.ContainsAny(v.s, ".eE") {
			if n, err := strconv.ParseInt(v.s, 10, 64); err == nil {
				return n
			}
		}
		f, _ := strconv.ParseFloat(v.s, 64) // json.Valid checked the syntax; past the range, ±Inf
		return f
	case 'o':
		out := map[string]any{}
		for k, key := range v.keys {
			out[key] = refJSONAny(v.elems[k])
		}
		return out
	case 'a':
		out := []any{}
		for _, e := range v.elems {
			out = append(out, refJSONAny(e))
		}
		return out
	}
	return nil
}

// --- XML ---

// rxd reads XML with encoding/xml's RawToken, resolving namespaces and
// matching end tags itself, and applying the rules of the API's XML that
// encoding/xml does not: ASCII names, no DTD, bounded nesting, an XML
// declaration only at the start.
type rxd struct {
	d      *xml.Decoder
	data   []byte
	open   []rxOpen
	binds  []rxBind
	tokens int
	el     rxEl // the start tag read last
}

type rxOpen struct {
	name  string // qualified, as written
	binds int    // len(binds) before its declarations
}

type rxBind struct{ prefix, uri string }

// rxEl is a start tag: its namespace URI and local name, i:nil and what
// its i:type names.
type rxEl struct {
	space, local string
	isNil        bool
	typ          string // "" (none), "string", "int", "float", "bool", "dateTime", "dto" (System's DateTimeOffset), "array" or "other"
}

var (
	rxName    = `[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?`
	rxTag     = regexp.MustCompile(`^<` + rxName + `(?:[ \t\r\n]+` + rxName + `[ \t\r\n]*=[ \t\r\n]*(?:"[^"]*"|'[^']*'))*[ \t\r\n]*/?>$`)
	rxPI      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)
	rxDeclVal = `(?:"[A-Za-z0-9._-]*"|'[A-Za-z0-9._-]*')`
	rxDecl    = regexp.MustCompile(`^[ \t\r\n]*version[ \t\r\n]*=[ \t\r\n]*(?:"1\.0"|'1\.0')(?:[ \t\r\n]+(?:encoding|standalone)[ \t\r\n]*=[ \t\r\n]*` + rxDeclVal + `)*[ \t\r\n]*$`)
)

func (x *rxd) fail(msg string) error {
	return fmt.Errorf("invalid XML at byte %d: %s", x.d.InputOffset(), msg)
}

func (x *rxd) lookup(prefix string) (string, bool) {
	for k := len(x.binds) - 1; k >= 0; k-- {
		if x.binds[k].prefix == prefix {
			return x.binds[k].uri, true
		}
	}
	switch prefix {
	case "":
		return "", true
	case "xml":
		return "http://www.w3.org/XML/1998/namespace", true
	}
	return "", false
}

// token returns the next token: a copy, with a start tag's namespaces
// resolved into x.el. The end of input is io.EOF only outside the root.
func (x *rxd) token() (xml.Token, error) {
	start := x.d.InputOffset()
	tok, err := x.d.RawToken()
	if err == io.EOF {
		if len(x.open) > 0 {
			return nil, x.fail("unexpected end of input")
		}
		return nil, io.EOF
	}
	if err != nil {
		return nil, x.fail(err.Error())
	}
	x.tokens++
	switch t := tok.(type) {
	case xml.StartElement:
		if !rxTag.Match(x.data[start:x.d.InputOffset()]) {
			return nil, x.fail("malformed start tag")
		}
		if len(x.open) == refMaxXMLDepth {
			return nil, x.fail("elements nested too deep")
		}
		if err := x.start(t); err != nil {
			return nil, err
		}
	case xml.EndElement:
		name := t.Name.Local
		if t.Name.Space != "" {
			name = t.Name.Space + ":" + name
		}
		if len(x.open) == 0 || x.open[len(x.open)-1].name != name {
			return nil, x.fail("end tag does not match")
		}
		x.binds = x.binds[:x.open[len(x.open)-1].binds]
		x.open = x.open[:len(x.open)-1]
	case xml.Directive:
		return nil, x.fail("DTDs and directives are not allowed")
	case xml.ProcInst:
		switch {
		case t.Target == "xml":
			if x.tokens > 1 || !rxDecl.Match(t.Inst) {
				return nil, x.fail("misplaced or malformed XML declaration")
			}
		case !rxPI.MatchString(t.Target) || strings.EqualFold(t.Target, "xml"):
			return nil, x.fail("invalid processing instruction target")
		}
	case xml.CharData:
		return t.Copy(), nil
	}
	return tok, nil
}

// start resolves a start tag's namespaces, i:nil and i:type.
func (x *rxd) start(t xml.StartElement) error {
	mark := len(x.binds)
	nils, typ := 0, -1
	for k, a := range t.Attr {
		switch {
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			x.binds = append(x.binds, rxBind{"", a.Value})
		case a.Name.Space == "xmlns":
			if a.Value == "" {
				return x.fail("empty namespace for a prefix")
			}
			x.binds = append(x.binds, rxBind{a.Name.Local, a.Value})
		case a.Name.Space != "" && a.Name.Local == "nil":
			if nils++; nils > 4 { // the fast decoder's bound
				return x.fail("too many nil attributes")
			}
		case a.Name.Space != "" && a.Name.Local == "type":
			typ = k
		}
	}
	name := t.Name.Local
	if t.Name.Space != "" {
		name = t.Name.Space + ":" + name
	}
	x.open = append(x.open, rxOpen{name: name, binds: mark})
	uri, ok := x.lookup(t.Name.Space)
	if !ok {
		return x.fail("undeclared namespace prefix")
	}
	x.el = rxEl{space: uri, local: t.Name.Local}
	for _, a := range t.Attr {
		if a.Name.Space == "" || a.Name.Space == "xmlns" || a.Name.Local != "nil" {
			continue
		}
		if ns, ok := x.lookup(a.Name.Space); ok && ns == refNSXSI {
			switch strings.Trim(a.Value, " \t\r\n") {
			case "true", "1":
				x.el.isNil = true
			case "false", "0":
				x.el.isNil = false
			default:
				return x.fail("invalid i:nil value")
			}
		}
	}
	if typ >= 0 {
		if ns, ok := x.lookup(t.Attr[typ].Name.Space); ok && ns == refNSXSI {
			x.el.typ = x.typeOf(strings.Trim(t.Attr[typ].Value, " \t\r\n"))
		}
	}
	return nil
}

// typeOf classifies the QName of an i:type.
func (x *rxd) typeOf(qname string) string {
	prefix, local, ok := strings.Cut(qname, ":")
	if !ok {
		prefix, local = "", qname
	}
	ns, ok := x.lookup(prefix)
	if !ok {
		return "other"
	}
	switch ns {
	case refNSXSD:
		switch local {
		case "string", "anyURI", "QName", "char", "guid", "duration":
			return "string"
		case "int", "long", "short", "byte", "unsignedInt", "unsignedShort", "unsignedByte", "unsignedLong", "integer":
			return "int"
		case "double", "float", "decimal":
			return "float"
		case "boolean":
			return "bool"
		case "dateTime":
			return "dateTime"
		}
	case refNSSystem:
		if local == "DateTimeOffset" {
			return "dto"
		}
	case refNSArrays:
		if strings.HasPrefix(local, "ArrayOf") {
			return "array"
		}
	}
	return "other"
}

// next returns the next start (true) or end (false) tag inside the root,
// skipping text, comments and processing instructions.
func (x *rxd) next() (bool, error) {
	for {
		tok, err := x.token()
		if err == io.EOF {
			return false, x.fail("unexpected end of input")
		}
		if err != nil {
			return false, err
		}
		switch tok.(type) {
		case xml.StartElement:
			return true, nil
		case xml.EndElement:
			return false, nil
		}
	}
}

// skip consumes the rest of the element whose start tag was read.
func (x *rxd) skip() error {
	depth := len(x.open)
	for len(x.open) >= depth {
		if _, err := x.next(); err != nil {
			return err
		}
	}
	return nil
}

// textUntilTag reads text up to the next tag: start reports whether it is
// a start tag (then read) or the end tag of the current element (consumed).
func (x *rxd) textUntilTag() (text string, start bool, err error) {
	var b []byte
	for {
		tok, err := x.token()
		if err == io.EOF {
			return "", false, x.fail("unexpected end of input")
		}
		if err != nil {
			return "", false, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b = append(b, t...)
		case xml.StartElement:
			return string(b), true, nil
		case xml.EndElement:
			return string(b), false, nil
		}
	}
}

// leaf reads the text of an element that must hold text only.
func (x *rxd) leaf() (string, error) {
	text, start, err := x.textUntilTag()
	if err == nil && start {
		err = x.fail("element inside a value")
	}
	return text, err
}

func rxTrim(s string) string { return strings.Trim(s, " \t\r\n") }

func rxInt(s string) (int64, error) { return strconv.ParseInt(rxTrim(s), 10, 64) }

func rxBool(s string) (bool, error) {
	switch rxTrim(s) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("invalid boolean %q", s)
}

// rxDouble is the lexical form of xs:double, besides INF, -INF and NaN.
var rxDouble = regexp.MustCompile(`^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)

func rxFloat(s string) (float64, error) {
	switch s = rxTrim(s); s {
	case "INF":
		return math.Inf(1), nil
	case "-INF":
		return math.Inf(-1), nil
	case "NaN":
		return math.NaN(), nil
	}
	if !rxDouble.MatchString(s) {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, err
	}
	return f, nil
}

// refModelXML decodes data as a list of T in an ArrayOf<Name> root ([]T,
// nil when it holds none) or, without list, one T in a <Name> root (*T, nil
// when it holds none).
func refModelXML(data []byte, t reflect.Type, list bool) (any, error) {
	c := refContracts[t]
	root := c.name
	none := reflect.Zero(reflect.PointerTo(t))
	if list {
		root = "ArrayOf" + c.name
		none = reflect.Zero(reflect.SliceOf(t))
	}
	x, found, err := refXMLRoot(data, c.ns, root)
	if err != nil || !found {
		return none.Interface(), err
	}
	var out reflect.Value
	if list {
		out = none
		for {
			start, err := x.next()
			if err != nil {
				return nil, err
			}
			if !start {
				break
			}
			if x.el.space != c.ns || x.el.local != c.name {
				if err := x.skip(); err != nil {
					return nil, err
				}
				continue
			}
			if x.el.isNil {
				return nil, x.fail("nil item")
			}
			item := reflect.New(t).Elem()
			if err := x.object(item); err != nil {
				return nil, err
			}
			out = reflect.Append(out, item)
		}
	} else {
		out = reflect.New(t)
		if err := x.object(out.Elem()); err != nil {
			return nil, err
		}
	}
	if err := x.epilogue(); err != nil {
		return nil, err
	}
	return out.Interface(), nil
}

// refCountXML decodes DataContract's <int>.
func refCountXML(data []byte) (int64, error) {
	x, found, err := refXMLRoot(data, refNSSer, "int")
	if err != nil {
		return 0, err
	}
	if !found || x.el.isNil {
		return 0, errors.New("no integer")
	}
	text, err := x.leaf()
	if err != nil {
		return 0, err
	}
	n, err := rxInt(text)
	if err != nil {
		return 0, err
	}
	return n, x.epilogue()
}

// refXMLRoot reads the prolog and the root's start tag, which must be
// ns:local. found is false for an empty body or a nil root (consumed with
// what follows it).
func refXMLRoot(data []byte, ns, local string) (x *rxd, found bool, err error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if len(bytes.Trim(data, " \t\r\n")) == 0 {
		return nil, false, nil
	}
	if !utf8.Valid(data) {
		return nil, false, errors.New("invalid UTF-8")
	}
	for _, r := range string(data) { // raw characters XML does not allow, anywhere
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return nil, false, errors.New("character not allowed in XML")
		}
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil } // the bytes win
	x = &rxd{d: d, data: data}
	for {
		tok, err := x.token()
		if err == io.EOF {
			return nil, false, x.fail("no root element")
		}
		if err != nil {
			return nil, false, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.Trim(t, " \t\r\n")) != 0 {
				return nil, false, x.fail("text outside the root element")
			}
		case xml.EndElement:
			return nil, false, x.fail("unexpected end tag")
		case xml.StartElement:
			if x.el.space != ns || x.el.local != local {
				return nil, false, x.fail("root element is not " + local)
			}
			if !x.el.isNil {
				return x, true, nil
			}
			if err := x.skip(); err != nil {
				return nil, false, err
			}
			return nil, false, x.epilogue()
		}
	}
}

// epilogue checks that only whitespace, comments and processing
// instructions follow the root element.
func (x *rxd) epilogue() error {
	for {
		tok, err := x.token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.Trim(t, " \t\r\n")) != 0 {
				return x.fail("text after the root element")
			}
		case xml.StartElement, xml.EndElement:
			return x.fail("content after the root element")
		}
	}
}

// refFieldXML finds the field of a member element.
func refFieldXML(t reflect.Type, space, local string) (int, bool) {
	c := refContracts[t]
	for i := range t.NumField() {
		name := refWireName(t.Field(i))
		ns := c.ns
		if n, ok := c.memberNS[name]; ok {
			ns = n
		}
		if name == local && ns == space {
			return i, true
		}
	}
	return 0, false
}

// object decodes the children of the element whose start tag was read
// into the struct dst.
func (x *rxd) object(dst reflect.Value) error {
	for {
		start, err := x.next()
		if err != nil || !start {
			return err
		}
		i, ok := refFieldXML(dst.Type(), x.el.space, x.el.local)
		switch {
		case !ok:
			err = x.skip()
		case x.el.isNil:
			if err = x.skip(); err == nil {
				dst.Field(i).SetZero()
			}
		default:
			err = x.field(dst.Field(i))
		}
		if err != nil {
			return err
		}
	}
}

// field decodes a member element whose start tag was read into f.
func (x *rxd) field(f reflect.Value) error {
	switch t := f.Type(); {
	case t == refTimeType:
		text, start, err := x.textUntilTag()
		if err != nil {
			return err
		}
		if !start { // a DateTime
			d, err := refParseDate(rxTrim(text), false)
			if err != nil {
				return err
			}
			f.Set(reflect.ValueOf(d))
			return nil
		}
		if rxTrim(text) != "" {
			return x.fail("text mixed with elements in a date")
		}
		d, err := x.dateTimeOffset(true)
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(d))
	case t.Kind() == reflect.Int64:
		text, err := x.leaf()
		if err != nil {
			return err
		}
		n, err := rxInt(text)
		if err != nil {
			return err
		}
		f.SetInt(n)
	case t.Kind() == reflect.String:
		text, err := x.leaf()
		if err != nil {
			return err
		}
		f.SetString(text)
	case t.Kind() == reflect.Bool:
		text, err := x.leaf()
		if err != nil {
			return err
		}
		b, err := rxBool(text)
		if err != nil {
			return err
		}
		f.SetBool(b)
	case t == refStringsType:
		out := []string{}
		for {
			start, err := x.next()
			if err != nil {
				return err
			}
			if !start {
				break
			}
			switch {
			case x.el.space != refNSArrays || x.el.local != "string":
				err = x.skip()
			case x.el.isNil:
				err = x.skip()
				out = append(out, "")
			default:
				var s string
				s, err = x.leaf()
				out = append(out, s)
			}
			if err != nil {
				return err
			}
		}
		f.Set(reflect.ValueOf(out))
	case t == refValuesType:
		out := map[string]any{}
		for {
			start, err := x.next()
			if err != nil {
				return err
			}
			if !start {
				break
			}
			if x.el.space != refNSArrays || x.el.local != "KeyValueOfstringanyType" || x.el.isNil {
				err = x.skip()
			} else {
				err = x.keyValue(out)
			}
			if err != nil {
				return err
			}
		}
		f.Set(reflect.ValueOf(out))
	case t.Kind() == reflect.Interface:
		v, err := x.anyValue()
		if err != nil {
			return err
		}
		if v != nil {
			f.Set(reflect.ValueOf(v))
		} else {
			f.SetZero()
		}
	case t.Kind() == reflect.Struct:
		return x.object(f)
	case t.Kind() == reflect.Slice:
		c := refContracts[t.Elem()]
		out := reflect.MakeSlice(t, 0, 0)
		for {
			start, err := x.next()
			if err != nil {
				return err
			}
			if !start {
				break
			}
			if x.el.space != c.ns || x.el.local != c.name || x.el.isNil {
				err = x.skip()
			} else {
				item := reflect.New(t.Elem()).Elem()
				err = x.object(item)
				out = reflect.Append(out, item)
			}
			if err != nil {
				return err
			}
		}
		f.Set(out)
	default:
		panic("no reference rule for " + t.String())
	}
	return nil
}

// keyValue decodes one KeyValueOfstringanyType into out.
func (x *rxd) keyValue(out map[string]any) error {
	var key string
	var v any
	hasKey := false
	for {
		start, err := x.next()
		if err != nil {
			return err
		}
		if !start {
			break
		}
		switch {
		case x.el.space == refNSArrays && x.el.local == "Key" && !x.el.isNil:
			key, err = x.leaf()
			hasKey = true
		case x.el.space == refNSArrays && x.el.local == "Value":
			v, err = x.anyValue()
		default:
			err = x.skip()
		}
		if err != nil {
			return err
		}
	}
	if !hasKey {
		return x.fail("entry without a key")
	}
	out[key] = v
	return nil
}

// anyValue decodes an untyped element whose start tag was read, by its
// i:type.
func (x *rxd) anyValue() (any, error) {
	el := x.el
	if el.isNil {
		return nil, x.skip()
	}
	switch el.typ {
	case "dto":
		return x.dateTimeOffset(false)
	case "array":
		out := []any{}
		for {
			start, err := x.next()
			if err != nil {
				return nil, err
			}
			if !start {
				return out, nil
			}
			v, err := x.anyValue()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	}
	text, start, err := x.textUntilTag()
	if err != nil {
		return nil, err
	}
	if start { // child elements: a shape the decoders do not know
		return nil, x.skip2()
	}
	switch el.typ {
	case "int":
		return rxInt(text)
	case "float":
		return rxFloat(text)
	case "bool":
		return rxBool(text)
	case "dateTime":
		return refParseDate(rxTrim(text), false)
	}
	return text, nil
}

// skip2 consumes the rest of an element one of whose children's start tag
// was read.
func (x *rxd) skip2() error {
	if err := x.skip(); err != nil {
		return err
	}
	return x.skip()
}

// dateTimeOffset reads a DateTimeOffset's children, System's DateTime and
// OffsetMinutes; with child, the start tag of the first was read.
func (x *rxd) dateTimeOffset(child bool) (time.Time, error) {
	var date string
	var offset int64
	hasDate, hasOffset := false, false
	for {
		if !child {
			start, err := x.next()
			if err != nil {
				return time.Time{}, err
			}
			if !start {
				break
			}
		}
		child = false
		isDate := x.el.space == refNSSystem && x.el.local == "DateTime"
		isOffset := x.el.space == refNSSystem && x.el.local == "OffsetMinutes"
		if !isDate && !isOffset {
			if err := x.skip(); err != nil {
				return time.Time{}, err
			}
			continue
		}
		if x.el.isNil {
			return time.Time{}, x.fail("nil DateTime or OffsetMinutes")
		}
		text, err := x.leaf()
		if err != nil {
			return time.Time{}, err
		}
		if isDate {
			date, hasDate = rxTrim(text), true
		} else {
			if offset, err = rxInt(text); err != nil {
				return time.Time{}, err
			}
			hasOffset = true
		}
	}
	if !hasDate {
		return time.Time{}, x.fail("date without DateTime")
	}
	return refCombine(date, offset, hasOffset)
}
