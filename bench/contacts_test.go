package bench

// A second model: the contacts of a 2,000-contact journey
// (Journeys.Contacts), each with about nine Values of mixed types, against
// what a user would write with encoding/json or encoding/xml.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/which50-go/which50"
	"github.com/which50-go/which50/which50test"
)

// journeyContacts is the contact count of BenchmarkJourneyContacts.
const journeyContacts = 2_000

// contacts returns n contacts as a journey's contact list holds them:
// strings (some non-ASCII), whole numbers small and large, a float, a
// bool, a date, a null now and then, and a validation warning for about a
// quarter of them; the SDK's own contact benchmarks use the same mix.
func contacts(n int) []which50.Contact {
	rng := rand.New(rand.NewPCG(11, uint64(n)))
	first := []string{"Casey", "Robin", "Alex", "Sam", "Jordan", "Zoë", "Łukasz", "Mei", "Ana", "Noah"}
	cities := []string{"Zürich", "Adelaide", "Melbourne", "Auckland", "São Paulo", "東京", "New York", "Perth"}
	start := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]which50.Contact, n)
	for i := range out {
		var nickname any
		if rng.IntN(3) == 0 {
			nickname = first[rng.IntN(len(first))] + "y"
		}
		c := which50.Contact{
			EncContactID: base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "w50:9001:%d", 90000+i)),
			ID:           int64(90000 + i),
			ListID:       9001,
			Values: map[string]any{
				"Email":      fmt.Sprintf("contact%d@example.com", i),
				"FirstName":  first[rng.IntN(len(first))],
				"Age":        int64(18 + rng.IntN(70)),
				"Big":        int64(5_000_000_000 + rng.Int64N(1_000_000)),
				"Score":      float64(rng.IntN(10_000))/4 + 0.125,
				"Subscribed": rng.IntN(2) == 0,
				"Joined":     start.Add(time.Duration(rng.Int64N(6*365*24*3600)) * time.Second),
				"Nickname":   nickname,
				"City":       cities[rng.IntN(len(cities))],
			},
		}
		if rng.IntN(4) == 0 {
			c.ValidationWarnings = []string{"Mobile is missing"}
		}
		out[i] = c
	}
	return out
}

// journey returns the journey id of a 2,000-contact journey sent as length
// says, making its bodies on first use. The service's JSON writes a date
// in Values as a string and its XML as xs:dateTime; only XML carries Id.
func (s *server) journey(tb testing.TB, length string) int64 {
	tb.Helper()
	const key, id = 930, 9301
	s.mu.Lock()
	_, ok := s.journeys[key]
	s.mu.Unlock()
	if !ok {
		cs := contacts(journeyContacts)
		b := wireBodies(tb, "/journeys/"+strconv.Itoa(id)+"/contacts", func(srv *which50test.Server) {
			srv.SetJourneyContacts(id, cs)
		})
		s.mu.Lock()
		s.journeys[key] = b
		s.mu.Unlock()
	}
	if length == "chunked" {
		return key*10 + 1
	}
	return key * 10
}

func (s *server) journeyURL(id int64) string {
	return s.ts.URL + "/journeys/" + strconv.FormatInt(id, 10) + "/contacts"
}

// BenchmarkJourneyContacts compares, per format and framing, one call of
// Journeys.Contacts for a 2,000-contact journey (impl=sdk) with
// hand-written net/http + encoding/json or encoding/xml (impl=stdlib) and
// with reading and discarding the same body (impl=floor).
func BenchmarkJourneyContacts(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	for _, f := range formats {
		for _, length := range lengthModes {
			id := e.srv.journey(b, length)
			u := e.srv.journeyURL(id)
			bodyLen := len(e.srv.journeys[id/10][f])
			client := e.sdk[f]
			impls := []impl{
				{"sdk", func() (int, error) {
					items, err := client.Journeys.Contacts(ctx, id)
					return len(items), err
				}},
				{"stdlib", func() (int, error) {
					items, err := getContacts(e.hc, u, f)
					return len(items), err
				}},
				{"floor", func() (int, error) {
					_, err := floor(e.hc, u, acceptOf(f))
					return journeyContacts, err
				}},
			}
			for _, im := range impls {
				b.Run("format="+f.String()+"/length="+length+"/items=2000/impl="+im.name, func(b *testing.B) {
					benchCalls(b, journeyContacts, bodyLen, im.call)
				})
			}
		}
	}
}

// getContacts is the hand-written call: GET, then decodeContactsJSON or
// decodeContactsXML on the body.
func getContacts(hc *http.Client, u string, f which50.Format) ([]which50.Contact, error) {
	resp, err := get(hc, u, acceptOf(f))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if f == which50.FormatXML {
		return decodeContactsXML(resp.Body)
	}
	return decodeContactsJSON(resp.Body)
}

// decodeContactsJSON is the hand-written JSON baseline: encoding/json into
// the model (its json tags are the wire names) with UseNumber, then each
// json.Number in Values made an int64 when it is one, else a float64, as
// the SDK documents.
func decodeContactsJSON(r io.Reader) ([]which50.Contact, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var items []which50.Contact
	if err := dec.Decode(&items); err != nil {
		return nil, err
	}
	for i := range items {
		for k, v := range items[i].Values {
			items[i].Values[k] = numbers(v)
		}
	}
	return items, nil
}

func numbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		for k, e := range v {
			v[k] = numbers(e)
		}
	case []any:
		for i, e := range v {
			v[i] = numbers(e)
		}
	}
	return v
}

// xmlContacts is the DataContractSerializer shape as a user would declare
// it for encoding/xml: local names, the dictionary as its
// KeyValueOfstringanyType entries with the Value's i:type and i:nil.
type xmlContacts struct {
	Contacts []struct {
		EncContactID       string `xml:"EncContactId"`
		ID                 int64  `xml:"Id"`
		ListID             int64  `xml:"ListId"`
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

// decodeContactsXML is the hand-written XML baseline: encoding/xml, then
// each Value converted by the local name of its i:type.
func decodeContactsXML(r io.Reader) ([]which50.Contact, error) {
	var list xmlContacts
	if err := xml.NewDecoder(r).Decode(&list); err != nil {
		return nil, err
	}
	out := make([]which50.Contact, len(list.Contacts))
	for i, x := range list.Contacts {
		c := which50.Contact{EncContactID: x.EncContactID, ID: x.ID, ListID: x.ListID, Values: make(map[string]any, len(x.Values.Entries))}
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

// TestContactsAgree checks that the hand-written baselines decode the
// journey's bodies to the SDK's values, over both framings.
func TestContactsAgree(t *testing.T) {
	e := newEnv(t)
	sameTime := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
	for _, f := range formats {
		for _, length := range lengthModes {
			id := e.srv.journey(t, length)
			want, err := e.sdk[f].Journeys.Contacts(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) != journeyContacts {
				t.Fatalf("%s/%s: SDK decoded %d contacts, want %d", f, length, len(want), journeyContacts)
			}
			got, err := getContacts(e.hc, e.srv.journeyURL(id), f)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, sameTime); diff != "" {
				t.Errorf("%s/%s (-sdk +stdlib):\n%s", f, length, diff)
			}
		}
	}
}
