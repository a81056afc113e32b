package which50

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/textproto"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Production controls: per-call headers and response metadata, a
// client-wide retry budget, client-side pacing and a pause shared by every
// call after a server's Retry-After, and a place for tracing or metrics
// middleware. All of them act in the one request pipeline (Client.do and
// the transports NewClient stacks), for every endpoint alike.

// Defaults of the retry budget (see WithRetryBudget), those of Finagle's
// and Linkerd's: retries may add 20% to the client's requests, plus 10
// retries a second.
const (
	DefaultRetryBudgetRatio        = 0.2
	DefaultRetryBudgetMinPerSecond = 10
	// RetryBudgetWindow is how long a deposit in the retry budget lasts:
	// the budget allows the ratio of the first attempts made in the last
	// window, plus minPerSecond retries for each second of it.
	RetryBudgetWindow = 10 * time.Second
)

// Response describes the HTTP exchange of one call. Pass one to the call
// with WithResponse; the call fills it whether it succeeds or fails.
type Response struct {
	// StatusCode is the status of the last attempt's response, or 0 when the
	// last attempt got none (a connection that failed, say).
	StatusCode int
	// Header holds that response's headers. Credentials a proxy reflects back
	// are scrubbed, as in APIError.Header.
	Header http.Header
	// RequestID is the server's request or correlation id, when it sent one.
	RequestID string
	// Attempts is how many attempts the call made.
	Attempts int
	// Duration runs from the start of the first attempt to the end of
	// decoding the answer (for a ...Seq method, the end of the iteration,
	// the loop's own work included).
	Duration time.Duration
}

// WithResponse makes the call fill r with its response's status, headers,
// request id, attempts and duration, on success and on failure alike (r is
// zeroed as the call starts; a call rejected before it reaches the
// pipeline, for an invalid argument, leaves r as it was). A ...Seq method
// fills r when the iteration ends: when the loop has seen the last item or
// the error, or breaks. Import fills it for the last request it makes. It
// applies to one call: NewClient rejects it, and a nil r is an error.
//
//	var resp which50.Response
//	items, err := client.Contacts.Communications(ctx, id, which50.WithResponse(&resp))
//	log.Printf("request %s: %d after %d attempt(s) in %s", resp.RequestID, resp.StatusCode, resp.Attempts, resp.Duration)
func WithResponse(r *Response) Option {
	return Option{name: "WithResponse", scope: scopeCall, set: func(_ *Client, s *settings) error {
		if r == nil {
			return errors.New("which50: nil *Response")
		}
		s.response = r
		return nil
	}}
}

// WithHeader adds a header to the requests: to every request of the client
// when given to NewClient, to one call's when given to a method (replacing
// the client's value for that key). A later WithHeader for the same key
// replaces an earlier one.
//
// It is for headers such as a tenant or feature flag, never for
// credentials: Authorization, Proxy-Authorization, Cookie and the header of
// the client's APIKeyHeader are refused, as are the headers the SDK sets
// itself (Accept: use WithFormat; User-Agent: use WithUserAgent;
// Content-Type, Content-Length, Host and the hop-by-hop headers). Its
// values are never logged.
func WithHeader(key, value string) Option {
	return anyOption("WithHeader", func(s *settings) error {
		if !validHeaderName(key) {
			return fmt.Errorf("which50: invalid header name %q", key)
		}
		if !validHeaderValue(value) {
			return fmt.Errorf("which50: the value of header %s contains a control character", key)
		}
		key = textproto.CanonicalMIMEHeaderKey(key)
		if reason, ok := reservedHeaders[key]; ok {
			return fmt.Errorf("which50: WithHeader cannot set %s: %s", key, reason)
		}
		h := s.header.Clone() // the client's map is shared by every call
		if h == nil {
			h = http.Header{}
		}
		h.Set(key, value)
		s.header = h
		return nil
	})
}

// reservedHeaders are the headers WithHeader refuses, and why.
var reservedHeaders = map[string]string{
	"Authorization":       "credentials go through WithAuth",
	"Proxy-Authorization": "credentials go through WithAuth or the HTTP client's proxy",
	"Cookie":              "credentials go through WithAuth",
	"Accept":              "use WithFormat",
	"User-Agent":          "use WithUserAgent",
	"Content-Type":        "the SDK sets it",
	"Content-Length":      "the SDK sets it",
	"Host":                "the base URL sets it",
	"Connection":          "hop-by-hop headers belong to the transport",
	"Keep-Alive":          "hop-by-hop headers belong to the transport",
	"Proxy-Connection":    "hop-by-hop headers belong to the transport",
	"Te":                  "hop-by-hop headers belong to the transport",
	"Trailer":             "hop-by-hop headers belong to the transport",
	"Transfer-Encoding":   "hop-by-hop headers belong to the transport",
	"Upgrade":             "hop-by-hop headers belong to the transport",
}

