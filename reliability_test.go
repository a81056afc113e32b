package which50_test

// Reliability tests against real loopback servers: retries,
// Retry-After, cut transfers, size bounds, hostile payloads, connection
// reuse, logging, concurrency and the caller's HTTP client.
//
// No test asserts on elapsed time: waits are observed through the debug
// records of WithLogger, attempts by counting requests on the server.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/which50test"
)

// relServer is a loopback API server whose handler sees the 1-based number
// of each request. It counts requests and new TCP connections.
type relServer struct {
	*httptest.Server
	reqs  atomic.Int64
	conns atomic.Int64
}

// newRelServer starts a server that answers every request with h.
func newRelServer(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) *relServer {
	t.Helper()
	s := &relServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, r, int(s.reqs.Add(1)))
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// baseURL is the API root on the server, below a path prefix so that a
// request that loses the prefix is noticed.
func (s *relServer) baseURL() string { return s.URL + "/api/" }

// relClient returns a client for baseURL with short retry waits; opts come
// last and override them.
func relClient(t *testing.T, baseURL string, opts ...which50.Option) *which50.Client {
	t.Helper()
	all := append([]which50.Option{
		which50.WithBaseURL(baseURL),
		which50.WithRetryWait(time.Millisecond, 5*time.Millisecond),
	}, opts...)
	c, err := which50.NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// relItems returns deterministic demo interactions.
func relItems(n int) []which50.ContactInteraction {
	return which50test.DemoCommunications("rel-contact", n, 7)
}

func relJSON(t testing.TB, items []which50.ContactInteraction) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := which50test.EncodeJSON(&b, items); err != nil {
		t.Fatalf("EncodeJSON: %v", err)
	}
	return b.Bytes()
}

func relXML(t testing.TB, items []which50.ContactInteraction) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := which50test.EncodeXML(&b, items); err != nil {
		t.Fatalf("EncodeXML: %v", err)
	}
	return b.Bytes()
}

const (
	jsonCT = "application/json; charset=utf-8"
	xmlCT  = "application/xml; charset=utf-8"
)

// writeBody answers with status, content type and body.
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	w.Write(body)
}

// writeHTTPError answers with an ASP.NET HttpError JSON body.
func writeHTTPError(w http.ResponseWriter, status int, message string) {
	writeBody(w, status, jsonCT, fmt.Appendf(nil, `{"Message":%q}`, message))
}

// logRecord is one record captured by logRecorder.
type logRecord struct {
	Level slog.Level
	Msg   string
	Attrs map[string]slog.Value
}

// wait returns the record's "wait" attribute, or -1 if it has none.
func (r logRecord) wait() time.Duration {
	if v, ok := r.Attrs["wait"]; ok && v.Kind() == slog.KindDuration {
		return v.Duration()
	}
	return -1
}

// logRecorder is a slog.Handler that keeps every record, safe for
// concurrent use. onRecord, when set, sees each record as it is logged.
type logRecorder struct {
	mu       sync.Mutex
	records  []logRecord
	onRecord func(logRecord)
}

func (h *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{Level: r.Level, Msg: r.Message, Attrs: map[string]slog.Value{}}
	r.Attrs(func(a slog.Attr) bool {
		rec.Attrs[a.Key] = a.Value.Resolve()
		return true
	})
	h.mu.Lock()
	h.records = append(h.records, rec)
	h.mu.Unlock()
	if h.onRecord != nil {
		h.onRecord(rec)
	}
	return nil
}

// The client logs with LogAttrs on its own logger; attributes added with
// With are not needed by these tests.
func (h *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *logRecorder) WithGroup(string) slog.Handler      { return h }

// byLevel returns the records at level, in order.
func (h *logRecorder) byLevel(level slog.Level) []logRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []logRecord
	for _, r := range h.records {
		if r.Level == level {
			out = append(out, r)
		}
	}
	return out
}

func (h *logRecorder) all() []logRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]logRecord(nil), h.records...)
}

// waits returns the "wait" attribute of each debug record.
func (h *logRecorder) waits() []time.Duration {
	var out []time.Duration
	for _, r := range h.byLevel(slog.LevelDebug) {
		out = append(out, r.wait())
	}
	return out
}

// asAPIError fails the test unless err is an *APIError.
func asAPIError(t *testing.T, err error) *which50.APIError {
	t.Helper()
	var apiErr *which50.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v (%T), want an *APIError", err, err)
	}
	return apiErr
}

// TestRetryAfterBeyondCapIsNotSleptOut checks that a Retry-After longer than
// the retry wait maximum ends the call at once with the error, RetryAfter
// set, after a single request. The context's deadline (far below the hour
// asked for) turns a sleep into a failure, without timing anything.
func TestRetryAfterBeyondCapIsNotSleptOut(t *testing.T) {
	t.Parallel()
	hourAhead := func() string { return time.Now().Add(time.Hour).UTC().Format(http.TimeFormat) }
	tests := []struct {
		name       string
		status     int
		retryAfter func() string
		sentinel   error
		exact      bool
	}{
		{"429 seconds", http.StatusTooManyRequests, func() string { return "3600" }, which50.ErrRateLimited, true},
		{"503 seconds", http.StatusServiceUnavailable, func() string { return "3600" }, nil, true},
		{"429 HTTP-date", http.StatusTooManyRequests, hourAhead, which50.ErrRateLimited, false},
		{"503 HTTP-date", http.StatusServiceUnavailable, hourAhead, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Retry-After", tt.retryAfter())
				writeHTTPError(w, tt.status, "slow down")
			})
			rec := &logRecorder{}
			c := relClient(t, srv.baseURL(), which50.WithRetryWait(time.Millisecond, 30*time.Second),
				which50.WithLogger(slog.New(rec)))
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()

			_, err := c.Contacts.Communications(ctx, "c1")
			apiErr := asAPIError(t, err)
			if apiErr.StatusCode != tt.status {
				t.Errorf("StatusCode = %d, want %d", apiErr.StatusCode, tt.status)
			}
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Errorf("errors.Is(err, %v) = false for %v", tt.sentinel, err)
			}
			if tt.status != http.StatusTooManyRequests && errors.Is(err, which50.ErrRateLimited) {
				t.Errorf("a %d matches ErrRateLimited", tt.status)
			}
			if tt.exact && apiErr.RetryAfter != time.Hour {
				t.Errorf("RetryAfter = %v, want 1h", apiErr.RetryAfter)
			}
			// The HTTP-date has a resolution of one second.
			if !tt.exact && (apiErr.RetryAfter < 58*time.Minute || apiErr.RetryAfter > time.Hour) {
				t.Errorf("RetryAfter = %v, want about 1h", apiErr.RetryAfter)
			}
			if got := srv.reqs.Load(); got != 1 {
				t.Errorf("server saw %d requests, want 1", got)
			}
			if apiErr.Attempts != 1 {
				t.Errorf("Attempts = %d, want 1", apiErr.Attempts)
			}
			if apiErr.Message != "slow down" {
				t.Errorf("Message = %q, want the HttpError message", apiErr.Message)
			}
			for _, w := range rec.waits() {
				if w > 30*time.Second {
					t.Errorf("logged a wait of %v, beyond the 30s cap", w)
				}
			}
		})
	}
}

