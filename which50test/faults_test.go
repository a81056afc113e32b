package which50test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/which50-go/which50"
)

func TestFaultSequenceThenNormalService(t *testing.T) {
	s := newTestServer(t)
	items := DemoCommunications("c", 5, 3)
	s.SetCommunications("c", items)
	s.QueueFaults(
		Fault{Status: 503},
		Fault{Status: 429, RetryAfter: "2"},
		Fault{Status: 500, RetryAfter: "Wed, 21 Oct 2026 07:28:00 GMT"},
	)
	s.QueueFaults(Fault{Status: 404}) // appends
	if n := s.PendingFaults(); n != 4 {
		t.Fatalf("PendingFaults = %d, want 4", n)
	}

	want := []struct {
		status     int
		retryAfter string
		body       string
	}{
		{503, "", `{"Message":"The service is unavailable."}`},
		{429, "2", `{"Message":"API calls quota exceeded! maximum admitted 10 per Second."}`},
		{500, "Wed, 21 Oct 2026 07:28:00 GMT", `{"Message":"An error has occurred."}`},
		{404, "", `{"Message":"The specified Contact was not found."}`},
		{200, "", encoded(t, EncodeJSON, items)},
		{200, "", encoded(t, EncodeJSON, items)},
	}
	for i, w := range want {
		got := get(t, "GET", commsURL(s, "c"), nil)
		if got.status != w.status || got.header.Get("Retry-After") != w.retryAfter || got.body != w.body {
			t.Errorf("request %d: %d Retry-After %q %.100s\nwant %d Retry-After %q %.100s", i, got.status, got.header.Get("Retry-After"), got.body, w.status, w.retryAfter, w.body)
		}
		if ct := got.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("request %d: Content-Type %q", i, ct)
		}
	}
	if n := s.PendingFaults(); n != 0 {
		t.Errorf("PendingFaults = %d after use, want 0", n)
	}
}

func TestFaultHttpErrorIsNegotiated(t *testing.T) {
	s := newTestServer(t)
	s.QueueFaults(Fault{Status: 403})
	got := get(t, "GET", commsURL(s, "c"), accept("application/xml"))
	want := `<Error><Message>The user does not have the relevant permissions to perform this action.</Message></Error>`
	if got.status != 403 || got.body != want || got.header.Get("Content-Type") != "application/xml; charset=utf-8" {
		t.Errorf("got %d %q %s, want 403 XML %s", got.status, got.header.Get("Content-Type"), got.body, want)
	}
}

func TestFaultsApplyToAnyPath(t *testing.T) {
	s := newTestServer(t)
	s.QueueFaults(Fault{Status: 502})
	if got := get(t, "GET", s.URL+"/not/a/route", nil); got.status != 502 {
		t.Errorf("status %d, want the queued 502", got.status)
	}
	if got := get(t, "GET", s.URL+"/not/a/route", nil); got.status != 404 {
		t.Errorf("status %d, want the normal 404 once the queue is empty", got.status)
	}
}

func TestClearFaults(t *testing.T) {
	s := newTestServer(t)
	s.SetCommunications("c", nil)
	s.QueueFaults(Fault{Status: 500}, Fault{Status: 500})
	s.ClearFaults()
	if got := get(t, "GET", commsURL(s, "c"), nil); got.status != 200 || s.PendingFaults() != 0 {
		t.Errorf("status %d with %d pending, want 200 and none", got.status, s.PendingFaults())
	}
}

func TestHTTPSysUnavailable(t *testing.T) {
	s := newTestServer(t)
	s.QueueFaults(HTTPSysUnavailable())
	got := get(t, "GET", commsURL(s, "c"), nil)
	if got.status != 503 || got.header.Get("Content-Type") != "text/html; charset=us-ascii" ||
		got.header.Get("Server") != "Microsoft-HTTPAPI/2.0" || !strings.Contains(got.body, "HTTP Error 503. The service is unavailable.") {
		t.Errorf("got %d %v\n%s", got.status, got.header, got.body)
	}
}

func TestFaultRawBodies(t *testing.T) {
	s := newTestServer(t)
	s.QueueFaults(
		Fault{Body: "<html><body>Down for maintenance</body></html>"},                                               // 200, sniffed
		Fault{Status: 502, Body: "Bad gateway", ContentType: "text/plain", Header: http.Header{"x-lb": {"edge-1"}}}, // proxy
		Fault{Status: 401, NoBody: true}, // [Authorize] with nothing
	)
	got := get(t, "GET", commsURL(s, "c"), nil)
	if got.status != 200 || got.header.Get("Content-Type") != "text/html; charset=utf-8" || !strings.Contains(got.body, "maintenance") {
		t.Errorf("maintenance page: %d %q %s", got.status, got.header.Get("Content-Type"), got.body)
	}
	got = get(t, "GET", commsURL(s, "c"), nil)
	if got.status != 502 || got.header.Get("Content-Type") != "text/plain" || got.body != "Bad gateway" || got.header.Get("X-Lb") != "edge-1" {
		t.Errorf("proxy error: %d %v %s", got.status, got.header, got.body)
	}
	got = get(t, "GET", commsURL(s, "c"), nil)
	if _, has := got.header["Content-Type"]; got.status != 401 || has || got.body != "" || got.header.Get("Content-Length") != "0" {
		t.Errorf("empty 401: %d %v %q", got.status, got.header, got.body)
	}
}

