package which50

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseJSONDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		// Json.NET DateTimeOffset: 0-7 fraction digits, trailing zeros trimmed.
		{"2024-12-27T18:06:00.6960966+10:00", at(2024, 12, 27, 18, 6, 0, 696096600, 600)},
		{"2024-12-27T18:06:00.696+10:00", at(2024, 12, 27, 18, 6, 0, 696000000, 600)},
		{"2024-12-27T18:06:00.6+09:30", at(2024, 12, 27, 18, 6, 0, 600000000, 570)},
		{"2024-12-27T18:06:00+11:00", at(2024, 12, 27, 18, 6, 0, 0, 660)},
		{"2024-12-27T18:06:00-05:00", at(2024, 12, 27, 18, 6, 0, 0, -300)},
		{"2024-12-27T18:06:00.6960966+00:00", at(2024, 12, 27, 18, 6, 0, 696096600, 0)},
		{"2024-12-27T18:06:00-00:00", at(2024, 12, 27, 18, 6, 0, 0, 0)},
		{"2024-12-27T18:06:00.123456789+05:45", at(2024, 12, 27, 18, 6, 0, 123456789, 345)},
		// DateTime: Utc, Unspecified (read as UTC).
		{"2017-03-15T02:27:20Z", at(2017, 3, 15, 2, 27, 20, 0, 0)},
		{"2017-03-15T02:27:20.9999999Z", at(2017, 3, 15, 2, 27, 20, 999999900, 0)},
		{"2017-03-15T02:27:20", at(2017, 3, 15, 2, 27, 20, 0, 0)},
		{"2017-03-15T02:27:20.5", at(2017, 3, 15, 2, 27, 20, 500000000, 0)},
		// Range edges.
		{"2024-02-29T00:00:00Z", at(2024, 2, 29, 0, 0, 0, 0, 0)},
		{"2000-02-29T00:00:00Z", at(2000, 2, 29, 0, 0, 0, 0, 0)},
		{"0001-01-01T00:00:00Z", at(1, 1, 1, 0, 0, 0, 0, 0)},
		{"9999-12-31T23:59:59.9999999Z", at(9999, 12, 31, 23, 59, 59, 999999900, 0)},
		{"2024-06-30T23:59:59+14:00", at(2024, 6, 30, 23, 59, 59, 0, 840)},
		{"2024-06-30T23:59:59-12:00", at(2024, 6, 30, 23, 59, 59, 0, -720)},
		// Microsoft forms (the JSON string's content, \/ already unescaped).
		{"/Date(1735286760696+1000)/", time.UnixMilli(1735286760696).In(zoneFor(600))},
		{"/Date(1735286760696)/", time.UnixMilli(1735286760696).UTC()},
		{"/Date(1735286760696-0500)/", time.UnixMilli(1735286760696).In(zoneFor(-300))},
		{"/Date(1735286760696+0000)/", time.UnixMilli(1735286760696).UTC()},
		{"/Date(0)/", time.Unix(0, 0).UTC()},
		{"/Date(-86400000+0930)/", at(1969, 12, 31, 9, 30, 0, 0, 570)},
		{"/Date(-62135596800000)/", at(1, 1, 1, 0, 0, 0, 0, 0)},
		{"/Date(253402300799999)/", at(9999, 12, 31, 23, 59, 59, 999000000, 0)},
	}
	for _, tt := range tests {
		got, err := parseJSONDate([]byte(tt.in))
		if err != nil {
			t.Errorf("parseJSONDate(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, sameTime); diff != "" {
			t.Errorf("parseJSONDate(%q) (-want +got):\n%s", tt.in, diff)
		}
		wantName, wantOff := tt.want.Zone()
		if name, off := got.Zone(); name != wantName || off != wantOff {
			t.Errorf("parseJSONDate(%q).Zone() = %q, %d; want %q, %d", tt.in, name, off, wantName, wantOff)
		}
		ref, err := refParseDate(tt.in, true)
		if err != nil || !cmp.Equal(ref, got, sameTime) {
			t.Errorf("reference disagrees on %q: %v, %v", tt.in, ref, err)
		}
	}
}

func TestParseJSONDateErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"2024",
		"2024-12-27",
		"2024-12-27 18:06:00Z",            // space instead of T
		"2024-12-27t18:06:00Z",            // lower-case t
		"2024-12-27T18:06Z",               // no seconds
		"2024-12-27T18:06:00.Z",           // dot without digits
		"2024-12-27T18:06:00.1234567890Z", // 10 fraction digits
		"2024-12-27T18:06:00+10",          // short offset
		"2024-12-27T18:06:00+1000",        // offset without colon
		"2024-12-27T18:06:00+10:00Z",
		"2024-12-27T18:06:00z",
		"2024-12-27T18:06:00 ",
		" 2024-12-27T18:06:00",
		"+2024-12-27T18:06:00Z",
		"0000-01-01T00:00:00Z",
		"2024-00-10T00:00:00Z",
		"2024-13-10T00:00:00Z",
		"2024-04-31T00:00:00Z",
		"2023-02-29T00:00:00Z",
		"1900-02-29T00:00:00Z",
		"2024-01-00T00:00:00Z",
		"2024-01-01T24:00:00Z",
		"2024-01-01T23:60:00Z",
		"2024-01-01T23:59:60Z",
		"2024-01-01T00:00:00+24:00",
		"2024-01-01T00:00:00+10:60",
		"2024-1-01T00:00:00Z",
		"2024-01-01T00:00:0aZ",
		"\\/Date(1735286760696)\\/", // still escaped
		"/Date()/",
		"/Date(-)/",
		"/Date(+5)/",
		"/Date(12a)/",
		"/Date(1735286760696+10)/",
		"/Date(1735286760696+10000)/",
		"/Date(1735286760696+2400)/",
		"/Date(1735286760696+1060)/",
		"/Date(1735286760696)",
		"/Date(1735286760696",
		"Date(1735286760696)/",
		"/Date(253402300800000)/",   // year 10000
		"/Date(-62135596800001)/",   // before year 1
		"/Date(9999999999999999)/",  // 16 digits
		"0001-01-01T00:00:00+10:00", // the instant is in year 0
		"9999-12-31T23:00:00-05:00", // the instant is in year 10000
	} {
		if got, err := parseJSONDate([]byte(in)); err == nil {
			t.Errorf("parseJSONDate(%q) = %v, want an error", in, got)
		}
		if got, err := refParseDate(in, true); err == nil {
			t.Errorf("reference parsed %q as %v, want an error", in, got)
		}
	}
}

func TestZoneCache(t *testing.T) {
	var zc zoneCache
	if zc.location(0) != time.UTC {
		t.Error("offset 0 is not time.UTC")
	}
	a, b := zc.location(600*60), zc.location(-300*60)
	if zc.location(600*60) != a || zc.location(-300*60) != b || a == b {
		t.Error("the cache does not hand out one location per offset")
	}
	if name := a.String(); name != "" {
		t.Errorf("fixed zone named %q, want unnamed", name)
	}
	if allocs := testing.AllocsPerRun(100, func() {
		parseDate([]byte("2024-12-27T18:06:00.6960966+10:00"), &zc)
		parseDate([]byte("/Date(1735286760696-0500)/"), &zc)
	}); allocs != 0 {
		t.Errorf("parseDate with a warm cache allocates %v times", allocs)
	}
}

// TestUnixDays checks the calendar arithmetic against time.Date on every
// day of four centuries and the ends of the range.
func TestUnixDays(t *testing.T) {
	check := func(d time.Time) {
		if got, want := unixDays(d.Year(), int(d.Month()), d.Day()), d.Unix()/86400; got != want {
			t.Fatalf("unixDays(%s) = %d, want %d", d.Format(time.DateOnly), got, want)
		}
	}
	for d := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2200; d = d.AddDate(0, 0, 1) {
		check(d)
	}
	check(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC))
	check(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC))
}

