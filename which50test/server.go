package which50test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/which50-go/which50"
)

// BasePath is the path prefix under which a Server serves the API, as the
// real service lives under https://app.which50.com/Which50API/. Server.URL
// ends with it, so a client that drops the base path gets a 404.
const BasePath = "/Which50API"

// maxLoggedRequests bounds the request log so that long benchmarks do not
// grow it without limit.
const maxLoggedRequests = 1000

// Server is a fake Which50 API: a real HTTP server on loopback that serves
// the API's routes (see the package documentation) with the wire formats of
// the ASP.NET service (Json.NET JSON, DataContract XML, content negotiation,
// HttpError bodies). Configure it with its methods; all are safe for
// concurrent use, also while requests are served.
type Server struct {
	// URL is the API's base URL, http://127.0.0.1:PORT/Which50API, without
	// a trailing slash.
	URL string

	ts   *httptest.Server
	done chan struct{} // closed by Close: ends pending delays

	routes []route // read-only after NewServer

	mu       sync.Mutex
	contacts map[string]*contact // communications, by contact id
	st       state
	empty    emptyStrings
	faults   []Fault
	// Faults aimed at one contact's routes, and at one path.
	contactFaults map[string][]Fault
	pathFaults    map[string][]Fault
	latency       time.Duration
	auth          *authRule
	count         int
	log           []Request
}

// Request is a request the server received, as recorded for assertions.
type Request struct {
	Method string
	// Path is the request's path as sent, still escaped.
	Path string
	// ContactID is the unescaped contact id when the path is one of the
	// contacts/{contactId} routes, else "".
	ContactID string
	// Header is a copy of the request's headers.
	Header http.Header
	// Query is the request's raw query, without the '?'.
	Query string
	// Body is the request's body, nil when it had none.
	Body []byte
}

// EmptyStrings says how a Server writes an empty Go string member (Name,
// Status, CampaignName, ...); see Server.SetEmptyStrings.
type EmptyStrings int

const (
	// EmptyAsString writes "" in JSON and an empty element in XML. The default.
	EmptyAsString EmptyStrings = iota
	// EmptyAsNull writes null in JSON and i:nil="true" in XML, as the service
	// does for a database NULL.
	EmptyAsNull
	// EmptyOmitted leaves the member out, as some Json.NET configurations do
	// with NullValueHandling.Ignore (and DataContract's EmitDefaultValue=false).
	EmptyOmitted
	// EmptyAsIgnoredNull treats an empty string as null the way the
	// service's own configuration does: Json.NET's NullValueHandling.Ignore
	// leaves it out of JSON, and DataContract writes i:nil="true" in XML.
	// The models other than ContactInteraction are always written so.
	EmptyAsIgnoredNull
)

// NewServer starts and returns a new Server with no data. The caller
// should call Close when finished, to shut it down.
func NewServer() *Server {
	s := &Server{
		done:     make(chan struct{}),
		contacts: make(map[string]*contact),
		st:       newState(),
		routes:   newRoutes(),
	}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.ts.URL + BasePath
	return s
}

// Close shuts the server down, ending any pending delays, and blocks until
// all outstanding requests on it have completed.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.done:
	default:
		close(s.done)
	}
	s.mu.Unlock()
	s.ts.Close()
}

// Client returns an HTTP client for the server, configured like
// httptest.Server.Client. Its transport is the server's own, never
// http.DefaultTransport.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// SetCommunications sets the interactions returned for contactID, replacing
// any earlier ones; a nil or empty slice makes the contact known with no
// interactions. The server keeps its own copy of items. The response bodies
// are encoded once per format, on first use, and reused.
func (s *Server) SetCommunications(contactID string, items []which50.ContactInteraction) {
	c := &contact{items: append([]which50.ContactInteraction(nil), items...)}
	s.mu.Lock()
	s.contacts[contactID] = c
	s.mu.Unlock()
}

// DeleteContact removes contactID: its communications, the contact set
// with SetContact (which leaves its list, whose Count drops by one) and its
// histories. Requests for it get 404 again.
func (s *Server) DeleteContact(contactID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.contacts, contactID)
	if p := s.st.people[contactID]; p != nil && p.contact != nil {
		s.st.leave(p.contact)
	}
	delete(s.st.people, contactID)
}