// checkHeader refuses a WithHeader header that the client's APIKeyHeader
// authenticator sends: a credential must not travel another way.
func (c *Client) checkHeader(h http.Header) error {
	if c.creds == nil || len(h) == 0 {
		return nil
	}
	if a, ok := c.creds.auth.(*apiKeyHeader); ok && h[a.header] != nil {
		return &optionError{fmt.Errorf("which50: WithHeader cannot set %s: the client's API key travels in it", a.header)}
	}
	return nil
}

// WithRetryBudget bounds the retries of the whole client, so that a
// failing server is not sent several times its usual load: retries may add
// at most ratio times the first attempts of the last RetryBudgetWindow,
// plus minPerSecond retries per second. It is on by default, with
// DefaultRetryBudgetRatio (0.2) and DefaultRetryBudgetMinPerSecond (10);
// WithRetryBudget(0, 0) turns it off.
//
// It works as Finagle's RetryBudget does: each first attempt deposits ratio
// tokens, each retry withdraws one, deposits expire after the window, and
// minPerSecond times the window's seconds are always in reserve. A call
// denied a retry returns its last failure at once, wrapped so that
// errors.Is(err, ErrRetryBudgetExhausted) also matches. The budget is
// shared by the client's calls; it is client-wide only.
func WithRetryBudget(ratio float64, minPerSecond int) Option {
	return clientOption("WithRetryBudget", func(c *Client) error {
		if math.IsNaN(ratio) || ratio < 0 || ratio > 1000 {
			return fmt.Errorf("which50: retry budget ratio %v is not between 0 and 1000", ratio)
		}
		if minPerSecond < 0 {
			return fmt.Errorf("which50: negative retry budget minimum %d", minPerSecond)
		}
		if ratio == 0 && minPerSecond == 0 {
			c.ctl.budget = nil
			return nil
		}
		c.ctl.budget = newRetryBudget(ratio, minPerSecond, time.Now)
		return nil
	})
}

// WithRateLimit paces every attempt of the client, first attempts and
// retries of every call alike, to perSecond on average with bursts of at
// most burst, using a token bucket (golang.org/x/time/rate). An attempt
// waits for its turn with its call's context: a call whose context ends, or
// whose deadline would pass before its turn, fails with the context's error
// and no request. By default the client does not pace itself. Client-wide
// only.
func WithRateLimit(perSecond float64, burst int) Option {
	return clientOption("WithRateLimit", func(c *Client) error {
		if math.IsNaN(perSecond) || perSecond <= 0 {
			return fmt.Errorf("which50: rate limit %v per second is not positive", perSecond)
		}
		if burst < 1 {
			return fmt.Errorf("which50: rate limit burst %d is below 1", burst)
		}
		c.ctl.limiter = rate.NewLimiter(rate.Limit(perSecond), burst)
		return nil
	})
}

// WithTransportWrapper puts middleware, such as tracing or metrics
// (otelhttp.NewTransport, say), around the transport the client sends
// each attempt through. wrap receives the SDK's transport and returns the
// one to use. The result sees one round trip per attempt (retries are
// above it) and never a credential: they are added below it, on a clone of
// the request. Client-wide only; a nil wrap, or one that returns nil, is an
// error.
func WithTransportWrapper(wrap func(http.RoundTripper) http.RoundTripper) Option {
	return clientOption("WithTransportWrapper", func(c *Client) error {
		if wrap == nil {
			return errors.New("which50: nil transport wrapper")
		}
		c.wrap = wrap
		return nil
	})
}

