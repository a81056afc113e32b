package which50

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Generated payloads for every model: random items written as Json.NET
// and DataContractSerializer would, with variations (members omitted, null
// or nil, unknown members, any member order, member names in another case
// in JSON, whitespace and comments, every string escape, every date form,
// nested any values of every type), together with what they must decode
// to.

// allModels are the descriptions of every model the API answers with.
var allModels = []*model{
	interactionModel, contactModel, contactListModel, fieldModel, emailModel, textMessageModel,
	landingPageModel, webFormModel, journeyModel, activityModel, importJobModel,
}

// TestModelsGenerated decodes random payloads of every model, as lists and
// as single items, with the fast and the reference decoders, and checks
// both against what the generator wrote.
func TestModelsGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, m := range allModels {
		for _, list := range []bool{true, false} {
			for _, f := range []Format{FormatJSON, FormatXML} {
				dm := decodeMode{m: m, list: list}
				for n := range 40 {
					g := &modelGen{rng: rng, xml: f == FormatXML}
					payload, want := g.payload(m.typ, list)
					got, err := sdkDecode(f, iotest.HalfReader(bytes.NewReader(payload)), dm)
					if err != nil {
						t.Fatalf("%s %s list=%v payload %d: fast: %v\n%s", m.name, f, list, n, err, payload)
					}
					if diff := cmp.Diff(want, got, cmpModels); diff != "" {
						t.Fatalf("%s %s list=%v payload %d: fast (-want +got):\n%s\n%s", m.name, f, list, n, diff, payload)
					}
					ref, err := refDecode(f, payload, dm)
					if err != nil {
						t.Fatalf("%s %s list=%v payload %d: reference: %v\n%s", m.name, f, list, n, err, payload)
					}
					if diff := cmp.Diff(want, ref, cmpModels); diff != "" {
						t.Fatalf("%s %s list=%v payload %d: reference (-want +got):\n%s\n%s", m.name, f, list, n, diff, payload)
					}
				}
			}
		}
	}
}

type modelGen struct {
	rng *rand.Rand
	xml bool
	b   []byte
}

