package which50test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/which50-go/which50"
)

func TestDemoCommunications(t *testing.T) {
	items := DemoCommunications("QmFzZTY0+/w==", 500, 3)
	if len(items) != 500 {
		t.Fatalf("got %d items, want 500", len(items))
	}
	if diff := cmp.Diff(items, DemoCommunications("QmFzZTY0+/w==", 500, 3)); diff != "" {
		t.Errorf("not deterministic (-first +second):\n%s", diff)
	}
	if cmp.Equal(items, DemoCommunications("QmFzZTY0+/w==", 500, 4)) || cmp.Equal(items, DemoCommunications("other", 500, 3)) {
		t.Error("another seed or contact gives the same items")
	}

	kinds := map[which50.InteractionType]bool{}
	offsets := map[int]bool{}
	ids := map[int64]bool{}
	noCampaign, wholeSeconds := 0, 0
	for i, it := range items {
		if ids[it.ID] {
			t.Errorf("item %d: duplicate id %d", i, it.ID)
		}
		ids[it.ID] = true
		if i > 0 && !it.Occurred.Before(items[i-1].Occurred) {
			t.Errorf("item %d: %v not older than the item before (%v)", i, it.Occurred, items[i-1].Occurred)
		}
		if it.Occurred.Nanosecond()%100 != 0 {
			t.Errorf("item %d: %v is finer than .NET's 100 ns tick", i, it.Occurred)
		}
		if it.Occurred.Nanosecond() == 0 {
			wholeSeconds++
		}
		if it.Name == "" || it.Status == "" || it.ID <= 0 {
			t.Errorf("item %d has empty fields: %+v", i, it)
		}
		if (it.CampaignName == "") != (it.CampaignID == 0) {
			t.Errorf("item %d: campaign id %d with name %q", i, it.CampaignID, it.CampaignName)
		}
		if it.CampaignName == "" {
			noCampaign++
		}
		kinds[it.Interaction] = true
		offsets[offsetMinutes(it.Occurred)] = true
	}
	for _, k := range []which50.InteractionType{which50.InteractionEmail, which50.InteractionSMS, which50.InteractionLandingPage,
		which50.InteractionWebForm, which50.InteractionEvent, which50.InteractionCompetition} {
		if !kinds[k] {
			t.Errorf("no %s interaction in 500", k)
		}
	}
	for _, m := range []int{600, 660, 570, 0, -300} {
		if !offsets[m] {
			t.Errorf("no interaction at offset %d minutes", m)
		}
	}
	if noCampaign == 0 || noCampaign > 400 || wholeSeconds == 0 {
		t.Errorf("%d of 500 without a campaign, %d on whole seconds; want some of each", noCampaign, wholeSeconds)
	}
	if got := DemoCommunications("x", 0, 1); got == nil || len(got) != 0 {
		t.Errorf("n=0 gives %#v, want an empty non-nil slice", got)
	}
}

func TestDemoContactIDs(t *testing.T) {
	ids := DemoContactIDs(200)
	if diff := cmp.Diff(ids, DemoContactIDs(200)); diff != "" {
		t.Errorf("not deterministic:\n%s", diff)
	}
	if !strings.Contains(ids[0], "/") || !strings.Contains(ids[0], "+") {
		t.Errorf("first id %q lacks '/' or '+'", ids[0])
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] || len(id) != 24 || !strings.HasSuffix(id, "==") {
			t.Errorf("id %q duplicate or not shaped like an encrypted id", id)
		}
		seen[id] = true
	}
	if got := DemoContactIDs(3); !cmp.Equal(got, ids[:3]) {
		t.Errorf("DemoContactIDs(3) = %q, want the first three of DemoContactIDs(200)", got)
	}
}

func TestSeedDemoServesEveryContact(t *testing.T) {
	s := newTestServer(t)
	ids := s.SeedDemo(20, 7)
	if !cmp.Equal(ids, DemoContactIDs(20)) {
		t.Fatalf("SeedDemo ids = %q, want DemoContactIDs(20)", ids)
	}
	for i, id := range ids {
		got := get(t, "GET", commsURL(s, id), nil)
		if want := encoded(t, EncodeJSON, DemoCommunications(id, 7, int64(i))); got.status != 200 || got.body != want {
			t.Errorf("contact %q: %d %.80s", id, got.status, got.body)
		}
	}
}

// BenchmarkServerGet2000 measures one GET of a 2,000-item contact through
// the fake, read to the end: the fake's own cost in SDK benchmarks.
func BenchmarkServerGet2000(b *testing.B) {
	for _, accept := range []string{"application/json", "application/xml"} {
		b.Run(accept[len("application/"):], func(b *testing.B) {
			s := NewServer()
			defer s.Close()
			s.SetCommunications("c", DemoCommunications("c", 2000, 1))
			hc := s.Client()
			req, _ := http.NewRequest("GET", s.URL+"/contacts/c/communications", nil)
			req.Header.Set("Accept", accept)
			var n int64
			for b.Loop() {
				resp, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				n, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			b.SetBytes(n)
		})
	}
}

// BenchmarkEncode measures the encoders on 2,000 items.
func BenchmarkEncode(b *testing.B) {
	items := DemoCommunications("c", 2000, 1)
	for name, enc := range map[string]func(io.Writer, []which50.ContactInteraction) error{"json": EncodeJSON, "xml": EncodeXML} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if err := enc(io.Discard, items); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestDemoCommunicationsLongHistoryStaysPlausible(t *testing.T) {
	// A long history must still be a valid one: positive ids counting down,
	// times within the last ten years that the SDK's decoders accept.
	const n = 200_000
	items := DemoCommunications("long", n, 1)
	oldest := demoEpoch.AddDate(-10, 0, -1)
	for i, it := range items {
		if it.ID < 1 || i > 0 && it.ID >= items[i-1].ID {
			t.Fatalf("item %d: id %d after %d", i, it.ID, items[max(i-1, 0)].ID)
		}
		if it.Occurred.Before(oldest) || i > 0 && it.Occurred.After(items[i-1].Occurred) {
			t.Fatalf("item %d: occurred %v, oldest allowed %v", i, it.Occurred, oldest)
		}
	}
}
