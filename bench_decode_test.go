package which50

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"math/rand/v2"
	"testing"
	"time"
)

// benchItems returns n realistic interactions: a few dozen distinct kinds,
// statuses, names and campaigns, dates with the offsets Australian and
// American customers have.
func benchItems(n int) []ContactInteraction {
	rng := rand.New(rand.NewPCG(7, 7))
	kinds := []InteractionType{InteractionEmail, InteractionSMS, InteractionLandingPage, InteractionEvent, InteractionWebForm, InteractionCompetition}
	statuses := []string{"Sent", "Delivered", "Opened", "Clicked", "Bounced", "Unsubscribed", "Visited", "Submitted"}
	names := make([]string, 60)
	for i := range names {
		names[i] = []string{"Weekly digest #", "Spring Sale – reminder ", "Café loyalty SMS ", "Webinar invite "}[i%4] + string(rune('A'+i%26)) + string(rune('0'+i/26))
	}
	campaigns := []string{"Spring Sale 2025", "Onboarding", "Réservations – Adelaide", "Black Friday US", "Newsletter", "Loyalty"}
	offsets := []int{600, 570, 660, -300, 0}
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	items := make([]ContactInteraction, n)
	for i := range items {
		c := rng.IntN(len(campaigns))
		items[i] = ContactInteraction{
			ID:           int64(90_000_000 + i),
			Interaction:  kinds[rng.IntN(len(kinds))],
			Name:         names[rng.IntN(len(names))],
			Occurred:     start.Add(time.Duration(rng.Int64N(5*365*24*3600)) * time.Second).Add(time.Duration(rng.IntN(10_000_000)) * 100).In(zoneFor(offsets[rng.IntN(len(offsets))])),
			Status:       statuses[rng.IntN(len(statuses))],
			CampaignID:   int64(4400 + c),
			CampaignName: campaigns[c],
		}
	}
	return items
}

// benchJSON encodes items as Json.NET does.
func benchJSON(items []ContactInteraction) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		_, off := it.Occurred.Zone()
		name, _ := json.Marshal(it.Name)
		camp, _ := json.Marshal(it.CampaignName)
		b.WriteString(`{"Id":` + itoa(it.ID) + `,"Interaction":"` + string(it.Interaction) + `","Name":` + string(name) +
			`,"Occurred":"` + it.Occurred.Format("2006-01-02T15:04:05.9999999") + formatOffset(off/60, ":") +
			`","Status":"` + it.Status + `","CampaignId":` + itoa(it.CampaignID) + `,"CampaignName":` + string(camp) + `}`)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// benchXML encodes items as DataContractSerializer does.
func benchXML(items []ContactInteraction) []byte {
	var b bytes.Buffer
	b.WriteString(xmlOpen)
	for _, it := range items {
		_, off := it.Occurred.Zone()
		b.WriteString("<ContactInteraction><CampaignId>" + itoa(it.CampaignID) + "</CampaignId><CampaignName>")
		xml.EscapeText(&b, []byte(it.CampaignName))
		b.WriteString("</CampaignName><Id>" + itoa(it.ID) + "</Id><Interaction>" + string(it.Interaction) + "</Interaction><Name>")
		xml.EscapeText(&b, []byte(it.Name))
		b.WriteString(`</Name><Occurred xmlns:d3p1="http://schemas.datacontract.org/2004/07/System"><d3p1:DateTime>` +
			it.Occurred.UTC().Format("2006-01-02T15:04:05.9999999Z") + "</d3p1:DateTime><d3p1:OffsetMinutes>" + itoa(int64(off/60)) +
			"</d3p1:OffsetMinutes></Occurred><Status>" + it.Status + "</Status></ContactInteraction>")
	}
	b.WriteString(xmlClose)
	return b.Bytes()
}

func itoa(n int64) string { return string(appendInt(nil, n)) }

