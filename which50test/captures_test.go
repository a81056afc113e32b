package which50test

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/which50-go/which50"
)

// The tests below seed the fake with the values of the captured answers in
// testdata/captures, request each endpoint and compare the body byte for
// byte with the capture.

func readCapture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/captures/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// send sends a request with a body on a fresh connection and reads the
// whole reply.
func send(t *testing.T, method, rawURL, acceptType, body string) reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, rawURL, rd)
	if err != nil {
		t.Fatal(err)
	}
	if acceptType != "" {
		req.Header.Set("Accept", acceptType)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, string(b)}
}

// mediaTypes returns the Accept values that select each capture's format.
func mediaTypes() map[string]string {
	return map[string]string{"json": "application/json", "xml": "application/xml"}
}

// expectCapture sends a request for the capture name.ext and compares the
// answer with it.
func expectCapture(t *testing.T, s *Server, name, ext, method, path, body string) {
	t.Helper()
	got := send(t, method, s.URL+path, mediaTypes()[ext], body)
	want := readCapture(t, name+"."+ext)
	if got.status != 200 || got.body != want {
		t.Errorf("%s %s (%s): %d\n got %s\nwant %s", method, path, ext, got.status, got.body, want)
	}
	wantCT := mediaTypes()[ext] + "; charset=utf-8"
	if want == "" {
		wantCT = "" // the empty answer has no Content-Type at all
	}
	if _, has := got.header["Content-Type"]; got.header.Get("Content-Type") != wantCT || wantCT == "" && has {
		t.Errorf("%s %s (%s): Content-Type %q, want %q", method, path, ext, got.header.Get("Content-Type"), wantCT)
	}
}

func captureContact() which50.Contact {
	return which50.Contact{
		ValidationWarnings: []string{"Mobile is missing"},
		EncContactID:       "Y2FwdHVyZQ==",
		ID:                 9501,
		ListID:             9001,
		Values: map[string]any{
			"Email":      "casey@example.com",
			"FirstName":  "Casey",
			"Age":        30,
			"Big":        int64(5000000000),
			"Score":      12.5,
			"Subscribed": true,
			"Joined":     time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
			"Nickname":   nil,
			"City":       "Zürich",
		},
	}
}

func captureFields() []which50.ContactSchemaField {
	return []which50.ContactSchemaField{
		{ID: 9011, Name: "Email", MapType: "Email", Position: 1},
		{ID: 9012, Name: "Plan", DefaultValue: "Basic", MapType: "DropDown", Position: 2,
			ContactSchemaFieldValues: []which50.ContactSchemaFieldValue{
				{ID: 90121, Value: "Basic", Order: 1, InUse: true},
				{ID: 90122, Value: "Premium", Order: 2},
			}},
	}
}

