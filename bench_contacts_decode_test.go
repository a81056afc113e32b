package which50_test

// Decode benchmarks of a journey's contacts (Journeys.Contacts): 2,000
// contacts, each with nine Values of mixed types as in the captures and a
// validation warning now and then, decoded by the SDK and by what a user
// would write with encoding/json or encoding/xml (the hand-rolled
// baselines below, which TestContactsBaselinesAgree holds to the SDK's
// values).
//
//	go test -run '^$' -bench 'DecodeContacts|JourneyContacts' -benchmem -count 6 . | tee /tmp/contacts.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /impl /tmp/contacts.txt

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/which50-go/which50"
)

// benchContacts returns n contacts as a journey's contact list holds them,
// with the values the format gives back: a date in Values is a string in
// JSON (Json.NET writes a date in a Dictionary<string, object> as a
// string) and a time.Time in XML (typed xs:dateTime); only XML carries Id.
func benchContacts(n int, f which50.Format) []which50.Contact {
	rng := rand.New(rand.NewPCG(11, uint64(n)))
	first := []string{"Casey", "Robin", "Alex", "Sam", "Jordan", "Zoë", "Łukasz", "Mei", "Ana", "Noah"}
	cities := []string{"Zürich", "Adelaide", "Melbourne", "Auckland", "São Paulo", "東京", "New York", "Perth"}
	start := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]which50.Contact, n)
	for i := range out {
		joined := start.Add(time.Duration(rng.Int64N(6*365*24*3600)) * time.Second)
		var joinedValue any = joined
		if f == which50.FormatJSON {
			joinedValue = joined.Format(time.RFC3339)
		}
		var nickname any
		if rng.IntN(3) == 0 {
			nickname = first[rng.IntN(len(first))] + "y"
		}
		c := which50.Contact{
			EncContactID: base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "w50:9001:%d", 90000+i)),
			ListID:       9001,
			Values: map[string]any{
				"Email":      fmt.Sprintf("contact%d@example.com", i),
				"FirstName":  first[rng.IntN(len(first))],
				"Age":        int64(18 + rng.IntN(70)),
				"Big":        int64(5_000_000_000 + rng.Int64N(1_000_000)),
				"Score":      float64(rng.IntN(10_000))/4 + 0.125,
				"Subscribed": rng.IntN(2) == 0,
				"Joined":     joinedValue,
				"Nickname":   nickname,
				"City":       cities[rng.IntN(len(cities))],
			},
		}
		if f == which50.FormatXML {
			c.ID = int64(90000 + i)
		}
		if rng.IntN(4) == 0 {
			c.ValidationWarnings = []string{"Mobile is missing"}
		}
		out[i] = c
	}
	return out
}

// contactsJSON writes contacts as Json.NET does: null members left out,
// except inside Values.
func contactsJSON(items []which50.Contact) []byte {
	b, err := json.Marshal(items)
	if err != nil {
		panic(err)
	}
	return b
}

var valueOrder = []string{"Email", "FirstName", "Age", "Big", "Score", "Subscribed", "Joined", "Nickname", "City"}

// contactsXML writes contacts as DataContractSerializer does (see the
// captures of journeys/{id}/contacts).
func contactsXML(items []which50.Contact) []byte {
	const common = ` xmlns="http://schemas.datacontract.org/2004/07/W50Common.Model.DTO"`
	const arrays = ` xmlns:d3p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays"`
	const xsd = ` xmlns:d5p1="http://www.w3.org/2001/XMLSchema"`
	var b bytes.Buffer
	b.WriteString(`<ArrayOfContact xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO">`)
	for _, c := range items {
		b.WriteString("<Contact><EncContactId" + common + ">" + c.EncContactID + "</EncContactId><Id" + common + ">" +
			strconv.FormatInt(c.ID, 10) + "</Id><ListId" + common + ">" + strconv.FormatInt(c.ListID, 10) + "</ListId>")
		if c.ValidationWarnings == nil {
			b.WriteString("<ValidationWarnings" + arrays + ` i:nil="true"` + common + " />")
		} else {
			b.WriteString("<ValidationWarnings" + arrays + common + ">")
			for _, w := range c.ValidationWarnings {
				b.WriteString("<d3p1:string>")
				xml.EscapeText(&b, []byte(w))
				b.WriteString("</d3p1:string>")
			}
			b.WriteString("</ValidationWarnings>")
		}
		b.WriteString("<Values" + arrays + common + ">")
		for _, k := range valueOrder {
			b.WriteString("<d3p1:KeyValueOfstringanyType><d3p1:Key>" + k + "</d3p1:Key>")
			var typ, text string
			switch v := c.Values[k].(type) {
			case nil:
				b.WriteString(`<d3p1:Value i:nil="true" /></d3p1:KeyValueOfstringanyType>`)
				continue
			case string:
				typ, text = "string", v
			case int64:
				typ, text = "long", strconv.FormatInt(v, 10)
				if v <= 1<<31-1 {
					typ = "int"
				}
			case float64:
				typ, text = "double", strconv.FormatFloat(v, 'G', -1, 64)
			case bool:
				typ, text = "boolean", strconv.FormatBool(v)
			case time.Time:
				typ, text = "dateTime", v.Format("2006-01-02T15:04:05.9999999Z07:00")
			}
			b.WriteString("<d3p1:Value" + xsd + ` i:type="d5p1:` + typ + `">`)
			xml.EscapeText(&b, []byte(text))
			b.WriteString("</d3p1:Value></d3p1:KeyValueOfstringanyType>")
		}
		b.WriteString("</Values></Contact>")
	}
	b.WriteString("</ArrayOfContact>")
	return b.Bytes()
}

