package which50

import (
	"io"
	"math"
	"strings"
	"testing"
	"unsafe"
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
	return decodeList(f, r, interactionModel, unsafe.Pointer(&it), func() bool { return yield(it) })
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
