package which50

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// decoders pairs each fast decoder with its reference and file extension.
var decoders = []struct {
	format    string
	ext       string
	fast, ref decodeFunc
}{
	{"JSON", ".json", decodeJSON, refDecodeJSON},
	{"XML", ".xml", decodeXML, refDecodeXML},
}

// readers feed a payload in different chunkings, so that every token
// crosses a buffer refill somewhere.
var readers = map[string]func([]byte) io.Reader{
	"whole":    func(b []byte) io.Reader { return bytes.NewReader(b) },
	"one byte": func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) },
	"half":     func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) },
	"data+EOF": func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) },
}

// TestDifferentialTestdata runs the fast decoders against the reference
// decoders on every payload in testdata, in every chunking.
func TestDifferentialTestdata(t *testing.T) {
	for _, dc := range decoders {
		files, err := filepath.Glob("testdata/*" + dc.ext)
		if err != nil || len(files) == 0 {
			t.Fatalf("no %s testdata: %v", dc.format, err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want, err := collect(dc.ref, bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%s: reference: %v", file, err)
			}
			for rname, rd := range readers {
				got, err := collect(dc.fast, rd(data))
				if err != nil {
					t.Errorf("%s, %s reader: %v", file, rname, err)
					continue
				}
				if diff := cmp.Diff(want, got, sameTime); diff != "" {
					t.Errorf("%s, %s reader: fast vs reference (-ref +fast):\n%s", file, rname, diff)
				}
			}
		}
	}
}

// TestDecodeAtEverySplit feeds each testdata payload in two reads, split at
// every byte: a token, a rune or a reference cut by a refill must decode
// the same.
func TestDecodeAtEverySplit(t *testing.T) {
	for _, dc := range decoders {
		files, _ := filepath.Glob("testdata/*" + dc.ext)
		for _, file := range files {
			data, _ := os.ReadFile(file)
			want, err := collect(dc.fast, bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			step := 1 + len(data)/800 // every byte of the small files, most of the big ones
			for k := 0; k < len(data); k += step {
				got, err := collect(dc.fast, io.MultiReader(bytes.NewReader(data[:k]), bytes.NewReader(data[k:])))
				if err != nil {
					t.Fatalf("%s split at %d: %v", file, k, err)
				}
				if diff := cmp.Diff(want, got, sameTime); diff != "" {
					t.Fatalf("%s split at %d (-whole +split):\n%s", file, k, diff)
				}
			}
		}
	}
}

// TestDifferentialGenerated decodes random payloads shaped like the
// service's (random unicode, every escape, every date form, nulls, omitted
// and unknown members, any member order) with both decoders and checks both
// against what the generator encoded.
func TestDifferentialGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, dc := range decoders {
		for n := range 300 {
			items := make([]ContactInteraction, rng.IntN(6))
			var payload []byte
			if dc.format == "JSON" {
				payload = genJSON(rng, items)
			} else {
				payload = genXML(rng, items)
			}
			want := items
			if len(want) == 0 {
				want = nil
			}
			for name, dec := range map[string]decodeFunc{"fast": dc.fast, "reference": dc.ref} {
				got, err := collect(dec, iotest.HalfReader(bytes.NewReader(payload)))
				if err != nil {
					t.Fatalf("%s payload %d: %s: %v\n%s", dc.format, n, name, err, payload)
				}
				if diff := cmp.Diff(want, got, sameTime); diff != "" {
					t.Fatalf("%s payload %d: %s mismatch (-want +got):\n%s\n%s", dc.format, n, name, diff, payload)
				}
			}
		}
	}
}

// TestTruncatedBodiesFail cuts every testdata payload at every byte before
// its end: no cut may decode successfully.
func TestTruncatedBodiesFail(t *testing.T) {
	for _, dc := range decoders {
		files, _ := filepath.Glob("testdata/*" + dc.ext)
		for _, file := range files {
			data, _ := os.ReadFile(file)
			// Cuts up to the end of the top-level value; after it come only
			// whitespace and comments, and cutting those leaves a whole document.
			end := len(bytes.TrimRight(data, " \t\r\n"))
			if dc.format == "XML" {
				if k := bytes.LastIndex(data, []byte(xmlClose)); k >= 0 {
					end = k + len(xmlClose)
				} else {
					end = bytes.LastIndex(data, []byte("/>")) + len("/>")
				}
			}
			for cut := 1; cut < end; cut++ {
				prefix := data[:cut]
				if len(bytes.Trim(bytes.TrimPrefix(prefix, []byte(utf8BOM)), " \t\r\n")) == 0 {
					continue // an empty body is a valid empty list
				}
				if _, err := collect(dc.fast, bytes.NewReader(prefix)); err == nil {
					t.Errorf("%s cut at byte %d of %d decoded without error", file, cut, len(data))
				} else if !errors.As(err, new(*syntaxError)) {
					t.Errorf("%s cut at byte %d: %v is not a *syntaxError", file, cut, err)
				}
			}
		}
	}
}

// errCut is the error a reader returns mid-body, like a reset connection.
var errCut = errors.New("connection reset by peer")

// TestReadErrorsPropagate checks that a reader's error mid-body reaches the
// caller wrapped, so errors.Is finds it, wherever the body is cut.
func TestReadErrorsPropagate(t *testing.T) {
	for _, dc := range decoders {
		data := readTestdata(t, "help_xml.xml")
		if dc.format == "JSON" {
			data = readTestdata(t, "json_offsets.json")
		}
		for _, cut := range []int{0, 1, 2, 10, len(data) / 2, len(data) - 1} {
			for _, readErr := range []error{errCut, io.ErrUnexpectedEOF} {
				r := io.MultiReader(bytes.NewReader(data[:cut]), iotest.ErrReader(readErr))
				_, err := collect(dc.fast, r)
				if !errors.Is(err, readErr) {
					t.Errorf("%s cut at %d with %v: got %v", dc.format, cut, readErr, err)
				}
				if err != nil && !strings.HasPrefix(err.Error(), "which50: ") {
					t.Errorf("error text %q lacks the which50 prefix", err)
				}
			}
		}
	}
}

// TestYieldStopsEarly checks that decoding stops at the first false.
func TestYieldStopsEarly(t *testing.T) {
	for _, dc := range decoders {
		data := readTestdata(t, "xml_offsets.xml")
		if dc.format == "JSON" {
			data = readTestdata(t, "json_offsets.json")
		}
		// Garbage after the second item proves the decoder stopped reading.
		calls := 0
		err := dc.fast(bytes.NewReader(data), func(ContactInteraction) bool {
			calls++
			return calls < 2
		})
		if err != nil || calls != 2 {
			t.Errorf("%s: %d calls, err %v; want 2 calls, nil", dc.format, calls, err)
		}
	}
}

func TestHostileJSONNesting(t *testing.T) {
	const depth = 200_000
	for name, in := range map[string]string{
		"top level":      strings.Repeat("[", depth) + strings.Repeat("]", depth),
		"unknown member": `[{"X":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}]`,
		"unknown object": `[{"X":` + strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth) + `}]`,
		"unterminated":   `[{"X":` + strings.Repeat("[", depth),
	} {
		_, err := collect(decodeJSON, strings.NewReader(in))
		var se *syntaxError
		if !errors.As(err, &se) {
			t.Errorf("%s: got %v, want a syntax error", name, err)
		} else if se.Offset > 8*(maxJSONDepth+2) {
			t.Errorf("%s: error at byte %d: the decoder read deeper than its bound", name, se.Offset)
		}
	}
}