func appendInt(b []byte, n int64) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	var d [20]byte
	i := len(d)
	for {
		i--
		d[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(b, d[i:]...)
}

// baselineJSON is what a user writes by hand: encoding/json into a struct,
// then time.Parse on the date.
func baselineJSON(r io.Reader) ([]ContactInteraction, error) {
	var wire []struct {
		ID           int64 `json:"Id"`
		Interaction  string
		Name         string
		Occurred     time.Time
		Status       string
		CampaignID   int64 `json:"CampaignId"`
		CampaignName string
	}
	if err := json.NewDecoder(r).Decode(&wire); err != nil {
		return nil, err
	}
	out := make([]ContactInteraction, 0, len(wire))
	for _, w := range wire {
		out = append(out, ContactInteraction{ID: w.ID, Interaction: InteractionType(w.Interaction), Name: w.Name, Occurred: w.Occurred, Status: w.Status, CampaignID: w.CampaignID, CampaignName: w.CampaignName})
	}
	return out, nil
}

// baselineXML is the hand-written encoding/xml decode with the offset
// conversion.
func baselineXML(r io.Reader) ([]ContactInteraction, error) {
	var wire struct {
		Items []struct {
			ID           int64  `xml:"Id"`
			Interaction  string `xml:"Interaction"`
			Name         string `xml:"Name"`
			Status       string `xml:"Status"`
			CampaignID   int64  `xml:"CampaignId"`
			CampaignName string `xml:"CampaignName"`
			Occurred     struct {
				DateTime      time.Time `xml:"DateTime"`
				OffsetMinutes int       `xml:"OffsetMinutes"`
			} `xml:"Occurred"`
		} `xml:"ContactInteraction"`
	}
	if err := xml.NewDecoder(r).Decode(&wire); err != nil {
		return nil, err
	}
	out := make([]ContactInteraction, 0, len(wire.Items))
	for _, w := range wire.Items {
		occ := w.Occurred.DateTime.In(time.FixedZone("", w.Occurred.OffsetMinutes*60))
		out = append(out, ContactInteraction{ID: w.ID, Interaction: InteractionType(w.Interaction), Name: w.Name, Occurred: occ, Status: w.Status, CampaignID: w.CampaignID, CampaignName: w.CampaignName})
	}
	return out, nil
}

// decodeAll is how the client uses a decoder: collect into a slice grown
// by append.
func decodeAll(b *testing.B, dec decodeFunc, payload []byte) {
	var items []ContactInteraction
	err := dec(bytes.NewReader(payload), func(c ContactInteraction) bool {
		items = append(items, c)
		return true
	})
	if err != nil {
		b.Fatal(err)
	}
}

func benchmarkDecode(b *testing.B, payload []byte, n int, fast, ref decodeFunc, baseline func(io.Reader) ([]ContactInteraction, error)) {
	report := func(b *testing.B) {
		b.SetBytes(int64(len(payload)))
		b.ReportAllocs()
	}
	b.Run("fast", func(b *testing.B) {
		report(b)
		for b.Loop() {
			decodeAll(b, fast, payload)
		}
		b.ReportMetric(float64(testing.AllocsPerRun(1, func() { decodeAll(b, fast, payload) }))/float64(n), "allocs/item")
	})
	b.Run("reference", func(b *testing.B) {
		report(b)
		for b.Loop() {
			decodeAll(b, ref, payload)
		}
	})
	b.Run("baseline", func(b *testing.B) {
		report(b)
		for b.Loop() {
			if _, err := baseline(bytes.NewReader(payload)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("floor", func(b *testing.B) { // read and discard, in the decoders' buffer size
		report(b)
		buf := make([]byte, bufSize)
		for b.Loop() {
			io.CopyBuffer(io.Discard, struct{ io.Reader }{bytes.NewReader(payload)}, buf)
		}
	})
}

// BenchmarkDecodeJSON compares the fast decoder with the reference and the
// hand-written encoding/json baseline over 2,000 items.
func BenchmarkDecodeJSON(b *testing.B) {
	items := benchItems(2000)
	benchmarkDecode(b, benchJSON(items), len(items), decodeJSON, refDecodeJSON, baselineJSON)
}

// BenchmarkDecodeXML compares the fast decoder with the reference and the
// hand-written encoding/xml baseline over 2,000 items.
func BenchmarkDecodeXML(b *testing.B) {
	items := benchItems(2000)
	benchmarkDecode(b, benchXML(items), len(items), decodeXML, refDecodeXML, baselineXML)
}

// BenchmarkParseJSONDate measures the date parser on the common form.
func BenchmarkParseJSONDate(b *testing.B) {
	in := []byte("2024-12-27T18:06:00.6960966+10:00")
	var zc zoneCache
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseDate(in, &zc); err != nil {
			b.Fatal(err)
		}
	}
}

// uniqueStrings makes every Name and CampaignName distinct, as in a history
// of numbered newsletters across many campaigns: the worst case for
// allocations, where nothing can be shared.
func uniqueStrings(items []ContactInteraction) []ContactInteraction {
	for i := range items {
		items[i].Name += " #" + itoa(int64(i))
		items[i].CampaignName += " " + itoa(int64(i))
	}
	return items
}

// BenchmarkDecodeJSONUniqueStrings is BenchmarkDecodeJSON with no string
// repeated across items.
func BenchmarkDecodeJSONUniqueStrings(b *testing.B) {
	items := uniqueStrings(benchItems(2000))
	benchmarkDecode(b, benchJSON(items), len(items), decodeJSON, refDecodeJSON, baselineJSON)
}

// BenchmarkDecodeXMLUniqueStrings is BenchmarkDecodeXML with no string
// repeated across items.
func BenchmarkDecodeXMLUniqueStrings(b *testing.B) {
	items := uniqueStrings(benchItems(2000))
	benchmarkDecode(b, benchXML(items), len(items), decodeXML, refDecodeXML, baselineXML)
}
