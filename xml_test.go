package which50

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// xmlGolden is what each XML file under testdata decodes to.
var xmlGolden = map[string][]ContactInteraction{
	"help_xml.xml":       helpSample(),
	"xml_offsets.xml":    jsonGolden["json_offsets.json"], // the same items, as DataContractSerializer writes them
	"xml_empty_root.xml": nil,
	"xml_nil_root.xml":   nil,
	"xml_d2p1_prefix.xml": {
		{ID: 5501, Interaction: InteractionEmail, Name: "Welcome to Which50", Occurred: at(2017, 3, 15, 2, 27, 20, 0, 660), Status: "Sent", CampaignID: 12, CampaignName: "Onboarding"},
		{ID: 5502, Interaction: InteractionEvent, Name: "Webinar: Marketing in 2017", Occurred: at(2017, 3, 14, 21, 27, 20, 0, -300), Status: "Registered", CampaignID: 13, CampaignName: "Webinars"},
		{ID: 5503, Occurred: at(2017, 3, 16, 20, 30, 0, 0, 570), Status: "Clicked"},
	},
	"xml_bom_utf16_decl.xml": {
		{ID: 8301, Interaction: InteractionEmail, Name: "BOM test: Grüße", Occurred: at(2025, 5, 5, 5, 5, 5, 500000000, 600), Status: "Sent", CampaignID: 1, CampaignName: "Proxy – Zürich"},
	},
	"xml_nil_members.xml": {
		{ID: 8001, Interaction: InteractionWebForm, Name: "Contact us", Occurred: at(2025, 3, 1, 10, 30, 0, 0, 660)},
		{ID: 8002},
		{ID: 8003},
	},
	"xml_unknown_elements.xml": {
		{ID: 8201, Interaction: InteractionEmail, Name: "VIP preview", Occurred: at(2025, 4, 1, 12, 0, 0, 0, 600), Status: "Opened", CampaignID: 9001, CampaignName: "VIP"},
	},
	"xml_datetime_forms.xml": {
		{ID: 9101, Occurred: at(2017, 3, 15, 2, 27, 20, 0, 0)},
		{ID: 9102, Occurred: at(2024, 12, 27, 18, 6, 0, 696096600, 600)},
		{ID: 9103, Occurred: at(2024, 12, 27, 8, 6, 0, 0, 0)},
		{ID: 9104, Occurred: at(2024, 12, 27, 3, 6, 0, 0, -300)},
	},
	"xml_escapes.xml": {
		{ID: 8501, Interaction: InteractionEmail, Name: "Tom & Jerry <3 > 'quoted' \"double\" <b>bold</b> & raw\nline two", Occurred: at(2025, 7, 7, 7, 7, 7, 70000000, 600), Status: "Opened ✔", CampaignID: -1, CampaignName: "Emoji 🎉 and Ünïcödé"},
	},
}

