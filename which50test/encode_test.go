package which50test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/which50-go/which50"
)

// helpSampleItem is the item the endpoint's help page serializes in its samples.
func helpSampleItem(t *testing.T) which50.ContactInteraction {
	t.Helper()
	occurred, err := time.Parse(time.RFC3339Nano, "2024-12-27T18:06:00.6960966+00:00")
	if err != nil {
		t.Fatal(err)
	}
	return which50.ContactInteraction{
		ID:           1,
		Interaction:  "sample string 2",
		Name:         "sample string 3",
		Occurred:     occurred,
		Status:       "sample string 4",
		CampaignID:   1,
		CampaignName: "sample string 5",
	}
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/" + name) // the module's golden payloads
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var betweenTags = regexp.MustCompile(`>\s+<`)

func TestEncodeJSONHelpPageSample(t *testing.T) {
	item := helpSampleItem(t)
	var buf bytes.Buffer
	if err := EncodeJSON(&buf, []which50.ContactInteraction{item, item}); err != nil {
		t.Fatal(err)
	}
	// The application/csp-report sample is the service's compact output verbatim.
	if want := readTestdata(t, "help_csp_report.json"); buf.String() != want {
		t.Errorf("EncodeJSON:\n got %s\nwant %s", buf.String(), want)
	}
	// The application/json sample is the same document, re-indented by the help page.
	var got, want any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(readTestdata(t, "help_json.json")), &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EncodeJSON vs help page JSON sample (-want +got):\n%s", diff)
	}
}

func TestEncodeXMLHelpPageSample(t *testing.T) {
	item := helpSampleItem(t)
	var buf bytes.Buffer
	if err := EncodeXML(&buf, []which50.ContactInteraction{item, item}); err != nil {
		t.Fatal(err)
	}
	want := betweenTags.ReplaceAllString(strings.TrimSpace(readTestdata(t, "help_xml.xml")), "><")
	if buf.String() != want {
		t.Errorf("EncodeXML:\n got %s\nwant %s", buf.String(), want)
	}
}

func TestEncodeEmpty(t *testing.T) {
	for _, items := range [][]which50.ContactInteraction{nil, {}} {
		var j, x bytes.Buffer
		if err := EncodeJSON(&j, items); err != nil {
			t.Fatal(err)
		}
		if err := EncodeXML(&x, items); err != nil {
			t.Fatal(err)
		}
		if j.String() != "[]" {
			t.Errorf("EncodeJSON(%#v) = %q, want []", items, j.String())
		}
		const wantXML = `<ArrayOfContactInteraction xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts" />`
		if x.String() != wantXML {
			t.Errorf("EncodeXML(%#v) = %q, want %q", items, x.String(), wantXML)
		}
	}
}

func TestEncodeDates(t *testing.T) {
	// Each case is one instant with the zone the server recorded; the JSON
	// and XML texts are what Json.NET and DataContractSerializer write (docs/wire-format.md).
	tests := []struct {
		name       string
		occurred   time.Time
		json       string
		xmlUTC     string
		xmlMinutes string
	}{
		{"sydney full fraction", time.Date(2024, 12, 27, 18, 6, 0, 696096600, time.FixedZone("", 10*3600)),
			"2024-12-27T18:06:00.6960966+10:00", "2024-12-27T08:06:00.6960966Z", "600"},
		{"zero fraction drops the dot", time.Date(2024, 12, 27, 18, 6, 0, 0, time.FixedZone("", 11*3600)),
			"2024-12-27T18:06:00+11:00", "2024-12-27T07:06:00Z", "660"},
		{"trailing zeros trimmed", time.Date(2024, 1, 2, 3, 4, 5, 120000000, time.FixedZone("", 9*3600+1800)),
			"2024-01-02T03:04:05.12+09:30", "2024-01-01T17:34:05.12Z", "570"},
		{"negative offset crosses the day", time.Date(2023, 3, 31, 21, 30, 0, 100, time.FixedZone("", -5*3600)),
			"2023-03-31T21:30:00.0000001-05:00", "2023-04-01T02:30:00.0000001Z", "-300"},
		{"UTC is +00:00 never Z", time.Date(2017, 3, 15, 2, 27, 20, 0, time.UTC),
			"2017-03-15T02:27:20+00:00", "2017-03-15T02:27:20Z", "0"},
		{"sub-tick nanoseconds truncated", time.Date(2020, 2, 29, 23, 59, 59, 999999999, time.UTC),
			"2020-02-29T23:59:59.9999999+00:00", "2020-02-29T23:59:59.9999999Z", "0"},
		{"seconds of an offset dropped, instant kept", time.Date(1900, 1, 1, 10, 4, 52, 0, time.FixedZone("LMT", 10*3600+4*60+52)),
			"1900-01-01T10:04:00+10:04", "1900-01-01T00:00:00Z", "604"},
		{"zero value", time.Time{},
			"0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00Z", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := []which50.ContactInteraction{{ID: 7, Occurred: tt.occurred}}
			var j, x bytes.Buffer
			if err := EncodeJSON(&j, items); err != nil {
				t.Fatal(err)
			}
			if err := EncodeXML(&x, items); err != nil {
				t.Fatal(err)
			}
			wantJSON := `[{"Id":7,"Interaction":"","Name":"","Occurred":"` + tt.json + `","Status":"","CampaignId":0,"CampaignName":""}]`
			if j.String() != wantJSON {
				t.Errorf("JSON:\n got %s\nwant %s", j.String(), wantJSON)
			}
			wantXML := `<Occurred xmlns:d3p1="http://schemas.datacontract.org/2004/07/System"><d3p1:DateTime>` + tt.xmlUTC +
				`</d3p1:DateTime><d3p1:OffsetMinutes>` + tt.xmlMinutes + `</d3p1:OffsetMinutes></Occurred>`
			if !strings.Contains(x.String(), wantXML) {
				t.Errorf("XML:\n got %s\nwant it to contain %s", x.String(), wantXML)
			}
			// The JSON date must name the same instant (RFC 3339 is a subset).
			if got, err := time.Parse(time.RFC3339Nano, tt.json); err != nil || !got.Equal(tt.occurred.Truncate(100)) {
				t.Errorf("JSON date %s does not name the instant %v (err %v)", tt.json, tt.occurred, err)
			}
		})
	}
}