// payload returns a body of random items of t (a list, or one item) and
// what it decodes to: []T (nil for none) or *T (nil for none).
func (g *modelGen) payload(t reflect.Type, list bool) ([]byte, any) {
	c := refContracts[t]
	n := 1
	if list {
		n = g.rng.IntN(5)
	}
	if list && n == 0 || !list && g.rng.IntN(10) == 0 {
		none := reflect.Zero(reflect.PointerTo(t))
		if list {
			none = reflect.Zero(reflect.SliceOf(t))
		}
		if !g.xml {
			return []byte([]string{"null", "", " ", "[]"}[g.rng.IntN(3)+b2i(list)]), none.Interface()
		}
		root := c.name
		if list {
			root = "ArrayOf" + root
		}
		attrs := ` xmlns:i="` + refNSXSI + `" xmlns="` + c.ns + `"`
		return []byte([]string{"<" + root + attrs + "/>", "<" + root + ` i:nil="true"` + attrs + "></" + root + ">", ""}[g.rng.IntN(2+b2i(list))+1-b2i(list)]), none.Interface()
	}
	if g.rng.IntN(8) == 0 {
		g.b = append(g.b, utf8BOM...)
	}
	items := reflect.MakeSlice(reflect.SliceOf(t), n, n)
	if !g.xml {
		if list {
			g.b = append(g.b, '[')
		}
		for i := range n {
			if i > 0 {
				g.b = append(g.b, ',')
			}
			g.ws()
			g.jsonObject(items.Index(i))
		}
		if list {
			g.b = append(g.b, ']')
		}
	} else {
		if g.rng.IntN(4) == 0 {
			g.b = append(g.b, `<?xml version="1.0" encoding="utf-8"?>`...)
		}
		root := c.name
		if list {
			root = "ArrayOf" + root
		}
		g.b = append(g.b, "<"+root+` xmlns:i="`+refNSXSI+`" xmlns="`+c.ns+`">`...)
		if list {
			for i := range n {
				g.ws()
				g.b = append(g.b, "<"+c.name+">"...)
				g.xmlMembers(items.Index(i))
				g.b = append(g.b, "</"+c.name+">"...)
			}
		} else {
			g.xmlMembers(items.Index(0))
		}
		g.ws()
		g.b = append(g.b, "</"+root+">"...)
	}
	g.ws()
	if list {
		return g.b, items.Interface()
	}
	return g.b, items.Index(0).Addr().Interface()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ws writes whitespace, or in XML a comment, now and then.
func (g *modelGen) ws() {
	if g.rng.IntN(5) == 0 {
		pool := []string{" ", "\n", "\r\n  ", "\t"}
		if g.xml {
			pool = append(pool, "<!-- c -->")
		}
		g.b = append(g.b, pool[g.rng.IntN(len(pool))]...)
	}
}

// --- JSON ---

func (g *modelGen) jsonObject(v reflect.Value) {
	t := v.Type()
	var ms [][]byte
	for i := range t.NumField() {
		name := refWireName(t.Field(i))
		switch g.rng.IntN(10) {
		case 0: // omitted
			continue
		case 1:
			name = strings.ToLower(name)
		case 2:
			name = strings.ToUpper(name)
		}
		saved := g.b
		g.b = []byte(strconv.Quote(name) + ":")
		g.ws()
		if g.rng.IntN(8) == 0 {
			g.b = append(g.b, "null"...)
		} else {
			g.jsonField(v.Field(i))
		}
		ms, g.b = append(ms, g.b), saved
	}
	for range g.rng.IntN(3) {
		ms = append(ms, []byte(`"X`+strconv.Itoa(g.rng.IntN(100))+`":`+genJSONValue(g.rng, 3)))
	}
	if g.rng.IntN(3) == 0 {
		g.rng.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
	}
	g.b = append(g.b, '{')
	for i, m := range ms {
		if i > 0 {
			g.b = append(g.b, ',')
		}
		g.ws()
		g.b = append(g.b, m...)
	}
	g.b = append(g.b, '}')
}

func (g *modelGen) jsonField(f reflect.Value) {
	switch t := f.Type(); {
	case t == refTimeType:
		d, enc := genJSONDate(g.rng)
		f.Set(reflect.ValueOf(d))
		g.b = append(g.b, enc...)
	case t.Kind() == reflect.Int64:
		n := genInt(g.rng)
		f.SetInt(n)
		g.b = strconv.AppendInt(g.b, n, 10)
	case t.Kind() == reflect.String:
		s, enc := genJSONString(g.rng)
		f.SetString(s)
		g.b = append(g.b, enc...)
	case t.Kind() == reflect.Bool:
		b := g.rng.IntN(2) == 0
		f.SetBool(b)
		g.b = strconv.AppendBool(g.b, b)
	case t == refStringsType:
		out := []string{}
		g.b = append(g.b, '[')
		for i := range g.rng.IntN(4) {
			if i > 0 {
				g.b = append(g.b, ',')
			}
			if g.rng.IntN(5) == 0 {
				out = append(out, "")
				g.b = append(g.b, "null"...)
				continue
			}
			s, enc := genJSONString(g.rng)
			out = append(out, s)
			g.b = append(g.b, enc...)
		}
		g.b = append(g.b, ']')
		f.Set(reflect.ValueOf(out))
	case t == refValuesType:
		f.Set(reflect.ValueOf(g.jsonAnyObject(2)))
	case t.Kind() == reflect.Interface:
		if v := g.jsonAny(2); v != nil {
			f.Set(reflect.ValueOf(v))
		}
	case t.Kind() == reflect.Struct:
		g.jsonObject(f)
	case t.Kind() == reflect.Slice:
		n := g.rng.IntN(4)
		f.Set(reflect.MakeSlice(t, n, n))
		g.b = append(g.b, '[')
		for i := range n {
			if i > 0 {
				g.b = append(g.b, ',')
			}
			g.jsonObject(f.Index(i))
		}
		g.b = append(g.b, ']')
	}
}

// genFloat returns a float64 that is not an integer, or is written as a
// float, and its encoding.
func (g *modelGen) genFloat() (float64, string) {
	switch g.rng.IntN(6) {
	case 0:
		return 1.2345678901234568e+29, "123456789012345678901234567890"
	case 1:
		f := float64(g.rng.Int64N(1<<40)) * 1e-3
		return f, strconv.FormatFloat(f, 'E', -1, 64)
	}
	f := float64(g.rng.Int64N(2_000_000)-1_000_000)/64 + 1.0/128
	return f, strconv.FormatFloat(f, 'g', -1, 64)
}

func (g *modelGen) jsonAny(depth int) any {
	k := g.rng.IntN(8)
	if depth == 0 {
		k %= 6
	}
	switch k {
	case 0:
		s, enc := genJSONString(g.rng)
		g.b = append(g.b, enc...)
		return s
	case 1:
		n := genInt(g.rng)
		g.b = strconv.AppendInt(g.b, n, 10)
		return n
	case 2:
		f, enc := g.genFloat()
		g.b = append(g.b, enc...)
		return f
	case 3:
		b := g.rng.IntN(2) == 0
		g.b = strconv.AppendBool(g.b, b)
		return b
	case 4:
		g.b = append(g.b, "null"...)
		return nil
	case 5:
		s, enc := genJSONString(g.rng) // a date is a string in Values
		if g.rng.IntN(2) == 0 {
			_, enc = genJSONDate(g.rng)
			s = strings.ReplaceAll(strings.Trim(enc, `"`), `\/`, `/`)
		}
		g.b = append(g.b, enc...)
		return s
	case 6:
		return g.jsonAnyObject(depth - 1)
	}
	out := []any{}
	g.b = append(g.b, '[')
	for i := range g.rng.IntN(4) {
		if i > 0 {
			g.b = append(g.b, ',')
		}
		g.ws()
		out = append(out, g.jsonAny(depth-1))
	}
	g.b = append(g.b, ']')
	return out
}

func (g *modelGen) jsonAnyObject(depth int) map[string]any {
	out := map[string]any{}
	g.b = append(g.b, '{')
	for range g.rng.IntN(9) {
		key, enc := genJSONString(g.rng)
		if _, dup := out[key]; dup {
			continue
		}
		if len(out) > 0 {
			g.b = append(g.b, ',')
		}
		g.ws()
		g.b = append(g.b, enc+":"...)
		out[key] = g.jsonAny(depth)
	}
	g.b = append(g.b, '}')
	return out
}

// --- XML ---

// xmlMembers writes the member elements of v's model.
func (g *modelGen) xmlMembers(v reflect.Value) {
	t := v.Type()
	c := refContracts[t]
	var els [][]byte
	order := make([]int, t.NumField())
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		na, nb := refWireName(t.Field(a)), refWireName(t.Field(b))
		_, baseA := c.memberNS[na]
		_, baseB := c.memberNS[nb]
		if baseA != baseB {
			return b2i(baseB) - b2i(baseA)
		}
		return strings.Compare(na, nb)
	})
	for _, i := range order {
		name := refWireName(t.Field(i))
		attrs := ""
		if ns, ok := c.memberNS[name]; ok {
			attrs = ` xmlns="` + ns + `"`
		}
		saved := g.b
		g.b = nil
		switch g.rng.IntN(10) {
		case 0: // omitted
			g.b = saved
			continue
		case 1:
			g.b = append(g.b, "<"+name+attrs+` i:nil="true"`+[]string{"/>", " />", "></" + name + ">"}[g.rng.IntN(3)]...)
		default:
			g.xmlField(v.Field(i), name, attrs)
		}
		els, g.b = append(els, g.b), saved
	}
	for range g.rng.IntN(3) {
		els = append(els, []byte([]string{
			"<Extra>1</Extra>",
			`<x:Ext xmlns:x="urn:x"><x:Deep a="1">t<![CDATA[<]]></x:Deep></x:Ext>`,
			"<Empty/>",
			`<Id xmlns="urn:other">123</Id>`,
		}[g.rng.IntN(4)]))
	}
	if g.rng.IntN(3) == 0 {
		g.rng.Shuffle(len(els), func(i, j int) { els[i], els[j] = els[j], els[i] })
	}
	for _, e := range els {
		g.ws()
		g.b = append(g.b, e...)
	}
	g.ws()
}