// controls is the client-wide state of the production controls.
type controls struct {
	budget  *retryBudget  // nil: retries are not budgeted
	limiter *rate.Limiter // nil: attempts are not paced
	// pauseUntil is the instant (Unix nanoseconds) before which no attempt
	// starts: the latest Retry-After a 429 or 503 asked for. 0: none.
	pauseUntil atomic.Int64
	noPause    bool // tests: measure without the shared pause

	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

func newControls() *controls {
	return &controls{now: time.Now, sleep: sleepCtx}
}

// sleepCtx waits d, or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// pause makes every attempt of the client wait d from now (at most
// limit), unless a longer pause is already set.
func (ctl *controls) pause(d, limit time.Duration) {
	if ctl.noPause || d <= 0 {
		return
	}
	until := ctl.now().Add(min(d, limit)).UnixNano()
	for {
		cur := ctl.pauseUntil.Load()
		if cur >= until || ctl.pauseUntil.CompareAndSwap(cur, until) {
			return
		}
	}
}

// settingsKey carries a call's settings in its requests' context, for the
// transports that act on each attempt (pacing, time bounds).
type settingsKey struct{}

func settingsOf(ctx context.Context) *settings {
	s, _ := ctx.Value(settingsKey{}).(*settings)
	return s
}

// pacer is the top of the client's transport stack: before each attempt it
// waits out the shared pause and then the rate limiter, with the call's
// context. It has no CloseIdleConnections, so retryablehttp's calls to it
// on give-up leave the connection pool alone.
type pacer struct {
	base http.RoundTripper
	ctl  *controls
}

func (p *pacer) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := p.wait(req.Context()); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	return p.base.RoundTrip(req)
}

func (p *pacer) wait(ctx context.Context) error {
	if until := p.ctl.pauseUntil.Load(); until != 0 {
		if d := time.Duration(until - p.ctl.now().UnixNano()); d > 0 {
			if s := settingsOf(ctx); s != nil {
				d = min(d, s.waitMax)
			}
			if err := p.ctl.sleep(ctx, d); err != nil {
				return fmt.Errorf("which50: waiting out the server's Retry-After: %w", err)
			}
		}
	}
	if l := p.ctl.limiter; l != nil {
		if err := l.Wait(ctx); err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return fmt.Errorf("which50: waiting for the rate limit: %w", ctxErr)
			}
			// The limiter knows the turn would come after the deadline.
			return fmt.Errorf("which50: the rate limit's wait would outlast the context's deadline: %w", context.DeadlineExceeded)
		}
	}
	return nil
}

// retryBudget is a token bucket of retries, after Finagle's RetryBudget:
// each first attempt deposits ratio tokens, each retry withdraws one,
// deposits and withdrawals leave the bucket after RetryBudgetWindow, and a
// reserve of minPerSecond tokens per second of the window is always there.
// Tokens are counted in thousandths, so that deposits of 0.2 add up
// exactly.
type retryBudget struct {
	now     func() time.Time
	deposit int64 // thousandths of a token per first attempt
	reserve int64 // thousandths of a token always available

	mu     sync.Mutex
	slots  [budgetSlots]int64 // net thousandths of tokens added in each second
	epochs [budgetSlots]int64 // the Unix second each slot counts
}

const (
	budgetSlots = int64(RetryBudgetWindow / time.Second)
	milliToken  = 1000
)

func newRetryBudget(ratio float64, minPerSecond int, now func() time.Time) *retryBudget {
	return &retryBudget{
		now:     now,
		deposit: int64(math.Round(ratio * milliToken)),
		reserve: int64(minPerSecond) * budgetSlots * milliToken,
	}
}

// firstAttempt deposits a first attempt's share of retries.
func (b *retryBudget) firstAttempt() {
	if b == nil || b.deposit == 0 {
		return
	}
	b.mu.Lock()
	b.add(b.now().Unix(), b.deposit)
	b.mu.Unlock()
}

// retry withdraws a token for a retry, and reports whether there was one.
// A nil budget allows every retry.
func (b *retryBudget) retry() bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	sec := b.now().Unix()
	balance := b.reserve
	for i := range b.slots {
		if age := sec - b.epochs[i]; age >= 0 && age < budgetSlots {
			balance += b.slots[i]
		}
	}
	if balance < milliToken {
		return false
	}
	b.add(sec, -milliToken)
	return true
}

// add counts v in the slot of second sec, clearing what the slot held for
// an earlier second.
func (b *retryBudget) add(sec, v int64) {
	i := sec % budgetSlots
	if i < 0 {
		i += budgetSlots
	}
	if b.epochs[i] != sec {
		b.epochs[i], b.slots[i] = sec, 0
	}
	b.slots[i] += v
}
