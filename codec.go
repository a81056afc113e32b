package which50

import (
	"encoding/binary"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"
	"unsafe"
)

// The codec reads every model of the API with one JSON decoder (json.go) and
// one XML decoder (xml.go). Neither knows a model: each is driven by a
// description of it, built once from the Go type by describe. A description
// lists the model's wire members in Json.NET's order with, for each, how it
// is read (its kind), where it lives in the Go value (a field offset), and
// for nested models their own description. The decoders write through
// unsafe.Pointer at those offsets, which is what makes a description as fast
// as the hand-written scanner it replaced: no reflection runs while
// decoding.
//
// Descriptions are built from the struct's json tags (the wire names), so
// the names json.Marshal writes and the names the decoders read cannot drift
// apart. What the tags cannot say, a model's DataContract name and XML
// namespaces, describe takes as arguments.

// kind says how a member is read from the wire.
type kind uint8

const (
	kindInt64   kind = iota + 1 // a JSON integer; XML xs:long text
	kindString                  // a JSON string; XML text
	kindBool                    // true or false
	kindTime                    // a date string; XML DateTime text or DateTime+OffsetMinutes
	kindStrings                 // []string: a JSON array; XML ArrayOfstring
	kindAny                     // any: see decodeAny in each decoder
	kindValues                  // map[string]any: a JSON object; XML Dictionary<string, object>
	kindStruct                  // a nested model
	kindSlice                   // a list of a nested model
)

// member is one wire member of a model.
type member struct {
	name    string // the wire name
	jsonKey string // `"name":` as Json.NET writes it
	xmlTag  string // "<name>": its start tag as DataContractSerializer writes it
	// keyWords and keyMasks hold jsonKey as two little-endian words, for
	// a key of at most 16 bytes: the JSON decoder compares 16 bytes of
	// input with them instead of calling memequal.
	keyWords, keyMasks [2]uint64
	ns                 int // XML namespace of its element, one of the ns constants
	kind               kind
	off                uintptr // of its Go field in the model's struct
	idx                int     // its index in model.members
	elem               *model  // for kindStruct and kindSlice
}

// model describes one wire model.
type model struct {
	name    string // DataContract name, the XML element of one item
	ns      int    // XML namespace of the item element (and of ArrayOf<name>)
	members []member
	// xmlOrder lists member indexes in the order DataContractSerializer
	// writes them (ordinal by name), for the decoder's fast path.
	xmlOrder []int
	typ      reflect.Type
	// zero clears a value of the model; appendZero appends a zero element
	// to a *[]T and returns a pointer to it; setEmpty sets a *[]T to an
	// empty, non-nil slice and setNil to nil.
	zero       func(p unsafe.Pointer)
	appendZero func(slice unsafe.Pointer) unsafe.Pointer
	setEmpty   func(slice unsafe.Pointer)
	setNil     func(slice unsafe.Pointer)
	// jsonSize and xmlSize estimate the bytes one item takes on the wire,
	// to size a result slice from a Content-Length.
	jsonSize, xmlSize int64
}

// XML namespaces of the API's DataContract XML. Elements are matched by
// namespace URI, never by prefix.
const (
	nsOther         = iota // bound to a URI the API does not use
	nsNone                 // no namespace
	nsDTO                  // W50API.Models.DTO: most models
	nsContacts             // W50API.Models.DTO.Contacts: a contact's interactions
	nsCommon               // W50Common.Model.DTO: Contact's base class
	nsSystem               // System: DateTimeOffset's members
	nsArrays               // Serialization/Arrays: lists and dictionaries
	nsSerialization        // Serialization: primitive roots such as <int>
	nsXSI                  // XMLSchema-instance: i:nil, i:type
	nsXSD                  // XMLSchema: the types i:type names
)

// namespaceURIs maps the URIs to the constants above.
var namespaceURIs = [...]string{
	nsDTO:           "http://schemas.datacontract.org/2004/07/W50API.Models.DTO",
	nsContacts:      "http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts",
	nsCommon:        "http://schemas.datacontract.org/2004/07/W50Common.Model.DTO",
	nsSystem:        "http://schemas.datacontract.org/2004/07/System",
	nsArrays:        "http://schemas.microsoft.com/2003/10/Serialization/Arrays",
	nsSerialization: "http://schemas.microsoft.com/2003/10/Serialization/",
	nsXSI:           "http://www.w3.org/2001/XMLSchema-instance",
	nsXSD:           "http://www.w3.org/2001/XMLSchema",
}