// xmlInstant returns a random instant and its DateTime text, in UTC with
// Z, or without a suffix (read as UTC).
func (g *modelGen) xmlInstant() (time.Time, string) {
	t := genInstant(g.rng)
	if g.rng.IntN(3) == 0 {
		return t, t.Format("2006-01-02T15:04:05.9999999")
	}
	return t, t.Format("2006-01-02T15:04:05.9999999Z")
}

// xmlDateTimeOffset writes a DateTimeOffset's children and returns its
// time: the instant of a DateTime in UTC, or the clock time of one without
// a suffix, at OffsetMinutes.
func (g *modelGen) xmlDateTimeOffset(p string) time.Time {
	t, text := g.xmlInstant()
	off := genOffsets[g.rng.IntN(len(genOffsets))]
	g.b = append(g.b, "<"+p+":DateTime>"+text+"</"+p+":DateTime><"+p+":OffsetMinutes>"+strconv.Itoa(off)+"</"+p+":OffsetMinutes>"...)
	if !strings.HasSuffix(text, "Z") {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), zoneFor(off))
	}
	return t.In(zoneFor(off))
}

func (g *modelGen) xmlField(f reflect.Value, name, attrs string) {
	end := "</" + name + ">"
	switch t := f.Type(); {
	case t == refTimeType:
		if g.rng.IntN(2) == 0 {
			d, text := g.xmlInstant()
			f.Set(reflect.ValueOf(d))
			g.b = append(g.b, "<"+name+attrs+">"+text+end...)
			return
		}
		g.b = append(g.b, "<"+name+attrs+` xmlns:d3p1="`+refNSSystem+`">`...)
		f.Set(reflect.ValueOf(g.xmlDateTimeOffset("d3p1")))
		g.b = append(g.b, end...)
	case t.Kind() == reflect.Int64:
		n := genInt(g.rng)
		f.SetInt(n)
		g.b = append(g.b, "<"+name+attrs+">"+strconv.FormatInt(n, 10)+end...)
	case t.Kind() == reflect.String:
		s, enc := genXMLString(g.rng)
		f.SetString(s)
		g.b = append(g.b, "<"+name+attrs+">"+enc+end...)
	case t.Kind() == reflect.Bool:
		b := g.rng.IntN(2) == 0
		f.SetBool(b)
		g.b = append(g.b, "<"+name+attrs+">"+strconv.FormatBool(b)+end...)
	case t == refStringsType:
		out := []string{}
		g.b = append(g.b, "<"+name+attrs+` xmlns:d2p1="`+refNSArrays+`">`...)
		for range g.rng.IntN(4) {
			if g.rng.IntN(5) == 0 {
				out = append(out, "")
				g.b = append(g.b, `<d2p1:string i:nil="true"/>`...)
				continue
			}
			s, enc := genXMLString(g.rng)
			out = append(out, s)
			g.b = append(g.b, "<d2p1:string>"+enc+"</d2p1:string>"...)
		}
		g.b = append(g.b, end...)
		f.Set(reflect.ValueOf(out))
	case t == refValuesType:
		out := map[string]any{}
		g.b = append(g.b, "<"+name+attrs+` xmlns:d3p1="`+refNSArrays+`">`...)
		for range g.rng.IntN(9) {
			key, enc := genXMLString(g.rng)
			if _, dup := out[key]; dup {
				continue
			}
			g.ws()
			g.b = append(g.b, "<d3p1:KeyValueOfstringanyType><d3p1:Key>"+enc+"</d3p1:Key>"...)
			out[key] = g.xmlAny("d3p1:Value", 2)
			g.b = append(g.b, "</d3p1:KeyValueOfstringanyType>"...)
		}
		g.b = append(g.b, end...)
		f.Set(reflect.ValueOf(out))
	case t.Kind() == reflect.Interface:
		if v := g.xmlAny(name+attrs, 2); v != nil {
			f.Set(reflect.ValueOf(v))
		}
	case t.Kind() == reflect.Struct:
		g.b = append(g.b, "<"+name+attrs+">"...)
		g.xmlMembers(f)
		g.b = append(g.b, end...)
	case t.Kind() == reflect.Slice:
		elem := refContracts[t.Elem()].name
		n := g.rng.IntN(4)
		f.Set(reflect.MakeSlice(t, n, n))
		g.b = append(g.b, "<"+name+attrs+">"...)
		for i := range n {
			g.b = append(g.b, "<"+elem+">"...)
			g.xmlMembers(f.Index(i))
			g.b = append(g.b, "</"+elem+">"...)
		}
		g.b = append(g.b, end...)
	}
}

