package which50

// Measurements of the production controls, for BENCHMARKS.md. They run for
// seconds against loopback servers, so they are skipped unless asked for:
//
//	WHICH50_MEASURE=1 go test -run 'TestMeasure' -count=1 -v .

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func measuring(t *testing.T) {
	if testing.Short() || os.Getenv("WHICH50_MEASURE") != "1" {
		t.Skip("a measurement: set WHICH50_MEASURE=1 to run it")
	}
}

// TestMeasureRetryStorm runs 100 goroutines of back-to-back calls for 5 s
// against a server that answers every request 503, and counts first
// attempts and retries with the retry budget on (the default) and off.
func TestMeasureRetryStorm(t *testing.T) {
	measuring(t)
	const workers, run = 100, 5 * time.Second
	for _, budget := range []bool{true, false} {
		var requests atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"Message":"unavailable"}`))
		}))
		opts := []Option{WithBaseURL(srv.URL)}
		if !budget {
			opts = append(opts, WithRetryBudget(0, 0))
		}
		c, err := NewClient(opts...)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), run)
		var calls atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for ctx.Err() == nil {
					calls.Add(1)
					c.Contacts.Emails(ctx, "c1")
				}
			})
		}
		wg.Wait()
		cancel()
		srv.Close()
		first, total := calls.Load(), requests.Load()
		retries := total - first
		t.Logf("budget %-5v: %d first attempts, %d retries (%.1f/s), %d requests = %.2fx the first attempts",
			budget, first, retries, float64(retries)/run.Seconds(), total, float64(total)/float64(first))
	}
}

// TestMeasureRateLimit runs 16 workers of back-to-back calls for 10 s
// against a server that serves 20 requests a second (a token bucket of 20
// a second, burst 20) and answers 429 with Retry-After: 1 beyond that, and
// reports the share of 429s with no controls, with the shared pause alone,
// and with WithRateLimit(20, 1). The retry budget is off throughout, so
// that only pacing differs.
func TestMeasureRateLimit(t *testing.T) {
	measuring(t)
	const workers, run = 16, 10 * time.Second
	for _, mode := range []string{"no controls", "shared pause", "WithRateLimit(20, 1)"} {
		var ok, limited atomic.Int64
		bucket := rate.NewLimiter(20, 20)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !bucket.Allow() {
				limited.Add(1)
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			ok.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte("[]"))
		}))
		opts := []Option{WithBaseURL(srv.URL), WithRetryBudget(0, 0)}
		if mode == "WithRateLimit(20, 1)" {
			opts = append(opts, WithRateLimit(20, 1))
		}
		c, err := NewClient(opts...)
		if err != nil {
			t.Fatal(err)
		}
		c.ctl.noPause = mode == "no controls"
		// Each call has a minute; no call starts after the run's end, and
		// those in flight finish.
		end := time.Now().Add(run)
		var calls, failed atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for time.Now().Before(end) {
					ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
					_, err := c.Contacts.Emails(ctx, "c1")
					cancel()
					calls.Add(1)
					if err != nil {
						failed.Add(1)
					}
				}
			})
		}
		wg.Wait()
		srv.Close()
		total := ok.Load() + limited.Load()
		t.Logf("%-21s: %5d requests, %5d answered 429 (%4.1f%%), %4d calls done (%.1f/s), %d failed",
			mode, total, limited.Load(), 100*float64(limited.Load())/float64(total),
			calls.Load(), float64(calls.Load())/run.Seconds(), failed.Load())
		if mode == "WithRateLimit(20, 1)" && limited.Load() > total/100 {
			t.Errorf("%d of %d requests answered 429 with the client paced at the server's rate", limited.Load(), total)
		}
	}
}