// handContactsJSON is the hand-written JSON baseline: encoding/json into
// the model (its json tags are the wire names) with UseNumber, then each
// json.Number in Values made an int64 when it is one, else a float64, as
// the SDK documents.
func handContactsJSON(r io.Reader) ([]which50.Contact, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var items []which50.Contact
	if err := dec.Decode(&items); err != nil {
		return nil, err
	}
	for i := range items {
		for k, v := range items[i].Values {
			items[i].Values[k] = handNumbers(v)
		}
	}
	return items, nil
}

func handNumbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		for k, e := range v {
			v[k] = handNumbers(e)
		}
	case []any:
		for i, e := range v {
			v[i] = handNumbers(e)
		}
	}
	return v
}

// handXMLContacts is the DataContractSerializer shape as a user would
// declare it for encoding/xml: local names, the dictionary as its
// KeyValueOfstringanyType entries with the Value's i:type and i:nil.
type handXMLContacts struct {
	Contacts []struct {
		EncContactId       string
		Id                 int64
		ListId             int64
		ValidationWarnings struct {
			Nil     string   `xml:"http://www.w3.org/2001/XMLSchema-instance nil,attr"`
			Strings []string `xml:"string"`
		}
		Values struct {
			Entries []struct {
				Key   string
				Value struct {
					Type string `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
					Nil  string `xml:"http://www.w3.org/2001/XMLSchema-instance nil,attr"`
					Text string `xml:",chardata"`
				}
			} `xml:"KeyValueOfstringanyType"`
		}
	} `xml:"Contact"`
}

// handContactsXML is the hand-written XML baseline: encoding/xml, then
// each Value converted by the local name of its i:type.
func handContactsXML(r io.Reader) ([]which50.Contact, error) {
	var list handXMLContacts
	if err := xml.NewDecoder(r).Decode(&list); err != nil {
		return nil, err
	}
	out := make([]which50.Contact, len(list.Contacts))
	for i, x := range list.Contacts {
		c := which50.Contact{EncContactID: x.EncContactId, ID: x.Id, ListID: x.ListId, Values: make(map[string]any, len(x.Values.Entries))}
		if x.ValidationWarnings.Nil != "true" {
			c.ValidationWarnings = append([]string{}, x.ValidationWarnings.Strings...)
		}
		for _, e := range x.Values.Entries {
			if e.Value.Nil == "true" {
				c.Values[e.Key] = nil
				continue
			}
			_, typ, _ := strings.Cut(e.Value.Type, ":")
			var v any
			var err error
			switch typ {
			case "int", "long":
				v, err = strconv.ParseInt(e.Value.Text, 10, 64)
			case "double":
				v, err = strconv.ParseFloat(e.Value.Text, 64)
			case "boolean":
				v, err = strconv.ParseBool(e.Value.Text)
			case "dateTime":
				v, err = time.Parse(time.RFC3339Nano, e.Value.Text)
			default:
				v = e.Value.Text
			}
			if err != nil {
				return nil, err
			}
			c.Values[e.Key] = v
		}
		out[i] = c
	}
	return out, nil
}

// TestContactsBaselinesAgree checks that the hand-rolled baselines give
// the SDK's values, and both the generator's, on a benchmark payload.
func TestContactsBaselinesAgree(t *testing.T) {
	for _, f := range []which50.Format{which50.FormatJSON, which50.FormatXML} {
		want := benchContacts(300, f)
		payload := contactsJSON(want)
		hand := handContactsJSON
		if f == which50.FormatXML {
			payload, hand = contactsXML(want), handContactsXML
		}
		got, err := which50.DecodeContacts(f, bytes.NewReader(payload))
		if err != nil {
			t.Fatalf("%s: SDK: %v", f, err)
		}
		if diff := cmp.Diff(want, got, sameTime); diff != "" {
			t.Fatalf("%s: SDK (-generated +decoded):\n%s", f, diff)
		}
		handGot, err := hand(bytes.NewReader(payload))
		if err != nil {
			t.Fatalf("%s: hand-rolled: %v", f, err)
		}
		if diff := cmp.Diff(got, handGot, sameTime); diff != "" {
			t.Fatalf("%s: hand-rolled (-sdk +hand-rolled):\n%s", f, diff)
		}
	}
}

// BenchmarkDecodeContacts decodes 2,000 contacts with the SDK's decoder
// (impl=sdk), the hand-rolled standard library baseline (impl=stdlib) and
// reading the body in the decoders' buffer size (impl=floor).
func BenchmarkDecodeContacts(b *testing.B) {
	const n = 2000
	for _, f := range []which50.Format{which50.FormatJSON, which50.FormatXML} {
		payload := contactsJSON(benchContacts(n, f))
		hand := handContactsJSON
		if f == which50.FormatXML {
			payload, hand = contactsXML(benchContacts(n, f)), handContactsXML
		}
		impls := []struct {
			name string
			call func() (int, error)
		}{
			{"sdk", func() (int, error) {
				items, err := which50.DecodeContacts(f, bytes.NewReader(payload))
				return len(items), err
			}},
			{"stdlib", func() (int, error) {
				items, err := hand(bytes.NewReader(payload))
				return len(items), err
			}},
			{"floor", func() (int, error) {
				_, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{bytes.NewReader(payload)}, make([]byte, 32<<10))
				return n, err
			}},
		}
		for _, impl := range impls {
			b.Run("format="+formatName(f)+"/items=2000/impl="+impl.name, func(b *testing.B) {
				b.SetBytes(int64(len(payload)))
				benchCalls(b, n, impl.call)
			})
		}
	}
}
