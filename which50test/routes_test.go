package which50test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/which50-go/which50"
)

// writesServer has list 7 with the fields Email and Plan, and one contact.
func writesServer(t *testing.T) *Server {
	s := newTestServer(t)
	s.SetContactList(which50.ContactList{ID: 7, Name: "Writes"})
	s.SetFields(7, []which50.ContactSchemaField{{ID: 71, Name: "Email", Position: 1}, {ID: 72, Name: "Plan", Position: 2}})
	s.SetContact(which50.Contact{EncContactID: "a", ID: 10, ListID: 7, Values: map[string]any{"Plan": "Basic", "Email": "a@example.com"}})
	return s
}

func listCount(t *testing.T, s *Server, id int64) string {
	t.Helper()
	got := send(t, "GET", s.URL+"/contactLists/"+strconv.FormatInt(id, 10), "", "")
	return got.body
}

func TestUpsertCreatesAndUpdates(t *testing.T) {
	s := writesServer(t)
	if got := listCount(t, s, 7); got != `{"Id":7,"Name":"Writes","Count":1}` {
		t.Errorf("list before: %s", got)
	}

	// Without match, every upsert creates a contact.
	got := send(t, "POST", s.URL+"/contactLists/7/contact", "", `{"Values":{"Email":"b@example.com","Plan":"Basic"}}`)
	want := `{"EncContactId":"` + encContactID(7, 90001) + `","ListId":7,"Values":{"Email":"b@example.com","Plan":"Basic"}}`
	if got.status != 200 || got.body != want {
		t.Errorf("create: %d %s, want %s", got.status, got.body, want)
	}
	// With match, a contact whose values match is updated (values compared
	// as text, case-insensitively); member names bind case-insensitively.
	got = send(t, "POST", s.URL+"/contactLists/7/contact?match=email", "", `{"values":{"EMAIL":"A@example.com","Plan":"Premium","Age":4}}`)
	want = `{"EncContactId":"a","ListId":7,"Values":{"Email":"A@example.com","Plan":"Premium","Age":4}}`
	if got.status != 200 || got.body != want {
		t.Errorf("update: %d %s, want %s", got.status, got.body, want)
	}
	// No contact matches: created.
	got = send(t, "POST", s.URL+"/contactLists/7/contact?match=Email&customevents=Welcome", "", `{"Values":{"Email":"c@example.com"}}`)
	if got.status != 200 || !strings.Contains(got.body, encContactID(7, 90002)) {
		t.Errorf("create with match: %d %s", got.status, got.body)
	}
	if got := listCount(t, s, 7); got != `{"Id":7,"Name":"Writes","Count":3}` {
		t.Errorf("list after: %s", got)
	}

	wantContacts := []which50.Contact{
		{EncContactID: "a", ID: 10, ListID: 7, Values: map[string]any{"Email": "A@example.com", "Plan": "Premium", "Age": int64(4)}},
		{EncContactID: encContactID(7, 90001), ID: 90001, ListID: 7, Values: map[string]any{"Email": "b@example.com", "Plan": "Basic"}},
		{EncContactID: encContactID(7, 90002), ID: 90002, ListID: 7, Values: map[string]any{"Email": "c@example.com"}},
	}
	if diff := cmp.Diff(wantContacts, s.ListContacts(7)); diff != "" {
		t.Errorf("ListContacts (-want +got):\n%s", diff)
	}
	// The new contact is served by its encrypted id, which holds a '/'.
	if got := send(t, "GET", s.URL+"/contacts/"+strings.ReplaceAll(encContactID(7, 90002), "/", "%2F"), "", ""); got.status != 200 {
		t.Errorf("GET new contact: %d %s", got.status, got.body)
	}
	if c, ok := s.Contact("a"); !ok || c.Values["Plan"] != "Premium" {
		t.Errorf("Contact(a) = %v, %v", c, ok)
	}
}

