package which50_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/which50test"
)

// The examples run against which50test, a fake Which50 API on loopback that
// speaks the service's wire formats, so they need no account and their output
// is checked by go test.

// layout prints times with their offset, as the platform recorded them.
const layout = "2006-01-02 15:04:05.000 -07:00"

// sampleHistory is a small, fixed history: what the API might hold for one
// contact, recorded at the platform's local offsets.
func sampleHistory() []which50.ContactInteraction {
	sydney := time.FixedZone("", 10*60*60)
	adelaide := time.FixedZone("", 9*60*60+30*60)
	return []which50.ContactInteraction{
		{
			ID: 1203, Interaction: which50.InteractionEmail, Name: "Spring Sale – Week 2",
			Occurred: time.Date(2026, 10, 14, 9, 30, 12, 696096600, sydney),
			Status:   "Opened", CampaignID: 1042, CampaignName: "Spring Sale 2026",
		},
		{
			ID: 1187, Interaction: which50.InteractionSMS, Name: "Appointment reminder",
			Occurred: time.Date(2026, 10, 2, 17, 5, 0, 0, adelaide),
			Status:   "Delivered",
		},
		{
			ID: 1150, Interaction: which50.InteractionWebForm, Name: "Newsletter sign-up",
			Occurred: time.Date(2026, 9, 28, 23, 41, 7, 250000000, time.UTC),
			Status:   "Submitted", CampaignID: 1060, CampaignName: "Newsletter",
		},
	}
}

// newFake starts a fake API that knows one contact, "contact-42".
func newFake() *which50test.Server {
	srv := which50test.NewServer()
	srv.SetCommunications("contact-42", sampleHistory())
	return srv
}

// fastRetries makes the examples' retries wait milliseconds, not seconds.
var fastRetries = which50.WithRetryWait(time.Millisecond, 5*time.Millisecond)

func ExampleNewClient() {
	srv := newFake()
	defer srv.Close()
	srv.RequireBearerToken("s3cret")

	client, err := which50.NewClient(
		which50.WithBaseURL(srv.URL), // omit for the real API, DefaultBaseURL
		which50.WithAuth(which50.BearerToken("s3cret")),
		which50.WithUserAgent("crm-sync/1.4"),
	)
	if err != nil {
		log.Fatal(err)
	}
	items, err := client.Contacts.Communications(context.Background(), "contact-42")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(items), "interactions")
	req, _ := srv.LastRequest()
	fmt.Println("User-Agent:", req.Header.Get("User-Agent"))

	// Options validate: an empty credential is an error, not an anonymous client.
	_, err = which50.NewClient(which50.WithAuth(which50.BearerToken("")))
	fmt.Println(err)
	// Output:
	// 3 interactions
	// User-Agent: crm-sync/1.4 which50-go/0.1.0
	// which50: bearer token is empty
}

func ExampleContactsService_Communications() {
	srv := newFake()
	defer srv.Close()
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	items, err := client.Contacts.Communications(context.Background(), "contact-42")
	if err != nil {
		log.Fatal(err)
	}
	for _, it := range items {
		campaign := it.CampaignName
		if it.CampaignID == 0 {
			campaign = "(no campaign)"
		}
		fmt.Printf("%s  %-8s %-22s %-9s %s\n", it.Occurred.Format(layout), it.Interaction, it.Name, it.Status, campaign)
	}
	// Output:
	// 2026-10-14 09:30:12.696 +10:00  Email    Spring Sale – Week 2   Opened    Spring Sale 2026
	// 2026-10-02 17:05:00.000 +09:30  SMS      Appointment reminder   Delivered (no campaign)
	// 2026-09-28 23:41:07.250 +00:00  WebForm  Newsletter sign-up     Submitted Newsletter
}

