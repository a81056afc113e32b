package main

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// countingTransport counts the requests sent, retries included, and paces
// them when a rate is set. All workers share one, so the rate limit holds
// for the whole export, retries included.
type countingTransport struct {
	base     http.RoundTripper
	pace     *pacer // nil: no limit
	requests atomic.Int64
}

// newTransport returns the export's transport: its own connection pool,
// sized so that every worker keeps its connection alive between contacts.
func newTransport(cfg config) *countingTransport {
	base := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          cfg.concurrency + 4,
		MaxIdleConnsPerHost:   cfg.concurrency + 4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	t := &countingTransport{base: base}
	if cfg.rate > 0 {
		t.pace = newPacer(cfg.rate)
	}
	return t
}

// RoundTrip waits for the request's turn, then sends it.
func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.pace != nil {
		if err := t.pace.wait(req.Context()); err != nil {
			return nil, err
		}
	}
	t.requests.Add(1)
	return t.base.RoundTrip(req)
}

// pacer spaces events evenly at a given rate, shared by any number of
// goroutines: each caller reserves the next free slot, one interval after
// the previous one, and sleeps until it. It allows no bursts: after an idle
// spell the next event goes at once, the ones after it an interval apart.
// (golang.org/x/time/rate does this and more; the standard library is
// enough here, and keeps the SDK's go.mod lean.)
type pacer struct {
	interval time.Duration

	mu   sync.Mutex
	next time.Time // the earliest free slot
}

func newPacer(perSecond float64) *pacer {
	return &pacer{interval: time.Duration(float64(time.Second) / perSecond)}
}

// reserve returns the time of the next free slot, given the time now, and
// takes it.
func (p *pacer) reserve(now time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(p.interval)
	return at
}

// wait blocks until the caller's slot, or until ctx is done.
func (p *pacer) wait(ctx context.Context) error {
	now := time.Now()
	d := p.reserve(now).Sub(now)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