// TestRetryAfterWithinCapIsHonoured checks that the wait before the next
// attempt is exactly the server's Retry-After, in both of its forms.
func TestRetryAfterWithinCapIsHonoured(t *testing.T) {
	t.Parallel()
	items := relItems(2)
	body := relJSON(t, items)
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			writeHTTPError(w, http.StatusTooManyRequests, "too many requests")
			return
		}
		writeBody(w, http.StatusOK, jsonCT, body)
	})
	rec := &logRecorder{}
	c := relClient(t, srv.baseURL(), which50.WithRetryWait(time.Millisecond, 5*time.Second),
		which50.WithLogger(slog.New(rec)))

	got, err := c.Contacts.Communications(context.Background(), "c1")
	if err != nil {
		t.Fatalf("Communications: %v", err)
	}
	if diff := cmp.Diff(items, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]time.Duration{time.Second, 0}, rec.waits()); diff != "" {
		t.Errorf("logged waits (-want +got):\n%s", diff)
	}
	if n := srv.reqs.Load(); n != 2 {
		t.Errorf("server saw %d requests, want 2", n)
	}
}

// TestRetryAfterPastDateMeansNow checks that a Retry-After date in the past
// asks for no wait: the client falls back to its own (short) backoff, and
// reports RetryAfter as 0.
func TestRetryAfterPastDateMeansNow(t *testing.T) {
	t.Parallel()
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", past)
		if r.URL.Query().Has("never") || n == 1 || strings.Contains(r.URL.Path, "always") {
			writeHTTPError(w, http.StatusServiceUnavailable, "busy")
			return
		}
		writeBody(w, http.StatusOK, jsonCT, []byte("[]"))
	})

	rec := &logRecorder{}
	c := relClient(t, srv.baseURL(), which50.WithRetryWait(time.Millisecond, 50*time.Millisecond),
		which50.WithLogger(slog.New(rec)))
	if _, err := c.Contacts.Communications(context.Background(), "c1"); err != nil {
		t.Fatalf("Communications: %v", err)
	}
	waits := rec.waits()
	if len(waits) != 2 || waits[0] > 50*time.Millisecond {
		t.Errorf("logged waits %v, want 2 attempts, the first wait within the 50ms backoff cap", waits)
	}

	c0 := relClient(t, srv.baseURL(), which50.WithMaxRetries(0))
	_, err := c0.Contacts.Communications(context.Background(), "always")
	if apiErr := asAPIError(t, err); apiErr.RetryAfter != 0 {
		t.Errorf("RetryAfter = %v for a date in the past, want 0", apiErr.RetryAfter)
	}
}

// TestRetryThenSucceed checks 503, 503, 200: three requests and the items.
func TestRetryThenSucceed(t *testing.T) {
	t.Parallel()
	items := relItems(3)
	body := relJSON(t, items)
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 2 {
			writeBody(w, http.StatusServiceUnavailable, "text/html; charset=us-ascii",
				[]byte("<HTML><BODY><h2>Service Unavailable</h2></BODY></HTML>"))
			return
		}
		writeBody(w, http.StatusOK, jsonCT, body)
	})
	c := relClient(t, srv.baseURL())
	got, err := c.Contacts.Communications(context.Background(), "c1")
	if err != nil {
		t.Fatalf("Communications: %v", err)
	}
	if diff := cmp.Diff(items, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if n := srv.reqs.Load(); n != 3 {
		t.Errorf("server saw %d requests, want 3", n)
	}
}

// TestRetryableStatusesExhausted checks that 429 and the 5xx statuses are
// retried, and that exhaustion returns the *APIError of the last response.
func TestRetryableStatusesExhausted(t *testing.T) {
	t.Parallel()
	for _, status := range []int{429, 500, 502, 503, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeHTTPError(w, status, fmt.Sprintf("failure number %d", n))
			})
			c := relClient(t, srv.baseURL(), which50.WithMaxRetries(2))
			_, err := c.Contacts.Communications(context.Background(), "c1")
			apiErr := asAPIError(t, err)
			if apiErr.StatusCode != status {
				t.Errorf("StatusCode = %d, want %d", apiErr.StatusCode, status)
			}
			if apiErr.Message != "failure number 3" {
				t.Errorf("Message = %q, want the last response's %q", apiErr.Message, "failure number 3")
			}
			if apiErr.Attempts != 3 {
				t.Errorf("Attempts = %d, want 3", apiErr.Attempts)
			}
			if n := srv.reqs.Load(); n != 3 {
				t.Errorf("server saw %d requests, want 3", n)
			}
			if msg := err.Error(); strings.Contains(msg, "giving up") || !strings.HasPrefix(msg, "which50: ") {
				t.Errorf("err.Error() = %q, want the APIError's text", msg)
			}
			if got := errors.Is(err, which50.ErrRateLimited); got != (status == 429) {
				t.Errorf("errors.Is(err, ErrRateLimited) = %v for %d", got, status)
			}
			if got := errors.Is(err, which50.ErrInternalServerError); got != (status == 500) {
				t.Errorf("errors.Is(err, ErrInternalServerError) = %v for %d", got, status)
			}
		})
	}
}

// TestClientErrorsNeverRetried checks that 4xx other than 429 is final.
func TestClientErrorsNeverRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 409} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeHTTPError(w, status, "no")
			})
			c := relClient(t, srv.baseURL(), which50.WithMaxRetries(3))
			_, err := c.Contacts.Communications(context.Background(), "c1")
			if apiErr := asAPIError(t, err); apiErr.StatusCode != status || apiErr.Attempts != 1 {
				t.Errorf("StatusCode %d, Attempts %d; want %d, 1", apiErr.StatusCode, apiErr.Attempts, status)
			}
			if n := srv.reqs.Load(); n != 1 {
				t.Errorf("server saw %d requests, want 1", n)
			}
		})
	}
}

// TestMaxRetriesZeroIsOneAttempt checks WithMaxRetries(0).
func TestMaxRetriesZeroIsOneAttempt(t *testing.T) {
	t.Parallel()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeHTTPError(w, http.StatusServiceUnavailable, "down")
	})
	c := relClient(t, srv.baseURL(), which50.WithMaxRetries(0))
	_, err := c.Contacts.Communications(context.Background(), "c1")
	if apiErr := asAPIError(t, err); apiErr.StatusCode != 503 || apiErr.Attempts != 1 {
		t.Errorf("StatusCode %d, Attempts %d; want 503, 1", apiErr.StatusCode, apiErr.Attempts)
	}
	if n := srv.reqs.Load(); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

