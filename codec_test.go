package which50

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// decodeJSON and decodeXML decode a list of interactions, the model the
// decoders' first tests, fuzz targets and benchmarks were written for.
func decodeJSON(r io.Reader, yield func(ContactInteraction) bool) error {
	return decodeInteractions(FormatJSON, r, yield)
}

func decodeXML(r io.Reader, yield func(ContactInteraction) bool) error {
	return decodeInteractions(FormatXML, r, yield)
}

func decodeInteractions(f Format, r io.Reader, yield func(ContactInteraction) bool) error {
	var it ContactInteraction
	return decodeList(f, r, interactionModel, unsafe.Pointer(&it), func(int64) bool { return yield(it) })
}

// TestXMLDoubleLexicalForm checks that an xs:double value is read by XML's
// rules, not by strconv's wider ones.
func TestXMLDoubleLexicalForm(t *testing.T) {
	doc := func(v string) string {
		return `<Contact xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO">` +
			`<Values xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays" xmlns="http://schemas.datacontract.org/2004/07/W50Common.Model.DTO">` +
			`<a:KeyValueOfstringanyType><a:Key>x</a:Key><a:Value xmlns:s="http://www.w3.org/2001/XMLSchema" i:type="s:double">` + v +
			`</a:Value></a:KeyValueOfstringanyType></Values></Contact>`
	}
	valid := map[string]float64{"1.5e3": 1500, ".5": 0.5, "-0": 0, "+7.": 7, " 2 ": 2, "1E-2": 0.01, "INF": math.Inf(1), "-INF": math.Inf(-1)}
	for v, want := range valid {
		var c Contact
		if _, err := decodeOne(FormatXML, strings.NewReader(doc(v)), contactModel, unsafe.Pointer(&c)); err != nil {
			t.Errorf("%q: %v", v, err)
			continue
		}
		if got := c.Values["x"]; got != want {
			t.Errorf("%q = %v, want %v", v, got, want)
		}
	}
	for _, v := range []string{"nan", "Inf", "-Inf", "0x1p3", "1_000", "1e", ".", "+", "", "1.5.2", "infinity"} {
		var c Contact
		if _, err := decodeOne(FormatXML, strings.NewReader(doc(v)), contactModel, unsafe.Pointer(&c)); err == nil {
			t.Errorf("%q decoded as %v, want an error", v, c.Values["x"])
		}
	}
}

// TestModelsMarshalAsTheWire checks every model's json tags: json.Marshal
// writes the wire names the decoders read, so a model marshalled and read
// back through the JSON decoder is unchanged. (Contact.ID is written only
// when set, as the API's JSON leaves it out.)
func TestModelsMarshalAsTheWire(t *testing.T) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 600000000, time.FixedZone("", 600*60))
	day := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	roundTrip := func(m *model, in, out any) {
		t.Helper()
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, mb := range m.members {
			if !strings.Contains(string(b), mb.jsonKey) {
				t.Errorf("%s: json.Marshal wrote no %s: %s", m.name, mb.jsonKey, b)
			}
		}
		if _, err := decodeOne(FormatJSON, bytes.NewReader(b), m, reflect.ValueOf(out).UnsafePointer()); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if diff := cmp.Diff(in, out); diff != "" {
			t.Errorf("%s round trip (-marshalled +decoded):\n%s", m.name, diff)
		}
	}
	roundTrip(interactionModel, &ContactInteraction{1, InteractionSMS, "n", at, "s", 2, "c"}, &ContactInteraction{})
	roundTrip(contactModel, &Contact{[]string{"w"}, "e", 3, 4, map[string]any{"a": "b", "n": int64(5), "f": 1.5, "t": true, "z": nil}}, &Contact{})
	roundTrip(contactListModel, &ContactList{1, "n", 2}, &ContactList{})
	roundTrip(fieldModel, &ContactSchemaField{1, "n", "d", "m", 2, []ContactSchemaFieldValue{{3, "v", 4, true}}}, &ContactSchemaField{})
	roundTrip(emailModel, &ContactEmail{1, "n", at, 1, 1, 1, 1}, &ContactEmail{})
	roundTrip(textMessageModel, &ContactTextMessage{1, "n", at, 1}, &ContactTextMessage{})
	roundTrip(landingPageModel, &ContactLandingPage{1, "n", at, 1, 1}, &ContactLandingPage{})
	roundTrip(webFormModel, &ContactWebForm{1, 2, "n", at, 1}, &ContactWebForm{})
	roundTrip(journeyModel, &Journey{1, "n", 2, 3, day, day, "l", "c", "s", 4, 5, 6, true, []string{"t"}, "e", nil, int64(1), []any{"x"}, "ch"}, &Journey{})
	roundTrip(activityModel, &JourneyActivity{1, "n", 2, day, true, Target{3, "t", "no", 4, 5, 6, 7, 8, 9}}, &JourneyActivity{})
	roundTrip(importJobModel, &ImportJob{1, 2, 3, 4, 5, "s", day, day, 6, 7, 8, 9, 10}, &ImportJob{})
}
