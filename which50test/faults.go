package which50test

import (
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"time"
)

// Fault is one scripted misbehaviour of the server, consumed by one request.
// Queue faults with Server.QueueFaults. The zero Fault is normal service.
//
// Status, Body and NoBody replace the answer; Delay, CutAfter, Drop and
// Reset change how any answer (the replaced one or the normal one) is
// delivered. For example:
//
//	Fault{Status: 503}                       // 503 with an HttpError body
//	Fault{Status: 429, RetryAfter: "2"}      // rate limited, retry in 2 s
//	HTTPSysUnavailable()                     // HTTP.sys's own HTML 503 page
//	Fault{CutAfter: 100}                     // the real payload, cut after 100 bytes
//	Fault{Drop: true, Reset: true}           // connection reset, no answer at all
//	Fault{Delay: time.Second}                // the real payload, one second late
type Fault struct {
	// Status, if not zero, is the status of the answer. Its body is the
	// service's HttpError in the negotiated format ({"Message":"..."} or
	// <Error><Message>...</Message></Error>) with the service's text for
	// that status, unless Body or NoBody says otherwise.
	Status int
	// RetryAfter, if set, is sent as the Retry-After header: seconds ("2")
	// or an HTTP-date.
	RetryAfter string
	// Body, if set, is sent verbatim instead of the HttpError (an HTML page
	// from a proxy, say), with ContentType. With Status zero it is sent
	// with 200 OK.
	Body string
	// ContentType is the Content-Type of Body; if empty it is sniffed from
	// Body like net/http does.
	ContentType string
	// NoBody sends an empty body and no Content-Type at all, as an
	// [Authorize] 401 sometimes does.
	NoBody bool
	// Header holds extra headers for the answer (Server, X-Request-Id...),
	// whether the fault replaces the answer or not: Fault{Header: ...}
	// alone adds them to a normal answer.
	Header http.Header
	// Delay is waited before answering, on top of the server's latency. The
	// wait ends early, with no answer, if the request is cancelled or the
	// server closed.
	Delay time.Duration
	// CutAfter, if positive, sends the answer's headers, with a
	// Content-Length of the whole body, and only the first CutAfter bytes
	// of the body; then the connection is closed. A client sees an
	// unexpected EOF while reading the body. A CutAfter at or past the
	// body's length has no effect.
	CutAfter int
	// Drop closes the connection without any answer. Note that Go's
	// http.Transport itself resends a GET, once, when a connection it
	// reused from an earlier request closes before any answer; that resend
	// takes the next fault (or normal service). Queue two drops, or use a
	// fresh connection, for a client to see the failure.
	Drop bool
	// Reset makes Drop and CutAfter close the connection with a TCP reset
	// (RST) instead of an orderly close, so a client sees "connection reset
	// by peer".
	Reset bool
}

// HTTPSysUnavailable returns the fault HTTP.sys answers with on its own when
// the service's application pool is down or its queue is full: 503 with a
// short HTML page, Content-Type text/html; charset=us-ascii and
// Server: Microsoft-HTTPAPI/2.0, and no Retry-After.
func HTTPSysUnavailable() Fault {
	return Fault{
		Status:      http.StatusServiceUnavailable,
		Body:        httpSys503Page,
		ContentType: "text/html; charset=us-ascii",
		Header:      http.Header{"Server": {"Microsoft-HTTPAPI/2.0"}},
	}
}