// fetch sends one GET on a fresh connection and returns the response error
// or the body read error.
func fetch(ctx context.Context, rawURL string) (status int, body []byte, err error) {
	req, err := http.NewRequestWithContext(ctx, "GET", rawURL, nil)
	if err != nil {
		return 0, nil, err
	}
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

func TestFaultCutAfter(t *testing.T) {
	s := newTestServer(t)
	items := DemoCommunications("c", 50, 9)
	s.SetCommunications("c", items)
	full := encoded(t, EncodeJSON, items)
	s.QueueFaults(Fault{CutAfter: 100}, Fault{CutAfter: 100, Reset: true})

	status, body, err := fetch(context.Background(), commsURL(s, "c"))
	if status != 200 || !errors.Is(err, io.ErrUnexpectedEOF) || string(body) != full[:100] {
		t.Errorf("cut: status %d, err %v, %d bytes; want 200, unexpected EOF after the first 100 bytes", status, err, len(body))
	}
	status, body, err = fetch(context.Background(), commsURL(s, "c"))
	if status != 200 || err == nil || len(body) > 100 {
		t.Errorf("cut with reset: status %d, err %v, %d bytes; want 200 and a read error", status, err, len(body))
	}
	// Then normal service again.
	if status, body, err = fetch(context.Background(), commsURL(s, "c")); err != nil || string(body) != full {
		t.Errorf("after the cuts: %d %v", status, err)
	}
}

func TestFaultCutAfterAppliesToErrorBodies(t *testing.T) {
	s := newTestServer(t)
	s.QueueFaults(Fault{Status: 503, CutAfter: 5})
	status, body, err := fetch(context.Background(), commsURL(s, "c"))
	if status != 503 || !errors.Is(err, io.ErrUnexpectedEOF) || string(body) != `{"Mes` {
		t.Errorf("status %d, err %v, body %q", status, err, body)
	}
}

func TestFaultDrop(t *testing.T) {
	s := newTestServer(t)
	s.SetCommunications("c", nil)
	s.QueueFaults(Fault{Drop: true}, Fault{Drop: true, Reset: true})

	if _, _, err := fetch(context.Background(), commsURL(s, "c")); !errors.Is(err, io.EOF) {
		t.Errorf("drop: err %v, want EOF", err)
	}
	if _, _, err := fetch(context.Background(), commsURL(s, "c")); !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
		t.Errorf("drop with reset: err %v, want connection reset", err)
	}
	if status, _, err := fetch(context.Background(), commsURL(s, "c")); err != nil || status != 200 {
		t.Errorf("after the drops: %d %v", status, err)
	}
}