func TestEncodeJSONEscaping(t *testing.T) {
	tests := []struct{ in, want string }{
		{`Mother's Day & "Gifts" <50% off>`, `"Mother's Day & \"Gifts\" <50% off>"`},
		{`C:\promo`, `"C:\\promo"`},
		{"tab\tnl\ncr\rbs\bff\f", `"tab\tnl\ncr\rbs\bff\f"`},
		{"nul\x00us\x1fdel\x7f", `"nul\u0000us\u001fdel` + "\x7f" + `"`},
		{"nel\u0085ls\u2028ps\u2029", `"nel\u0085ls\u2028ps\u2029"`},
		{"Père Noël 🎄 ÿ", `"Père Noël 🎄 ÿ"`},
		{"bad\xffutf8", "\"bad\uFFFDutf8\""},
	}
	for _, tt := range tests {
		got := string(appendJSONString(nil, tt.in))
		if got != tt.want {
			t.Errorf("appendJSONString(%q) = %s, want %s", tt.in, got, tt.want)
		}
		var back string
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Errorf("%s is not valid JSON: %v", got, err)
		} else if want := strings.ToValidUTF8(tt.in, "\uFFFD"); back != want {
			t.Errorf("round trip of %q = %q", want, back)
		}
	}
}

func TestEncodeXMLEscaping(t *testing.T) {
	tests := []struct{ in, want string }{
		{`Mother's Day & "Gifts" <50% off> ]]>`, `Mother's Day &amp; "Gifts" &lt;50% off&gt; ]]&gt;`},
		{"tab\tnl\ncr\r", "tab\tnl\ncr&#xD;"},
		{"nul\x00us\x1f", "nul&#x0;us&#x1F;"},
		{"Père Noël 🎄", "Père Noël 🎄"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"nc\uFFFE\uFFFF", "nc&#xFFFE;&#xFFFF;"},
	}
	for _, tt := range tests {
		if got := string(appendXMLText(nil, tt.in)); got != tt.want {
			t.Errorf("appendXMLText(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestEncodeEmptyStrings(t *testing.T) {
	item := which50.ContactInteraction{ID: 3, Interaction: which50.InteractionSMS, Occurred: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
	tests := []struct {
		mode      emptyStrings
		json, xml string
	}{
		{emptyAsString,
			`{"Id":3,"Interaction":"SMS","Name":"","Occurred":"2024-05-01T09:00:00+00:00","Status":"","CampaignId":0,"CampaignName":""}`,
			`<ContactInteraction><CampaignId>0</CampaignId><CampaignName /><Id>3</Id><Interaction>SMS</Interaction><Name />`},
		{emptyAsNull,
			`{"Id":3,"Interaction":"SMS","Name":null,"Occurred":"2024-05-01T09:00:00+00:00","Status":null,"CampaignId":0,"CampaignName":null}`,
			`<ContactInteraction><CampaignId>0</CampaignId><CampaignName i:nil="true" /><Id>3</Id><Interaction>SMS</Interaction><Name i:nil="true" />`},
		{emptyOmitted,
			`{"Id":3,"Interaction":"SMS","Occurred":"2024-05-01T09:00:00+00:00","CampaignId":0}`,
			`<ContactInteraction><CampaignId>0</CampaignId><Id>3</Id><Interaction>SMS</Interaction><Occurred`},
	}
	for _, tt := range tests {
		if got := string(appendJSONItem(nil, &item, tt.mode)); got != tt.json {
			t.Errorf("mode %d JSON:\n got %s\nwant %s", tt.mode, got, tt.json)
		}
		if got := string(appendXMLItem(nil, &item, tt.mode)); !strings.HasPrefix(got, tt.xml) {
			t.Errorf("mode %d XML:\n got %s\nwant prefix %s", tt.mode, got, tt.xml)
		}
	}
}

// wireItem is an independent, reflection-based reading of the XML shape,
// used to check that EncodeXML output is well-formed and namespaced right.
type wireXML struct {
	XMLName xml.Name `xml:"http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts ArrayOfContactInteraction"`
	Items   []struct {
		CampaignID   int64  `xml:"CampaignId"`
		CampaignName string `xml:"CampaignName"`
		ID           int64  `xml:"Id"`
		Interaction  string `xml:"Interaction"`
		Name         string `xml:"Name"`
		Occurred     struct {
			DateTime      string `xml:"http://schemas.datacontract.org/2004/07/System DateTime"`
			OffsetMinutes int    `xml:"http://schemas.datacontract.org/2004/07/System OffsetMinutes"`
		} `xml:"Occurred"`
		Status string `xml:"Status"`
	} `xml:"ContactInteraction"`
}

func TestEncodeRoundTripsThroughStandardDecoders(t *testing.T) {
	items := DemoCommunications("round-trip", 300, 42)
	var j, x bytes.Buffer
	if err := EncodeJSON(&j, items); err != nil {
		t.Fatal(err)
	}
	if err := EncodeXML(&x, items); err != nil {
		t.Fatal(err)
	}

	var fromJSON []struct {
		Id           int64
		Interaction  string
		Name         *string
		Occurred     time.Time
		Status       string
		CampaignId   int64
		CampaignName *string
	}
	if err := json.Unmarshal(j.Bytes(), &fromJSON); err != nil {
		t.Fatal(err)
	}
	var fromXML wireXML
	if err := xml.Unmarshal(x.Bytes(), &fromXML); err != nil {
		t.Fatal(err)
	}
	if len(fromJSON) != len(items) || len(fromXML.Items) != len(items) {
		t.Fatalf("decoded %d JSON and %d XML items, want %d", len(fromJSON), len(fromXML.Items), len(items))
	}
	for i, want := range items {
		gj, gx := fromJSON[i], fromXML.Items[i]
		if gj.Id != want.ID || gj.Interaction != string(want.Interaction) || *gj.Name != want.Name ||
			gj.Status != want.Status || gj.CampaignId != want.CampaignID || *gj.CampaignName != want.CampaignName {
			t.Errorf("JSON item %d = %+v, want %+v", i, gj, want)
		}
		if !gj.Occurred.Equal(want.Occurred) || offsetMinutes(gj.Occurred) != offsetMinutes(want.Occurred) {
			t.Errorf("JSON item %d occurred %v, want %v", i, gj.Occurred, want.Occurred)
		}
		if gx.ID != want.ID || gx.Interaction != string(want.Interaction) || gx.Name != want.Name ||
			gx.Status != want.Status || gx.CampaignID != want.CampaignID || gx.CampaignName != want.CampaignName {
			t.Errorf("XML item %d = %+v, want %+v", i, gx, want)
		}
		utc, err := time.Parse(time.RFC3339Nano, gx.Occurred.DateTime)
		if err != nil || !utc.Equal(want.Occurred) || !strings.HasSuffix(gx.Occurred.DateTime, "Z") {
			t.Errorf("XML item %d DateTime %q, want the UTC form of %v (err %v)", i, gx.Occurred.DateTime, want.Occurred, err)
		}
		if gx.Occurred.OffsetMinutes != offsetMinutes(want.Occurred) {
			t.Errorf("XML item %d OffsetMinutes %d, want %d", i, gx.Occurred.OffsetMinutes, offsetMinutes(want.Occurred))
		}
	}
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errBrokenPipe
	}
	return len(p), nil
}

var errBrokenPipe = errors.New("broken pipe")

func TestEncodeWriteError(t *testing.T) {
	items := DemoCommunications("x", 500, 1)
	for name, enc := range map[string]func(w *failingWriter) error{
		"json": func(w *failingWriter) error { return EncodeJSON(w, items) },
		"xml":  func(w *failingWriter) error { return EncodeXML(w, items) },
	} {
		err := enc(&failingWriter{n: 1000})
		if !errors.Is(err, errBrokenPipe) || !strings.HasPrefix(err.Error(), "which50test: ") {
			t.Errorf("%s: err = %v, want a which50test error wrapping the write error", name, err)
		}
	}
}