func ExampleWithFormat() {
	srv := newFake()
	defer srv.Close()
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL), which50.WithFormat(which50.FormatXML))
	if err != nil {
		log.Fatal(err)
	}

	items, err := client.Contacts.Communications(context.Background(), "contact-42")
	if err != nil {
		log.Fatal(err)
	}
	req, _ := srv.LastRequest()
	fmt.Println("Accept:", req.Header.Get("Accept"))
	// DataContract XML sends each date in UTC plus the offset in minutes;
	// the client puts the offset back.
	for _, it := range items {
		_, offset := it.Occurred.Zone()
		fmt.Printf("%d %s (offset %d min, UTC %s)\n", it.ID, it.Occurred.Format(layout), offset/60,
			it.Occurred.UTC().Format("15:04:05.0000000"))
	}
	// Output:
	// Accept: application/xml
	// 1203 2026-10-14 09:30:12.696 +10:00 (offset 600 min, UTC 23:30:12.6960966)
	// 1187 2026-10-02 17:05:00.000 +09:30 (offset 570 min, UTC 07:35:00.0000000)
	// 1150 2026-09-28 23:41:07.250 +00:00 (offset 0 min, UTC 23:41:07.2500000)
}

func ExampleErrUnauthorized() {
	srv := newFake()
	defer srv.Close()
	srv.RequireAPIKey("X-API-Key", "right-key")
	client, err := which50.NewClient(
		which50.WithBaseURL(srv.URL),
		which50.WithAuth(which50.APIKeyHeader("X-API-Key", "wrong-key")),
	)
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.Contacts.Communications(context.Background(), "contact-42")
	if errors.Is(err, which50.ErrUnauthorized) {
		fmt.Println("check the API key:", err)
	}
	fmt.Println("requests:", srv.RequestCount()) // a 401 is never retried
	// Output:
	// check the API key: which50: GET /Which50API/contacts/contact-42/communications: 401 Unauthorized: Authorization has been denied for this request.
	// requests: 1
}

func ExampleErrForbidden() {
	srv := newFake()
	defer srv.Close()
	srv.QueueFaults(which50test.Fault{Status: http.StatusForbidden})
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.Contacts.Communications(context.Background(), "contact-42")
	fmt.Println(errors.Is(err, which50.ErrForbidden), errors.Is(err, which50.ErrUnauthorized))
	// Output:
	// true false
}

func ExampleErrNotFound() {
	srv := newFake()
	defer srv.Close()
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	// Encrypted ids hold '/', '+' and '='; the client escapes them.
	_, err = client.Contacts.Communications(context.Background(), "Zm9v/YmFy+cXV4==")
	if errors.Is(err, which50.ErrNotFound) {
		fmt.Println("no such contact:", err)
	}
	// Output:
	// no such contact: which50: GET /Which50API/contacts/Zm9v%2FYmFy%2BcXV4==/communications: 404 Not Found: The specified Contact was not found.
}

func ExampleErrInternalServerError() {
	srv := newFake()
	defer srv.Close()
	// The service fails four times in a row: the first attempt and all three retries.
	for range 4 {
		srv.QueueFaults(which50test.Fault{Status: http.StatusInternalServerError})
	}
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL), which50.WithMaxRetries(3), fastRetries)
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.Contacts.Communications(context.Background(), "contact-42")
	if errors.Is(err, which50.ErrInternalServerError) {
		fmt.Println(err)
	}
	fmt.Println("requests:", srv.RequestCount())
	// Output:
	// which50: GET /Which50API/contacts/contact-42/communications: 500 Internal Server Error: An error has occurred. after 4 attempts
	// requests: 4
}

func ExampleErrRateLimited() {
	srv := newFake()
	defer srv.Close()
	// The server asks for an hour's pause: longer than the client's maximum
	// wait, so it does not sleep it out but fails at once.
	srv.QueueFaults(which50test.Fault{Status: http.StatusTooManyRequests, RetryAfter: "3600"})
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL), which50.WithRetryWait(time.Millisecond, time.Minute))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.Contacts.Communications(context.Background(), "contact-42")
	var apiErr *which50.APIError
	if errors.Is(err, which50.ErrRateLimited) && errors.As(err, &apiErr) {
		fmt.Println("rate limited; come back in", apiErr.RetryAfter)
	}
	fmt.Println("requests:", srv.RequestCount())
	// Output:
	// rate limited; come back in 1h0m0s
	// requests: 1
}

func ExampleAPIError() {
	srv := newFake()
	defer srv.Close()
	srv.QueueFaults(which50test.Fault{
		Status: http.StatusServiceUnavailable,
		Header: http.Header{"X-Request-Id": {"7f3c9a"}},
	})
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL), which50.WithMaxRetries(0))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.Contacts.Communications(context.Background(), "contact-42")
	var apiErr *which50.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("status:", apiErr.StatusCode)
		fmt.Println("message:", apiErr.Message)
		fmt.Println("request id:", apiErr.RequestID)
		fmt.Println("attempts:", apiErr.Attempts)
		fmt.Println("retry after:", apiErr.RetryAfter)
	}
	// Output:
	// status: 503
	// message: The service is unavailable.
	// request id: 7f3c9a
	// attempts: 1
	// retry after: 0s
}

