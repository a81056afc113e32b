package which50_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/which50test"
)

// Tests of the production controls: per-call options, response metadata,
// the retry budget, pacing and the shared pause, the transport wrapper.

// TestPerCallOptionsApplyToOneCall checks that options given to a call
// change that call's requests only.
func TestPerCallOptionsApplyToOneCall(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []http.Header
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		mu.Lock()
		got = append(got, r.Header.Clone())
		mu.Unlock()
		writeBody(w, http.StatusOK, jsonCT, []byte("[]"))
	})
	c := relClient(t, srv.baseURL(), which50.WithHeader("X-Tenant", "client"), which50.WithUserAgent("app/1"))
	ctx := context.Background()
	if _, err := c.Contacts.Emails(ctx, "c1",
		which50.WithFormat(which50.FormatXML), which50.WithHeader("X-Tenant", "call"),
		which50.WithHeader("X-Flag", "on"), which50.WithUserAgent("job/2")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Contacts.Emails(ctx, "c1"); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d requests, want 2", len(got))
	}
	want := []map[string]string{
		{"Accept": "application/xml", "X-Tenant": "call", "X-Flag": "on", "User-Agent": "job/2 which50-go/" + which50.Version},
		{"Accept": "application/json", "X-Tenant": "client", "X-Flag": "", "User-Agent": "app/1 which50-go/" + which50.Version},
	}
	for i, w := range want {
		for k, v := range w {
			if g := got[i].Get(k); g != v {
				t.Errorf("request %d: %s = %q, want %q", i+1, k, g, v)
			}
		}
	}
}

// TestPerCallMaxRetries checks that a call's WithMaxRetries bounds its
// attempts and leaves the client's alone.
func TestPerCallMaxRetries(t *testing.T) {
	t.Parallel()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeBody(w, http.StatusServiceUnavailable, jsonCT, []byte(`{"Message":"busy"}`))
	})
	c := relClient(t, srv.baseURL(), which50.WithMaxRetries(2))
	ctx := context.Background()
	_, err := c.Contacts.Get(ctx, "c1", which50.WithMaxRetries(0))
	var apiErr *which50.APIError
	if !errors.As(err, &apiErr) || apiErr.Attempts != 1 {
		t.Fatalf("err = %v, want a 503 after 1 attempt", err)
	}
	if n := srv.reqs.Load(); n != 1 {
		t.Fatalf("%d requests with WithMaxRetries(0), want 1", n)
	}
	c.Contacts.Get(ctx, "c1")
	if n := srv.reqs.Load(); n != 4 {
		t.Errorf("%d requests in all, want 1 + 3 with the client's 2 retries", n)
	}
}

// TestClientOptionsRefusedPerCall checks that an option that can only
// describe a client fails the call, typed, with no request sent, and that
// NewClient refuses WithResponse.
func TestClientOptionsRefusedPerCall(t *testing.T) {
	t.Parallel()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeBody(w, http.StatusOK, jsonCT, []byte("[]"))
	})
	c := relClient(t, srv.baseURL(), which50.WithAuth(which50.APIKeyHeader("X-Api-Key", "k-123456")))
	ctx := context.Background()
	bad := map[string]which50.Option{
		"WithBaseURL":          which50.WithBaseURL("http://elsewhere.example/"),
		"WithHTTPClient":       which50.WithHTTPClient(&http.Client{}),
		"WithAuth":             which50.WithAuth(which50.BearerToken("t")),
		"WithRateLimit":        which50.WithRateLimit(1, 1),
		"WithRetryBudget":      which50.WithRetryBudget(0, 0),
		"WithTransportWrapper": which50.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper { return rt }),
		"invalid value":        which50.WithMaxRetries(-1),
		"Authorization":        which50.WithHeader("authorization", "Bearer x"),
		"Cookie":               which50.WithHeader("Cookie", "a=b"),
		"the API key header":   which50.WithHeader("x-api-key", "other"),
		"Accept":               which50.WithHeader("Accept", "text/html"),
		"nil Response":         which50.WithResponse(nil),
	}
	for name, opt := range bad {
		_, err := c.Contacts.Communications(ctx, "c1", opt)
		if !errors.Is(err, which50.ErrInvalidOption) {
			t.Errorf("%s: err = %v, want ErrInvalidOption", name, err)
		}
		for range c.Contacts.CommunicationsSeq(ctx, "c1", opt) {
		}
	}
	if n := srv.reqs.Load(); n != 0 {
		t.Errorf("%d requests sent for refused options, want none", n)
	}
	if _, err := which50.NewClient(which50.WithResponse(&which50.Response{})); !errors.Is(err, which50.ErrInvalidOption) {
		t.Errorf("NewClient(WithResponse) = %v, want ErrInvalidOption", err)
	}
	if _, err := which50.NewClient(which50.WithMaxRetries(-1)); !errors.Is(err, which50.ErrInvalidOption) {
		t.Errorf("NewClient(WithMaxRetries(-1)) = %v, want ErrInvalidOption", err)
	}
	if _, err := which50.NewClient(which50.WithHeader("X-Api-Key", "v"), which50.WithAuth(which50.APIKeyHeader("X-API-Key", "k-123456"))); !errors.Is(err, which50.ErrInvalidOption) {
		t.Errorf("NewClient with WithHeader on the API key's header = %v, want ErrInvalidOption", err)
	}
	if _, err := which50.NewClient(which50.Option{}); err != nil {
		t.Errorf("NewClient(Option{}) = %v, want the zero Option ignored", err)
	}
}