// xmlAny writes an object-typed element, tag being its name and any
// attributes it needs, with a random i:type and value, and returns the
// value.
func (g *modelGen) xmlAny(tag string, depth int) any {
	name, _, _ := strings.Cut(tag, " ")
	end := "</" + name + ">"
	typed := func(typ, text string) {
		g.b = append(g.b, "<"+tag+` xmlns:x="`+refNSXSD+`" i:type="x:`+typ+`">`+text+end...)
	}
	k := g.rng.IntN(11)
	if depth == 0 {
		k %= 9
	}
	switch k {
	case 0:
		s, enc := genXMLString(g.rng)
		typed("string", enc)
		return s
	case 1: // no i:type: the text
		s, enc := genXMLString(g.rng)
		g.b = append(g.b, "<"+tag+">"+enc+end...)
		return s
	case 2:
		n := genInt(g.rng)
		typed([]string{"int", "long", "short"}[g.rng.IntN(3)], strconv.FormatInt(n, 10))
		return n
	case 3:
		switch g.rng.IntN(4) {
		case 0:
			typed("double", "INF")
			return math.Inf(1)
		case 1:
			typed("double", "NaN")
			return math.NaN()
		}
		f, enc := g.genFloat()
		typed([]string{"double", "float", "decimal"}[g.rng.IntN(3)], enc)
		return f
	case 4:
		b := g.rng.IntN(2) == 0
		text := strconv.FormatBool(b)
		if g.rng.IntN(3) == 0 {
			text = strconv.Itoa(b2i(b))
		}
		typed("boolean", text)
		return b
	case 5:
		t, text := g.xmlInstant()
		typed("dateTime", text)
		return t
	case 6:
		g.b = append(g.b, "<"+tag+` i:nil="true"/>`...)
		return nil
	case 7:
		g.b = append(g.b, "<"+tag+` xmlns:s="`+refNSSystem+`" i:type="s:DateTimeOffset">`...)
		t := g.xmlDateTimeOffset("s")
		g.b = append(g.b, end...)
		return t
	case 8: // a shape the decoders do not know
		g.b = append(g.b, "<"+tag+` xmlns:y="urn:y" i:type="y:Thing"><y:a>1</y:a>`+end...)
		return nil
	case 9:
		out := []any{}
		g.b = append(g.b, "<"+tag+` xmlns:b="`+refNSArrays+`" i:type="b:ArrayOfanyType">`...)
		for range g.rng.IntN(4) {
			out = append(out, g.xmlAny("b:anyType", depth-1))
		}
		g.b = append(g.b, end...)
		return out
	}
	out := []any{}
	g.b = append(g.b, "<"+tag+` xmlns:b="`+refNSArrays+`" i:type="b:ArrayOfstring">`...)
	for range g.rng.IntN(4) {
		s, enc := genXMLString(g.rng)
		out = append(out, s)
		g.b = append(g.b, "<b:string>"+enc+"</b:string>"...)
	}
	g.b = append(g.b, end...)
	return out
}