func ExampleDecodeError() {
	srv := newFake()
	defer srv.Close()
	// A proxy answers 200 with its own HTML page instead of the API's list.
	srv.QueueFaults(which50test.Fault{Body: "<html><body>Down for maintenance</body></html>", ContentType: "text/html"})
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.Contacts.Communications(context.Background(), "contact-42")
	var decErr *which50.DecodeError
	if errors.Is(err, which50.ErrInvalidResponse) && errors.As(err, &decErr) {
		fmt.Println("not a list of interactions:", decErr.ContentType)
	}
	// Output:
	// not a list of interactions: text/html
}

func ExampleContactsService_CommunicationsSeq() {
	srv := which50test.NewServer()
	defer srv.Close()
	// A long history: a newsletter every day for ten years, every fourth one opened.
	history := make([]which50.ContactInteraction, 3650)
	start := time.Date(2026, 11, 1, 8, 0, 0, 0, time.FixedZone("", 11*60*60))
	for i := range history {
		status := "Delivered"
		if i%4 == 0 {
			status = "Opened"
		}
		history[i] = which50.ContactInteraction{
			ID: int64(500000 - i), Interaction: which50.InteractionEmail, Name: "Daily digest",
			Occurred: start.AddDate(0, 0, -i), Status: status, CampaignID: 1060, CampaignName: "Newsletter",
		}
	}
	srv.SetCommunications("contact-7", history)
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Count the emails opened, holding one interaction at a time.
	opened, total := 0, 0
	for it, err := range client.Contacts.CommunicationsSeq(ctx, "contact-7") {
		if err != nil {
			log.Fatal(err)
		}
		total++
		if it.Interaction == which50.InteractionEmail && it.Status == "Opened" {
			opened++
		}
	}
	fmt.Println(total, "interactions,", opened, "opened")

	// Breaking out of the loop closes the response at once.
	for it, err := range client.Contacts.CommunicationsSeq(ctx, "contact-7") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("newest:", it.ID, it.Occurred.Format(layout))
		break
	}
	// Output:
	// 3650 interactions, 913 opened
	// newest: 500000 2026-11-01 08:00:00.000 +11:00
}

func ExampleWithMaxRetries() {
	srv := newFake()
	defer srv.Close()
	// Three transient faults in a row: HTTP.sys's own 503 page, a 429 asking
	// for a short pause, and a transfer cut mid-body. The fourth request
	// gets the data.
	srv.QueueFaults(
		which50test.HTTPSysUnavailable(),
		which50test.Fault{Status: http.StatusTooManyRequests, RetryAfter: "0"},
		which50test.Fault{CutAfter: 100},
	)
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL), which50.WithMaxRetries(3), fastRetries)
	if err != nil {
		log.Fatal(err)
	}

	items, err := client.Contacts.Communications(context.Background(), "contact-42")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(items), "interactions after", srv.RequestCount(), "requests")

	// With no retries the first fault is the caller's error.
	noRetry, err := which50.NewClient(which50.WithBaseURL(srv.URL), which50.WithMaxRetries(0))
	if err != nil {
		log.Fatal(err)
	}
	srv.QueueFaults(which50test.HTTPSysUnavailable())
	_, err = noRetry.Contacts.Communications(context.Background(), "contact-42")
	fmt.Println(err)
	// Output:
	// 3 interactions after 4 requests
	// which50: GET /Which50API/contacts/contact-42/communications: 503 Service Unavailable
}

// latestEmail is code under test in a user's application: it finds the
// newest email a contact received.
func latestEmail(ctx context.Context, client *which50.Client, contactID string) (string, error) {
	items, err := client.Contacts.Communications(ctx, contactID)
	if err != nil {
		return "", fmt.Errorf("latest email of %s: %w", contactID, err)
	}
	var newest *which50.ContactInteraction
	for i, it := range items {
		if it.Interaction == which50.InteractionEmail && (newest == nil || it.Occurred.After(newest.Occurred)) {
			newest = &items[i]
		}
	}
	if newest == nil {
		return "", nil
	}
	return newest.Name, nil
}

