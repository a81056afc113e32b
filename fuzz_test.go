package which50_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/which50test"
)

// The fuzz targets hold the fast decoders to these invariants on any input:
// no panic, no hang; the same result whatever the chunking of the reader
// (one byte at a time, or two reads split at a fuzzed offset);
// an error is the package's syntax error; when the fast and the reference
// decoder both succeed they agree, and the fast decoder succeeds only where
// the reference does (except for XML character references to control
// characters, a documented leniency); and a success round-trips through
// which50test's encoders, the fake server's wire format.
//
// Run one with, for example:
//
//	go test -run '^$' -fuzz '^FuzzDecodeXML$' -fuzztime 30s .

type decodeFunc = func(io.Reader, func(which50.ContactInteraction) bool) error

func FuzzDecodeJSON(f *testing.F) {
	addSeeds(f, "*.json")
	for _, s := range []string{
		``, `null`, `[]`, `{}`, `[{}]`, `[null]`, `[{"Id":1.5}]`, `[{"Name":"\ud800"}]`,
		`[{"Occurred":"\/Date(-1+0100)\/"}]`, `[{"X":[[[[{}]]]],"Id":-0}]`, "\xEF\xBB\xBF[ ]",
		`[{"Occurred":"0001-01-01T00:00:00+10:00"}]`, `[{"id":1,"ID":2,"iD":3}]`,
	} {
		f.Add([]byte(s), uint16(len(s)/2))
	}
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		checkDecoder(t, data, int(split), which50.DecodeJSON, which50.RefDecodeJSON, which50test.EncodeJSON, false)
	})
}

func FuzzDecodeXML(f *testing.F) {
	addSeeds(f, "*.xml")
	for _, s := range []string{
		``, `<a/>`, xmlOpen + `</ArrayOfContactInteraction>`,
		xmlOpen + `<ContactInteraction><Name><![CDATA[x]]>&#x1F600;&amp;</Name></ContactInteraction></ArrayOfContactInteraction>`,
		xmlOpen + `<ContactInteraction><Name i:nil="true"/></ContactInteraction></ArrayOfContactInteraction>`,
		`<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>`,
	} {
		f.Add([]byte(s), uint16(len(s)/2))
	}
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		checkDecoder(t, data, int(split), which50.DecodeXML, which50.RefDecodeXML, which50test.EncodeXML, bytes.Contains(data, []byte("&#")))
	})
}

func FuzzParseJSONDate(f *testing.F) {
	for _, s := range []string{
		"2024-12-27T18:06:00.6960966+10:00", "2024-12-27T18:06:00+11:00", "2024-12-27T18:06:00.5-05:00",
		"2024-12-27T18:06:00+00:00", "2017-03-15T02:27:20Z", "2017-03-15T02:27:20", "2024-02-29T23:59:59.123456789Z",
		"/Date(1735286760696+1000)/", "/Date(1735286760696)/", "/Date(-1-0930)/", "0001-01-01T00:00:00Z",
		"9999-12-31T23:59:59.9999999Z", "2024-13-01T00:00:00Z", "/Date()/",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := which50.ParseJSONDate(b)
		ref, refErr := which50.RefParseDate(string(b), true)
		if (err == nil) != (refErr == nil) {
			t.Fatalf("%q: fast error %v, reference error %v", b, err, refErr)
		}
		if err != nil {
			return
		}
		if !cmp.Equal(ref, got, sameTime) {
			t.Fatalf("%q: fast %v, reference %v", b, got, ref)
		}
		if name, off := got.Zone(); (off == 0) != (name == "UTC") || (off != 0 && name != "") {
			t.Fatalf("%q: zone %q %d: want UTC for offset 0, else an unnamed fixed zone", b, name, off)
		}
	})
}

const xmlOpen = `<ArrayOfContactInteraction xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts">`

var sameTime = cmp.Comparer(func(a, b time.Time) bool {
	an, ao := a.Zone()
	bn, bo := b.Zone()
	return a.Equal(b) && an == bn && ao == bo
})

func addSeeds(f *testing.F, pattern string) {
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds for %s: %v", pattern, err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, split := range []int{0, len(data) / 3, len(data) / 2} {
			f.Add(data, uint16(split))
		}
	}
}

func collect(dec decodeFunc, r io.Reader) ([]which50.ContactInteraction, error) {
	var got []which50.ContactInteraction
	err := dec(r, func(c which50.ContactInteraction) bool {
		got = append(got, c)
		return true
	})
	return got, err
}

func checkDecoder(t *testing.T, data []byte, split int, fast, ref decodeFunc, encode func(io.Writer, []which50.ContactInteraction) error, refMayReject bool) {
	got, err := collect(fast, bytes.NewReader(data))
	got1, err1 := collect(fast, iotest.OneByteReader(bytes.NewReader(data)))
	if (err == nil) != (err1 == nil) || !cmp.Equal(got, got1, sameTime) {
		t.Fatalf("result depends on chunking (one byte reads): %v, %v", err, err1)
	}
	k := split % (len(data) + 1)
	got2, err2 := collect(fast, io.MultiReader(bytes.NewReader(data[:k]), bytes.NewReader(data[k:])))
	if (err == nil) != (err2 == nil) || !cmp.Equal(got, got2, sameTime) {
		t.Fatalf("result depends on chunking (split at %d): %v, %v", k, err, err2)
	}
	if err != nil {
		if !strings.HasPrefix(err.Error(), "which50: invalid ") {
			t.Fatalf("error %q is not a syntax error", err)
		}
		return
	}
	want, refErr := collect(ref, bytes.NewReader(data))
	switch {
	case refErr != nil && !refMayReject:
		t.Fatalf("fast decoder accepted what the reference rejects (%v): %+v", refErr, got)
	case refErr == nil:
		if diff := cmp.Diff(want, got, sameTime); diff != "" {
			t.Fatalf("fast vs reference (-ref +fast):\n%s", diff)
		}
	}
	// Round trip through the fake server's encoder. .NET keeps 100 ns
	// ticks, so the encoder does too; skip finer times.
	for _, it := range got {
		if it.Occurred.Nanosecond()%100 != 0 {
			return
		}
	}
	var buf bytes.Buffer
	if err := encode(&buf, got); err != nil {
		t.Fatal(err)
	}
	again, err := collect(fast, &buf)
	if err != nil {
		t.Fatalf("decoding the re-encoded items: %v\n%s", err, buf.Bytes())
	}
	if len(got) == 0 {
		got = nil
	}
	if diff := cmp.Diff(got, again, sameTime); diff != "" {
		t.Fatalf("round trip through the encoder (-decoded +re-decoded):\n%s", diff)
	}
}
