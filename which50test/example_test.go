package which50test_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/which50test"
)

// The fake serves the endpoint like the real service; any HTTP client can
// call it. Contact ids are one escaped path segment.
func Example() {
	srv := which50test.NewServer()
	defer srv.Close()

	srv.SetCommunications("Zk9v/YmFy+=", []which50.ContactInteraction{{
		ID:           41,
		Interaction:  which50.InteractionEmail,
		Name:         "Welcome to Which50",
		Occurred:     time.Date(2024, 12, 27, 18, 6, 0, 696096600, time.FixedZone("AEST", 10*60*60)),
		Status:       "Opened",
		CampaignID:   1043,
		CampaignName: "Customer Onboarding",
	}})

	resp, err := srv.Client().Get(srv.URL + "/contacts/" + url.PathEscape("Zk9v/YmFy+=") + "/communications")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status, resp.Header.Get("Content-Type"))
	fmt.Println(string(body))
	// Output:
	// 200 OK application/json; charset=utf-8
	// [{"Id":41,"Interaction":"Email","Name":"Welcome to Which50","Occurred":"2024-12-27T18:06:00.6960966+10:00","Status":"Opened","CampaignId":1043,"CampaignName":"Customer Onboarding"}]
}

// With the SDK's client: point WithBaseURL at the server's URL.
func Example_client() {
	srv := which50test.NewServer()
	defer srv.Close()
	ids := srv.SeedDemo(3, 4) // three demo contacts with four interactions each

	client, err := which50.NewClient(which50.WithBaseURL(srv.URL), which50.WithFormat(which50.FormatXML))
	if err != nil {
		fmt.Println(err)
		return
	}
	items, err := client.Contacts.Communications(context.Background(), ids[0])
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, it := range items {
		fmt.Println(it.Occurred.Format(time.RFC3339), it.Interaction, it.Status)
	}
	// Output:
	// 2026-11-19T18:30:38+12:00 LandingPage Converted
	// 2026-11-11T19:46:25+08:00 Email Opened
	// 2026-11-06T09:34:42+08:00 SMS Delivered
	// 2026-11-03T13:56:06Z LandingPage Converted
}

// Accept: application/xml gets DataContractSerializer's XML.
func Example_xml() {
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SetCommunications("c1", []which50.ContactInteraction{{
		ID:          7,
		Interaction: which50.InteractionSMS,
		Name:        "Delivery update",
		Occurred:    time.Date(2025, 3, 1, 9, 30, 0, 0, time.FixedZone("ACST", 9*60*60+30*60)),
		Status:      "Delivered",
	}})

	req, _ := http.NewRequest("GET", srv.URL+"/contacts/c1/communications", nil)
	req.Header.Set("Accept", "application/xml")
	resp, err := srv.Client().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	fmt.Println(resp.Header.Get("Content-Type"))
	io.Copy(os.Stdout, resp.Body)
	// Output:
	// application/xml; charset=utf-8
	// <ArrayOfContactInteraction xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts"><ContactInteraction><CampaignId>0</CampaignId><CampaignName /><Id>7</Id><Interaction>SMS</Interaction><Name>Delivery update</Name><Occurred xmlns:d3p1="http://schemas.datacontract.org/2004/07/System"><d3p1:DateTime>2025-03-01T00:00:00Z</d3p1:DateTime><d3p1:OffsetMinutes>570</d3p1:OffsetMinutes></Occurred><Status>Delivered</Status></ContactInteraction></ArrayOfContactInteraction>
}

// Script outages to test retry code: each queued fault answers one request,
// in order; then the server serves normally.
func ExampleServer_QueueFaults() {
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SetCommunications("c1", nil)
	srv.QueueFaults(
		which50test.HTTPSysUnavailable(),
		which50test.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"},
	)

	for range 3 {
		resp, err := srv.Client().Get(srv.URL + "/contacts/c1/communications")
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%d Retry-After=%q %s: %.25s\n", resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("Content-Type"), body)
	}
	fmt.Println("requests:", srv.RequestCount())
	// Output:
	// 503 Retry-After="" text/html; charset=us-ascii: <!DOCTYPE HTML PUBLIC "-/
	// 429 Retry-After="1" application/json; charset=utf-8: {"Message":"API calls quo
	// 200 Retry-After="" application/json; charset=utf-8: []
	// requests: 3
}