// SeedDemo fills the server with a deterministic demo account: contacts
// demo contacts of perContact interactions each (see DemoCommunications),
// and returns their ids in a stable order. The ids look like the service's
// encrypted contact ids: base64 text that holds '/', '+' and '=', so they
// exercise path escaping; the first id always holds both '/' and '+'.
//
// The contacts belong to list 1001 ("Members"), whose fields include a
// drop-down (Plan); lists 1002 to 1004 are empty, to write and import into.
// Each campaign of the interactions is a journey (1042, 1043, 1051, 1060,
// 1077, 1080, 1091) with an activity per message, its contacts, and email
// and landing page reports; each contact's emails, text messages, landing
// pages, web forms and journey activities are taken from its interactions.
// The same arguments always give the same ids and data.
func (s *Server) SeedDemo(contacts, perContact int) []string {
	ids := DemoContactIDs(contacts)
	people := make([]which50.Contact, len(ids))
	comms := make([][]which50.ContactInteraction, len(ids))
	for i, id := range ids {
		comms[i] = DemoCommunications(id, perContact, int64(i))
		s.SetCommunications(id, comms[i])
		people[i] = demoContact(id, i)
	}
	s.seedDemoAccount(people, comms)
	return ids
}

// SetEmptyStrings sets how empty string members are written from now on
// (EmptyAsString by default). Use EmptyAsNull to test that a client reads
// nulls (JSON null, XML i:nil) as empty values.
func (s *Server) SetEmptyStrings(mode EmptyStrings) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.empty = emptyStrings(mode)
	for id, c := range s.contacts { // drop cached bodies
		s.contacts[id] = &contact{items: c.items}
	}
}

// RequestCount returns how many requests the server has received, faulted
// ones included.
func (s *Server) RequestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Requests returns the requests the server has received, oldest first; only
// the most recent 1,000 are kept.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	for i, r := range s.log {
		out[i] = r.clone()
	}
	return out
}

// LastRequest returns the most recent request and true, or false if there
// has been none.
func (s *Server) LastRequest() (Request, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.log) == 0 {
		return Request{}, false
	}
	return s.log[len(s.log)-1].clone(), true
}

func (r Request) clone() Request {
	r.Header = r.Header.Clone()
	if r.Body != nil {
		r.Body = append([]byte{}, r.Body...)
	}
	return r
}

// contact holds one contact's items and their lazily encoded bodies.
type contact struct {
	items          []which50.ContactInteraction
	jsonOnce       sync.Once
	xmlOnce        sync.Once
	jsonBody, xmlB []byte
}

func (c *contact) body(f format, empty emptyStrings) []byte {
	if f == formatXML {
		c.xmlOnce.Do(func() { c.xmlB = encodeBody(f, c.items, empty) })
		return c.xmlB
	}
	c.jsonOnce.Do(func() { c.jsonBody = encodeBody(f, c.items, empty) })
	return c.jsonBody
}

func encodeBody(f format, items []which50.ContactInteraction, empty emptyStrings) []byte {
	var b []byte
	if f == formatXML {
		if len(items) == 0 {
			return []byte(xmlRootOpen + " />")
		}
		b = append(b, xmlRootOpen...)
		b = append(b, '>')
		for i := range items {
			b = appendXMLItem(b, &items[i], empty)
		}
		return append(b, xmlRootClose...)
	}
	b = append(b, '[')
	for i := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONItem(b, &items[i], empty)
	}
	return append(b, ']')
}

// serveHTTP is the server's handler: faults first, then routing like
// ASP.NET Web API (route, then method, then authorization, then the action).
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	rt, params, ids, underBase := s.match(path)
	var contactID string
	if rt != nil && rt.segs[0] == "contacts" {
		contactID = params[0]
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if len(body) == 0 {
		body = nil
	}

	s.mu.Lock()
	s.count++
	if len(s.log) == maxLoggedRequests {
		s.log = append(s.log[:0], s.log[1:]...)
	}
	s.log = append(s.log, Request{Method: r.Method, Path: path, ContactID: contactID, Header: r.Header.Clone(),
		Query: r.URL.RawQuery, Body: body})
	fault := s.nextFault(contactID, strings.ToLower(apiPath(r)))
	delay := s.latency + fault.Delay
	auth := s.auth
	s.mu.Unlock()

	if !s.wait(r, delay) {
		// Cancelled or closing: no answer at all (returning would send 200).
		dropConnection(w, false)
		return
	}
	if fault.Drop {
		dropConnection(w, fault.Reset)
		return
	}

	f, mediaType := negotiate(r.Header.Values("Accept"))
	var out response
	switch {
	case fault.Status != 0 || fault.Body != "" || fault.NoBody:
		out = fault.response(f, mediaType)
	case !underBase:
		out = iisNotFound()
	case rt == nil:
		out = httpError(http.StatusNotFound, f, mediaType,
			"No HTTP resource was found that matches the request URI '"+requestURI(r)+"'.")
	case rt.methods[r.Method] == nil:
		out = httpError(http.StatusMethodNotAllowed, f, mediaType,
			"The requested resource does not support http method '"+r.Method+"'.")
	case auth != nil && !auth.allows(r):
		out = httpError(http.StatusUnauthorized, f, mediaType, messageUnauthorized)
		out.header.Set("WWW-Authenticate", auth.challenge)
	default:
		out = rt.methods[r.Method](s, &call{r: r, f: f, mediaType: mediaType, params: params, ids: ids, body: body})
	}
	if len(fault.Header) > 0 { // on a normal answer too: a request id, say
		if out.header == nil {
			out.header = http.Header{}
		}
		for k, v := range fault.Header {
			out.header[k] = v
		}
	}
	out.cutAfter, out.reset = fault.CutAfter, fault.Reset
	out.write(w)
}

