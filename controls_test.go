package which50_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
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

// TestWithResponse checks the metadata a call reports, on success and on
// failure, with credentials a proxy reflects scrubbed.
func TestWithResponse(t *testing.T) {
	t.Parallel()
	const token = "tok-secret-0123456789"
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Request-Id", "req-"+r.URL.Path[len(r.URL.Path)-1:])
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		switch {
		case strings.HasSuffix(r.URL.Path, "/missing/emails"):
			writeHTTPError(w, http.StatusNotFound, "no such contact")
		case n == 1:
			writeBody(w, http.StatusServiceUnavailable, jsonCT, []byte(`{"Message":"busy"}`))
		default:
			writeBody(w, http.StatusOK, jsonCT, []byte("[]"))
		}
	})
	c := relClient(t, srv.baseURL(), which50.WithAuth(which50.BearerToken(token)))
	ctx := context.Background()

	var resp which50.Response
	if _, err := c.Contacts.Emails(ctx, "c1", which50.WithResponse(&resp)); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Attempts != 2 || resp.RequestID != "req-s" || resp.Duration <= 0 {
		t.Errorf("success: %+v, want 200 after 2 attempts, request id req-s, a duration", resp)
	}
	if echo := resp.Header.Get("X-Echo"); strings.Contains(echo, token) || echo == "" {
		t.Errorf("reflected credential in Response.Header: %q", echo)
	}

	_, err := c.Contacts.Emails(ctx, "missing", which50.WithResponse(&resp))
	var apiErr *which50.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want a 404", err)
	}
	if resp.StatusCode != http.StatusNotFound || resp.Attempts != 1 || resp.RequestID != apiErr.RequestID {
		t.Errorf("failure: %+v, want 404 after 1 attempt with the APIError's request id %q", resp, apiErr.RequestID)
	}

	// A streaming call fills it when the iteration ends, even on a break.
	resp = which50.Response{}
	srv2 := which50test.NewServer()
	defer srv2.Close()
	ids := srv2.SeedDemo(1, 5)
	c2, _ := which50.NewClient(which50.WithBaseURL(srv2.URL))
	for range c2.Contacts.CommunicationsSeq(ctx, ids[0], which50.WithResponse(&resp)) {
		if resp.Attempts != 0 {
			t.Fatalf("Response filled before the iteration ended: %+v", resp)
		}
		break
	}
	if resp.StatusCode != http.StatusOK || resp.Attempts != 1 {
		t.Errorf("after a break: %+v, want 200 after 1 attempt", resp)
	}
}