func TestHostileXMLNesting(t *testing.T) {
	const depth = 100_000
	for name, in := range map[string]string{
		"in an item":   xmlOpen + "<ContactInteraction>" + strings.Repeat("<a>", depth) + strings.Repeat("</a>", depth) + "</ContactInteraction>" + xmlClose,
		"in the root":  xmlOpen + strings.Repeat("<x:a xmlns:x='urn:x'>", depth) + strings.Repeat("</x:a>", depth) + xmlClose,
		"self-closing": xmlOpen + strings.Repeat("<a>", depth) + "<a/>" + xmlClose,
	} {
		_, err := collect(decodeXML, strings.NewReader(in))
		var se *syntaxError
		if !errors.As(err, &se) {
			t.Errorf("%s: got %v, want a syntax error", name, err)
		} else if !strings.Contains(se.Msg, "nested too deep") {
			t.Errorf("%s: %v, want the depth bound", name, err)
		}
	}
	// Exactly at the bound is fine.
	in := xmlOpen + "<ContactInteraction>" + strings.Repeat("<a>", maxXMLDepth-2) + strings.Repeat("</a>", maxXMLDepth-2) + "<Id>1</Id></ContactInteraction>" + xmlClose
	got, err := collect(decodeXML, strings.NewReader(in))
	if err != nil || len(got) != 1 || got[0].ID != 1 {
		t.Errorf("nesting %d deep: %v, %v", maxXMLDepth, got, err)
	}
}