// The SDK retries the faults it should and gives up with a typed error.
func ExampleServer_QueueFaults_client() {
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SetCommunications("c1", which50test.DemoCommunications("c1", 2, 1))
	srv.QueueFaults(which50test.Fault{Status: 503}, which50test.Fault{CutAfter: 50})

	client, err := which50.NewClient(which50.WithBaseURL(srv.URL), which50.WithRetryWait(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		fmt.Println(err)
		return
	}
	items, err := client.Contacts.Communications(context.Background(), "c1")
	fmt.Println(len(items), err, "after", srv.RequestCount(), "requests")

	srv.QueueFaults(which50test.Fault{Status: 404})
	_, err = client.Contacts.Communications(context.Background(), "c1")
	fmt.Println(errors.Is(err, which50.ErrNotFound), "after", srv.RequestCount(), "requests")
	// Output:
	// 2 <nil> after 3 requests
	// true after 4 requests
}

// A server that demands a credential answers 401 with the service's body.
func ExampleServer_RequireBearerToken() {
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SetCommunications("c1", nil)
	srv.RequireBearerToken("s3cr3t")

	for _, token := range []string{"wrong", "s3cr3t"} {
		req, _ := http.NewRequest("GET", srv.URL+"/contacts/c1/communications", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := srv.Client().Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, string(body))
	}
	// Output:
	// 401 {"Message":"Authorization has been denied for this request."}
	// 200 []
}

// Requests records what clients sent, for assertions on headers.
func ExampleServer_Requests() {
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SetCommunications("a/b", nil)

	client, err := which50.NewClient(which50.WithBaseURL(srv.URL), which50.WithAuth(which50.APIKeyHeader("X-API-Key", "k1")))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := client.Contacts.Communications(context.Background(), "a/b"); err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, r.ContactID, r.Header.Get("X-API-Key"), r.Header.Get("Accept"))
	}
	// Output:
	// GET /Which50API/contacts/a%2Fb/communications a/b k1 application/json
}

// EncodeJSON writes what the service sends, for stubbed transports.
func ExampleEncodeJSON() {
	items := []which50.ContactInteraction{{
		ID:          1,
		Interaction: which50.InteractionLandingPage,
		Name:        `Pricing "beta"`,
		Occurred:    time.Date(2017, 3, 15, 2, 27, 20, 0, time.UTC),
		Status:      "Visited",
	}}
	if err := which50test.EncodeJSON(os.Stdout, items); err != nil {
		fmt.Println(err)
	}
	// Output:
	// [{"Id":1,"Interaction":"LandingPage","Name":"Pricing \"beta\"","Occurred":"2017-03-15T02:27:20+00:00","Status":"Visited","CampaignId":0,"CampaignName":""}]
}

// EncodeXML writes DataContractSerializer's XML; an empty list is the
// self-closing root.
func ExampleEncodeXML() {
	if err := which50test.EncodeXML(os.Stdout, nil); err != nil {
		fmt.Println(err)
	}
	// Output:
	// <ArrayOfContactInteraction xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts" />
}

// Demo data is realistic and deterministic.
func ExampleDemoCommunications() {
	for _, it := range which50test.DemoCommunications("demo", 3, 1) {
		fmt.Printf("%d %s %s %q %s %d %q\n", it.ID, it.Occurred.Format("2006-01-02T15:04:05.9999999Z07:00"),
			it.Interaction, it.Name, it.Status, it.CampaignID, it.CampaignName)
	}
	// Output:
	// 935477 2026-11-19T17:36:55.5759243+10:00 Email "Newsletter #39" Opened 1060 "Newsletter"
	// 935437 2026-11-11T16:26:49.4365842+11:00 Email "Order confirmation" Clicked 0 ""
	// 935416 2026-11-11T15:58:02.7082856+12:00 SMS "Spring Sale: last day!" Delivered 1042 "Spring Sale 2026"
}