// The API's models.
var (
	interactionModel = describe[ContactInteraction]("ContactInteraction", nsContacts, nil)
	contactModel     = describe[Contact]("Contact", nsDTO, map[string]int{
		// Members of Contact's base class, in the base class's namespace.
		"ValidationWarnings": nsCommon, "EncContactId": nsCommon, "Id": nsCommon, "ListId": nsCommon, "Values": nsCommon,
	})
	contactListModel = describe[ContactList]("ContactsList", nsDTO, nil)
	fieldValueModel  = describe[ContactSchemaFieldValue]("ContactSchemaFieldValue", nsDTO, nil)
	fieldModel       = describe[ContactSchemaField]("ContactSchemaField", nsDTO, nil, fieldValueModel)
	emailModel       = describe[ContactEmail]("ContactEmail", nsContacts, nil)
	textMessageModel = describe[ContactTextMessage]("ContactTextMessage", nsContacts, nil)
	landingPageModel = describe[ContactLandingPage]("ContactLandingPage", nsContacts, nil)
	webFormModel     = describe[ContactWebForm]("ContactWebForm", nsContacts, nil)
	journeyModel     = describe[Journey]("Campaign", nsDTO, nil)
	targetModel      = describe[Target]("Target", nsDTO, nil)
	activityModel    = describe[JourneyActivity]("CampaignActivity", nsDTO, nil, targetModel)
	importJobModel   = describe[ImportJob]("ImportJob", nsDTO, nil)
)

// describe builds the description of T, a struct whose exported fields all
// carry a json tag with their wire name. name is its DataContract name, ns
// the namespace of its members and memberNS the members (by wire name) that
// sit in another namespace, as a base class's members do. nested are the
// descriptions of the models T holds. A type describe cannot read is a
// programming error: it panics when the package loads.
func describe[T any](name string, ns int, memberNS map[string]int, nested ...*model) *model {
	t := reflect.TypeFor[T]()
	m := &model{
		typ:  t,
		name: name,
		ns:   ns,
		zero: func(p unsafe.Pointer) { *(*T)(p) = *new(T) },
		appendZero: func(s unsafe.Pointer) unsafe.Pointer {
			sl := (*[]T)(s)
			*sl = append(*sl, *new(T))
			return unsafe.Pointer(&(*sl)[len(*sl)-1])
		},
		setEmpty: func(s unsafe.Pointer) { *(*[]T)(s) = []T{} },
		setNil:   func(s unsafe.Pointer) { *(*[]T)(s) = nil },
		jsonSize: 2,
	}
	for i := range t.NumField() {
		f := t.Field(i)
		wire, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if wire == "" || wire == "-" {
			panic(fmt.Sprintf("which50: %s.%s has no wire name", t.Name(), f.Name))
		}
		mb := member{name: wire, jsonKey: `"` + wire + `":`, xmlTag: "<" + wire + ">", ns: ns, off: f.Offset}
		if n, ok := memberNS[wire]; ok {
			mb.ns = n
		}
		if len(mb.jsonKey) <= 16 {
			var k [16]byte
			copy(k[:], mb.jsonKey)
			for w := range 2 {
				mb.keyWords[w] = binary.LittleEndian.Uint64(k[8*w:])
				for b := 8 * w; b < min(len(mb.jsonKey), 8*w+8); b++ {
					mb.keyMasks[w] |= 0xFF << (8 * (b - 8*w))
				}
			}
		}
		// Small but typical bytes of the value in JSON and in XML, for
		// the size estimates: a slice presized from them has room for
		// every item of a body of ordinary items.
		jv, xv := 4, 4
		switch ft := f.Type; {
		case ft == reflect.TypeFor[time.Time]():
			mb.kind, jv, xv = kindTime, 28, 120
		case ft.Kind() == reflect.Int64:
			mb.kind, jv, xv = kindInt64, 2, 2
		case ft.Kind() == reflect.String:
			mb.kind = kindString
		case ft.Kind() == reflect.Bool:
			mb.kind = kindBool
		case ft == reflect.TypeFor[[]string]():
			mb.kind, jv, xv = kindStrings, 8, 60
		case ft == reflect.TypeFor[map[string]any]():
			mb.kind, jv, xv = kindValues, 16, 150
		case ft.Kind() == reflect.Interface && ft.NumMethod() == 0:
			mb.kind, xv = kindAny, 60
		case ft.Kind() == reflect.Struct:
			mb.kind, mb.elem = kindStruct, nestedModel(ft, nested)
			jv, xv = int(mb.elem.jsonSize), int(mb.elem.xmlSize)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			mb.kind, mb.elem = kindSlice, nestedModel(ft.Elem(), nested)
			jv, xv = 2, 0
		default:
			panic(fmt.Sprintf("which50: %s.%s: no kind for %s", t.Name(), f.Name, ft))
		}
		mb.idx = len(m.members)
		m.members = append(m.members, mb)
		m.jsonSize += int64(len(mb.jsonKey) + 1 + jv)
		m.xmlSize += int64(2*len(wire) + 5 + xv)
	}
	m.xmlSize += int64(2*len(name) + 5)
	m.xmlOrder = make([]int, len(m.members))
	for i := range m.xmlOrder {
		m.xmlOrder[i] = i
	}
	// DataContractSerializer writes a base class's members first, each
	// class's in ordinal order of their names.
	slices.SortStableFunc(m.xmlOrder, func(a, b int) int {
		ma, mb := &m.members[a], &m.members[b]
		if (ma.ns == ns) != (mb.ns == ns) {
			if mb.ns == ns {
				return -1
			}
			return 1
		}
		return strings.Compare(ma.name, mb.name)
	})
	return m
}