// nextFault takes the fault for a request: from the queue aimed at its
// contact, else at its path, else the shared queue. s.mu must be held.
func (s *Server) nextFault(contactID, path string) Fault {
	for _, q := range []struct {
		m   map[string][]Fault
		key string
	}{{s.contactFaults, contactID}, {s.pathFaults, path}} {
		if q.key == "" {
			continue
		}
		if fs := q.m[q.key]; len(fs) > 0 {
			q.m[q.key] = fs[1:]
			return fs[0]
		}
	}
	if len(s.faults) > 0 {
		f := s.faults[0]
		s.faults = s.faults[1:]
		return f
	}
	return Fault{}
}

// apiPath returns the request's path below the base path, unescaped and
// without slashes at either end; "" outside the base path.
func apiPath(r *http.Request) string {
	p, ok := cutPrefixFold(r.URL.Path, BasePath+"/")
	if !ok {
		return ""
	}
	return strings.Trim(p, "/")
}

// wait sleeps for d, or until the request is cancelled or the server
// closed; it reports whether to go on answering.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.done:
		return false
	}
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

func requestURI(r *http.Request) string {
	return "http://" + r.Host + r.URL.RequestURI()
}

// The texts the service's HttpError bodies carry.
const (
	messageUnauthorized    = "Authorization has been denied for this request."
	messageForbidden       = "The user does not have the relevant permissions to perform this action."
	messageContactNotFound = "The specified Contact was not found."
	messageInternal        = "An error has occurred."
	messageRateLimited     = "API calls quota exceeded! maximum admitted 10 per Second."
	messageUnavailable     = "The service is unavailable."
)

// response is what the handler writes.
type response struct {
	status   int
	header   http.Header
	body     []byte
	cutAfter int
	reset    bool
}

func (o response) write(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range o.header {
		h[k] = v
	}
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = nil // no sniffing: what we set is what is sent
	}
	if o.status != http.StatusNoContent && o.status != http.StatusNotModified {
		h.Set("Content-Length", strconv.Itoa(len(o.body)))
	}
	w.WriteHeader(o.status)
	if o.cutAfter > 0 && o.cutAfter < len(o.body) {
		w.Write(o.body[:o.cutAfter])
		http.NewResponseController(w).Flush()
		dropConnection(w, o.reset)
		return
	}
	w.Write(o.body)
}

// httpError is an ASP.NET HttpError response in the negotiated format.
func httpError(status int, f format, mediaType, message string) response {
	var b []byte
	if f == formatXML {
		b = append(b, "<Error><Message>"...)
		b = appendXMLText(b, message)
		b = append(b, "</Message></Error>"...)
	} else {
		b = append(b, `{"Message":`...)
		b = appendJSONString(b, message)
		b = append(b, '}')
	}
	return response{status: status, header: serviceHeader(mediaType), body: b}
}

// serviceHeader returns the headers IIS and ASP.NET send with every answer,
// and the Content-Type.
func serviceHeader(mediaType string) http.Header {
	return http.Header{
		"Content-Type":     {mediaType},
		"Cache-Control":    {"no-cache"},
		"Pragma":           {"no-cache"},
		"Expires":          {"-1"},
		"Server":           {"Microsoft-IIS/10.0"},
		"X-Aspnet-Version": {"4.0.30319"},
		"X-Powered-By":     {"ASP.NET"},
	}
}

func iisNotFound() response {
	return response{
		status: http.StatusNotFound,
		header: http.Header{
			"Content-Type": {"text/html"},
			"Server":       {"Microsoft-IIS/10.0"},
		},
		body: []byte(iisNotFoundPage),
	}
}

const iisNotFoundPage = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>
<title>404 - File or directory not found.</title>
</head>
<body>
<div id="header"><h1>Server Error</h1></div>
<div id="content">
 <div class="content-container"><fieldset>
  <h2>404 - File or directory not found.</h2>
  <h3>The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.</h3>
 </fieldset></div>
</div>
</body>
</html>
`