func TestDecodeXMLTestdata(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.xml")
	if len(files) != len(xmlGolden) {
		t.Errorf("testdata has %d XML files, the golden table %d", len(files), len(xmlGolden))
	}
	for name, want := range xmlGolden {
		t.Run(name, func(t *testing.T) {
			got, err := collect(decodeXML, bytes.NewReader(readTestdata(t, name)))
			if err != nil {
				t.Fatalf("decodeXML: %v", err)
			}
			if diff := cmp.Diff(want, got, sameTime); diff != "" {
				t.Errorf("decodeXML mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

const (
	xmlOpen  = `<ArrayOfContactInteraction xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts">`
	xmlClose = `</ArrayOfContactInteraction>`
)

// TestDecodeXMLControlCharacterReferences checks a leniency of the fast
// decoder over encoding/xml: .NET writes a control character in a string
// as a character reference, which XML 1.0 forbids but .NET reads back.
func TestDecodeXMLControlCharacterReferences(t *testing.T) {
	in := xmlOpen + "<ContactInteraction><Name>a&#x1;b&#31;c&#xFFFE;</Name></ContactInteraction>" + xmlClose
	got, err := collect(decodeXML, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]ContactInteraction{{Name: "a\x01b\x1fc\uFFFE"}}, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestDecodeXMLShapes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []ContactInteraction
	}{
		{"empty body", "", nil},
		{"whitespace body", " \r\n\t", nil},
		{"BOM only", "\xEF\xBB\xBF", nil},
		{"empty root with end tag", xmlOpen + xmlClose, nil},
		{"nil root with content", `<ArrayOfContactInteraction xmlns:x="http://www.w3.org/2001/XMLSchema-instance" x:nil="1" xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts"><ContactInteraction><Id>1</Id></ContactInteraction></ArrayOfContactInteraction>`, nil},
		{"nil false", xmlOpen + `<ContactInteraction i:nil="false"><Id i:nil="false">5</Id></ContactInteraction>` + xmlClose, []ContactInteraction{{ID: 5}}},
		{"nil in another namespace is no nil", xmlOpen + `<ContactInteraction><Name xmlns:q="urn:q" q:nil="true">kept</Name></ContactInteraction>` + xmlClose, []ContactInteraction{{Name: "kept"}}},
		{"nil attribute declared after use", xmlOpen + `<ContactInteraction><Name z:nil="true" xmlns:z="http://www.w3.org/2001/XMLSchema-instance">x</Name></ContactInteraction>` + xmlClose, []ContactInteraction{{}}},
		{"prefix rebinding on a child", xmlOpen + `<ContactInteraction xmlns:p="urn:x"><p:Id xmlns:p="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts">3</p:Id><p:Id>4</p:Id></ContactInteraction>` + xmlClose, []ContactInteraction{{ID: 3}}},
		{"default namespace undone", xmlOpen + `<ContactInteraction><Id xmlns="">9</Id><Name>n</Name></ContactInteraction>` + xmlClose, []ContactInteraction{{Name: "n"}}},
		{"entity-encoded namespace", `<ArrayOfContactInteraction xmlns="http&#58;//schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts"><ContactInteraction><Id>1</Id></ContactInteraction></ArrayOfContactInteraction>`, []ContactInteraction{{ID: 1}}},
		{"single quotes and spaces", "<ArrayOfContactInteraction  xmlns = 'http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts' ><ContactInteraction ><Id >1</Id ></ContactInteraction\n></ArrayOfContactInteraction >", []ContactInteraction{{ID: 1}}},
		{"integer forms", xmlOpen + `<ContactInteraction><Id> +007 </Id><CampaignId>-9223372036854775808</CampaignId></ContactInteraction>` + xmlClose, []ContactInteraction{{ID: 7, CampaignID: -9223372036854775808}}},
		{"CR LF and lone CR", xmlOpen + "<ContactInteraction><Name>a\r\nb\rc\r</Name></ContactInteraction>" + xmlClose, []ContactInteraction{{Name: "a\nb\nc\n"}}},
		{"whitespace kept in strings", xmlOpen + "<ContactInteraction><Name>  two  words \t</Name></ContactInteraction>" + xmlClose, []ContactInteraction{{Name: "  two  words \t"}}},
		{"stylesheet PI and comments around", `<?xml version='1.0' standalone='yes'?><!--a--><?xml-stylesheet href="x"?>` + xmlOpen + xmlClose + `<!--b--> `, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, dec := range map[string]decodeFunc{"fast": decodeXML, "reference": refDecodeXML} {
				got, err := collect(dec, strings.NewReader(tt.in))
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if diff := cmp.Diff(tt.want, got, sameTime); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
				}
			}
		})
	}
}

// billionLaughs is the classic entity bomb: nine levels of ten references.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">`)
	prev := "lol"
	for i := 1; i <= 9; i++ {
		name := "lol" + string(rune('0'+i))
		b.WriteString(`<!ENTITY ` + name + ` "`)
		for range 10 {
			b.WriteString("&" + prev + ";")
		}
		b.WriteString(`">`)
		prev = name
	}
	b.WriteString(`]>` + xmlOpen + `<ContactInteraction><Name>&lol9;</Name></ContactInteraction>` + xmlClose)
	return b.String()
}

func TestDecodeXMLErrors(t *testing.T) {
	item := func(inner string) string {
		return xmlOpen + "<ContactInteraction>" + inner + "</ContactInteraction>" + xmlClose
	}
	// encoding/xml accepts these; the fast decoder is stricter.
	refLenient := map[string]bool{"char ref to surrogate": true, "empty local name": true}
	tests := []struct{ name, in string }{
		{"billion laughs", billionLaughs()},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + item("<Name>&xxe;</Name>")},
		{"doctype without subset", `<!DOCTYPE ArrayOfContactInteraction>` + xmlOpen + xmlClose},
		{"doctype inside root", xmlOpen + `<!DOCTYPE x>` + xmlClose},
		{"undefined entity", item("<Name>&nbsp;</Name>")},
		{"bare ampersand", item("<Name>Tom & Jerry</Name>")},
		{"char ref to NUL", item("<Name>&#0;</Name>")},
		{"char ref to surrogate", item("<Name>&#xD800;</Name>")},
		{"char ref past Unicode", item("<Name>&#x110000;</Name>")},
		{"control character", item("<Name>a\x01b</Name>")},
		{"raw control character in attribute", xmlOpen + "<ContactInteraction a=\"\x02\"/>" + xmlClose},
		{"U+FFFE", item("<Name>\uFFFE</Name>")},
		{"invalid UTF-8 in text", item("<Name>caf\xe9</Name>")},
		{"invalid UTF-8 in attribute", xmlOpen + "<ContactInteraction a=\"\xff\"/>" + xmlClose},
		{"invalid UTF-8 in comment", xmlOpen + "<!--\xff-->" + xmlClose},
		{"mismatched end tag", item("<Name>x</Status>")},
		{"end tag with other prefix", xmlOpen + `<ContactInteraction xmlns:a="urn:a"><a:X></X></ContactInteraction>` + xmlClose},
		{"unclosed root", xmlOpen},
		{"two roots", xmlOpen + xmlClose + xmlOpen + xmlClose},
		{"text after root", xmlOpen + xmlClose + "x"},
		{"text before root", "x" + xmlOpen + xmlClose},
		{"wrong root", `<ArrayOfContactInteraction>` + xmlClose},
		{"wrong root namespace", `<ArrayOfContactInteraction xmlns="urn:x"></ArrayOfContactInteraction>`},
		{"undeclared prefix on root", `<a:ArrayOfContactInteraction></a:ArrayOfContactInteraction>`},
		{"only a declaration", `<?xml version="1.0"?>`},
		{"only a comment", `<!-- nothing -->`},
		{"misplaced declaration", xmlOpen + `<?xml version="1.0"?>` + xmlClose},
		{"XML version 2", `<?xml version="2.0"?>` + xmlOpen + xmlClose},
		{"double dash in comment", xmlOpen + `<!-- a -- b -->` + xmlClose},
		{"lt in attribute", `<ArrayOfContactInteraction a="<" xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts"/>`},
		{"unquoted attribute", `<ArrayOfContactInteraction a=b xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts"/>`},
		{"attribute without value", `<ArrayOfContactInteraction a xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts"/>`},
		{"invalid nil value", item(`<Name i:nil="yes"/>`)},
		{"nil item", xmlOpen + `<ContactInteraction i:nil="true"/>` + xmlClose},
		{"element inside a value", item("<Name>a<b/>c</Name>")},
		{"fractional id", item("<Id>1.5</Id>")},
		{"empty id", item("<Id></Id>")},
		{"id out of range", item("<Id>9223372036854775808</Id>")},
		{"bad date", item(`<Occurred xmlns:d="http://schemas.datacontract.org/2004/07/System"><d:DateTime>yesterday</d:DateTime></Occurred>`)},
		{"month 13", item(`<Occurred xmlns:d="http://schemas.datacontract.org/2004/07/System"><d:DateTime>2024-13-01T00:00:00Z</d:DateTime></Occurred>`)},
		{"offset out of range", item(`<Occurred xmlns:d="http://schemas.datacontract.org/2004/07/System"><d:DateTime>2024-01-01T00:00:00Z</d:DateTime><d:OffsetMinutes>1440</d:OffsetMinutes></Occurred>`)},
		{"Occurred without DateTime", item(`<Occurred xmlns:d="http://schemas.datacontract.org/2004/07/System"><d:OffsetMinutes>60</d:OffsetMinutes></Occurred>`)},
		{"Microsoft date in XML", item(`<Occurred xmlns:d="http://schemas.datacontract.org/2004/07/System"><d:DateTime>/Date(0)/</d:DateTime></Occurred>`)},
		{"unterminated CDATA", item("<Name><![CDATA[x</Name>")},
		{"bad CDATA opener", item("<Name><![CDAT[x]]></Name>")},
		{"name starting with digit", xmlOpen + "<1a/>" + xmlClose},
		{"empty local name", xmlOpen + "<a:/>" + xmlClose},
		{"JSON body", `[{"Id":1}]`},
		{"HTML page", "<html><body>Service Unavailable</body></html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, dec := range map[string]decodeFunc{"fast": decodeXML, "reference": refDecodeXML} {
				if name == "reference" && refLenient[tt.name] {
					continue
				}
				got, err := collect(dec, strings.NewReader(tt.in))
				if err == nil {
					t.Fatalf("%s: no error, got %+v", name, got)
				}
				if name == "reference" {
					continue
				}
				var se *syntaxError
				if !errors.As(err, &se) {
					t.Fatalf("error %v (%T) is not a *syntaxError", err, err)
				}
				if !strings.HasPrefix(err.Error(), "which50: invalid XML at byte ") {
					t.Errorf("error text %q", err)
				}
				if se.Offset < 0 || se.Offset > int64(len(tt.in)) {
					t.Errorf("offset %d outside the input of %d bytes", se.Offset, len(tt.in))
				}
				if len(se.Near) > maxNear || !utf8.ValidString(se.Near) {
					t.Errorf("Near %q: too long or not UTF-8", se.Near)
				}
			}
		})
	}
}