func nestedModel(t reflect.Type, nested []*model) *model {
	for _, m := range nested {
		if m.typ == t {
			return m
		}
	}
	panic(fmt.Sprintf("which50: no description of %s given", t))
}

// memberJSON finds the member a JSON name stands for: an exact match first,
// then, as encoding/json and Json.NET do, a case-insensitive one.
func (m *model) memberJSON(name []byte) *member {
	for i := range m.members {
		if m.members[i].name == string(name) {
			return &m.members[i]
		}
	}
	for i := range m.members {
		if strings.EqualFold(m.members[i].name, string(name)) {
			return &m.members[i]
		}
	}
	return nil
}

// memberXML finds the member of an element, by namespace and local name;
// hint is the index in xmlOrder where the search starts, the member
// DataContractSerializer writes next.
func (m *model) memberXML(ns int, local []byte, hint int) (*member, int) {
	n := len(m.xmlOrder)
	for k := range n {
		i := hint + k
		if i >= n {
			i -= n
		}
		mb := &m.members[m.xmlOrder[i]]
		if mb.ns == ns && mb.name == string(local) {
			return mb, i + 1
		}
	}
	return nil, hint
}

// expectedItems estimates how many items of m a body of the given length
// holds, from the typical size of one item; 0 for an unknown length.
func (m *model) expectedItems(f Format, contentLength int64) int {
	size := m.jsonSize
	if f == FormatXML {
		size = m.xmlSize
	}
	return int(max(contentLength, 0) / max(size, 1))
}

// decodeList decodes a list of m's items from r in format f, calling yield
// after each item is decoded into item, with the bytes of r the decoder has
// consumed so far; it returns nil early if yield returns false. item is
// scratch storage for one item, reused: yield must copy what it keeps.
func decodeList(f Format, r io.Reader, m *model, item unsafe.Pointer, yield func(offset int64) bool) error {
	return decodeItems(f, r, m, func() unsafe.Pointer { m.zero(item); return item }, yield)
}

// decodeItems is decodeList with each item decoded into the storage next
// returns, which must hold a zero value of m's type, so that a caller
// collecting items can have them decoded in place.
func decodeItems(f Format, r io.Reader, m *model, next func() unsafe.Pointer, yield func(offset int64) bool) error {
	if f == FormatXML {
		d := &xmlDecoder{}
		d.init(r, "XML")
		defer d.release()
		return d.document(m, true, next, yield)
	}
	d := &jsonDecoder{}
	d.init(r, "JSON")
	defer d.release()
	return d.document(m, true, next, yield)
}

// decodeOne decodes one item of m from r into dst. found is false for an
// answer that holds none: an empty body, JSON null, a nil XML root.
func decodeOne(f Format, r io.Reader, m *model, dst unsafe.Pointer) (found bool, err error) {
	yield := func(int64) bool { found = true; return true }
	next := func() unsafe.Pointer { return dst }
	if f == FormatXML {
		d := &xmlDecoder{}
		d.init(r, "XML")
		defer d.release()
		return found, d.document(m, false, next, yield)
	}
	d := &jsonDecoder{}
	d.init(r, "JSON")
	defer d.release()
	return found, d.document(m, false, next, yield)
}

// decodeCount decodes an integer answer, such as the number of contacts a
// PATCH updated: a JSON number or DataContract's <int>.
func decodeCount(f Format, r io.Reader) (int64, error) {
	if f == FormatXML {
		d := &xmlDecoder{}
		d.init(r, "XML")
		defer d.release()
		return d.count()
	}
	d := &jsonDecoder{}
	d.init(r, "JSON")
	defer d.release()
	return d.count()
}