func TestPatchUpdatesEveryMatch(t *testing.T) {
	s := writesServer(t)
	s.SetContact(which50.Contact{EncContactID: "b", ListID: 7, Values: map[string]any{"Email": "b@example.com", "Plan": "Basic"}})
	s.SetContact(which50.Contact{EncContactID: "c", ListID: 7, Values: map[string]any{"Email": "c@example.com", "Plan": "Premium"}})
	s.SetContactList(which50.ContactList{ID: 8, Name: "Other"})
	s.SetContact(which50.Contact{EncContactID: "d", ListID: 8, Values: map[string]any{"Plan": "Basic"}})

	for _, ext := range []string{"json", "xml"} {
		got := send(t, "PATCH", s.URL+"/contactLists/7/contact?match=Plan&plan=basic", mediaTypes()[ext], `{"Values":{"Tier":2}}`)
		want := map[string]string{"json": "2", "xml": `<int xmlns="http://schemas.microsoft.com/2003/10/Serialization/">2</int>`}[ext]
		if got.status != 200 || got.body != want {
			t.Errorf("PATCH %s: %d %s, want %s", ext, got.status, got.body, want)
		}
	}
	for _, id := range []string{"a", "b", "c", "d"} {
		c, _ := s.Contact(id)
		if wantTier := id == "a" || id == "b"; (c.Values["Tier"] == int64(2)) != wantTier {
			t.Errorf("contact %s: %v", id, c.Values)
		}
	}
	if got := send(t, "PATCH", s.URL+"/contactLists/7/contact?match=Plan&Plan=None", "", `{"Values":{"Tier":3}}`); got.body != "0" {
		t.Errorf("PATCH without a match: %s, want 0", got.body)
	}
	for _, q := range []string{"", "?match=Plan"} {
		if got := send(t, "PATCH", s.URL+"/contactLists/7/contact"+q, "", `{"Values":{}}`); got.status != 400 {
			t.Errorf("PATCH %q: %d %s, want 400", q, got.status, got.body)
		}
	}
}

func TestImportFlow(t *testing.T) {
	s := writesServer(t)
	s.SetImportStep(25)
	start := time.Date(2026, 1, 2, 3, 4, 5, 600_000_000, time.UTC)
	s.SetClock(func() time.Time { return start.In(time.FixedZone("AEDT", 11*3600)) })

	got := send(t, "POST", s.URL+"/contactLists/7/import", "", `{"FieldNames":["Email","Plan"]}`)
	if want := `{"Id":5001,"ContactListId":7,"InvalidEmailCount":0,"InvalidSmsCount":0,"ProgressPercent":0,"CurrentStatus":"Created","InsertedContacts":0,"UpdatedContacts":0,"DroppedContacts":0,"NotUpdatedContacts":0,"TotalContacts":0}`; got.body != want {
		t.Fatalf("create: %d %s", got.status, got.body)
	}
	job := s.URL + "/contactLists/7/import/5001"
	for _, batch := range []string{
		`[{"Values":{"Email":"a@example.com","Plan":"Premium"}}]`,
		`[{"Values":{"Email":"new@example.com","Plan":"Basic"}}]`,
	} {
		if got := send(t, "POST", job, "", batch); got.status != 200 || got.body != "" {
			t.Errorf("add: %d %q", got.status, got.body)
		}
	}
	if got := send(t, "POST", job+"/run?match=Email", "", ""); !strings.Contains(got.body, `"ProgressPercent":0,"CurrentStatus":"Running","StartDate":"2026-01-02T03:04:05.6Z"`) {
		t.Errorf("run: %d %s", got.status, got.body)
	}
	if len(s.ListContacts(7)) != 1 {
		t.Error("contacts applied before the job finished")
	}
	for _, pct := range []string{"25", "50", "75"} {
		if got := send(t, "GET", job, "", ""); !strings.Contains(got.body, `"ProgressPercent":`+pct+`,"CurrentStatus":"Processing"`) {
			t.Errorf("poll to %s%%: %s", pct, got.body)
		}
	}
	got = send(t, "GET", job, "", "")
	want := `{"Id":5001,"ContactListId":7,"InvalidEmailCount":0,"InvalidSmsCount":0,"ProgressPercent":100,"CurrentStatus":"Finished","StartDate":"2026-01-02T03:04:05.6Z","FinishDate":"2026-01-02T03:04:05.6Z","InsertedContacts":1,"UpdatedContacts":1,"DroppedContacts":0,"NotUpdatedContacts":0,"TotalContacts":2}`
	if got.body != want {
		t.Errorf("finished: %s\nwant %s", got.body, want)
	}
	if again := send(t, "GET", job, "", ""); again.body != want {
		t.Errorf("poll after finish changed the job: %s", again.body)
	}
	j, ok := s.ImportJob(7, 5001)
	if !ok || !j.Finished() || j.TotalContacts != 2 {
		t.Errorf("ImportJob = %+v, %v", j, ok)
	}
	cs := s.ListContacts(7)
	if len(cs) != 2 || cs[0].Values["Plan"] != "Premium" || cs[1].Values["Email"] != "new@example.com" {
		t.Errorf("ListContacts after import: %v", cs)
	}
	if got := listCount(t, s, 7); !strings.Contains(got, `"Count":2`) {
		t.Errorf("list after import: %s", got)
	}
	// A job that ran takes no more batches, and runs once.
	if got := send(t, "POST", job, "", `[]`); got.status != 400 {
		t.Errorf("add after run: %d", got.status)
	}
	if got := send(t, "POST", job+"/run", "", ""); got.status != 400 {
		t.Errorf("second run: %d", got.status)
	}
}

