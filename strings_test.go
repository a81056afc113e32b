package which50

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Strings new to a decode wait for the end of their item (one allocation
// per item); these cases check that waiting never changes which value a
// member ends up with.
func TestStringMembersLastValueWins(t *testing.T) {
	const ns = `xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts"`
	tests := []struct {
		name, format, body string
		want               []ContactInteraction
	}{
		{"json repeated member", "json", `[{"Name":"first","Name":"second"}]`, []ContactInteraction{{Name: "second"}}},
		{"json null keeps earlier", "json", `[{"Name":"kept","Name":null}]`, []ContactInteraction{{Name: "kept"}}},
		{"json known then new", "json", `[{"Status":"Opened"},{"Status":"fresh","Status":"Opened"}]`, []ContactInteraction{{Status: "Opened"}, {Status: "Opened"}}},
		{"json same new string twice", "json", `[{"Name":"same","CampaignName":"same","Status":"other"}]`, []ContactInteraction{{Name: "same", CampaignName: "same", Status: "other"}}},
		{"json strings stay with their item", "json", `[{"Name":"a","CampaignName":"b"},{"Name":"c"}]`, []ContactInteraction{{Name: "a", CampaignName: "b"}, {Name: "c"}}},
		{"xml nil after value", "xml", `<ArrayOfContactInteraction ` + ns + `><ContactInteraction><Name>gone</Name><Name i:nil="true"/></ContactInteraction></ArrayOfContactInteraction>`, []ContactInteraction{{}}},
		{"xml value after nil", "xml", `<ArrayOfContactInteraction ` + ns + `><ContactInteraction><Name i:nil="true"/><Name>back</Name></ContactInteraction></ArrayOfContactInteraction>`, []ContactInteraction{{Name: "back"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []ContactInteraction
			yield := func(it ContactInteraction) bool { got = append(got, it); return true }
			var err error
			if tt.format == "json" {
				err = decodeJSON(strings.NewReader(tt.body), yield)
			} else {
				err = decodeXML(strings.NewReader(tt.body), yield)
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}
