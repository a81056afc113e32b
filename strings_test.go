package which50

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// A member that comes twice keeps its last value, and a null after a value
// clears it, whether the strings are new to the decode or interned.
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

// Values that repeat across items share one copy; a string kept from an
// early item keeps its bytes however much is decoded after it; a string
// longer than the arena's limit still decodes whole.
func TestDecodedStringsShareAndStay(t *testing.T) {
	long := strings.Repeat("x", maxArenaString+1)
	var b strings.Builder
	b.WriteString("[")
	const n = 3000
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		name := fmt.Sprintf("unique name %d", i)
		if i == n-1 {
			name = long
		}
		fmt.Fprintf(&b, `{"Interaction":"Email","Status":"Opened","Name":%q,"CampaignName":"Spring sale"}`, name)
	}
	b.WriteString("]")
	var got []ContactInteraction
	if err := decodeJSON(strings.NewReader(b.String()), func(it ContactInteraction) bool {
		got = append(got, it)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("%d items, want %d", len(got), n)
	}
	for i, it := range got {
		want := fmt.Sprintf("unique name %d", i)
		if i == n-1 {
			want = long
		}
		if it.Name != want || it.Interaction != "Email" || it.Status != "Opened" || it.CampaignName != "Spring sale" {
			t.Fatalf("item %d: %+v", i, it)
		}
		if unsafe.StringData(it.CampaignName) != unsafe.StringData(got[0].CampaignName) {
			t.Fatalf("item %d: CampaignName is a copy of its own, want it shared with item 0", i)
		}
	}
}

// The intern table keeps a value that repeats against a stream of values
// that do not, and counts no hits for strings that only share a set.
func TestInternTableKeepsRepeatingValues(t *testing.T) {
	var tab internTable
	var a stringArena
	hot, _ := tab.lookup([]byte("Opened"), &a)
	for i := range 10_000 {
		tab.lookup(fmt.Appendf(nil, "newsletter %d", i), &a)
		if s, _ := tab.lookup([]byte("Opened"), &a); unsafe.StringData(s) != unsafe.StringData(hot) {
			t.Fatalf("after %d unique strings, the repeating value was evicted", i+1)
		}
	}
	tab.clear()
	for i := range tab.slots {
		if tab.slots[i].s != "" {
			t.Fatal("clear left a string in the table")
		}
	}
}

// A member whose values do not repeat stops being looked up in the intern
// table, and is looked up again once its values start to repeat.
func TestMemberStringsBypassTheTableWhileUnique(t *testing.T) {
	var d reader
	defer d.release()
	for i := range internProbes {
		d.memberString(0, fmt.Appendf(nil, "newsletter %d", i))
	}
	if !d.memberStats[0].bypass {
		t.Fatal("a member of unique values still goes through the table")
	}
	var a, b string
	for range internProbes * internRecheck * 2 {
		a, b = b, d.memberString(0, []byte("Spring sale"))
	}
	if d.memberStats[0].bypass {
		t.Fatal("a member whose values repeat again still bypasses the table")
	}
	if a != "Spring sale" || unsafe.StringData(a) != unsafe.StringData(b) {
		t.Fatalf("last two values %q and %q, want one shared string", a, b)
	}
}
