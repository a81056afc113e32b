package main

import (
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// countingTransport counts the requests sent, retries included. All
// workers share one, so the count is the whole export's.
type countingTransport struct {
	base     http.RoundTripper
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
	return &countingTransport{base: base}
}

// RoundTrip counts the request and sends it.
func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.requests.Add(1)
	return t.base.RoundTrip(req)
}