const httpSys503Page = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">
<HTML><HEAD><TITLE>Service Unavailable</TITLE>
<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>
<BODY><h2>Service Unavailable</h2>
<hr><p>HTTP Error 503. The service is unavailable.</p>
</BODY></HTML>
`

// QueueFaults appends faults to the server's queue. Each request the server
// receives, whatever its path, takes the next fault in order; once the queue
// is empty, requests get normal service again. For example,
//
//	s.QueueFaults(Fault{Status: 503}, Fault{Status: 429, RetryAfter: "1"})
//
// makes the next request fail with 503, the one after with 429, and the
// third succeed.
func (s *Server) QueueFaults(faults ...Fault) {
	s.mu.Lock()
	s.faults = append(s.faults, faults...)
	s.mu.Unlock()
}

// QueueFaultsFor queues faults for the requests of one contact only (the
// contacts/{contactId}/... routes, contactID unescaped), so that a test can
// have one contact rate limited while the others succeed. Its requests take
// these before any other queue.
//
//	s.QueueFaultsFor("c-17", Fault{Status: 429, RetryAfter: "1"})
func (s *Server) QueueFaultsFor(contactID string, faults ...Fault) {
	s.mu.Lock()
	if s.contactFaults == nil {
		s.contactFaults = map[string][]Fault{}
	}
	s.contactFaults[contactID] = append(s.contactFaults[contactID], faults...)
	s.mu.Unlock()
}

// QueueFaultsOn queues faults for the requests of one path below the base
// path, compared unescaped and case-insensitively, such as
// "journeys/9/contacts" or "contactLists/5/import/3". Its requests take
// these after QueueFaultsFor's and before the shared queue's.
func (s *Server) QueueFaultsOn(path string, faults ...Fault) {
	s.mu.Lock()
	if s.pathFaults == nil {
		s.pathFaults = map[string][]Fault{}
	}
	key := strings.ToLower(strings.Trim(path, "/"))
	s.pathFaults[key] = append(s.pathFaults[key], faults...)
	s.mu.Unlock()
}

// ClearFaults drops the faults not yet consumed, in every queue.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults, s.contactFaults, s.pathFaults = nil, nil, nil
	s.mu.Unlock()
}

// PendingFaults returns how many queued faults, in every queue, are still
// to be consumed.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.faults)
	for _, fs := range s.contactFaults {
		n += len(fs)
	}
	for _, fs := range s.pathFaults {
		n += len(fs)
	}
	return n
}

// SetLatency delays every answer by d (zero, the default, for none), to make
// a loopback server behave like one across a network. A request cancelled
// while it waits gets no answer.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// RequireBearerToken makes the server demand "Authorization: Bearer token"
// on every route; a missing or wrong credential gets 401 with
// the service's HttpError body ("Authorization has been denied for this
// request."). It replaces any earlier Require call.
func (s *Server) RequireBearerToken(token string) {
	s.setAuth(&authRule{header: "Authorization", value: "Bearer " + token, challenge: "Bearer"})
}

// RequireAPIKey makes the server demand the header "header: key" on every
// route, answering 401 like RequireBearerToken otherwise. It
// replaces any earlier Require call.
func (s *Server) RequireAPIKey(header, key string) {
	s.setAuth(&authRule{header: header, value: key, challenge: "ApiKey"})
}

// RequireBasicAuth makes the server demand HTTP basic authentication with
// user and password on every route, answering 401 like
// RequireBearerToken otherwise. It replaces any earlier Require call.
func (s *Server) RequireBasicAuth(user, password string) {
	cred := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	s.setAuth(&authRule{header: "Authorization", value: "Basic " + cred, challenge: `Basic realm="Which50API"`})
}

// AllowAnonymous removes any credential requirement (the default).
func (s *Server) AllowAnonymous() { s.setAuth(nil) }

func (s *Server) setAuth(a *authRule) {
	s.mu.Lock()
	s.auth = a
	s.mu.Unlock()
}

// authRule is a required credential: one header with one exact value.
type authRule struct {
	header    string
	value     string
	challenge string // WWW-Authenticate on 401
}

func (a *authRule) allows(r *http.Request) bool {
	got := r.Header.Values(a.header)
	if len(got) != 1 {
		return false
	}
	v := got[0]
	// The scheme of an Authorization header is case-insensitive.
	if scheme, _, ok := strings.Cut(a.value, " "); ok && strings.EqualFold(a.header, "Authorization") &&
		len(v) > len(scheme) && strings.EqualFold(v[:len(scheme)], scheme) {
		v = a.value[:len(scheme)] + v[len(scheme):]
	}
	return subtle.ConstantTimeCompare([]byte(v), []byte(a.value)) == 1
}

// response builds the answer a fault replaces the normal one with.
func (f Fault) response(fm format, mediaType string) response {
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	var out response
	switch {
	case f.NoBody:
		out = response{status: status, header: http.Header{}}
	case f.Body != "":
		ct := f.ContentType
		if ct == "" {
			ct = http.DetectContentType([]byte(f.Body))
		}
		out = response{status: status, header: http.Header{"Content-Type": {ct}}, body: []byte(f.Body)}
	default:
		out = httpError(status, fm, mediaType, statusMessage(status))
	}
	for k, v := range f.Header {
		out.header[http.CanonicalHeaderKey(k)] = append([]string(nil), v...)
	}
	if f.RetryAfter != "" {
		out.header.Set("Retry-After", f.RetryAfter)
	}
	return out
}

// statusMessage is the HttpError message the service sends with status.
func statusMessage(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return messageUnauthorized
	case http.StatusForbidden:
		return messageForbidden
	case http.StatusNotFound:
		return messageContactNotFound
	case http.StatusTooManyRequests:
		return messageRateLimited
	case http.StatusInternalServerError:
		return messageInternal
	case http.StatusServiceUnavailable:
		return messageUnavailable
	}
	if t := http.StatusText(status); t != "" {
		return t + "."
	}
	return messageInternal
}

// dropConnection closes the request's connection at once; with reset, the
// peer gets a TCP RST.
func dropConnection(w http.ResponseWriter, reset bool) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2): abort the handler, which resets the stream.
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok && reset {
		tcp.SetLinger(0)
	}
	conn.Close()
}