// TestDecodeStreamsInConstantMemory decodes an 8 MiB body from a reader
// that generates it and checks the bytes allocated: a decoder that held
// the body or the items would need far more than the bound.
func TestDecodeStreamsInConstantMemory(t *testing.T) {
	const body = 8 << 20
	for _, dc := range decoders {
		item := strings.TrimPrefix(strings.TrimSuffix(string(readTestdata(t, "help_xml.xml")), xmlClose), xmlOpen)
		r := &repeatReader{n: body / len(item), head: xmlOpen, tail: xmlClose, item: item}
		if dc.format == "JSON" {
			item = `{"Id":1,"Interaction":"Email","Name":"Weekly digest","Occurred":"2024-12-27T18:06:00.6960966+10:00","Status":"Opened","CampaignId":1,"CampaignName":"Digest"}`
			r = &repeatReader{n: body / len(item), head: "[", tail: "]", sep: ",", item: item}
		}
		count := 0
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err := dc.fast(r, func(ContactInteraction) bool { count++; return true })
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatalf("%s: %v", dc.format, err)
		}
		if count != r.items() {
			t.Errorf("%s: %d items, want %d", dc.format, count, r.items())
		}
		const limit = 1 << 20
		alloc := after.TotalAlloc - before.TotalAlloc
		if alloc > limit {
			t.Errorf("%s: %d items allocated %d bytes, want at most %d", dc.format, count, alloc, limit)
		}
		t.Logf("%s: %d items, %d bytes of body, %d bytes allocated", dc.format, count, r.size, alloc)
	}
}

// repeatReader yields head, n copies of item separated by sep, then tail,
// without holding them.
type repeatReader struct {
	head, item, sep, tail string
	n, i, size            int
	pending               string
	needSep, done         bool
}

// items reports how many items the payload holds (help_xml.xml's item
// fragment holds two).
func (r *repeatReader) items() int {
	return r.n * max(1, strings.Count(r.item, "</ContactInteraction>"))
}