// TestTransportWrapperSeesAttemptsNotCredentials checks that the wrapper
// sees one round trip per attempt and never a credential, while the server
// gets the credential on each attempt.
func TestTransportWrapperSeesAttemptsNotCredentials(t *testing.T) {
	t.Parallel()
	for name, auth := range map[string]which50.Authenticator{
		"bearer":  which50.BearerToken("tok-secret-0123456789"),
		"api key": which50.APIKeyHeader("X-Api-Key", "key-secret-0123456789"),
		"basic":   which50.BasicAuth("user", "pw-secret-0123456789"),
	} {
		var authed atomic.Int64
		srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if r.Header.Get("Authorization") != "" || r.Header.Get("X-Api-Key") != "" {
				authed.Add(1)
			}
			if n <= 2 {
				writeBody(w, http.StatusServiceUnavailable, jsonCT, []byte(`{"Message":"busy"}`))
				return
			}
			writeBody(w, http.StatusOK, jsonCT, []byte("[]"))
		})
		var mu sync.Mutex
		var seen []http.Header
		wrap := func(next http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(r *http.Request) (*http.Response, error) {
				mu.Lock()
				seen = append(seen, r.Header.Clone())
				mu.Unlock()
				return next.RoundTrip(r)
			})
		}
		c := relClient(t, srv.baseURL(), which50.WithAuth(auth), which50.WithTransportWrapper(wrap))
		if _, err := c.Contacts.Emails(context.Background(), "c1"); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(seen) != 3 || authed.Load() != 3 {
			t.Errorf("%s: the wrapper saw %d round trips and the server %d authenticated requests, want 3 and 3", name, len(seen), authed.Load())
		}
		for i, h := range seen {
			for k, vs := range h {
				for _, v := range vs {
					if strings.Contains(v, "secret") || k == "Authorization" || k == "X-Api-Key" {
						t.Errorf("%s: round trip %d: the wrapper saw %s: %s", name, i+1, k, v)
					}
				}
			}
		}
	}
	if _, err := which50.NewClient(which50.WithTransportWrapper(func(http.RoundTripper) http.RoundTripper { return nil })); !errors.Is(err, which50.ErrInvalidOption) {
		t.Errorf("a wrapper returning nil: err = %v, want ErrInvalidOption", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRateLimitPacesEveryAttempt checks, by counting requests, that the
// limiter stands before first attempts and retries alike, and that a turn
// beyond the context's deadline fails the call at once, unsent.
func TestRateLimitPacesEveryAttempt(t *testing.T) {
	t.Parallel()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path == "/api/contacts/busy/emails" {
			writeBody(w, http.StatusServiceUnavailable, jsonCT, []byte(`{"Message":"busy"}`))
			return
		}
		writeBody(w, http.StatusOK, jsonCT, []byte("[]"))
	})
	// One token, and the next in 1000 s: only the first attempt passes.
	c := relClient(t, srv.baseURL(), which50.WithRateLimit(0.001, 1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := c.Contacts.Emails(ctx, "busy"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the retry's turn beyond the deadline", err)
	}
	if _, err := c.Contacts.Emails(ctx, "ok"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the next call's turn beyond the deadline", err)
	}
	if n := srv.reqs.Load(); n != 1 {
		t.Errorf("%d requests, want only the first attempt", n)
	}

	fast := relClient(t, srv.baseURL(), which50.WithRateLimit(1e9, 1))
	for range 20 {
		if _, err := fast.Contacts.Emails(context.Background(), "ok"); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.reqs.Load(); n != 21 {
		t.Errorf("%d requests, want 1 + 20", n)
	}
	for _, opt := range []which50.Option{which50.WithRateLimit(0, 1), which50.WithRateLimit(1, 0), which50.WithRetryBudget(-1, 0), which50.WithRetryBudget(0.2, -1)} {
		if _, err := which50.NewClient(opt); !errors.Is(err, which50.ErrInvalidOption) {
			t.Errorf("err = %v, want ErrInvalidOption", err)
		}
	}
}

// ctxKey marks a context, to see it reach log records.
type ctxKey struct{}

// ctxHandler records the ctxKey value of each record's context.
type ctxHandler struct {
	mu   *sync.Mutex
	seen *[]any
}

func (h ctxHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h ctxHandler) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	*h.seen = append(*h.seen, ctx.Value(ctxKey{}))
	h.mu.Unlock()
	return nil
}
func (h ctxHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h ctxHandler) WithGroup(string) slog.Handler      { return h }

// TestLogRecordsCarryTheCallsContext checks that every record the SDK
// writes (attempts and the give-up) is handed the caller's context, so
// trace ids reach the logs; a per-call logger replaces the client's.
func TestLogRecordsCarryTheCallsContext(t *testing.T) {
	t.Parallel()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeBody(w, http.StatusServiceUnavailable, jsonCT, []byte(`{"Message":"busy"}`))
	})
	var mu sync.Mutex
	var client, call []any
	c := relClient(t, srv.baseURL(), which50.WithLogger(slog.New(ctxHandler{&mu, &client})))
	ctx := context.WithValue(context.Background(), ctxKey{}, "trace-1")
	c.Contacts.Emails(ctx, "c1", which50.WithMaxRetries(1))
	c.Contacts.Emails(ctx, "c1", which50.WithMaxRetries(1), which50.WithLogger(slog.New(ctxHandler{&mu, &call})))
	if len(client) != 3 || len(call) != 3 {
		t.Fatalf("%d records to the client's logger and %d to the call's, want 3 each (2 attempts, 1 give-up)", len(client), len(call))
	}
	for _, v := range append(client, call...) {
		if v != "trace-1" {
			t.Errorf("a record's context carries %v, want the caller's", v)
		}
	}
}
