package which50test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
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

func TestSeedDemoAccount(t *testing.T) {
	s := newTestServer(t)
	ids := s.SeedDemo(30, 40)

	got := send(t, "GET", s.URL+"/contactLists", "", "")
	if !strings.HasPrefix(got.body, `[{"Id":1001,"Name":"Members","Count":30},{"Id":1002,`) {
		t.Errorf("lists: %s", got.body)
	}
	if got := send(t, "GET", s.URL+"/contactLists/1001/fields/10015", "", ""); !strings.Contains(got.body, `"MapType":"DropDown"`) ||
		!strings.Contains(got.body, `"Value":"Premium"`) {
		t.Errorf("drop-down field: %d %s", got.status, got.body)
	}
	if n := len(s.ListContacts(1001)); n != 30 {
		t.Errorf("ListContacts(1001): %d", n)
	}
	c, ok := s.Contact(ids[0])
	if !ok || c.Values["Email"] == nil || c.ListID != 1001 {
		t.Errorf("Contact(ids[0]) = %+v", c)
	}

	// Every journey of the demo campaigns is served with its activities.
	for _, jid := range []string{"1042", "1043", "1051", "1060", "1077", "1080", "1091"} {
		if got := send(t, "GET", s.URL+"/journeys/"+jid, "application/xml", ""); got.status != 200 {
			t.Errorf("journey %s: %d", jid, got.status)
		}
		if got := send(t, "GET", s.URL+"/journeys/"+jid+"/contacts", "", ""); got.status != 200 || got.body == "[]" {
			t.Errorf("journey %s contacts: %d %.80s", jid, got.status, got.body)
		}
	}

	// Reports and histories agree with the communications.
	emails, opened := 0, 0
	for i, id := range ids {
		for _, it := range DemoCommunications(id, 40, int64(i)) {
			if it.Interaction == which50.InteractionEmail && it.Name == "Spring Sale – Week 1" {
				emails++
				if it.Status == "Opened" || it.Status == "Clicked" {
					opened++
				}
			}
		}
	}
	report := func(state string) []json.RawMessage {
		got := send(t, "GET", s.URL+"/journeys/1042/reports/emails/104200/contacts/"+state, "", "")
		var out []json.RawMessage
		if err := json.Unmarshal([]byte(got.body), &out); err != nil || got.status != 200 {
			t.Fatalf("report %s: %d %s", state, got.status, got.body)
		}
		return out
	}
	if emails == 0 || len(report("Sent")) == 0 || len(report("Sent")) > emails || len(report("Opened")) > len(report("Sent")) {
		t.Errorf("Sent %d, Opened %d for %d emails (%d opened)", len(report("Sent")), len(report("Opened")), emails, opened)
	}
	var myEmails []which50.ContactEmail
	got = send(t, "GET", s.URL+"/contacts/"+url.PathEscape(ids[0])+"/emails", "", "")
	if err := json.Unmarshal([]byte(got.body), &myEmails); err != nil || len(myEmails) == 0 {
		t.Errorf("emails of ids[0]: %v %s", err, got.body)
	}

	// Deterministic: a second server answers the same bytes.
	s2 := newTestServer(t)
	s2.SeedDemo(30, 40)
	for _, p := range []string{"/journeys/1077", "/journeys/1043/activities/104305", "/journeys/1043/activities/104305/contacts",
		"/contacts/" + url.PathEscape(ids[3]), "/contacts/" + url.PathEscape(ids[3]) + "/journeyactivities/1043"} {
		for _, ext := range []string{"json", "xml"} {
			a, b := send(t, "GET", s.URL+p, mediaTypes()[ext], ""), send(t, "GET", s2.URL+p, mediaTypes()[ext], "")
			if a.status != 200 || a.body != b.body {
				t.Errorf("%s (%s): %d, same bytes %v", p, ext, a.status, a.body == b.body)
			}
		}
	}
}