func TestFaultDelayHonoursCancellation(t *testing.T) {
	s := newTestServer(t)
	s.SetCommunications("c", nil)
	s.QueueFaults(Fault{Delay: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := fetch(ctx, commsURL(s, "c")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err %v, want the deadline", err)
	}
	// The handler gave up the hour-long wait: the next request is served
	// (and Cleanup's Close would hang otherwise).
	if status, _, err := fetch(context.Background(), commsURL(s, "c")); err != nil || status != 200 {
		t.Errorf("next request: %d %v", status, err)
	}
}

func TestSetLatency(t *testing.T) {
	s := newTestServer(t)
	s.SetCommunications("c", nil)
	s.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := fetch(ctx, commsURL(s, "c")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("with latency: err %v, want the deadline", err)
	}
	s.SetLatency(0)
	if status, _, err := fetch(context.Background(), commsURL(s, "c")); err != nil || status != 200 {
		t.Errorf("without latency: %d %v", status, err)
	}
}

func TestRequireCredentials(t *testing.T) {
	const denied = `{"Message":"Authorization has been denied for this request."}`
	tests := []struct {
		name      string
		require   func(*Server)
		challenge string
		good      []http.Header
		bad       []http.Header
	}{
		{"bearer", func(s *Server) { s.RequireBearerToken("s3cr3t") }, "Bearer",
			[]http.Header{{"Authorization": {"Bearer s3cr3t"}}, {"Authorization": {"bearer s3cr3t"}}},
			[]http.Header{nil, {"Authorization": {"Bearer wrong"}}, {"Authorization": {"Bearer s3cr3tX"}}, {"Authorization": {"s3cr3t"}},
				{"Authorization": {"Bearer s3cr3t", "Bearer s3cr3t"}}}},
		{"api key", func(s *Server) { s.RequireAPIKey("X-Which50-Key", "k-123") }, "ApiKey",
			[]http.Header{{"X-Which50-Key": {"k-123"}}},
			[]http.Header{nil, {"X-Which50-Key": {"k-124"}}, {"X-Api-Key": {"k-123"}}, {"Authorization": {"Bearer k-123"}}}},
		{"basic", func(s *Server) { s.RequireBasicAuth("ann", "pa:ss") }, `Basic realm="Which50API"`,
			[]http.Header{{"Authorization": {"Basic YW5uOnBhOnNz"}}},
			[]http.Header{nil, {"Authorization": {"Basic YW5uOnBhc3M="}}, {"Authorization": {"Bearer YW5uOnBhOnNz"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t)
			s.SetCommunications("c", []which50.ContactInteraction{{ID: 1}})
			tt.require(s)
			for _, h := range tt.good {
				if got := get(t, "GET", commsURL(s, "c"), h); got.status != 200 {
					t.Errorf("%v: %d %s, want 200", h, got.status, got.body)
				}
			}
			for _, h := range tt.bad {
				got := get(t, "GET", commsURL(s, "c"), h)
				if got.status != 401 || got.body != denied || got.header.Get("WWW-Authenticate") != tt.challenge {
					t.Errorf("%v: %d %q %s, want 401 %q %s", h, got.status, got.header.Get("WWW-Authenticate"), got.body, tt.challenge, denied)
				}
			}
			// Unknown contacts are not revealed to strangers; unknown routes 404 first, as in ASP.NET.
			if got := get(t, "GET", commsURL(s, "nobody"), nil); got.status != 401 {
				t.Errorf("unknown contact without credential: %d, want 401", got.status)
			}
			if got := get(t, "GET", s.URL+"/nothing", nil); got.status != 404 {
				t.Errorf("unknown route without credential: %d, want 404", got.status)
			}
			s.AllowAnonymous()
			if got := get(t, "GET", commsURL(s, "c"), nil); got.status != 200 {
				t.Errorf("after AllowAnonymous: %d", got.status)
			}
		})
	}
}

func TestRequireCredentialXMLBody(t *testing.T) {
	s := newTestServer(t)
	s.RequireBearerToken("t")
	got := get(t, "GET", commsURL(s, "c"), accept("application/xml"))
	if want := `<Error><Message>Authorization has been denied for this request.</Message></Error>`; got.status != 401 || got.body != want {
		t.Errorf("got %d %s, want 401 %s", got.status, got.body, want)
	}
}

// The caveat in Fault.Drop's documentation: on a reused connection Go's
// Transport resends a dropped GET by itself, consuming the next fault.
func TestFaultDropOnReusedConnectionIsResentByTransport(t *testing.T) {
	s := newTestServer(t)
	s.SetCommunications("c", nil)
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	do := func() (int, error) {
		resp, err := hc.Get(commsURL(s, "c"))
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, err = io.ReadAll(resp.Body)
		return resp.StatusCode, err
	}
	if _, err := do(); err != nil { // opens the connection that is reused next
		t.Fatal(err)
	}
	s.QueueFaults(Fault{Drop: true})
	if status, err := do(); err != nil || status != 200 || s.RequestCount() != 3 {
		t.Errorf("one drop: %d %v after %d requests; want 200 after the Transport's resend (3 requests)", status, err, s.RequestCount())
	}
	if _, err := do(); err != nil { // the connection is pooled again
		t.Fatal(err)
	}
	s.QueueFaults(Fault{Drop: true}, Fault{Drop: true})
	if _, err := do(); err == nil {
		t.Errorf("two drops: no error after %d requests", s.RequestCount())
	}
}

// TestAimedFaults checks faults aimed at one contact and at one path: the
// other requests get normal service, and the shared queue waits.
func TestAimedFaults(t *testing.T) {
	s := NewServer()
	defer s.Close()
	s.SetCommunications("a/b", nil)
	s.SetCommunications("c", nil)
	s.QueueFaultsFor("a/b", Fault{Status: 429, RetryAfter: "1"})
	s.QueueFaultsOn("contacts/c/Communications", Fault{Status: 503})
	s.QueueFaults(Fault{Status: 500})
	get := func(path string) int {
		resp, err := http.Get(s.URL + "/" + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get("contacts/a%2Fb/communications"); got != 429 {
		t.Errorf("contact a/b: %d, want its 429", got)
	}
	if got := get("contacts/c/communications"); got != 503 {
		t.Errorf("path of c: %d, want its 503", got)
	}
	if got := get("contacts/c/communications"); got != 500 {
		t.Errorf("then: %d, want the shared queue's 500", got)
	}
	if got := get("contacts/a%2Fb/communications"); got != 200 {
		t.Errorf("after the faults: %d, want 200", got)
	}
	if n := s.PendingFaults(); n != 0 {
		t.Errorf("%d faults pending", n)
	}
}

// TestFaultHeaderOnNormalAnswer checks that a Fault with only a Header adds
// it to the normal answer.
func TestFaultHeaderOnNormalAnswer(t *testing.T) {
	s := NewServer()
	defer s.Close()
	s.SetCommunications("c", nil)
	s.QueueFaults(Fault{Header: http.Header{"X-Request-Id": {"req-42"}}})
	resp, err := http.Get(s.URL + "/contacts/c/communications")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-Request-Id") != "req-42" {
		t.Errorf("status %d, X-Request-Id %q; want 200 with req-42", resp.StatusCode, resp.Header.Get("X-Request-Id"))
	}
}