func TestImportBatchLimit(t *testing.T) {
	s := writesServer(t)
	send(t, "POST", s.URL+"/contactLists/7/import", "", `{"FieldNames":["Email"]}`)
	var b strings.Builder
	b.WriteString("[")
	for i := range which50.MaxImportBatch + 1 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"Values":{"Email":"c%d@example.com"}}`, i)
	}
	b.WriteString("]")
	got := send(t, "POST", s.URL+"/contactLists/7/import/5001", "", b.String())
	if got.status != 400 || !strings.Contains(got.body, "10000") {
		t.Errorf("batch of 10,001: %d %s", got.status, got.body)
	}
	full := strings.Replace(b.String(), `{"Values":{"Email":"c0@example.com"}},`, "", 1)
	if got := send(t, "POST", s.URL+"/contactLists/7/import/5001", "", full); got.status != 200 {
		t.Errorf("batch of 10,000: %d %s", got.status, got.body)
	}
}

func TestRouteErrors(t *testing.T) {
	s := captureServer(t)
	s.SetCommunications("only-comms", nil)
	notFound := func(msg string) string { return `{"Message":"` + msg + `"}` }
	noRoute := func(path string) string {
		return notFound("No HTTP resource was found that matches the request URI '" + s.URL + path + "'.")
	}
	tests := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"GET", "/contacts/nope", "", 404, notFound(messageContactNotFound)},
		{"GET", "/contacts/only-comms", "", 404, notFound(messageContactNotFound)},
		{"GET", "/contacts/nope/emails", "", 404, notFound(messageContactNotFound)},
		{"GET", "/contacts/nope/journeyactivities/9301", "", 404, notFound(messageContactNotFound)},
		{"GET", "/contacts/only-comms/webforms", "", 200, "[]"},
		{"GET", "/contacts/only-comms/journeyactivities/1", "", 200, "[]"},
		{"GET", "/contacts/Y2FwdHVyZQ==/journeyactivities/x", "", 404, noRoute("/contacts/Y2FwdHVyZQ==/journeyactivities/x")},
		{"GET", "/contactLists/1", "", 404, notFound(messageListNotFound)},
		{"GET", "/contactLists/abc", "", 404, noRoute("/contactLists/abc")},
		{"GET", "/contactLists/9001/fields/1", "", 404, notFound(messageFieldNotFound)},
		{"GET", "/contactLists/1/fields", "", 404, notFound(messageListNotFound)},
		{"GET", "/journeys/1", "", 404, notFound(messageJourneyNotFound)},
		{"GET", "/journeys/1/contacts", "", 404, notFound(messageJourneyNotFound)},
		{"GET", "/journeys/9301/activities/1", "", 404, notFound(messageActivityNotFound)},
		{"GET", "/journeys/9301/activities/1/contacts", "", 404, notFound(messageActivityNotFound)},
		{"GET", "/journeys/9301/reports/emails/1/contacts/Sent", "", 404, notFound(messageReportNotFound)},
		{"GET", "/journeys/9301/reports/emails/9601/contacts/Opened", "", 200, "[]"},
		{"GET", "/journeys/9301/reports/emails/9601/contacts/sent", "", 200, readCapture(t, "GET-journeys-journeyId-reports-emails-emailId-contacts-state.json")},
		{"GET", "/journeys/9301/reports/emails/9601/contacts/Visited", "", 400, notFound(messageInvalidRequest)},
		{"GET", "/journeys/9301/reports/landingpages/9701/contacts/Sent", "", 400, notFound(messageInvalidRequest)},
		{"GET", "/journeys/9301/reports/landingpages/1/contacts/KnownClicks", "", 404, notFound(messageReportNotFound)},
		{"GET", "/contactLists/9001/import/1", "", 404, notFound(messageJobNotFound)},
		{"POST", "/contactLists/9001/import/1", "[]", 404, notFound(messageJobNotFound)},
		{"POST", "/contactLists/9001/import/1/run", "", 404, notFound(messageJobNotFound)},
		{"POST", "/contactLists/1/import", `{"FieldNames":[]}`, 404, notFound(messageListNotFound)},
		{"POST", "/contactLists/1/contact", `{"Values":{}}`, 404, notFound(messageListNotFound)},
		{"POST", "/contactLists/9001/contact", `{"Values":`, 400, notFound(messageInvalidRequest)},
		{"POST", "/contactLists/9001/contact", ``, 400, notFound(messageInvalidRequest)},
		{"POST", "/contactLists/9001/contact", `{"Values":[1]}`, 400, notFound(messageInvalidRequest)},
		{"POST", "/contactLists/9001/import", `{"FieldNames":"x"}`, 400, notFound(messageInvalidRequest)},
		{"GET", "/contactLists/9001/contact", "", 405, notFound("The requested resource does not support http method 'GET'.")},
		{"DELETE", "/journeys/9301", "", 405, notFound("The requested resource does not support http method 'DELETE'.")},
		{"GET", "/JOURNEYS/9301/Activities/9401/", "", 200, readCapture(t, "GET-journeys-journeyId-activities-activityId.json")},
	}
	for _, tt := range tests {
		got := send(t, tt.method, s.URL+tt.path, "", tt.body)
		if got.status != tt.status || got.body != tt.want {
			t.Errorf("%s %s: %d %s\nwant %d %s", tt.method, tt.path, got.status, got.body, tt.status, tt.want)
		}
	}
	got := send(t, "GET", s.URL+"/journeys/1", "text/xml", "")
	if want := `<Error><Message>` + messageJourneyNotFound + `</Message></Error>`; got.body != want {
		t.Errorf("XML 404: %s", got.body)
	}
}

func TestFaultsAndCredentialsApplyToEveryRoute(t *testing.T) {
	s := captureServer(t)
	paths := []string{"/contacts/Y2FwdHVyZQ==", "/contactLists", "/contactLists/9001/fields/9012", "/journeys/9301",
		"/journeys/9301/reports/landingpages/9701/contacts/TotalVisits"}
	for _, p := range paths {
		s.QueueFaults(Fault{Status: 503, RetryAfter: "1"})
		if got := send(t, "GET", s.URL+p, "", ""); got.status != 503 || got.header.Get("Retry-After") != "1" {
			t.Errorf("%s with a 503 fault: %d", p, got.status)
		}
	}
	s.QueueFaults(Fault{Status: 429})
	if got := send(t, "POST", s.URL+"/contactLists/9001/contact", "", `{"Values":{"Email":"x@example.com"}}`); got.status != 429 {
		t.Errorf("POST with a 429 fault: %d", got.status)
	}
	if n := len(s.ListContacts(9001)); n != 1 {
		t.Errorf("a faulted POST wrote: %d contacts", n)
	}

	s.RequireBearerToken("t0k")
	for _, p := range paths {
		if got := send(t, "GET", s.URL+p, "", ""); got.status != 401 {
			t.Errorf("%s without the token: %d", p, got.status)
		}
	}
	req, _ := http.NewRequest("GET", s.URL+"/journeys/9301", nil)
	req.Header.Set("Authorization", "Bearer t0k")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("with the token: %d", resp.StatusCode)
	}
	s.AllowAnonymous()

	s.SetLatency(30 * time.Millisecond)
	began := time.Now()
	send(t, "GET", s.URL+"/contactLists", "", "")
	if d := time.Since(began); d < 30*time.Millisecond {
		t.Errorf("latency not applied: %v", d)
	}
}

func TestRequestsRecordQueryAndBody(t *testing.T) {
	s := writesServer(t)
	body := `{"Values":{"Email":"x@example.com"}}`
	send(t, "POST", s.URL+"/contactLists/7/contact?match=Email&customevents=A,B", "", body)
	r, ok := s.LastRequest()
	want := Request{Method: "POST", Path: "/Which50API/contactLists/7/contact", Query: "match=Email&customevents=A,B", Body: []byte(body)}
	opt := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Header" }, cmp.Ignore())
	if diff := cmp.Diff(want, r, opt); !ok || diff != "" {
		t.Errorf("LastRequest (-want +got):\n%s", diff)
	}
	send(t, "GET", s.URL+"/contacts/a%2Fb/emails", "", "")
	if r, _ := s.LastRequest(); r.ContactID != "a/b" || r.Body != nil {
		t.Errorf("ContactID %q, Body %q", r.ContactID, r.Body)
	}
}

func TestValueTypes(t *testing.T) {
	s := newTestServer(t)
	s.SetContact(which50.Contact{EncContactID: "v", ID: 1, ListID: 2, Values: map[string]any{
		"a": int32(-5), "b": uint64(1 << 40), "c": 3.0, "d": 1e15, "e": 0.00001, "f": []string{"x"},
		"g": map[string]any{"k": 1}, "h": time.Date(2024, 5, 6, 7, 8, 9, 100, time.FixedZone("", 3600)), "i": float32(0.5),
	}})
	got := send(t, "GET", s.URL+"/contacts/v", "", "")
	want := `{"EncContactId":"v","ListId":2,"Values":{"a":-5,"b":1099511627776,"c":3.0,"d":1E+15,"e":1E-05,"f":["x"],"g":{"k":1},"h":"2024-05-06T07:08:09.0000001","i":0.5}}`
	if got.body != want {
		t.Errorf("JSON:\n got %s\nwant %s", got.body, want)
	}
	got = send(t, "GET", s.URL+"/contacts/v", "application/xml", "")
	for _, frag := range []string{
		`i:type="d4p1:int">-5<`, `i:type="d4p1:long">1099511627776<`, `i:type="d4p1:double">3<`, `i:type="d4p1:double">1E+15<`,
		`i:type="d4p1:double">1E-05<`, `xmlns:d4p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays" i:type="d4p1:ArrayOfstring"><d4p1:string>x</d4p1:string>`,
		`i:type="d4p1:string">{"k":1}<`, `i:type="d4p1:dateTime">2024-05-06T07:08:09.0000001<`,
	} {
		if !strings.Contains(got.body, frag) {
			t.Errorf("XML lacks %s:\n%s", frag, got.body)
		}
	}
	c, _ := s.Contact("v")
	if c.Values["g"].(map[string]any)["k"] != int64(1) || c.Values["a"] != int64(-5) {
		t.Errorf("read back: %#v", c.Values)
	}
}

func TestDeleteContactLeavesList(t *testing.T) {
	s := writesServer(t)
	s.DeleteContact("a")
	if got := listCount(t, s, 7); got != `{"Id":7,"Name":"Writes","Count":0}` || len(s.ListContacts(7)) != 0 {
		t.Errorf("after delete: %s, %d contacts", got, len(s.ListContacts(7)))
	}
	if got := send(t, "GET", s.URL+"/contacts/a", "", ""); got.status != 404 {
		t.Errorf("deleted contact: %d", got.status)
	}
}

func TestConcurrentWritesAndReads(t *testing.T) {
	s := writesServer(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := s.Client()
			for j := range 10 {
				body := fmt.Sprintf(`{"Values":{"Email":"w%d-%d@example.com"}}`, i, j)
				resp, err := hc.Post(s.URL+"/contactLists/7/contact?match=Email", "application/json", strings.NewReader(body))
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp, err = hc.Get(s.URL + "/contactLists/7"); err == nil {
					resp.Body.Close()
				}
				s.ListContacts(7)
			}
		}()
	}
	wg.Wait()
	if n := len(s.ListContacts(7)); n != 81 {
		t.Errorf("%d contacts, want 81", n)
	}
}
