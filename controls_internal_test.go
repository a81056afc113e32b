package which50

// Tests of the retry budget and the shared pause that need their clock:
// they count requests and recorded waits, never time.

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a settable clock for the retry budget and the pause.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// statusServer answers every request with status and counts them.
func statusServer(t *testing.T, status int, header http.Header) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		for k, vs := range header {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte("[]"))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestRetryBudgetBucket(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	b := newRetryBudget(0.2, 1, clock.now) // a reserve of 10 retries
	allowed := func(n int) (k int) {
		for range n {
			if b.retry() {
				k++
			}
		}
		return k
	}
	if k := allowed(20); k != 10 {
		t.Fatalf("reserve alone allowed %d of 20 retries, want 10", k)
	}
	for range 50 {
		b.firstAttempt() // 50 × 0.2 = 10 more
	}
	if k := allowed(20); k != 10 {
		t.Fatalf("after 50 first attempts, %d of 20 retries allowed, want 10", k)
	}
	clock.advance(RetryBudgetWindow - time.Second)
	if k := allowed(5); k != 0 {
		t.Fatalf("within the window, %d retries allowed on an empty budget, want 0", k)
	}
	clock.advance(time.Second) // everything above has left the window
	if k := allowed(20); k != 10 {
		t.Fatalf("a window later, %d of 20 retries allowed, want the reserve's 10", k)
	}
	var nilBudget *retryBudget
	nilBudget.firstAttempt()
	if !nilBudget.retry() {
		t.Error("a nil (switched off) budget refused a retry")
	}
}

// TestRetryBudgetCountsRequests runs calls against a server that always
// answers 503, with a frozen clock: 100 calls of up to 4 attempts may make
// 100 first attempts plus 0.2 × 100 + 1 × 10 retries.
func TestRetryBudgetCountsRequests(t *testing.T) {
	for _, concurrent := range []bool{false, true} {
		srv, n := statusServer(t, http.StatusServiceUnavailable, nil)
		c, err := NewClient(WithBaseURL(srv.URL), WithRetryWait(0, 0), WithRetryBudget(0.2, 1))
		if err != nil {
			t.Fatal(err)
		}
		clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
		c.ctl.budget.now = clock.now
		var denied, apiErrs atomic.Int64
		one := func() {
			_, err := c.Contacts.Emails(context.Background(), "c1")
			var apiErr *APIError
			if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusServiceUnavailable {
				apiErrs.Add(1)
			}
			if errors.Is(err, ErrRetryBudgetExhausted) {
				denied.Add(1)
			}
		}
		var wg sync.WaitGroup
		for range 100 {
			if concurrent {
				wg.Go(one)
			} else {
				one()
			}
		}
		wg.Wait()
		got := n.Load()
		switch {
		case !concurrent && got != 130:
			t.Errorf("sequential: %d requests, want 100 + 30 retries", got)
		case concurrent && (got > 130 || got < 110):
			t.Errorf("concurrent: %d requests, want 100 first attempts and 10 to 30 retries", got)
		}
		if apiErrs.Load() != 100 {
			t.Errorf("%d calls returned the 503 *APIError, want 100", apiErrs.Load())
		}
		if denied.Load() < 90 {
			t.Errorf("%d calls match ErrRetryBudgetExhausted, want at least 90", denied.Load())
		}
	}
}

// TestRetryBudgetOff checks that WithRetryBudget(0, 0) leaves every retry
// to WithMaxRetries.
func TestRetryBudgetOff(t *testing.T) {
	srv, n := statusServer(t, http.StatusServiceUnavailable, nil)
	c, err := NewClient(WithBaseURL(srv.URL), WithRetryWait(0, 0), WithRetryBudget(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		_, err := c.Contacts.Emails(context.Background(), "c1")
		if errors.Is(err, ErrRetryBudgetExhausted) {
			t.Fatalf("err = %v with the budget off", err)
		}
	}
	if got := n.Load(); got != 200 {
		t.Errorf("%d requests, want 50 calls × 4 attempts", got)
	}
}

// TestSharedPause checks that a 429's Retry-After makes the client's other
// calls wait before their next attempt, at most their own maximum wait.
func TestSharedPause(t *testing.T) {
	var limited atomic.Bool
	limited.Store(true)
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if limited.Swap(false) {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("[]"))
	}))
	defer srv.Close()
	c, err := NewClient(WithBaseURL(srv.URL), WithRetryWait(time.Millisecond, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	var mu sync.Mutex
	var slept []time.Duration
	c.ctl.now = clock.now
	c.ctl.sleep = func(_ context.Context, d time.Duration) error {
		mu.Lock()
		slept = append(slept, d)
		mu.Unlock()
		return nil
	}
	ctx := context.Background()
	if _, err := c.Contacts.Emails(ctx, "a", WithMaxRetries(0)); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("first call: err = %v, want the 429", err)
	}
	if _, err := c.Contacts.Emails(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Contacts.Emails(ctx, "c", WithRetryWait(0, 2*time.Second)); err != nil {
		t.Fatal(err)
	}
	clock.advance(7 * time.Second)
	if _, err := c.Contacts.Emails(ctx, "d"); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{7 * time.Second, 2 * time.Second}
	if len(slept) != len(want) || slept[0] != want[0] || slept[1] != want[1] {
		t.Errorf("pauses %v, want %v (the Retry-After, then capped by the call's maximum wait, then none)", slept, want)
	}
	if got := n.Load(); got != 4 {
		t.Errorf("%d requests, want 4", got)
	}

	// A cancelled wait ends the call with its context's error, unsent.
	c.ctl.pause(time.Minute, time.Minute)
	c.ctl.sleep = sleepCtx
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.Contacts.Emails(cctx, "e"); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if got := n.Load(); got != 4 {
		t.Errorf("%d requests after a cancelled pause, want still 4", got)
	}
}

// TestNilTransportKeepsTunedPool checks that WithHTTPClient with a nil
// Transport gets the SDK's own transport, not http.DefaultTransport.
func TestNilTransportKeepsTunedPool(t *testing.T) {
	c, err := NewClient(WithHTTPClient(&http.Client{Timeout: time.Minute}))
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := c.transport.(*http.Transport)
	if !ok || c.transport == http.DefaultTransport {
		t.Fatalf("transport %T (default: %v), want the SDK's own *http.Transport", c.transport, c.transport == http.DefaultTransport)
	}
	if tr.MaxIdleConnsPerHost != newTransport().MaxIdleConnsPerHost {
		t.Errorf("MaxIdleConnsPerHost = %d, want the SDK's %d", tr.MaxIdleConnsPerHost, newTransport().MaxIdleConnsPerHost)
	}
	if c.httpClient.Timeout != time.Minute {
		t.Errorf("the caller's Timeout was lost: %v", c.httpClient.Timeout)
	}
}
