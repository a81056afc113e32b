package which50

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// at builds the time a decoder must return: the instant of the given clock
// reading at the given offset (minutes east of UTC), in time.UTC for a zero
// offset and an unnamed fixed zone otherwise.
func at(year, month, day, hour, minute, sec, nsec, offMinutes int) time.Time {
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, zoneFor(offMinutes))
}

func zoneFor(offMinutes int) *time.Location {
	if offMinutes == 0 {
		return time.UTC
	}
	return time.FixedZone("", offMinutes*60)
}

// sameTime compares instants AND the zone the server sent: go-cmp would
// otherwise use time.Time.Equal, which ignores the zone.
var sameTime = cmp.Comparer(func(a, b time.Time) bool {
	an, ao := a.Zone()
	bn, bo := b.Zone()
	return a.Equal(b) && an == bn && ao == bo
})

type decodeFunc func(io.Reader, func(ContactInteraction) bool) error

// collect decodes everything r holds.
func collect(dec decodeFunc, r io.Reader) ([]ContactInteraction, error) {
	var got []ContactInteraction
	err := dec(r, func(c ContactInteraction) bool {
		got = append(got, c)
		return true
	})
	return got, err
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// helpSample is what the help page's samples hold: two identical items.
func helpSample() []ContactInteraction {
	it := ContactInteraction{
		ID:           1,
		Interaction:  "sample string 2",
		Name:         "sample string 3",
		Occurred:     at(2024, 12, 27, 18, 6, 0, 696096600, 0),
		Status:       "sample string 4",
		CampaignID:   1,
		CampaignName: "sample string 5",
	}
	return []ContactInteraction{it, it}
}

// jsonGolden is what each JSON file under testdata decodes to.
var jsonGolden = map[string][]ContactInteraction{
	"help_json.json":       helpSample(),
	"help_csp_report.json": helpSample(),
	"json_empty_list.json": nil,
	"json_null.json":       nil,
	"json_offsets.json": {
		{ID: 90210001, Interaction: InteractionEmail, Name: "Spring Sale – Early Access", Occurred: at(2024, 12, 27, 18, 6, 0, 696096600, 600), Status: "Opened", CampaignID: 4411, CampaignName: "Spring Sale 2025"},
		{ID: 90210002, Interaction: InteractionSMS, Name: "Café reminder: table for 2 🍽️", Occurred: at(2024, 12, 28, 9, 15, 30, 500000000, 570), Status: "Delivered", CampaignID: 4412, CampaignName: "Réservations – Adelaide"},
		{ID: 90210003, Interaction: InteractionLandingPage, Name: `Black Friday "Doorbusters"`, Occurred: at(2024, 11, 29, 7, 0, 0, 0, -300), Status: "Visited", CampaignID: 4413, CampaignName: "Black Friday US"},
		{ID: 90210004, Interaction: InteractionWebForm, Name: "Newsletter sign-up", Occurred: at(2025, 1, 2, 0, 0, 0, 123456700, 0), Status: "Submitted", CampaignID: 4414, CampaignName: "Newsletter"},
		{ID: 90210005, Interaction: InteractionCompetition, Name: "Win a trip to 東京", Occurred: at(2024, 2, 29, 23, 59, 59, 120000000, 660), Status: "Entered", CampaignID: 4415, CampaignName: "Summer Giveaway"},
	},
	"json_utc_and_unspecified.json": {
		{ID: 5501, Interaction: InteractionEmail, Name: "Welcome to Which50", Occurred: at(2017, 3, 15, 2, 27, 20, 0, 0), Status: "Sent", CampaignID: 12, CampaignName: "Onboarding"},
		{ID: 5502, Interaction: InteractionEvent, Name: "Webinar: Marketing in 2017", Occurred: at(2017, 3, 15, 2, 27, 20, 0, 0), Status: "Registered", CampaignID: 13, CampaignName: "Webinars"},
		{ID: 5503, Interaction: InteractionEmail, Name: "Follow-up", Occurred: at(2017, 3, 16, 11, 0, 0, 987654300, 0), Status: "Clicked", CampaignID: 12, CampaignName: "Onboarding"},
	},
	"json_msdate.json": {
		{ID: 7001, Interaction: InteractionSMS, Name: "Appointment reminder", Occurred: time.UnixMilli(1735286760696).In(zoneFor(600)), Status: "Delivered", CampaignID: 301, CampaignName: "Clinic reminders"},
		{ID: 7002, Interaction: InteractionEmail, Name: "Invoice #1042", Occurred: time.UnixMilli(1735286760696).UTC(), Status: "Bounced", CampaignID: 302, CampaignName: "Billing"},
		{ID: 7003, Interaction: InteractionEmail, Name: "Invoice #1043", Occurred: time.UnixMilli(1735286760696).In(zoneFor(-300)), Status: "Opened", CampaignID: 302, CampaignName: "Billing"},
		{ID: 7004, Interaction: InteractionEmail, Name: "Old newsletter", Occurred: at(1969, 12, 31, 9, 30, 0, 0, 570), Status: "Sent", CampaignID: 303, CampaignName: "Archive"},
	},
	"json_null_members.json": {
		{ID: 8001, Interaction: InteractionWebForm, Name: "Contact us", Occurred: at(2025, 3, 1, 10, 30, 0, 0, 660)},
		{ID: 8002},
	},
	"json_omitted_members.json": {
		{ID: 8101, Interaction: InteractionEmail, Name: "Password reset", Occurred: at(2025, 3, 2, 8, 0, 0, 0, 600), Status: "Sent"},
		{ID: 8102, Occurred: at(2025, 3, 2, 8, 5, 0, 0, 600)},
		{},
	},
	"json_unknown_members.json": {
		{ID: 8201, Interaction: InteractionEmail, Name: "VIP preview", Occurred: at(2025, 4, 1, 12, 0, 0, 0, 600), Status: "Opened", CampaignID: 9001, CampaignName: "VIP"},
	},
	"json_bom.json": {
		{ID: 8301, Interaction: InteractionEmail, Name: "BOM test", Occurred: at(2025, 5, 5, 5, 5, 5, 500000000, 600), Status: "Sent", CampaignID: 1, CampaignName: "Proxy"},
	},
	"json_camelcase.json": {
		{ID: 8401, Interaction: InteractionSMS, Name: "Flash sale", Occurred: at(2025, 6, 1, 9, 0, 0, 0, 570), Status: "Delivered", CampaignID: 77, CampaignName: "Flash"},
	},
	"json_escapes.json": {
		{ID: 8501, Interaction: InteractionEmail, Name: "Tab\there, newline\nthere, quote \" backslash \\ slash / éé 😀 \b\f\r", Occurred: at(2025, 7, 7, 7, 7, 7, 70000000, 600), Status: "Opened ✔", CampaignID: -1, CampaignName: "Emoji 🎉 and Ünïcödé"},
	},
}

func TestDecodeJSONTestdata(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	if len(files) != len(jsonGolden) {
		t.Errorf("testdata has %d JSON files, the golden table %d", len(files), len(jsonGolden))
	}
	for name, want := range jsonGolden {
		t.Run(name, func(t *testing.T) {
			got, err := collect(decodeJSON, bytes.NewReader(readTestdata(t, name)))
			if err != nil {
				t.Fatalf("decodeJSON: %v", err)
			}
			if diff := cmp.Diff(want, got, sameTime); diff != "" {
				t.Errorf("decodeJSON mismatch (-want +got):\n%s", diff)
			}
			for i, it := range got {
				_, gotOff := it.Occurred.Zone()
				_, wantOff := want[i].Occurred.Zone()
				if gotOff != wantOff {
					t.Errorf("item %d: offset %d, want %d", i, gotOff, wantOff)
				}
			}
		})
	}
}

func TestDecodeJSONShapes(t *testing.T) {
	one := func(mod string) string {
		return `[{"Id":1,"Interaction":"Email","Name":"n","Occurred":"2025-01-01T00:00:00+10:00","Status":"s","CampaignId":2,"CampaignName":"c"` + mod + `}]`
	}
	base := ContactInteraction{ID: 1, Interaction: InteractionEmail, Name: "n", Occurred: at(2025, 1, 1, 0, 0, 0, 0, 600), Status: "s", CampaignID: 2, CampaignName: "c"}
	tests := []struct {
		name string
		in   string
		want []ContactInteraction
	}{
		{"empty body", "", nil},
		{"whitespace body", " \r\n\t ", nil},
		{"BOM only", "\xEF\xBB\xBF", nil},
		{"BOM and whitespace", "\xEF\xBB\xBF \n", nil},
		{"null with whitespace", " null \n", nil},
		{"empty array with whitespace", "\n[ ]\n", nil},
		{"later duplicate wins", one(`,"Id":7`), []ContactInteraction{func() ContactInteraction { c := base; c.ID = 7; return c }()}},
		{"null after a value keeps it, as in encoding/json", one(`,"Name":null`), []ContactInteraction{base}},
		{"case-insensitive names", `[{"ID":1,"INTERACTION":"Email","nAmE":"n","OCCURRED":"2025-01-01T00:00:00+10:00","status":"s","campaignid":2,"CAMPAIGNNAME":"c"}]`, []ContactInteraction{base}},
		{"unknown nested", one(`,"X":{"a":[1,2,{"b":[]}],"c":"}]"}`), []ContactInteraction{base}},
		{"max int64", `[{"Id":9223372036854775807,"CampaignId":-9223372036854775808}]`, []ContactInteraction{{ID: 9223372036854775807, CampaignID: -9223372036854775808}}},
		{"negative zero", `[{"Id":-0}]`, []ContactInteraction{{}}},
		{"lone surrogate becomes U+FFFD", `[{"Name":"a\ud800b\udc00c\ud83d\ud83d\ude00"}]`, []ContactInteraction{{Name: "a\uFFFDb\uFFFDc\uFFFD😀"}}},
		{"unknown interaction kept", `[{"Interaction":"Push Notification"}]`, []ContactInteraction{{Interaction: "Push Notification"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, dec := range map[string]decodeFunc{"fast": decodeJSON, "reference": refDecodeJSON} {
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

func TestDecodeJSONErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"object at top level", `{"Id":1}`},
		{"string at top level", `"x"`},
		{"number at top level", `1`},
		{"trailing garbage", `[] x`},
		{"second value", `[][]`},
		{"null item", `[null]`},
		{"number item", `[1]`},
		{"trailing comma", `[{"Id":1},]`},
		{"missing comma", `[{"Id":1} {"Id":2}]`},
		{"trailing comma in object", `[{"Id":1,}]`},
		{"fractional id", `[{"Id":1.5}]`},
		{"fractional zero id", `[{"Id":1.0}]`},
		{"exponent id", `[{"Id":1e3}]`},
		{"id out of range", `[{"Id":9223372036854775808}]`},
		{"negative id out of range", `[{"CampaignId":-9223372036854775809}]`},
		{"huge id", `[{"Id":123456789012345678901234567890}]`},
		{"leading zero", `[{"Id":01}]`},
		{"plus sign", `[{"Id":+1}]`},
		{"string id", `[{"Id":"1"}]`},
		{"number name", `[{"Name":5}]`},
		{"object name", `[{"Name":{}}]`},
		{"bad literal", `[{"Name":nul}]`},
		{"invalid date", `[{"Occurred":"yesterday"}]`},
		{"month 13", `[{"Occurred":"2024-13-01T00:00:00+00:00"}]`},
		{"day 30 of February", `[{"Occurred":"2024-02-30T00:00:00+00:00"}]`},
		{"29 February 2023", `[{"Occurred":"2023-02-29T00:00:00Z"}]`},
		{"hour 24", `[{"Occurred":"2024-01-01T24:00:00Z"}]`},
		{"minute 60", `[{"Occurred":"2024-01-01T00:60:00Z"}]`},
		{"second 60", `[{"Occurred":"2024-01-01T00:00:60Z"}]`},
		{"offset minutes 60", `[{"Occurred":"2024-01-01T00:00:00+10:60"}]`},
		{"number date", `[{"Occurred":20240101}]`},
		{"control character", "[{\"Name\":\"a\tb\"}]"},
		{"invalid escape", `[{"Name":"\x"}]`},
		{"short unicode escape", `[{"Name":"\u12"}]`},
		{"invalid UTF-8 in string", "[{\"Name\":\"caf\xe9\"}]"},
		{"invalid UTF-8 in escaped string", "[{\"Name\":\"\\n caf\xe9\"}]"},
		{"invalid UTF-8 in unknown member", "[{\"X\":\"\xff\"}]"},
		{"invalid UTF-8 in member name", "[{\"\xff\":1}]"},
		{"unknown member bad syntax", `[{"X":[1,]}]`},
		{"unknown member bad number", `[{"X":1.}]`},
		{"unquoted name", `[{Id:1}]`},
		{"single quotes", `[{'Id':1}]`},
		{"BOM twice", "\xEF\xBB\xBF\xEF\xBB\xBF[]"},
		{"NaN", `[{"X":NaN}]`},
		{"comment", `[/**/]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, dec := range map[string]decodeFunc{"fast": decodeJSON, "reference": refDecodeJSON} {
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
				if !strings.HasPrefix(err.Error(), "which50: invalid JSON at byte ") {
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

// TestDecodeJSONErrorOffsets checks that a syntax error points at the
// offending token, however the body arrives.
func TestDecodeJSONErrorOffsets(t *testing.T) {
	tests := []struct {
		in     string
		offset int64
		near   string
	}{
		{`[{"Id":1.5}]`, 7, "1.5"},
		{`[{"Id":1,"CampaignId":99999999999999999999}]`, 22, "99999999999999999999"},
		{`[{"Name":"ok","Occurred":"2024-13-01T00:00:00Z"}]`, 25, "2024-13-01"},
		{`[{"Id":1} x]`, 10, "x]"},
		{`  {"Id":1}`, 2, `{"Id":1}`},
	}
	for _, tt := range tests {
		for rname, rd := range map[string]func(string) io.Reader{
			"whole":    func(s string) io.Reader { return strings.NewReader(s) },
			"one byte": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		} {
			_, err := collect(decodeJSON, rd(tt.in))
			var se *syntaxError
			if !errors.As(err, &se) {
				t.Fatalf("%s, %s reader: got %v, want a syntax error", tt.in, rname, err)
			}
			if se.Offset != tt.offset || rname == "whole" && !strings.Contains(se.Near, tt.near) {
				t.Errorf("%s, %s reader: offset %d near %q; want %d near %q", tt.in, rname, se.Offset, se.Near, tt.offset, tt.near)
			}
		}
	}
}