// TestPerCallOptionsReachEveryMethod calls every method that sends a
// request with a refused option: each must fail with ErrInvalidOption,
// sending nothing, which shows each hands its options to the pipeline.
func TestPerCallOptionsReachEveryMethod(t *testing.T) {
	t.Parallel()
	srv := which50test.NewServer()
	defer srv.Close()
	c, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	bad := which50.WithBaseURL(srv.URL)
	contact := &which50.Contact{Values: map[string]any{"Email": "a@example.com"}}
	errs := map[string]error{}
	errs["Contacts.Get"] = second(c.Contacts.Get(ctx, "c", bad))
	errs["Contacts.Communications"] = second(c.Contacts.Communications(ctx, "c", bad))
	errs["Contacts.CommunicationsSeq"] = seqErr(c.Contacts.CommunicationsSeq(ctx, "c", bad))
	errs["Contacts.JourneyActivities"] = second(c.Contacts.JourneyActivities(ctx, "c", 1, bad))
	errs["Contacts.JourneyActivitiesSeq"] = seqErr(c.Contacts.JourneyActivitiesSeq(ctx, "c", 1, bad))
	errs["Contacts.Emails"] = second(c.Contacts.Emails(ctx, "c", bad))
	errs["Contacts.TextMessages"] = second(c.Contacts.TextMessages(ctx, "c", bad))
	errs["Contacts.LandingPages"] = second(c.Contacts.LandingPages(ctx, "c", bad))
	errs["Contacts.WebForms"] = second(c.Contacts.WebForms(ctx, "c", bad))
	errs["ContactLists.List"] = second(c.ContactLists.List(ctx, bad))
	errs["ContactLists.Get"] = second(c.ContactLists.Get(ctx, 1, bad))
	errs["ContactLists.Fields"] = second(c.ContactLists.Fields(ctx, 1, bad))
	errs["ContactLists.Field"] = second(c.ContactLists.Field(ctx, 1, 1, bad))
	errs["ContactLists.UpsertContact"] = second(c.ContactLists.UpsertContact(ctx, 1, contact, nil, bad))
	errs["ContactLists.UpdateMatching"] = c.ContactLists.UpdateMatching(ctx, 1, map[string]string{"Email": "a"}, map[string]any{"x": 1}, nil, bad)
	errs["ContactLists.CreateImport"] = second(c.ContactLists.CreateImport(ctx, 1, []string{"Email"}, bad))
	errs["ContactLists.AddToImport"] = c.ContactLists.AddToImport(ctx, 1, 1, []which50.Contact{*contact}, bad)
	errs["ContactLists.RunImport"] = second(c.ContactLists.RunImport(ctx, 1, 1, nil, bad))
	errs["ContactLists.ImportStatus"] = second(c.ContactLists.ImportStatus(ctx, 1, 1, bad))
	errs["ContactLists.Import"] = second(c.ContactLists.Import(ctx, 1, []string{"Email"}, func(yield func(which50.Contact) bool) { yield(*contact) }, nil, bad))
	errs["Journeys.Get"] = second(c.Journeys.Get(ctx, 1, bad))
	errs["Journeys.Contacts"] = second(c.Journeys.Contacts(ctx, 1, bad))
	errs["Journeys.ContactsSeq"] = seqErr(c.Journeys.ContactsSeq(ctx, 1, bad))
	errs["Journeys.Activity"] = second(c.Journeys.Activity(ctx, 1, 1, bad))
	errs["Journeys.ActivityContacts"] = second(c.Journeys.ActivityContacts(ctx, 1, 1, bad))
	errs["Journeys.ActivityContactsSeq"] = seqErr(c.Journeys.ActivityContactsSeq(ctx, 1, 1, bad))
	errs["Journeys.EmailReport"] = second(c.Journeys.EmailReport(ctx, 1, 1, which50.EmailOpened, bad))
	errs["Journeys.EmailReportSeq"] = seqErr(c.Journeys.EmailReportSeq(ctx, 1, 1, which50.EmailOpened, bad))
	errs["Journeys.LandingPageReport"] = second(c.Journeys.LandingPageReport(ctx, 1, 1, which50.LandingPageTotalVisits, bad))
	errs["Journeys.LandingPageReportSeq"] = seqErr(c.Journeys.LandingPageReportSeq(ctx, 1, 1, which50.LandingPageTotalVisits, bad))
	for name, err := range errs {
		if !errors.Is(err, which50.ErrInvalidOption) || !strings.Contains(err.Error(), "WithBaseURL") {
			t.Errorf("%s: err = %v, want ErrInvalidOption naming WithBaseURL", name, err)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests reached the server, want none", n)
	}
}

func second[T any](_ T, err error) error { return err }

// TestPerCallAttemptTimeout checks that a call's WithAttemptTimeout bounds
// its attempts while other calls keep the client's (none).
func TestPerCallAttemptTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("X-Slow") != "" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		writeBody(w, http.StatusOK, jsonCT, []byte("[]"))
	})
	defer close(release)
	c := relClient(t, srv.baseURL(), which50.WithMaxRetries(0))
	_, err := c.Contacts.Emails(context.Background(), "c1", which50.WithHeader("X-Slow", "1"), which50.WithAttemptTimeout(20*time.Millisecond))
	if err == nil || !which50.IsRetryable(err) {
		t.Fatalf("err = %v, want a timed-out attempt", err)
	}
	if _, err := c.Contacts.Emails(context.Background(), "c1"); err != nil {
		t.Fatal(err)
	}
}
