package which50

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Defaults of the time bounds on each attempt (see WithResponseHeaderTimeout,
// WithReadIdleTimeout and WithAttemptTimeout). With them, a call with a
// context that never ends still ends on its own against a server that
// accepts and never answers, or that drips its body.
const (
	// DefaultResponseHeaderTimeout bounds the wait for a response's headers
	// once the request was sent.
	DefaultResponseHeaderTimeout = 60 * time.Second
	// DefaultReadIdleTimeout bounds the wait for the next bytes of a body.
	DefaultReadIdleTimeout = 30 * time.Second
)

// Bounds on reading what is left of a response the client has decided
// about: an error body, and the remainder drained so that the connection
// can be reused. A server that drips them gets the connection closed
// instead of holding the call.
const (
	errorBodyTime = 500 * time.Millisecond
	drainTime     = 100 * time.Millisecond
)

// timeoutError reports an attempt that ran out of time. It is a net.Error
// whose Timeout is true, and a transient failure: a GET is retried.
type timeoutError struct{ what string }

func (e *timeoutError) Error() string   { return "which50: " + e.what }
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return true }

// timeoutTransport bounds each attempt in time: the wait for the headers,
// each wait for more of the body, and the whole attempt (0: no bound), by
// the call's settings, which Client.do puts in each request's context, or
// the client's for a request that carries none. The caller's context still
// ends everything at once.
type timeoutTransport struct {
	base   http.RoundTripper
	client *settings
}

func (t *timeoutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s := settingsOf(req.Context())
	if s == nil {
		s = t.client
	}
	header, idle, attempt := s.headerTimeout, s.idleTimeout, s.attemptTimeout
	ctx, cancel := context.WithCancelCause(req.Context())
	var whole *time.Timer
	if attempt > 0 {
		whole = time.AfterFunc(attempt, func() {
			cancel(&timeoutError{fmt.Sprintf("attempt took longer than %s", attempt)})
		})
	}
	var headers *time.Timer
	if header > 0 {
		headers = time.AfterFunc(header, func() {
			cancel(&timeoutError{fmt.Sprintf("no response headers within %s", header)})
		})
	}
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if headers != nil {
		headers.Stop()
	}
	if err != nil {
		if whole != nil {
			whole.Stop()
		}
		cause := context.Cause(ctx)
		cancel(nil)
		var te *timeoutError
		if errors.As(cause, &te) {
			return nil, te
		}
		return nil, err
	}
	resp.Body = &timedBody{rc: resp.Body, ctx: ctx, cancel: cancel, idle: idle, whole: whole}
	return resp, nil
}

// timedBody is a response body whose reads are bounded in time.
type timedBody struct {
	rc     io.ReadCloser
	ctx    context.Context
	cancel context.CancelCauseFunc
	idle   time.Duration
	whole  *time.Timer

	mu    sync.Mutex
	timer *time.Timer   // the idle or the deadline timer, created once
	what  string        // what the timer bounds, for its error
	limit time.Duration // the bound it was armed with
	fired bool
}

func (b *timedBody) Read(p []byte) (int, error) {
	if b.idle > 0 {
		b.arm(b.idle, "no data for")
	}
	n, err := b.rc.Read(p)
	if err != nil {
		var te *timeoutError
		if cause := context.Cause(b.ctx); errors.As(cause, &te) {
			return n, te
		}
	}
	return n, err
}

// arm (re)starts the timer that ends the attempt after d.
func (b *timedBody) arm(d time.Duration, what string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fired {
		return // the attempt has ended
	}
	b.what, b.limit = what, d
	if b.timer == nil {
		b.timer = time.AfterFunc(d, b.fire)
	} else {
		b.timer.Reset(d)
	}
}

func (b *timedBody) fire() {
	b.mu.Lock()
	b.fired = true
	what, d := b.what, b.limit
	b.mu.Unlock()
	b.cancel(&timeoutError{fmt.Sprintf("%s %s", what, d)})
}

// deadline bounds all further reads to d from now, whatever idle allows.
func (b *timedBody) deadline(d time.Duration) {
	b.idle = 0
	b.arm(d, "reading on took longer than")
}

func (b *timedBody) Close() error {
	b.mu.Lock()
	if b.timer != nil {
		b.timer.Stop()
	}
	b.mu.Unlock()
	if b.whole != nil {
		b.whole.Stop()
	}
	err := b.rc.Close()
	b.cancel(nil)
	return err
}

// withDeadline bounds further reads of body to d, when the client's
// transport made it.
func withDeadline(body io.Reader, d time.Duration) {
	if tb, ok := body.(*timedBody); ok {
		tb.deadline(d)
	}
}