// captureServer is a server holding the captured service's data.
func captureServer(t *testing.T) *Server {
	s := newTestServer(t)
	// The contact's values come in the order of the list's fields; the
	// captured list had more fields than its schema capture shows.
	var order []which50.ContactSchemaField
	for i, name := range []string{"Email", "FirstName", "Age", "Big", "Score", "Subscribed", "Joined", "Nickname", "City"} {
		order = append(order, which50.ContactSchemaField{ID: int64(9011 + i), Name: name, Position: int64(i + 1)})
	}
	s.SetFields(9001, order)
	c := captureContact()
	s.SetContact(c)
	s.SetJourneyContacts(9301, []which50.Contact{c})
	s.SetActivityContacts(9301, 9401, []which50.Contact{c})
	s.SetEmailReport(9301, 9601, which50.EmailSent, []which50.Contact{c})
	s.SetLandingPageReport(9301, 9701, which50.LandingPageTotalVisits, []which50.Contact{c})
	s.SetFields(9001, captureFields())

	for _, l := range []which50.ContactList{
		{ID: 1001, Name: "Members", Count: 1234},
		{ID: 1002, Name: "Café Ünïcödé 日本 🎉"},
		{ID: 1003, Name: "Writes"},
		{ID: 1004, Name: "Imports"},
		{ID: 9001, Name: "Capture list", Count: 3},
	} {
		s.SetContactList(l)
	}

	s.SetJourney(which50.Journey{
		ID: 9301, Name: "Capture journey", AccountID: 9, ListID: 9001,
		StartDate:    time.Date(2025, 1, 1, 9, 0, 0, 0, time.FixedZone("", 0)),
		EndDate:      time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC),
		CmLink:       "https://cm.example.com/j/9301",
		Status:       "Active",
		Reach:        3,
		Interactions: 7,
		Tags:         []string{"capture"},
		Emails:       "1 email",
		TextMessages: 1,
		EDocuments:   []string{"capture.pdf"},
		Channels:     "Email,SMS",

		ShowInAgentPortal: true,
	})
	s.SetActivity(9301, which50.JourneyActivity{
		ID: 9401, Name: "Capture send", CampaignID: 9301,
		CreatedDate:     time.Date(2024, 12, 30, 8, 15, 0, 0, time.FixedZone("", 0)),
		TargetAtRuntime: true,
		Target: which50.Target{ID: 9402, Name: "Capture target", ContactListID: 9001,
			ContactsCount: 1, ContactsCountEmail: 1, ContactsCountEmailWithDuplicates: 1},
	})

	at := func(clock string, offsetMinutes int) time.Time {
		loc := time.FixedZone("", offsetMinutes*60)
		v, err := time.ParseInLocation("2006-01-02T15:04:05.9999999", clock, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	id := c.EncContactID
	s.SetEmptyStrings(EmptyAsIgnoredNull)
	s.SetCommunications(id, []which50.ContactInteraction{
		{ID: 9101, Interaction: which50.InteractionEmail, Name: "Capture newsletter", Occurred: at("2025-01-02T10:00:00.1234567", 600),
			Status: "Opened", CampaignID: 9301, CampaignName: "Capture journey"},
		{ID: 9102, Interaction: which50.InteractionSMS, Occurred: at("2025-01-03T09:00:00", -300)},
	})
	s.SetJourneyActivities(id, 9301, []which50.ContactInteraction{
		{ID: 9103, Interaction: which50.InteractionEmail, Name: "Capture welcome", Occurred: at("2025-01-02T10:00:00", 60),
			Status: "Delivered", CampaignID: 9301, CampaignName: "Capture journey"},
	})
	s.SetEmails(id, []which50.ContactEmail{
		{ID: 9201, Name: "Capture newsletter", Date: at("2025-01-02T10:00:00.1234567", 600), Delivered: 1, Open: 1},
	})
	s.SetTextMessages(id, []which50.ContactTextMessage{
		{ID: 9202, Name: "Capture reminder", Date: at("2025-01-03T09:00:00", -300), Delivered: 1},
		{ID: 9203},
	})
	s.SetLandingPages(id, []which50.ContactLandingPage{
		{ID: 9204, Name: "Capture page", Date: at("2025-01-04T12:30:00", 570), Link: 1},
	})
	s.SetWebForms(id, []which50.ContactWebForm{
		{ID: 9205, LandingPageID: 9204, Name: "Capture form", Date: at("2025-01-04T12:31:00", 570), Submitted: 1},
	})
	return s
}

func TestCapturesOfReads(t *testing.T) {
	s := captureServer(t)
	contact := "/contacts/" + url.PathEscape("Y2FwdHVyZQ==")
	reads := []struct{ name, path string }{
		{"GET-contacts-contactId", contact},
		{"GET-contacts-contactId-communications", contact + "/communications"},
		{"GET-contacts-contactId-journeyactivities-journeyId", contact + "/journeyactivities/9301"},
		{"GET-contacts-contactId-campaignactivities-campaignId", contact + "/campaignactivities/9301"},
		{"GET-contacts-contactId-emails", contact + "/emails"},
		{"GET-contacts-contactId-textmessages", contact + "/textmessages"},
		{"GET-contacts-contactId-landingpages", contact + "/landingpages"},
		{"GET-contacts-contactId-webforms", contact + "/webforms"},
		{"GET-contactLists", "/contactLists"},
		{"GET-contactLists-contactListId", "/contactLists/9001"},
		{"GET-contactLists-contactListId-fields", "/contactLists/9001/fields"},
		{"GET-contactLists-contactListId-fields-fieldId", "/contactLists/9001/fields/9012"},
		{"GET-journeys-journeyId", "/journeys/9301"},
		{"GET-journeys-journeyId-contacts", "/journeys/9301/contacts"},
		{"GET-journeys-journeyId-activities-activityId", "/journeys/9301/activities/9401"},
		{"GET-journeys-journeyId-activities-activityId-contacts", "/journeys/9301/activities/9401/contacts"},
		{"GET-journeys-journeyId-reports-emails-emailId-contacts-state", "/journeys/9301/reports/emails/9601/contacts/Sent"},
		{"GET-journeys-journeyId-reports-landingpages-landingpageId-contacts-state", "/journeys/9301/reports/landingpages/9701/contacts/TotalVisits"},
	}
	for _, r := range reads {
		for _, ext := range []string{"json", "xml"} {
			expectCapture(t, s, r.name, ext, "GET", r.path, "")
		}
	}
}

// newValues is the body of the captured upserts, for the email given.
func newValues(email, firstName string) string {
	return `{"Values":{"Email":"` + email + `","FirstName":"` + firstName + `","Age":41,"Score":3.5,"Subscribed":false,"Nickname":null,"City":"Zürich"}}`
}

func TestCapturesOfContactWrites(t *testing.T) {
	s := captureServer(t)
	const path = "/contactLists/9001/contact?match=Email"
	expectCapture(t, s, "POST-contactLists-contactListId-contact", "json", "POST", path, newValues("new.json@example.com", "Robin"))
	expectCapture(t, s, "POST-contactLists-contactListId-contact.update", "json", "POST", path, newValues("new.json@example.com", "Robin B"))
	expectCapture(t, s, "PATCH-contactLists-contactListId-contact", "json", "PATCH",
		path+"&Email="+url.QueryEscape("new.json@example.com"), `{"Values":{"Plan":"Premium"}}`)

	// The captured XML upsert created the fourth new contact of the list.
	s.SetContact(which50.Contact{ID: 90003, ListID: 9001, Values: map[string]any{"Email": "third@example.com"}})
	expectCapture(t, s, "POST-contactLists-contactListId-contact", "xml", "POST", path, newValues("new.xml@example.com", "Robin"))
	expectCapture(t, s, "POST-contactLists-contactListId-contact.update", "xml", "POST", path, newValues("new.xml@example.com", "Robin B"))
	expectCapture(t, s, "PATCH-contactLists-contactListId-contact", "xml", "PATCH",
		path+"&Email="+url.QueryEscape("new.xml@example.com"), `{"Values":{"Plan":"Premium"}}`)
}

// clockOf returns a clock that gives the times in turn.
func clockOf(t *testing.T, times ...string) func() time.Time {
	return func() time.Time {
		if len(times) == 0 {
			t.Fatal("clock read more often than expected")
		}
		v, err := time.Parse(time.RFC3339Nano, times[0])
		if err != nil {
			t.Fatal(err)
		}
		times = times[1:]
		return v
	}
}

func TestCapturesOfImport(t *testing.T) {
	const batch = `[{"Values":{"Email":"import.1@example.com","FirstName":"Ira"}},{"Values":{"Email":"import.2@example.com","FirstName":"Jo"}}]`
	const (
		create = "POST-contactLists-contactListId-import"
		add    = "POST-contactLists-contactListId-import-importJobId"
		run    = "POST-contactLists-contactListId-import-importJobId-run"
		poll   = "GET-contactLists-contactListId-import-importJobId"
	)
	for _, tt := range []struct {
		ext           string
		job           string // the job the capture ran
		start, finish string
	}{
		{"json", "5001", "2026-12-02T17:43:16.241388Z", "2026-12-02T17:43:16.244651Z"},
		{"xml", "5002", "2026-12-02T17:43:16.260417Z", "2026-12-02T17:43:16.262157Z"},
	} {
		s := captureServer(t)
		s.SetClock(clockOf(t, tt.start, tt.finish))
		const fields = `{"FieldNames":["Email","FirstName"]}`
		if tt.job == "5002" {
			send(t, "POST", s.URL+"/contactLists/9001/import", "", fields) // job 5001, never run
		}
		jobURL := "/contactLists/9001/import/" + tt.job
		send(t, "POST", s.URL+"/contactLists/9001/import", "", fields)
		expectCapture(t, s, add, tt.ext, "POST", jobURL, batch)
		expectCapture(t, s, run, tt.ext, "POST", jobURL+"/run?match=Email", "")
		expectCapture(t, s, poll+".50", tt.ext, "GET", jobURL, "")
		expectCapture(t, s, poll, tt.ext, "GET", jobURL, "")
		expectCapture(t, s, create, tt.ext, "POST", "/contactLists/9001/import", fields)
	}
}

// TestEveryCaptureIsChecked keeps the tests above complete: a capture
// added to the directory must be added to them (and to this list).
func TestEveryCaptureIsChecked(t *testing.T) {
	checked := map[string]bool{}
	for _, stem := range []string{
		"GET-contacts-contactId", "GET-contacts-contactId-communications",
		"GET-contacts-contactId-journeyactivities-journeyId", "GET-contacts-contactId-campaignactivities-campaignId",
		"GET-contacts-contactId-emails", "GET-contacts-contactId-textmessages",
		"GET-contacts-contactId-landingpages", "GET-contacts-contactId-webforms",
		"GET-contactLists", "GET-contactLists-contactListId", "GET-contactLists-contactListId-fields",
		"GET-contactLists-contactListId-fields-fieldId",
		"GET-contactLists-contactListId-import-importJobId", "GET-contactLists-contactListId-import-importJobId.50",
		"GET-journeys-journeyId", "GET-journeys-journeyId-contacts", "GET-journeys-journeyId-activities-activityId",
		"GET-journeys-journeyId-activities-activityId-contacts",
		"GET-journeys-journeyId-reports-emails-emailId-contacts-state",
		"GET-journeys-journeyId-reports-landingpages-landingpageId-contacts-state",
		"POST-contactLists-contactListId-contact", "POST-contactLists-contactListId-contact.update",
		"PATCH-contactLists-contactListId-contact",
		"POST-contactLists-contactListId-import", "POST-contactLists-contactListId-import-importJobId",
		"POST-contactLists-contactListId-import-importJobId-run",
	} {
		checked[stem+".json"], checked[stem+".xml"] = true, true
	}
	entries, err := os.ReadDir("../testdata/captures")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if name := e.Name(); strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".xml") {
			n++
			if !checked[name] {
				t.Errorf("capture %s is not checked", name)
			}
		}
	}
	if n != len(checked) {
		t.Errorf("%d captures, %d checked", n, len(checked))
	}
}