// TestContextCancelsWaitAtOnce cancels the context while the client waits
// out a 20 s Retry-After: the call must return context.Canceled without a
// second request. The cancel happens when the client logs the attempt,
// right before it starts to wait. The elapsed-time bound is generous and
// only proves that the 20 s were not slept.
func TestContextCancelsWaitAtOnce(t *testing.T) {
	t.Parallel()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "20")
		writeHTTPError(w, http.StatusTooManyRequests, "later")
	})
	// The deadline only bounds a broken client; it is not what the test observes.
	deadline, stop := context.WithTimeout(context.Background(), 15*time.Second)
	defer stop()
	ctx, cancel := context.WithCancel(deadline)
	defer cancel()
	rec := &logRecorder{onRecord: func(r logRecord) {
		if r.wait() == 20*time.Second {
			cancel()
		}
	}}
	c := relClient(t, srv.baseURL(), which50.WithRetryWait(time.Millisecond, 30*time.Second),
		which50.WithLogger(slog.New(rec)))

	start := time.Now()
	_, err := c.Contacts.Communications(ctx, "c1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("returned after %v: the 20s wait was slept", d)
	}
	if n := srv.reqs.Load(); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
	if waits := rec.waits(); len(waits) == 0 || waits[0] != 20*time.Second {
		t.Errorf("logged waits %v, want the 20s Retry-After first", waits)
	}
}

// rawServer accepts TCP connections on loopback and hands the n-th (1-based)
// to serve, after reading its request. It returns the API root URL and the
// count of connections.
func rawServer(t *testing.T, serve func(n int, conn net.Conn, req *http.Request)) (string, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			n := int(conns.Add(1))
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				serve(n, conn, req)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return "http://" + ln.Addr().String() + "/api/", &conns
}

// TestCutTransferIsRetried cuts the first response, in JSON and XML: the
// connection closed before any response, or mid-body (short against
// Content-Length, or a chunked body that stops), or reset. The retry must
// succeed.
func TestCutTransferIsRetried(t *testing.T) {
	t.Parallel()
	items := relItems(40)
	payloads := map[string][]byte{jsonCT: relJSON(t, items), xmlCT: relXML(t, items)}
	cuts := []string{"closed before response", "short body", "chunked cut", "connection reset"}
	for ct, body := range payloads {
		if len(body) < 5000 {
			t.Fatalf("payload of %d bytes, want at least 5000", len(body))
		}
		for _, cut := range cuts {
			t.Run(ct[:strings.Index(ct, ";")]+"/"+cut, func(t *testing.T) {
				t.Parallel()
				url, conns := rawServer(t, func(n int, conn net.Conn, req *http.Request) {
					if n > 1 {
						fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", ct, len(body))
						conn.Write(body)
						return
					}
					switch cut {
					case "closed before response":
					case "chunked cut":
						fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n", ct, 1000)
						conn.Write(body[:1000])
						conn.Write([]byte("\r\n"))
					default:
						fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: 5000\r\n\r\n", ct)
						conn.Write(body[:100])
						if cut == "connection reset" {
							conn.(*net.TCPConn).SetLinger(0)
						}
					}
					// Returning closes the connection.
				})
				rec := &logRecorder{}
				c := relClient(t, url, which50.WithLogger(slog.New(rec)))
				got, err := c.Contacts.Communications(context.Background(), "c1")
				if err != nil {
					t.Fatalf("Communications: %v", err)
				}
				if diff := cmp.Diff(items, got); diff != "" {
					t.Errorf("items (-want +got):\n%s", diff)
				}
				if n := conns.Load(); n != 2 {
					t.Errorf("%d connections, want 2 (one cut, one retry)", n)
				}
				if n := len(rec.byLevel(slog.LevelDebug)); n != 2 {
					t.Errorf("%d attempts logged, want 2", n)
				}
			})
		}
	}
}

// TestCutTransferExhaustedIsNotAnAPIError checks the error when every
// attempt is cut: a read failure, not an *APIError nor a DecodeError.
func TestCutTransferExhaustedIsNotAnAPIError(t *testing.T) {
	t.Parallel()
	body := relJSON(t, relItems(40))
	url, conns := rawServer(t, func(n int, conn net.Conn, req *http.Request) {
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: 5000\r\n\r\n", jsonCT)
		conn.Write(body[:100])
	})
	c := relClient(t, url, which50.WithMaxRetries(2))
	_, err := c.Contacts.Communications(context.Background(), "c1")
	var apiErr *which50.APIError
	if err == nil || errors.As(err, &apiErr) || errors.Is(err, which50.ErrInvalidResponse) {
		t.Fatalf("err = %v, want a read failure that is neither an APIError nor invalid response", err)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("err = %v, want it to wrap io.ErrUnexpectedEOF", err)
	}
	if n := conns.Load(); n != 3 {
		t.Errorf("%d connections, want 3", n)
	}
}

// TestRefusedConnectionIsRetriedThenNetError checks a port nobody listens on.
func TestRefusedConnectionIsRetriedThenNetError(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	rec := &logRecorder{}
	c := relClient(t, "http://"+addr+"/api/", which50.WithMaxRetries(2), which50.WithLogger(slog.New(rec)))
	_, err = c.Contacts.Communications(context.Background(), "c1")
	if err == nil {
		t.Fatal("no error from a refused connection")
	}
	var apiErr *which50.APIError
	if errors.As(err, &apiErr) {
		t.Errorf("err = %v is an *APIError", err)
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Errorf("err = %v does not unwrap to *net.OpError", err)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("err = %v does not match syscall.ECONNREFUSED", err)
	}
	if !strings.HasPrefix(err.Error(), "which50: ") {
		t.Errorf("err.Error() = %q, want the which50: prefix", err.Error())
	}
	debug := rec.byLevel(slog.LevelDebug)
	if len(debug) != 3 {
		t.Errorf("%d attempts logged, want 3", len(debug))
	}
	for i, r := range debug {
		if _, ok := r.Attrs["status"]; ok {
			t.Errorf("attempt %d logged a status without a response", i+1)
		}
		if e := r.Attrs["error"].String(); !strings.Contains(e, "refused") {
			t.Errorf("attempt %d logged error %q, want the connection failure", i+1, e)
		}
	}
	if warn := rec.byLevel(slog.LevelWarn); len(warn) != 1 {
		t.Errorf("%d warn records, want 1 give-up", len(warn))
	}
}

