package which50

import (
	"strings"
	"testing"
)

// A value from the body of any length ends up in an error message cut short:
// the text of a syntax error stays small whatever the payload.
func TestSyntaxErrorTextIsBounded(t *testing.T) {
	huge := strings.Repeat("9", 1<<20)
	const ns = `xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts"`
	tests := []struct{ name, format, body string }{
		{"json date", "json", `[{"Occurred":"` + huge + `"}]`},
		{"json number", "json", `[{"Id":` + huge + `.5}]`},
		{"xml integer", "xml", `<ArrayOfContactInteraction ` + ns + `><ContactInteraction><Id>x` + huge + `</Id></ContactInteraction></ArrayOfContactInteraction>`},
		{"xml date", "xml", `<ArrayOfContactInteraction ` + ns + ` xmlns:d="http://schemas.datacontract.org/2004/07/System"><ContactInteraction><Occurred><d:DateTime>` + huge + `</d:DateTime><d:OffsetMinutes>0</d:OffsetMinutes></Occurred></ContactInteraction></ArrayOfContactInteraction>`},
		{"xml end tag", "xml", `<ArrayOfContactInteraction ` + ns + `><C` + strings.Repeat("x", 1<<16) + `></D></ArrayOfContactInteraction>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yield := func(ContactInteraction) bool { return true }
			var err error
			if tt.format == "json" {
				err = decodeJSON(strings.NewReader(tt.body), yield)
			} else {
				err = decodeXML(strings.NewReader(tt.body), yield)
			}
			if err == nil {
				t.Fatal("decoded without an error")
			}
			if n := len(err.Error()); n > 400 {
				t.Errorf("error text is %d bytes: %.120s...", n, err)
			}
		})
	}
}