func (r *repeatReader) Read(p []byte) (int, error) {
	for r.pending == "" {
		switch {
		case r.done:
			return 0, io.EOF
		case r.i == 0 && r.head != "":
			r.pending, r.head = r.head, ""
		case r.i < r.n && r.needSep:
			r.pending, r.needSep = r.sep, false
		case r.i < r.n:
			r.pending, r.needSep = r.item, true
			r.i++
		default:
			r.pending, r.done = r.tail, true
		}
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	r.size += n
	return n, nil
}

// --- payload generators ---

// genJSON writes items as Json.NET would, with random variations, filling
// items with what the payload must decode to.
func genJSON(rng *rand.Rand, items []ContactInteraction) []byte {
	if len(items) == 0 {
		return []byte([]string{"[]", "null", " [ ] ", "", "\xEF\xBB\xBF[]"}[rng.IntN(5)])
	}
	var b []byte
	if rng.IntN(8) == 0 {
		b = append(b, utf8BOM...)
	}
	ws := func() {
		if rng.IntN(4) == 0 {
			b = append(b, []string{" ", "\n", "\r\n  ", "\t"}[rng.IntN(4)]...)
		}
	}
	ws()
	b = append(b, '[')
	for i := range items {
		if i > 0 {
			b = append(b, ',')
		}
		ws()
		b = append(b, '{')
		it := &items[i]
		type member struct{ key, val string }
		var ms []member
		add := func(key string, val func() string) {
			switch rng.IntN(8) {
			case 0: // omitted
			case 1:
				ms = append(ms, member{key, "null"})
			default:
				ms = append(ms, member{key, val()})
			}
		}
		add("Id", func() string { it.ID = genInt(rng); return strconv.FormatInt(it.ID, 10) })
		add("Interaction", func() string { s, enc := genJSONString(rng); it.Interaction = InteractionType(s); return enc })
		add("Name", func() string { s, enc := genJSONString(rng); it.Name = s; return enc })
		add("Occurred", func() string { t, enc := genJSONDate(rng); it.Occurred = t; return enc })
		add("Status", func() string { s, enc := genJSONString(rng); it.Status = s; return enc })
		add("CampaignId", func() string { it.CampaignID = genInt(rng); return strconv.FormatInt(it.CampaignID, 10) })
		add("CampaignName", func() string { s, enc := genJSONString(rng); it.CampaignName = s; return enc })
		for range rng.IntN(3) {
			ms = append(ms, member{"X" + strconv.Itoa(rng.IntN(100)), genJSONValue(rng, 3)})
		}
		if rng.IntN(3) == 0 {
			rng.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
		}
		for k, m := range ms {
			if k > 0 {
				b = append(b, ',')
			}
			ws()
			key := m.key
			switch rng.IntN(10) {
			case 0:
				key = strings.ToLower(key)
			case 1:
				key = strings.ToUpper(key)
			}
			b = append(b, '"')
			b = append(b, key...)
			b = append(b, '"')
			ws()
			b = append(b, ':')
			ws()
			b = append(b, m.val...)
			ws()
		}
		b = append(b, '}')
		ws()
	}
	b = append(b, ']')
	ws()
	return b
}

func genInt(rng *rand.Rand) int64 {
	switch rng.IntN(4) {
	case 0:
		return rng.Int64()
	case 1:
		return -rng.Int64() - 1
	}
	return rng.Int64N(100000)
}

// genRunes returns a random string: ASCII, characters JSON and XML escape,
// Latin, CJK, astral emoji, separators.
func genRunes(rng *rand.Rand, xmlSafe bool) string {
	pools := []string{
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ",
		"\"\\/<>&'\t\n\r:;,.{}[]",
		"éüßçñÅØ–—‘’“”€",
		"東京大阪日本語한국어中文",
		"😀🎉🍽️👍🏽𝄞",
		"\u2028\u2029\u00a0\ufeff",
		"\x01\x1f\x7f",
	}
	n := rng.IntN(24)
	var sb strings.Builder
	for range n {
		pool := []rune(pools[rng.IntN(len(pools))])
		r := pool[rng.IntN(len(pool))]
		if xmlSafe && (r < 0x20 && r != '\t' && r != '\n' && r != '\r') {
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// genJSONString returns a random string and a JSON encoding of it using
// every escape form at random.
func genJSONString(rng *rand.Rand) (string, string) {
	s := genRunes(rng, false)
	enc := []byte{'"'}
	for _, r := range s {
		mustEscape := r == '"' || r == '\\' || r < 0x20
		switch {
		case !mustEscape && rng.IntN(4) != 0:
			enc = utf8.AppendRune(enc, r)
		case r == '"' || r == '\\' || r == '/' && rng.IntN(2) == 0:
			enc = append(enc, '\\', byte(r))
		case r == '\n' && rng.IntN(2) == 0:
			enc = append(enc, `\n`...)
		case r == '\t' && rng.IntN(2) == 0:
			enc = append(enc, `\t`...)
		case r == '\r' && rng.IntN(2) == 0:
			enc = append(enc, `\r`...)
		case r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			enc = fmt.Appendf(enc, `\u%04x\u%04X`, r1, r2)
		case r > 0x7f || r < 0x20 || rng.IntN(2) == 0:
			enc = fmt.Appendf(enc, `\u%04x`, r)
		default:
			enc = utf8.AppendRune(enc, r)
		}
	}
	enc = append(enc, '"')
	return s, string(enc)
}

// genValueJSON returns a random JSON value for an unknown member.
func genJSONValue(rng *rand.Rand, depth int) string {
	k := rng.IntN(8)
	if depth == 0 {
		k %= 5
	}
	switch k {
	case 0:
		return "null"
	case 1:
		return []string{"true", "false"}[rng.IntN(2)]
	case 2:
		return []string{"0", "-1.5e+3", "3.25", "1E9", "-0", "123456789012345678901234567890"}[rng.IntN(6)]
	case 3, 4:
		_, enc := genJSONString(rng)
		return enc
	case 5:
		parts := make([]string, rng.IntN(4))
		for i := range parts {
			parts[i] = genJSONValue(rng, depth-1)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	parts := make([]string, rng.IntN(4))
	for i := range parts {
		_, key := genJSONString(rng)
		parts[i] = key + ":" + genJSONValue(rng, depth-1)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

var genOffsets = []int{0, 600, 570, -300, 660, 345, -210, 840, -720, 60}

// genInstant returns a random instant with 100 ns precision, as .NET keeps.
func genInstant(rng *rand.Rand) time.Time {
	sec := rng.Int64N(200*365*86400) - 70*365*86400 // 1900 to 2100
	t := time.Unix(sec, rng.Int64N(10_000_000)*100).UTC()
	switch rng.IntN(3) { // trailing zeros in the fraction are common
	case 0:
		t = t.Truncate(time.Second)
	case 1:
		t = t.Truncate(time.Millisecond)
	}
	return t
}

// genJSONDate returns a random date in one of the forms Json.NET writes and
// the time it must decode to.
func genJSONDate(rng *rand.Rand) (time.Time, string) {
	t := genInstant(rng)
	off := genOffsets[rng.IntN(len(genOffsets))]
	local := t.In(zoneFor(off))
	switch rng.IntN(5) {
	case 0: // DateTimeOffset
		return local, `"` + local.Format("2006-01-02T15:04:05.9999999") + formatOffset(off, ":") + `"`
	case 1: // DateTime, Utc
		return t, `"` + t.Format("2006-01-02T15:04:05.9999999Z") + `"`
	case 2: // DateTime, Unspecified: the clock reading, taken as UTC
		clock := time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute(), local.Second(), local.Nanosecond(), time.UTC)
		return clock, `"` + local.Format("2006-01-02T15:04:05.9999999") + `"`
	case 3: // Microsoft with offset
		ms := t.UnixMilli()
		return time.UnixMilli(ms).In(zoneFor(off)), fmt.Sprintf(`"\/Date(%d%s)\/"`, ms, formatOffset(off, ""))
	}
	ms := t.UnixMilli()
	return time.UnixMilli(ms).UTC(), fmt.Sprintf(`"\/Date(%d)\/"`, ms)
}

func formatOffset(offMinutes int, sep string) string {
	sign := "+"
	if offMinutes < 0 {
		sign, offMinutes = "-", -offMinutes
	}
	return fmt.Sprintf("%s%02d%s%02d", sign, offMinutes/60, sep, offMinutes%60)
}

// genXML writes items as DataContractSerializer would, with random
// variations, filling items with what the payload must decode to.
func genXML(rng *rand.Rand, items []ContactInteraction) []byte {
	var b []byte
	if rng.IntN(8) == 0 {
		b = append(b, utf8BOM...)
	}
	if rng.IntN(4) == 0 {
		b = append(b, `<?xml version="1.0" encoding="`+[]string{"utf-8", "utf-16"}[rng.IntN(2)]+`"?>`+"\r\n"...)
	}
	if len(items) == 0 {
		switch rng.IntN(3) {
		case 0:
			return append(b, strings.TrimSuffix(xmlOpen, ">")+" />"...)
		case 1:
			return append(b, `<ArrayOfContactInteraction i:nil="true" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts" />`...)
		}
		return append(b, xmlOpen+xmlClose...)
	}
	ws := func() {
		if rng.IntN(4) == 0 {
			b = append(b, []string{" ", "\n", "\r\n  ", "\t", "<!-- c -->"}[rng.IntN(5)]...)
		}
	}
	b = append(b, xmlOpen...)
	for i := range items {
		ws()
		b = append(b, "<ContactInteraction>"...)
		it := &items[i]
		var els []string
		add := func(name string, val func() string) {
			switch rng.IntN(8) {
			case 0: // omitted
			case 1:
				els = append(els, "<"+name+` i:nil="true"`+[]string{"/>", " />", "></" + name + ">"}[rng.IntN(3)])
			default:
				els = append(els, "<"+name+">"+val()+"</"+name+">")
			}
		}
		add("CampaignId", func() string { it.CampaignID = genInt(rng); return strconv.FormatInt(it.CampaignID, 10) })
		add("CampaignName", func() string { s, enc := genXMLString(rng); it.CampaignName = s; return enc })
		add("Id", func() string { it.ID = genInt(rng); return strconv.FormatInt(it.ID, 10) })
		add("Interaction", func() string { s, enc := genXMLString(rng); it.Interaction = InteractionType(s); return enc })
		add("Name", func() string { s, enc := genXMLString(rng); it.Name = s; return enc })
		if rng.IntN(8) != 0 {
			t := genInstant(rng)
			off := genOffsets[rng.IntN(len(genOffsets))]
			it.Occurred = t.In(zoneFor(off))
			p := []string{"d3p1", "d2p1", "a", "sys"}[rng.IntN(4)]
			els = append(els, `<Occurred xmlns:`+p+`="http://schemas.datacontract.org/2004/07/System"><`+p+`:DateTime>`+
				t.Format("2006-01-02T15:04:05.9999999Z")+`</`+p+`:DateTime><`+p+`:OffsetMinutes>`+strconv.Itoa(off)+`</`+p+`:OffsetMinutes></Occurred>`)
		}
		add("Status", func() string { s, enc := genXMLString(rng); it.Status = s; return enc })
		for range rng.IntN(3) {
			els = append(els, []string{
				"<Extra>1</Extra>",
				`<x:Ext xmlns:x="urn:x"><x:Deep a="1">t<![CDATA[<]]></x:Deep></x:Ext>`,
				"<Empty/>",
				`<Id xmlns="urn:other">123</Id>`,
			}[rng.IntN(4)])
		}
		if rng.IntN(3) == 0 {
			rng.Shuffle(len(els), func(i, j int) { els[i], els[j] = els[j], els[i] })
		}
		for _, e := range els {
			ws()
			b = append(b, e...)
		}
		ws()
		b = append(b, "</ContactInteraction>"...)
	}
	ws()
	b = append(b, xmlClose...)
	ws()
	return b
}

// genXMLString returns a random string and an XML encoding of it using
// entities, character references and CDATA at random.
func genXMLString(rng *rand.Rand) (string, string) {
	s := genRunes(rng, true)
	var enc []byte
	inCDATA := false
	for _, r := range s {
		if inCDATA && (r == ']' || r == '\r' || rng.IntN(6) == 0) {
			enc = append(enc, "]]>"...)
			inCDATA = false
		}
		switch {
		case inCDATA:
			enc = utf8.AppendRune(enc, r)
		case r == '\r':
			enc = append(enc, "&#13;"...) // a raw CR would read as LF
		case r == '<':
			enc = append(enc, []string{"&lt;", "&#60;", "&#x3c;"}[rng.IntN(3)]...)
		case r == '&':
			enc = append(enc, []string{"&amp;", "&#38;"}[rng.IntN(2)]...)
		case r == '>' && rng.IntN(2) == 0:
			enc = append(enc, "&gt;"...)
		case r == '"' && rng.IntN(2) == 0:
			enc = append(enc, "&quot;"...)
		case r == '\'' && rng.IntN(2) == 0:
			enc = append(enc, "&apos;"...)
		case r == 0xFEFF || rng.IntN(8) == 0:
			enc = fmt.Appendf(enc, "&#x%X;", r)
		case rng.IntN(10) == 0:
			enc = append(enc, "<![CDATA["...)
			enc = utf8.AppendRune(enc, r)
			inCDATA = true
		case rng.IntN(20) == 0:
			enc = append(enc, "<!--x-->"...)
			enc = utf8.AppendRune(enc, r)
		default:
			enc = utf8.AppendRune(enc, r)
		}
	}
	if inCDATA {
		enc = append(enc, "]]>"...)
	}
	return s, string(enc)
}