// TestMaxResponseBytes checks the cap on a body, exact and exceeded, and on
// one that never ends.
func TestMaxResponseBytes(t *testing.T) {
	t.Parallel()
	items := relItems(20)
	body := relJSON(t, items)
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.Contains(r.URL.Path, "endless") {
			w.Header().Set("Content-Type", jsonCT)
			w.Write([]byte("["))
			chunk := bytes.Repeat([]byte(`{"Id":1,"Name":"again and again"},`), 100)
			// Endless as far as a 64 KiB cap can tell; a client without
			// the cap ends on the unterminated array instead of hanging.
			for written := 0; written < 64<<20 && r.Context().Err() == nil; written += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
			return
		}
		writeBody(w, http.StatusOK, jsonCT, body)
	})
	ctx := context.Background()

	exact := relClient(t, srv.baseURL(), which50.WithMaxResponseBytes(int64(len(body))))
	got, err := exact.Contacts.Communications(ctx, "c1")
	if err != nil {
		t.Fatalf("body of exactly the cap: %v", err)
	}
	if diff := cmp.Diff(items, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}

	before := srv.reqs.Load()
	small := relClient(t, srv.baseURL(), which50.WithMaxResponseBytes(int64(len(body)-1)))
	if _, err := small.Contacts.Communications(ctx, "c1"); !errors.Is(err, which50.ErrResponseTooLarge) {
		t.Errorf("body one byte over the cap: err = %v, want ErrResponseTooLarge", err)
	}
	if n := srv.reqs.Load() - before; n != 1 {
		t.Errorf("a too large body made %d requests, want 1 (not retried)", n)
	}

	capped := relClient(t, srv.baseURL(), which50.WithMaxResponseBytes(64<<10))
	if _, err := capped.Contacts.Communications(ctx, "endless"); !errors.Is(err, which50.ErrResponseTooLarge) {
		t.Errorf("endless body: err = %v, want ErrResponseTooLarge", err)
	}
}

// TestMaxResponseBytesAppliesToDecodedGzip checks that the cap counts the
// bytes after gzip decoding, which the transport does on its own.
func TestMaxResponseBytesAppliesToDecodedGzip(t *testing.T) {
	t.Parallel()
	items := relItems(300)
	body := relJSON(t, items)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(body)
	zw.Close()
	if gz.Len()*2 > len(body) {
		t.Fatalf("gzip of %d bytes for %d: not compressed enough for this test", gz.Len(), len(body))
	}
	var noGzip atomic.Int64
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			noGzip.Add(1)
			writeBody(w, http.StatusOK, jsonCT, body)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		writeBody(w, http.StatusOK, jsonCT, gz.Bytes())
	})
	ctx := context.Background()

	fits := relClient(t, srv.baseURL(), which50.WithMaxResponseBytes(int64(len(body))))
	got, err := fits.Contacts.Communications(ctx, "c1")
	if err != nil {
		t.Fatalf("decoded body within the cap: %v", err)
	}
	if diff := cmp.Diff(items, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}

	// Compressed, the body is far below this cap; decoded, it is one byte over.
	over := relClient(t, srv.baseURL(), which50.WithMaxResponseBytes(int64(len(body)-1)))
	if _, err := over.Contacts.Communications(ctx, "c1"); !errors.Is(err, which50.ErrResponseTooLarge) {
		t.Errorf("decoded body over the cap: err = %v, want ErrResponseTooLarge", err)
	}
	if n := noGzip.Load(); n != 0 {
		t.Errorf("%d requests did not accept gzip", n)
	}
}

// countingTransport counts the response body bytes read through it.
type countingTransport struct {
	base http.RoundTripper
	read atomic.Int64
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err == nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &t.read}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// TestErrorBodyReadToSmallBound sends a 404 with a 10 MB body: the call
// returns its APIError having read a small part of it.
func TestErrorBodyReadToSmallBound(t *testing.T) {
	t.Parallel()
	const size = 10 << 20
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", jsonCT)
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"Message":"`))
		w.Write(bytes.Repeat([]byte("x"), size))
		w.Write([]byte(`"}`))
	})
	ct := &countingTransport{base: &http.Transport{}}
	t.Cleanup(ct.base.(*http.Transport).CloseIdleConnections)
	c := relClient(t, srv.baseURL(), which50.WithHTTPClient(&http.Client{Transport: ct}))
	_, err := c.Contacts.Communications(context.Background(), "c1")
	apiErr := asAPIError(t, err)
	if !errors.Is(err, which50.ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
	if len(apiErr.Body) > 4<<10 {
		t.Errorf("APIError.Body holds %d bytes, want a short excerpt", len(apiErr.Body))
	}
	if len(err.Error()) > 1<<10 {
		t.Errorf("err.Error() is %d bytes long", len(err.Error()))
	}
	if n := ct.read.Load(); n > 1<<20 {
		t.Errorf("read %d bytes of an error body, want a small bound", n)
	}
}

// TestHostilePayloads checks that malicious or broken bodies end quickly in
// a *DecodeError matching ErrInvalidResponse, without a retry, and that no
// external entity is ever fetched.
func TestHostilePayloads(t *testing.T) {
	t.Parallel()
	var fetched atomic.Int64
	external := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		w.Write([]byte(`<!ENTITY leak "fetched">`))
	}))
	t.Cleanup(external.Close)

	const root = `<ArrayOfContactInteraction xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts">`
	const endRoot = `</ArrayOfContactInteraction>`
	laughs := `<?xml version="1.0"?><!DOCTYPE ArrayOfContactInteraction [<!ENTITY lol "lol">`
	prev := "lol"
	for i := 1; i <= 9; i++ {
		name := fmt.Sprintf("lol%d", i)
		laughs += fmt.Sprintf(`<!ENTITY %s "%s">`, name, strings.Repeat("&"+prev+";", 10))
		prev = name
	}
	laughs += `]>` + root + `<ContactInteraction><Id>1</Id><Name>&lol9;</Name></ContactInteraction>` + endRoot

	const deep = 200_000
	tests := []struct {
		name, contentType, body string
	}{
		{"JSON nested arrays", jsonCT, strings.Repeat("[", deep) + strings.Repeat("]", deep)},
		{"JSON nested in a member", jsonCT, `[{"Id":1,"Extra":` + strings.Repeat("[", deep) + strings.Repeat("]", deep) + `}]`},
		{"JSON nested objects", jsonCT, `[{"Id":1,"Extra":` + strings.Repeat(`{"a":`, deep) + "1" + strings.Repeat("}", deep) + `}]`},
		{"JSON invalid UTF-8", jsonCT, `[{"Id":1,"Name":"caf` + "\xc3\x28\xff" + `"}]`},
		{"XML billion laughs", xmlCT, laughs},
		{"XML external entity", xmlCT, `<?xml version="1.0"?><!DOCTYPE ArrayOfContactInteraction [<!ENTITY xxe SYSTEM "` +
			external.URL + `/entity">]>` + root + `<ContactInteraction><Id>1</Id><Name>&xxe;</Name></ContactInteraction>` + endRoot},
		{"XML external DTD", xmlCT, `<?xml version="1.0"?><!DOCTYPE ArrayOfContactInteraction SYSTEM "` + external.URL + `/dtd">` +
			root + `<ContactInteraction><Id>1</Id><Name>&leak;</Name></ContactInteraction>` + endRoot},
		{"XML deep nesting", xmlCT, root + `<ContactInteraction><Extra>` + strings.Repeat("<a>", deep) + strings.Repeat("</a>", deep) +
			`</Extra></ContactInteraction>` + endRoot},
		{"XML invalid UTF-8", xmlCT, root + `<ContactInteraction><Id>1</Id><Name>caf` + "\xc3\x28\xff" + `</Name></ContactInteraction>` + endRoot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				writeBody(w, http.StatusOK, tt.contentType, []byte(tt.body))
			})
			c := relClient(t, srv.baseURL(), which50.WithMaxRetries(2))
			got, err := c.Contacts.Communications(context.Background(), "c1")
			var decErr *which50.DecodeError
			if !errors.As(err, &decErr) {
				t.Fatalf("err = %v (%T), items %d; want a *DecodeError", err, err, len(got))
			}
			if !errors.Is(err, which50.ErrInvalidResponse) {
				t.Errorf("err = %v does not match ErrInvalidResponse", err)
			}
			if got != nil {
				t.Errorf("got %d items with the error, want nil", len(got))
			}
			if len(decErr.Excerpt) > 4<<10 {
				t.Errorf("excerpt of %d bytes, want a short one", len(decErr.Excerpt))
			}
			if n := srv.reqs.Load(); n != 1 {
				t.Errorf("server saw %d requests, want 1 (a bad body is not retried)", n)
			}
		})
	}
	t.Cleanup(func() {
		if n := fetched.Load(); n != 0 {
			t.Errorf("an external entity or DTD was fetched %d times", n)
		}
	})
}