// TestDotNetOffsetRange checks that offsets beyond ±14:00, which a .NET
// DateTimeOffset cannot hold, are invalid in every date form.
func TestDotNetOffsetRange(t *testing.T) {
	for _, s := range []string{"2024-01-01T00:00:00+14:01", "2024-01-01T00:00:00-15:00", "/Date(0+1401)/", "/Date(0-2300)/"} {
		if _, err := parseJSONDate([]byte(s)); err == nil {
			t.Errorf("parseJSONDate(%q) accepted an offset beyond ±14:00", s)
		}
	}
	for _, s := range []string{"2024-01-01T00:00:00+14:00", "2024-01-01T00:00:00-14:00", "/Date(0-1400)/"} {
		if _, err := parseJSONDate([]byte(s)); err != nil {
			t.Errorf("parseJSONDate(%q): %v", s, err)
		}
	}
	if _, err := combineXMLDate([]byte("2024-01-01T00:00:00Z"), 841, true, nil); err == nil {
		t.Error("OffsetMinutes 841 accepted")
	}
}

// TestXMLClockTimeAtOffset checks a DateTimeOffset whose DateTime has no
// zone: DataContractSerializer reads it as the clock time at OffsetMinutes,
// while a DateTime in UTC gives the instant.
func TestXMLClockTimeAtOffset(t *testing.T) {
	tests := []struct {
		dateTime string
		offset   int64
		want     time.Time
	}{
		{"2025-01-02T10:00:00", 600, at(2025, 1, 2, 10, 0, 0, 0, 600)},
		{"2025-01-02T00:00:00Z", 600, at(2025, 1, 2, 10, 0, 0, 0, 600)},
		{"2025-01-02T10:00:00+02:00", 600, at(2025, 1, 2, 18, 0, 0, 0, 600)},
		{"2025-01-02T10:00:00.5", -300, at(2025, 1, 2, 10, 0, 0, 500000000, -300)},
	}
	for _, tt := range tests {
		got, err := combineXMLDate([]byte(tt.dateTime), tt.offset, true, nil)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("combineXMLDate(%q, %d) = %v, %v; want %v", tt.dateTime, tt.offset, got, err, tt.want)
			continue
		}
		if _, off := got.Zone(); off != int(tt.offset)*60 {
			t.Errorf("combineXMLDate(%q, %d) has offset %d s", tt.dateTime, tt.offset, off)
		}
	}
	if _, err := combineXMLDate([]byte("0001-01-01T00:00:00"), 60, true, nil); err == nil {
		t.Error("a clock time before year 1 in UTC accepted")
	}
}

// The JSON decoder's fast path for dates takes the first quote 20 to 35
// bytes on as the date's end only when what comes before it parses; these
// dates end elsewhere or hold an escape, and must decode as the general
// path decodes them.
func TestJSONDateFastPathEdges(t *testing.T) {
	ten := time.FixedZone("", 10*3600)
	for _, tc := range []struct {
		body string
		want time.Time
	}{
		{`[{"Occurred":"2024-01-02T03:04:05Z","Name":"x"}]`, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
		{`[{"Occurred":"2024-01-02T03:04:05","Name":"x"}]`, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
		{`[{"Occurred":"2024-01-02T03:04:05.1234567+10:00","Name":"x"}]`, time.Date(2024, 1, 2, 3, 4, 5, 123456700, ten)},
		{`[{"Occurred":"2024-01-02T03:04:05\u002B10:00","Name":"x"}]`, time.Date(2024, 1, 2, 3, 4, 5, 0, ten)},
		{`[{"Occurred":"\/Date(1704164645000+1000)\/","Name":"x"}]`, time.Date(2024, 1, 2, 13, 4, 5, 0, ten)},
		{`[{"Occurred":"2024-01-02T03:04:05Z"}]`, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
	} {
		var got []ContactInteraction
		err := decodeJSON(strings.NewReader(tc.body), func(it ContactInteraction) bool { got = append(got, it); return true })
		if err != nil || len(got) != 1 || !got[0].Occurred.Equal(tc.want) || got[0].Occurred.Format(time.RFC3339Nano) != tc.want.Format(time.RFC3339Nano) {
			t.Errorf("%s: got %v, %v; want %v", tc.body, got, err, tc.want)
		}
	}
}