// Seed a list and a contact, then read the contact as the API serves it.
// Values come in the order of the list's fields.
func ExampleServer_SetContact() {
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SetContactList(which50.ContactList{ID: 7, Name: "Members"})
	srv.SetFields(7, []which50.ContactSchemaField{
		{ID: 71, Name: "Email", MapType: "Email", Position: 1},
		{ID: 72, Name: "Plan", MapType: "DropDown", Position: 2},
	})
	srv.SetContact(which50.Contact{
		EncContactID: "Y2FzZXk/",
		ID:           9501,
		ListID:       7,
		Values:       map[string]any{"Plan": "Premium", "Email": "casey@example.com", "Age": 30},
	})

	for _, path := range []string{"/contacts/" + url.PathEscape("Y2FzZXk/"), "/contactLists/7"} {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, string(body))
	}
	// Output:
	// 200 {"EncContactId":"Y2FzZXk/","ListId":7,"Values":{"Email":"casey@example.com","Plan":"Premium","Age":30}}
	// 200 {"Id":7,"Name":"Members","Count":1}
}

// An import job runs over status polls: each advances it by the import
// step, and the one that reaches 100 percent writes the contacts.
func ExampleServer_SetImportStep() {
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SetContactList(which50.ContactList{ID: 7, Name: "Imports"})
	srv.SetClock(func() time.Time { return time.Date(2026, 12, 2, 17, 43, 16, 0, time.UTC) })
	srv.SetImportStep(50)

	call := func(method, path, body string) string {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return strings.TrimSpace(fmt.Sprintf("%d %s", resp.StatusCode, b)) // an empty answer has no body
	}
	fmt.Println(call("POST", "/contactLists/7/import", `{"FieldNames":["Email"]}`))
	fmt.Println(call("POST", "/contactLists/7/import/5001", `[{"Values":{"Email":"a@example.com"}},{"Values":{"Email":"b@example.com"}}]`))
	fmt.Println(call("POST", "/contactLists/7/import/5001/run?match=Email", ""))
	fmt.Println(call("GET", "/contactLists/7/import/5001", ""))
	fmt.Println(call("GET", "/contactLists/7/import/5001", ""))
	fmt.Println(len(srv.ListContacts(7)), "contacts")
	// Output:
	// 200 {"Id":5001,"ContactListId":7,"InvalidEmailCount":0,"InvalidSmsCount":0,"ProgressPercent":0,"CurrentStatus":"Created","InsertedContacts":0,"UpdatedContacts":0,"DroppedContacts":0,"NotUpdatedContacts":0,"TotalContacts":0}
	// 200
	// 200 {"Id":5001,"ContactListId":7,"InvalidEmailCount":0,"InvalidSmsCount":0,"ProgressPercent":0,"CurrentStatus":"Running","StartDate":"2026-12-02T17:43:16Z","InsertedContacts":0,"UpdatedContacts":0,"DroppedContacts":0,"NotUpdatedContacts":0,"TotalContacts":0}
	// 200 {"Id":5001,"ContactListId":7,"InvalidEmailCount":0,"InvalidSmsCount":0,"ProgressPercent":50,"CurrentStatus":"Processing","StartDate":"2026-12-02T17:43:16Z","InsertedContacts":0,"UpdatedContacts":0,"DroppedContacts":0,"NotUpdatedContacts":0,"TotalContacts":0}
	// 200 {"Id":5001,"ContactListId":7,"InvalidEmailCount":0,"InvalidSmsCount":0,"ProgressPercent":100,"CurrentStatus":"Finished","StartDate":"2026-12-02T17:43:16Z","FinishDate":"2026-12-02T17:43:16Z","InsertedContacts":2,"UpdatedContacts":0,"DroppedContacts":0,"NotUpdatedContacts":0,"TotalContacts":2}
	// 2 contacts
}