// TestXMLDeclaredUTF16OverUTF8Bytes checks the known .NET slip: the bytes are
// UTF-8 whatever the declaration says, and they win.
func TestXMLDeclaredUTF16OverUTF8Bytes(t *testing.T) {
	t.Parallel()
	items := []which50.ContactInteraction{{
		ID: 7, Interaction: which50.InteractionType("Email"), Name: "Café ☕ 日本",
		Occurred: time.Date(2024, 12, 27, 18, 6, 0, 696096600, time.FixedZone("", 10*3600)),
		Status:   "Opened", CampaignID: 3, CampaignName: "Été",
	}}
	body := append([]byte(`<?xml version="1.0" encoding="utf-16"?>`), relXML(t, items)...)
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeBody(w, http.StatusOK, "application/xml; charset=utf-8", body)
	})
	c := relClient(t, srv.baseURL(), which50.WithFormat(which50.FormatXML))
	got, err := c.Contacts.Communications(context.Background(), "c1")
	if err != nil {
		t.Fatalf("Communications: %v", err)
	}
	if diff := cmp.Diff(items, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if len(got) == 1 {
		if _, off := got[0].Occurred.Zone(); off != 10*3600 {
			t.Errorf("offset %d s, want +10:00 kept", off)
		}
	}
}

// TestKeepAliveSurvivesErrors runs every kind of outcome in sequence on one
// client: all of it must travel over a single TCP connection.
func TestKeepAliveSurvivesErrors(t *testing.T) {
	t.Parallel()
	body := relJSON(t, relItems(5))
	xmlBody := relXML(t, relItems(50))
	var flaky atomic.Int64
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case strings.Contains(r.URL.Path, "/ok/"):
			writeBody(w, http.StatusOK, jsonCT, body)
		case strings.Contains(r.URL.Path, "/missing/"):
			writeHTTPError(w, http.StatusNotFound, "No HTTP resource was found that matches the request URI.")
		case strings.Contains(r.URL.Path, "/denied/"):
			writeBody(w, http.StatusUnauthorized, "application/xml; charset=utf-8",
				[]byte("<Error><Message>Authorization has been denied for this request.</Message></Error>"))
		case strings.Contains(r.URL.Path, "/broken/"):
			writeHTTPError(w, http.StatusInternalServerError, "An error has occurred.")
		case strings.Contains(r.URL.Path, "/bad/"):
			// Malformed early, with plenty left unread.
			writeBody(w, http.StatusOK, jsonCT, append([]byte(`[{"Id":"one"}`), body...))
		case strings.Contains(r.URL.Path, "/xml/"):
			writeBody(w, http.StatusOK, xmlCT, xmlBody)
		case strings.Contains(r.URL.Path, "/badxml/"):
			// Well-formed, but the root holds an unexpected Id: rejected early.
			writeBody(w, http.StatusOK, xmlCT, bytes.Replace(xmlBody, []byte("<Id>"), []byte("<Id>x"), 1))
		case strings.Contains(r.URL.Path, "/limited/"):
			w.Header().Set("Retry-After", "3600")
			writeHTTPError(w, http.StatusTooManyRequests, "quota exceeded")
		case strings.Contains(r.URL.Path, "/flaky/"):
			if flaky.Add(1) == 1 {
				writeBody(w, http.StatusServiceUnavailable, "text/html; charset=us-ascii",
					[]byte("<HTML><BODY><h2>Service Unavailable</h2></BODY></HTML>"))
				return
			}
			writeBody(w, http.StatusOK, jsonCT, body)
		}
	})
	c := relClient(t, srv.baseURL(), which50.WithMaxRetries(2))
	ctx := context.Background()
	steps := []struct {
		id   string
		want error
	}{
		{"ok", nil},
		{"missing", which50.ErrNotFound},
		{"denied", which50.ErrUnauthorized},
		{"ok", nil},
		{"broken", which50.ErrInternalServerError},
		{"bad", which50.ErrInvalidResponse},
		{"xml", nil},
		{"badxml", which50.ErrInvalidResponse},
		{"limited", which50.ErrRateLimited},
		{"flaky", nil},
		{"ok", nil},
	}
	for _, s := range steps {
		_, err := c.Contacts.Communications(ctx, s.id)
		if s.want == nil && err != nil || s.want != nil && !errors.Is(err, s.want) {
			t.Errorf("%s: err = %v, want %v", s.id, err, s.want)
		}
	}
	if n := srv.reqs.Load(); n != int64(len(steps)+2+1) {
		t.Errorf("server saw %d requests, want %d", n, len(steps)+3)
	}
	if n := srv.conns.Load(); n != 1 {
		t.Errorf("%d TCP connections, want 1", n)
	}
}