// This example is a test as a user would write it for their own code: the
// fake serves fixed data and scripted failures, and the user's function is
// checked against both. In a _test.go file, use t.Fatal where this prints.
func Example_testingWithWhich50test() {
	srv := which50test.NewServer() // in a test: defer srv.Close(), or t.Cleanup(srv.Close)
	defer srv.Close()
	srv.SetCommunications("c-1", sampleHistory())
	srv.SetCommunications("c-2", nil) // a contact with no history
	srv.RequireBearerToken("test-token")

	client, err := which50.NewClient(
		which50.WithBaseURL(srv.URL),
		which50.WithAuth(which50.BearerToken("test-token")),
		fastRetries,
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	got, err := latestEmail(ctx, client, "c-1")
	fmt.Printf("c-1: %q, %v\n", got, err)
	got, err = latestEmail(ctx, client, "c-2")
	fmt.Printf("c-2: %q, %v\n", got, err)

	// Does the code survive a flaky service? One 502 is retried away.
	srv.QueueFaults(which50test.Fault{Status: http.StatusBadGateway})
	got, err = latestEmail(ctx, client, "c-1")
	fmt.Printf("c-1 after a 502: %q, %v\n", got, err)

	// Does it pass errors on so that callers can branch on them?
	_, err = latestEmail(ctx, client, "c-3")
	fmt.Println("c-3 not found:", errors.Is(err, which50.ErrNotFound))
	// Output:
	// c-1: "Spring Sale – Week 2", <nil>
	// c-2: "", <nil>
	// c-1 after a 502: "Spring Sale – Week 2", <nil>
	// c-3 not found: true
}

// WithResponse reports a call's status, headers, request id, attempts and
// duration, on success as on failure.
func ExampleWithResponse() {
	srv := newFake()
	defer srv.Close()
	srv.QueueFaults(
		which50test.Fault{Status: http.StatusServiceUnavailable},
		which50test.Fault{Header: http.Header{"X-Request-Id": {"req-7f3a"}}},
	)
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL), fastRetries)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	var resp which50.Response
	items, err := client.Contacts.Communications(ctx, "contact-42", which50.WithResponse(&resp))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d interactions: status %d, request %s, %d attempts\n", len(items), resp.StatusCode, resp.RequestID, resp.Attempts)

	_, err = client.Contacts.Communications(ctx, "nobody", which50.WithResponse(&resp))
	fmt.Println(errors.Is(err, which50.ErrNotFound), resp.StatusCode, resp.Attempts)
	// Output:
	// 3 interactions: status 200, request req-7f3a, 2 attempts
	// true 404 1
}

// Options given to a call apply to that call only; options that can only
// describe a client fail the call, with no request sent.
func ExampleOption() {
	srv := newFake()
	defer srv.Close()
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL), which50.WithMaxRetries(5), fastRetries)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// An interactive request: no retries, XML, a header of its own.
	srv.QueueFaults(which50test.Fault{Status: http.StatusServiceUnavailable})
	_, err = client.Contacts.Communications(ctx, "contact-42",
		which50.WithMaxRetries(0), which50.WithFormat(which50.FormatXML), which50.WithHeader("X-Origin", "dashboard"))
	var apiErr *which50.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("failed fast:", apiErr.StatusCode, "after", apiErr.Attempts, "attempt")
	}
	req, _ := srv.LastRequest()
	fmt.Println(req.Header.Get("Accept"), req.Header.Get("X-Origin"))

	// The next call has the client's settings again: JSON, 5 retries.
	srv.QueueFaults(which50test.Fault{Status: http.StatusServiceUnavailable})
	items, err := client.Contacts.Communications(ctx, "contact-42")
	req, _ = srv.LastRequest()
	fmt.Println(len(items), err, req.Header.Get("Accept"), req.Header.Get("X-Origin") == "")

	// A client-wide option is refused for one call.
	_, err = client.Contacts.Communications(ctx, "contact-42", which50.WithBaseURL("https://elsewhere.example/"))
	fmt.Println(errors.Is(err, which50.ErrInvalidOption))
	// Output:
	// failed fast: 503 after 1 attempt
	// application/xml dashboard
	// 3 <nil> application/json true
	// true
}