// TestLoggerRecordsAttemptsAndGiveUp checks WithLogger's records.
func TestLoggerRecordsAttemptsAndGiveUp(t *testing.T) {
	t.Parallel()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.Contains(r.URL.Path, "/down/") || n <= 2 {
			writeHTTPError(w, http.StatusServiceUnavailable, "down")
			return
		}
		writeBody(w, http.StatusOK, jsonCT, []byte("[]"))
	})

	t.Run("attempts", func(t *testing.T) {
		rec := &logRecorder{}
		c := relClient(t, srv.baseURL(), which50.WithLogger(slog.New(rec)))
		if _, err := c.Contacts.Communications(context.Background(), "a b/c"); err != nil {
			t.Fatalf("Communications: %v", err)
		}
		debug := rec.byLevel(slog.LevelDebug)
		if len(debug) != 3 {
			t.Fatalf("%d debug records, want 3: %+v", len(debug), rec.all())
		}
		for i, r := range debug {
			wantStatus := int64(503)
			if i == 2 {
				wantStatus = 200
			}
			if got := r.Attrs["method"].String(); got != "GET" {
				t.Errorf("record %d: method %q", i, got)
			}
			if got := r.Attrs["path"].String(); got != "/api/contacts/a%20b%2Fc/communications" {
				t.Errorf("record %d: path %q", i, got)
			}
			if got := r.Attrs["status"]; got.Kind() != slog.KindInt64 || got.Int64() != wantStatus {
				t.Errorf("record %d: status %v, want %d", i, got, wantStatus)
			}
			if got := r.Attrs["attempt"]; got.Kind() != slog.KindInt64 || got.Int64() != int64(i+1) {
				t.Errorf("record %d: attempt %v, want %d", i, got, i+1)
			}
			if got := r.Attrs["duration"]; got.Kind() != slog.KindDuration || got.Duration() < 0 {
				t.Errorf("record %d: duration %v", i, got)
			}
			wait := r.Attrs["wait"]
			if wait.Kind() != slog.KindDuration {
				t.Errorf("record %d: wait %v is not a duration", i, wait)
			} else if i < 2 && (wait.Duration() <= 0 || wait.Duration() > 5*time.Millisecond) {
				t.Errorf("record %d: wait %v, want within (0, 5ms]", i, wait.Duration())
			} else if i == 2 && wait.Duration() != 0 {
				t.Errorf("record %d: wait %v after the last attempt, want 0", i, wait.Duration())
			}
		}
		if warn := rec.byLevel(slog.LevelWarn); len(warn) != 0 {
			t.Errorf("warn records on success: %+v", warn)
		}
	})

	t.Run("give up", func(t *testing.T) {
		rec := &logRecorder{}
		c := relClient(t, srv.baseURL(), which50.WithMaxRetries(1), which50.WithLogger(slog.New(rec)))
		if _, err := c.Contacts.Communications(context.Background(), "down"); err == nil {
			t.Fatal("no error")
		}
		if n := len(rec.byLevel(slog.LevelDebug)); n != 2 {
			t.Errorf("%d debug records, want 2", n)
		}
		warn := rec.byLevel(slog.LevelWarn)
		if len(warn) != 1 {
			t.Fatalf("%d warn records, want 1: %+v", len(warn), rec.all())
		}
		if got := warn[0].Attrs["attempts"]; got.Kind() != slog.KindInt64 || got.Int64() != 2 {
			t.Errorf("warn attempts = %v, want 2", got)
		}
		if got := warn[0].Attrs["path"].String(); got != "/api/contacts/down/communications" {
			t.Errorf("warn path = %q", got)
		}
	})
}

// TestNoLoggerIsSilent checks that without WithLogger nothing is logged,
// neither through slog's default logger, nor through the log package (which
// slog.SetDefault redirects to the same handler), nor straight to standard
// error (where retryablehttp's default logger writes), by retryablehttp or the
// client. It changes process-wide defaults, so it does not run in parallel.
func TestNoLoggerIsSilent(t *testing.T) {
	rec := &logRecorder{}
	old := slog.Default()
	slog.SetDefault(slog.New(rec))
	t.Cleanup(func() { slog.SetDefault(old) })

	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = pw
	var captured bytes.Buffer
	copied := make(chan struct{})
	go func() {
		captured.ReadFrom(pr)
		close(copied)
	}()
	var once sync.Once
	restore := func() {
		once.Do(func() {
			os.Stderr = stderr
			pw.Close()
			<-copied
			pr.Close()
		})
	}
	defer restore()

	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeHTTPError(w, http.StatusServiceUnavailable, "down")
	})
	c := relClient(t, srv.baseURL(), which50.WithMaxRetries(2))
	if _, err := c.Contacts.Communications(context.Background(), "c1"); err == nil {
		t.Fatal("no error")
	}
	if n := srv.reqs.Load(); n != 3 {
		t.Errorf("server saw %d requests, want 3", n)
	}
	restore()
	if got := rec.all(); len(got) != 0 {
		t.Errorf("logged without a logger: %+v", got)
	}
	if captured.Len() != 0 {
		t.Errorf("wrote to standard error without a logger: %q", captured.String())
	}
}

// TestConcurrentUseMixedOutcomes shares one client among 50 goroutines that
// see successes, 404s, retried 503s and decode errors.
func TestConcurrentUseMixedOutcomes(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := map[string]int{}
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/contacts/"), "/communications")
		kind, _, _ := strings.Cut(id, "-")
		mu.Lock()
		seen[id]++
		count := seen[id]
		mu.Unlock()
		switch kind {
		case "ok":
			writeBody(w, http.StatusOK, jsonCT, relJSON(t, which50test.DemoCommunications(id, 3, 1)))
		case "missing":
			writeHTTPError(w, http.StatusNotFound, "not here")
		case "flaky":
			if count == 1 {
				writeHTTPError(w, http.StatusServiceUnavailable, "busy")
				return
			}
			writeBody(w, http.StatusOK, jsonCT, relJSON(t, which50test.DemoCommunications(id, 2, 1)))
		case "bad":
			writeBody(w, http.StatusOK, jsonCT, []byte(`[{"Id":1,`))
		}
	})
	c := relClient(t, srv.baseURL())
	kinds := []string{"ok", "missing", "flaky", "bad"}
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("%s-%d", kinds[i%len(kinds)], i)
			got, err := c.Contacts.Communications(context.Background(), id)
			switch kinds[i%len(kinds)] {
			case "ok", "flaky":
				n := 3
				if kinds[i%len(kinds)] == "flaky" {
					n = 2
				}
				if err != nil {
					errs <- fmt.Errorf("%s: %v", id, err)
				} else if diff := cmp.Diff(which50test.DemoCommunications(id, n, 1), got); diff != "" {
					errs <- fmt.Errorf("%s: items (-want +got):\n%s", id, diff)
				}
			case "missing":
				if !errors.Is(err, which50.ErrNotFound) {
					errs <- fmt.Errorf("%s: err = %v, want ErrNotFound", id, err)
				}
			case "bad":
				if !errors.Is(err, which50.ErrInvalidResponse) {
					errs <- fmt.Errorf("%s: err = %v, want ErrInvalidResponse", id, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for id, n := range seen {
		want := 1
		if strings.HasPrefix(id, "flaky-") {
			want = 2
		}
		if n != want {
			t.Errorf("%s requested %d times, want %d", id, n, want)
		}
	}
	if len(seen) != 50 {
		t.Errorf("%d ids requested, want 50", len(seen))
	}
}

// TestCallersHTTPClientNotMutated checks that the SDK changes nothing of the
// caller's *http.Client, through successes, redirects, retries and give-ups,
// and that the pool of the caller's transport survives a give-up.
func TestCallersHTTPClientNotMutated(t *testing.T) {
	t.Parallel()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case strings.Contains(r.URL.Path, "/moved/"):
			http.Redirect(w, r, "/api/contacts/ok/communications", http.StatusFound)
		case strings.Contains(r.URL.Path, "/down/"):
			writeHTTPError(w, http.StatusServiceUnavailable, "down")
		default:
			writeBody(w, http.StatusOK, jsonCT, []byte("[]"))
		}
	})
	tr := &http.Transport{MaxIdleConnsPerHost: 3}
	t.Cleanup(tr.CloseIdleConnections)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var redirects atomic.Int64
	checkRedirect := func(req *http.Request, via []*http.Request) error {
		redirects.Add(1)
		return nil
	}
	hc := &http.Client{Transport: tr, CheckRedirect: checkRedirect, Jar: jar, Timeout: 7 * time.Second}
	checkRedirectPtr := reflect.ValueOf(hc.CheckRedirect).Pointer()

	c := relClient(t, srv.baseURL(), which50.WithHTTPClient(hc), which50.WithAuth(which50.BearerToken("t0ken")),
		which50.WithMaxRetries(1))
	ctx := context.Background()
	for _, id := range []string{"ok", "moved", "down", "ok"} {
		c.Contacts.Communications(ctx, id)
	}

	if hc.Transport != tr {
		t.Errorf("Transport changed to %T", hc.Transport)
	}
	if reflect.ValueOf(hc.CheckRedirect).Pointer() != checkRedirectPtr {
		t.Error("CheckRedirect changed")
	}
	if hc.Jar != jar {
		t.Error("Jar changed")
	}
	if hc.Timeout != 7*time.Second {
		t.Errorf("Timeout changed to %v", hc.Timeout)
	}
	if tr.MaxIdleConnsPerHost != 3 || tr.DisableKeepAlives || tr.DisableCompression || tr.Proxy != nil {
		t.Error("the caller's transport was changed")
	}
	if redirects.Load() != 1 {
		t.Errorf("the caller's CheckRedirect ran %d times, want 1", redirects.Load())
	}
	if n := srv.conns.Load(); n != 1 {
		t.Errorf("%d TCP connections, want 1: the caller's pool was closed", n)
	}
}

// TestDefaultClientAndTransportUntouched checks that building and using a
// client leaves http.DefaultClient and http.DefaultTransport as they were.
func TestDefaultClientAndTransportUntouched(t *testing.T) {
	t.Parallel()
	beforeClient := *http.DefaultClient
	beforeTransport := http.DefaultTransport
	dt, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		t.Skipf("http.DefaultTransport is a %T", http.DefaultTransport)
	}
	beforeIdle, beforeProxy := dt.MaxIdleConns, reflect.ValueOf(dt.Proxy).Pointer()

	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			writeHTTPError(w, http.StatusServiceUnavailable, "down")
			return
		}
		writeBody(w, http.StatusOK, jsonCT, []byte("[]"))
	})
	c := relClient(t, srv.baseURL(), which50.WithAuth(which50.APIKeyHeader("X-Api-Key", "k")))
	if _, err := c.Contacts.Communications(context.Background(), "c1"); err != nil {
		t.Fatalf("Communications: %v", err)
	}
	c.CloseIdleConnections()

	after := *http.DefaultClient
	if after.Transport != beforeClient.Transport || after.Jar != beforeClient.Jar || after.Timeout != beforeClient.Timeout ||
		reflect.ValueOf(after.CheckRedirect).Pointer() != reflect.ValueOf(beforeClient.CheckRedirect).Pointer() {
		t.Error("http.DefaultClient changed")
	}
	if http.DefaultTransport != beforeTransport || dt.MaxIdleConns != beforeIdle ||
		reflect.ValueOf(dt.Proxy).Pointer() != beforeProxy {
		t.Error("http.DefaultTransport changed")
	}
}

// TestMaxResponseBytesMaxInt64 checks the largest cap a caller can set.
func TestMaxResponseBytesMaxInt64(t *testing.T) {
	t.Parallel()
	items := relItems(3)
	body := relJSON(t, items)
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeBody(w, http.StatusOK, jsonCT, body)
	})
	c := relClient(t, srv.baseURL(), which50.WithMaxResponseBytes(math.MaxInt64))
	got, err := c.Contacts.Communications(context.Background(), "c1")
	if err != nil {
		t.Fatalf("Communications: %v", err)
	}
	if diff := cmp.Diff(items, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}

// TestCallersCheckRedirectErrorIsFinal checks that a redirect refused by the
// caller's CheckRedirect is reported at once, not retried as a network fault.
func TestCallersCheckRedirectErrorIsFinal(t *testing.T) {
	t.Parallel()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, "/api/contacts/elsewhere/communications", http.StatusFound)
	})
	errNoRedirects := errors.New("redirects are not allowed here")
	hc := &http.Client{
		Transport:     &http.Transport{},
		CheckRedirect: func(*http.Request, []*http.Request) error { return errNoRedirects },
	}
	t.Cleanup(hc.Transport.(*http.Transport).CloseIdleConnections)
	c := relClient(t, srv.baseURL(), which50.WithHTTPClient(hc), which50.WithMaxRetries(3))
	_, err := c.Contacts.Communications(context.Background(), "c1")
	if !errors.Is(err, errNoRedirects) {
		t.Fatalf("err = %v, want it to wrap the CheckRedirect error", err)
	}
	var apiErr *which50.APIError
	if errors.As(err, &apiErr) {
		t.Errorf("err = %v is an *APIError", err)
	}
	if n := srv.reqs.Load(); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

// TestEveryErrorIsPrefixed checks the house rule that errors read
// "which50: ...", including those that end a call early: a context canceled
// during a wait, a redirect refused by the caller's CheckRedirect.
func TestEveryErrorIsPrefixed(t *testing.T) {
	t.Parallel()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.Contains(r.URL.Path, "/moved/") {
			http.Redirect(w, r, "/api/contacts/elsewhere/communications", http.StatusFound)
			return
		}
		w.Header().Set("Retry-After", "20")
		writeHTTPError(w, http.StatusTooManyRequests, "later")
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := &logRecorder{onRecord: func(r logRecord) {
		if r.wait() == 20*time.Second {
			cancel()
		}
	}}
	c := relClient(t, srv.baseURL(), which50.WithRetryWait(time.Millisecond, 30*time.Second),
		which50.WithLogger(slog.New(rec)))
	_, err := c.Contacts.Communications(ctx, "c1")
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "which50: ") {
		t.Errorf("canceled wait: err = %q, want a which50: error wrapping context.Canceled", err)
	}

	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return errors.New("no") }}
	c2 := relClient(t, srv.baseURL(), which50.WithHTTPClient(hc))
	if _, err := c2.Contacts.Communications(context.Background(), "moved"); err == nil || !strings.HasPrefix(err.Error(), "which50: ") {
		t.Errorf("refused redirect: err = %v, want a which50: error", err)
	}
}

// bodyTracker is a RoundTripper that counts the response bodies it hands
// out and those closed since.
type bodyTracker struct {
	base           http.RoundTripper
	opened, closed atomic.Int64
}

func (t *bodyTracker) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err == nil {
		t.opened.Add(1)
		resp.Body = &trackedBody{ReadCloser: resp.Body, t: t}
	}
	return resp, err
}

type trackedBody struct {
	io.ReadCloser
	t    *bodyTracker
	once sync.Once
}

func (b *trackedBody) Close() error {
	b.once.Do(func() { b.t.closed.Add(1) })
	return b.ReadCloser.Close()
}

// TestEveryResponseBodyClosed checks, for every kind of outcome, that each
// response body the transport produced is closed when the call returns.
func TestEveryResponseBodyClosed(t *testing.T) {
	t.Parallel()
	body := relJSON(t, relItems(30))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(body)
	zw.Close()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/contacts/"), "/communications")
		switch id {
		case "ok":
			writeBody(w, http.StatusOK, jsonCT, body)
		case "gzip":
			w.Header().Set("Content-Encoding", "gzip")
			writeBody(w, http.StatusOK, jsonCT, gz.Bytes())
		case "missing":
			writeHTTPError(w, http.StatusNotFound, "not found")
		case "down":
			writeHTTPError(w, http.StatusServiceUnavailable, "down")
		case "limited":
			w.Header().Set("Retry-After", "3600")
			writeHTTPError(w, http.StatusTooManyRequests, "quota")
		case "bad":
			writeBody(w, http.StatusOK, jsonCT, append([]byte(`[{"Id":"x"}`), body...))
		case "html":
			writeBody(w, http.StatusOK, "text/html", []byte("<html>maintenance</html>"))
		case "large":
			writeBody(w, http.StatusOK, jsonCT, bytes.Repeat(body, 10))
		case "moved":
			http.Redirect(w, r, "/api/contacts/ok/communications", http.StatusFound)
		case "slow":
			w.Header().Set("Retry-After", "20")
			writeHTTPError(w, http.StatusTooManyRequests, "later")
		}
	})
	tracker := &bodyTracker{base: &http.Transport{}}
	t.Cleanup(tracker.base.(*http.Transport).CloseIdleConnections)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	slowCtx, cancelSlow := context.WithCancel(ctx)
	defer cancelSlow()
	rec := &logRecorder{onRecord: func(r logRecord) {
		if r.wait() == 20*time.Second {
			cancelSlow()
		}
	}}
	c := relClient(t, srv.baseURL(), which50.WithHTTPClient(&http.Client{Transport: tracker}),
		which50.WithMaxRetries(2), which50.WithMaxResponseBytes(int64(len(body)*2)),
		which50.WithRetryWait(time.Millisecond, 30*time.Second), which50.WithLogger(slog.New(rec)))
	for _, id := range []string{"ok", "gzip", "missing", "down", "limited", "bad", "html", "large", "moved", "slow"} {
		callCtx := ctx
		if id == "slow" {
			callCtx = slowCtx
		}
		c.Contacts.Communications(callCtx, id)
		if opened, closed := tracker.opened.Load(), tracker.closed.Load(); opened != closed {
			t.Errorf("after %q: %d bodies opened, %d closed", id, opened, closed)
		}
	}
	for id, want := range map[string]int{"ok": 1, "gzip": 1, "missing": 1, "down": 3, "limited": 1, "bad": 1, "html": 1, "large": 1} {
		for range c.Contacts.CommunicationsSeq(ctx, id) {
			break // stop at the first item or error
		}
		if opened, closed := tracker.opened.Load(), tracker.closed.Load(); opened != closed {
			t.Errorf("after streaming %q (%d requests): %d bodies opened, %d closed", id, want, opened, closed)
		}
	}
}

// TestCorruptGzipIsInvalidResponse sends gzip bodies that the transport
// cannot decode: the caller must see an invalid response, as for any other
// body it cannot read, not an unclassified error.
func TestCorruptGzipIsInvalidResponse(t *testing.T) {
	t.Parallel()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(relJSON(t, relItems(30)))
	zw.Close()
	good := gz.Bytes()
	badChecksum := append(append([]byte(nil), good[:len(good)-8]...), 1, 2, 3, 4, 5, 6, 7, 8)
	for name, payload := range map[string][]byte{
		"not gzip":     []byte("this is not gzip at all, whatever the header says"),
		"bad checksum": badChecksum,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Encoding", "gzip")
				writeBody(w, http.StatusOK, jsonCT, payload)
			})
			c := relClient(t, srv.baseURL())
			_, err := c.Contacts.Communications(context.Background(), "c1")
			var decErr *which50.DecodeError
			if !errors.As(err, &decErr) || !errors.Is(err, which50.ErrInvalidResponse) {
				t.Errorf("err = %v, want a *DecodeError matching ErrInvalidResponse", err)
			}
		})
	}
}

// TestRetryAfterBeyondCapAfterRetries checks a long Retry-After that comes
// after an ordinary retry: the call stops there, reporting both attempts.
func TestRetryAfterBeyondCapAfterRetries(t *testing.T) {
	t.Parallel()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			writeHTTPError(w, http.StatusBadGateway, "bad gateway")
			return
		}
		w.Header().Set("Retry-After", "7200")
		writeHTTPError(w, http.StatusTooManyRequests, "quota exhausted")
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := relClient(t, srv.baseURL(), which50.WithRetryWait(time.Millisecond, time.Minute), which50.WithMaxRetries(5))
	_, err := c.Contacts.Communications(ctx, "c1")
	apiErr := asAPIError(t, err)
	if !errors.Is(err, which50.ErrRateLimited) || apiErr.RetryAfter != 2*time.Hour || apiErr.Attempts != 2 {
		t.Errorf("err = %v (RetryAfter %v, Attempts %d), want ErrRateLimited, 2h, 2", err, apiErr.RetryAfter, apiErr.Attempts)
	}
	if apiErr.Message != "quota exhausted" {
		t.Errorf("Message = %q, want the last response's", apiErr.Message)
	}
	if n := srv.reqs.Load(); n != 2 {
		t.Errorf("server saw %d requests, want 2", n)
	}
}
