package which50test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/which50-go/which50"
)

// newTestServer starts a Server closed at the end of the test.
func newTestServer(t *testing.T) *Server {
	t.Helper()
	s := NewServer()
	t.Cleanup(s.Close)
	return s
}

// commsURL is the communications URL for id, escaped as one path segment.
func commsURL(s *Server, id string) string {
	return s.URL + "/contacts/" + url.PathEscape(id) + "/communications"
}

type reply struct {
	status int
	header http.Header
	body   string
}

// get sends a request on a fresh connection, so that no test depends on
// connection reuse, and reads the whole reply.
func get(t *testing.T, method, rawURL string, header http.Header) reply {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, rawURL, err)
	}
	return reply{resp.StatusCode, resp.Header, string(b)}
}

func accept(v string) http.Header { return http.Header{"Accept": {v}} }

func encoded(t *testing.T, enc func(io.Writer, []which50.ContactInteraction) error, items []which50.ContactInteraction) string {
	t.Helper()
	var b bytes.Buffer
	if err := enc(&b, items); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestServerURLHasBasePath(t *testing.T) {
	s := newTestServer(t)
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/Which50API" || u.Hostname() != "127.0.0.1" {
		t.Errorf("URL = %q, want http://127.0.0.1:PORT/Which50API", s.URL)
	}
}

func TestServerServesBothFormats(t *testing.T) {
	s := newTestServer(t)
	items := DemoCommunications("c1", 25, 7)
	s.SetCommunications("c1", items)

	tests := []struct {
		accept, contentType string
		enc                 func(io.Writer, []which50.ContactInteraction) error
	}{
		{"", "application/json; charset=utf-8", EncodeJSON},
		{"application/json", "application/json; charset=utf-8", EncodeJSON},
		{"text/json", "text/json; charset=utf-8", EncodeJSON},
		{"application/csp-report", "application/csp-report; charset=utf-8", EncodeJSON},
		{"application/xml", "application/xml; charset=utf-8", EncodeXML},
		{"text/xml", "text/xml; charset=utf-8", EncodeXML},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.accept != "" {
			h = accept(tt.accept)
		}
		got := get(t, "GET", commsURL(s, "c1"), h)
		if got.status != 200 || got.header.Get("Content-Type") != tt.contentType {
			t.Errorf("Accept %q: %d %q, want 200 %q", tt.accept, got.status, got.header.Get("Content-Type"), tt.contentType)
		}
		if want := encoded(t, tt.enc, items); got.body != want {
			t.Errorf("Accept %q: body differs from the encoder's\n got %.200s\nwant %.200s", tt.accept, got.body, want)
		}
	}
}

func TestServerEmptyContact(t *testing.T) {
	s := newTestServer(t)
	s.SetCommunications("nobody", nil)
	if got := get(t, "GET", commsURL(s, "nobody"), nil); got.status != 200 || got.body != "[]" {
		t.Errorf("JSON: %d %q, want 200 []", got.status, got.body)
	}
	got := get(t, "GET", commsURL(s, "nobody"), accept("application/xml"))
	if want := encoded(t, EncodeXML, nil); got.status != 200 || got.body != want {
		t.Errorf("XML: %d %q, want 200 %q", got.status, got.body, want)
	}
}

func TestNegotiate(t *testing.T) {
	// Expectations follow ASP.NET Web API's DefaultContentNegotiator with the
	// JSON formatter (application/json, text/json, application/csp-report)
	// registered before the XML one (application/xml, text/xml).
	tests := []struct {
		accept []string
		format format
		media  string
	}{
		{nil, formatJSON, "application/json"},
		{[]string{"*/*"}, formatJSON, "application/json"},
		{[]string{"text/html"}, formatJSON, "application/json"},
		{[]string{"garbage"}, formatJSON, "application/json"},
		{[]string{"application/xml"}, formatXML, "application/xml"},
		{[]string{"TEXT/XML; charset=utf-8"}, formatXML, "text/xml"},
		{[]string{"application/xml, application/json"}, formatJSON, "application/json"}, // tie: formatter order
		{[]string{"application/json;q=0.5, application/xml"}, formatXML, "application/xml"},
		{[]string{"application/xml;q=0.9, */*;q=0.1"}, formatXML, "application/xml"},
		{[]string{"text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8"}, formatXML, "application/xml"}, // a browser
		{[]string{"application/xml;q=0.5, */*"}, formatJSON, "application/json"},                                       // range with higher q wins
		{[]string{"application/xml;q=0, */*"}, formatJSON, "application/json"},
		{[]string{"application/xml;q=0"}, formatJSON, "application/json"},
		{[]string{"text/*"}, formatJSON, "text/json"},
		{[]string{"application/*;q=0.2, text/xml;q=0.1"}, formatJSON, "application/json"},
		{[]string{"application/xml;q=bad, text/xml"}, formatXML, "text/xml"},
		{[]string{"text/plain", "application/xml"}, formatXML, "application/xml"}, // several header lines
	}
	for _, tt := range tests {
		f, media := negotiate(tt.accept)
		if f != tt.format || media != tt.media+"; charset=utf-8" {
			t.Errorf("negotiate(%q) = %v %q, want %v %q", tt.accept, f, media, tt.format, tt.media+"; charset=utf-8")
		}
	}
}

func TestServerContactIDIsOneEscapedSegment(t *testing.T) {
	s := newTestServer(t)
	ids := []string{"a/b", "QmFzZTY0+/w==", "with space", "per%cent", "ünï/cødé", "..", "a?b#c"}
	for i, id := range ids {
		s.SetCommunications(id, []which50.ContactInteraction{{ID: int64(i + 1)}})
	}
	for i, id := range ids {
		got := get(t, "GET", commsURL(s, id), nil)
		if got.status != 200 || !strings.HasPrefix(got.body, `[{"Id":`+strconv.Itoa(i+1)+`,`) {
			t.Errorf("id %q: %d %.60s, want its own item", id, got.status, got.body)
		}
		if r, _ := s.LastRequest(); r.ContactID != id {
			t.Errorf("id %q logged as %q", id, r.ContactID)
		}
	}
	// An unescaped '/' makes more segments: not the route.
	if got := get(t, "GET", s.URL+"/contacts/a/b/communications", nil); got.status != 404 ||
		!strings.Contains(got.body, "No HTTP resource was found") {
		t.Errorf("unescaped slash: %d %s, want the route's 404", got.status, got.body)
	}
	// A raw '+' in a path is a plus, not a space.
	s.SetCommunications("x+y", []which50.ContactInteraction{{ID: 9}})
	if got := get(t, "GET", s.URL+"/contacts/x+y/communications", nil); got.status != 200 {
		t.Errorf("raw plus: %d %s, want 200", got.status, got.body)
	}
}

func TestServerRoutingErrors(t *testing.T) {
	s := newTestServer(t)
	s.SetCommunications("c", nil)
	root := strings.TrimSuffix(s.URL, BasePath)

	tests := []struct {
		name, method, url string
		header            http.Header
		status            int
		contentType, body string
	}{
		{"unknown contact JSON", "GET", commsURL(s, "nope"), nil,
			404, "application/json; charset=utf-8", `{"Message":"The specified Contact was not found."}`},
		{"unknown contact XML", "GET", commsURL(s, "nope"), accept("text/xml"),
			404, "text/xml; charset=utf-8", `<Error><Message>The specified Contact was not found.</Message></Error>`},
		{"unknown route", "GET", s.URL + "/contacts/c/journeys?x=1", nil,
			404, "application/json; charset=utf-8", `{"Message":"No HTTP resource was found that matches the request URI '` + s.URL + `/contacts/c/journeys?x=1'."}`},
		{"empty id", "GET", s.URL + "/contacts//communications", nil,
			404, "application/json; charset=utf-8", `{"Message":"No HTTP resource was found that matches the request URI '` + s.URL + `/contacts//communications'."}`},
		{"POST", "POST", commsURL(s, "c"), nil,
			405, "application/json; charset=utf-8", `{"Message":"The requested resource does not support http method 'POST'."}`},
		{"DELETE XML", "DELETE", commsURL(s, "c"), accept("application/xml"),
			405, "application/xml; charset=utf-8", `<Error><Message>The requested resource does not support http method 'DELETE'.</Message></Error>`},
	}
	for _, tt := range tests {
		got := get(t, tt.method, tt.url, tt.header)
		if got.status != tt.status || got.header.Get("Content-Type") != tt.contentType || got.body != tt.body {
			t.Errorf("%s: got %d %q %s\nwant %d %q %s", tt.name, got.status, got.header.Get("Content-Type"), got.body, tt.status, tt.contentType, tt.body)
		}
	}

	// Routes are case-insensitive and allow a trailing slash, as in ASP.NET.
	if got := get(t, "GET", root+"/which50api/Contacts/c/Communications/", nil); got.status != 200 {
		t.Errorf("case and trailing slash: %d %s, want 200", got.status, got.body)
	}
	// A client that drops the base path meets IIS's own HTML 404.
	got := get(t, "GET", root+"/contacts/c/communications", nil)
	if got.status != 404 || got.header.Get("Content-Type") != "text/html" || !strings.Contains(got.body, "404 - File or directory not found.") {
		t.Errorf("without base path: %d %q %.80s, want IIS's HTML 404", got.status, got.header.Get("Content-Type"), got.body)
	}
}

func TestServerHeaders(t *testing.T) {
	s := newTestServer(t)
	s.SetCommunications("c", DemoCommunications("c", 3, 1))
	got := get(t, "GET", commsURL(s, "c"), nil)
	for k, v := range map[string]string{"Cache-Control": "no-cache", "Server": "Microsoft-IIS/10.0", "Content-Length": strconv.Itoa(len(got.body))} {
		if got.header.Get(k) != v {
			t.Errorf("%s: %q, want %q", k, got.header.Get(k), v)
		}
	}
}

func TestServerEmptyStrings(t *testing.T) {
	s := newTestServer(t)
	item := which50.ContactInteraction{ID: 5, Interaction: which50.InteractionEmail, Name: "Welcome", Status: "Sent",
		Occurred: time.Date(2024, 12, 27, 18, 6, 0, 0, time.FixedZone("", 36000))}
	s.SetCommunications("c", []which50.ContactInteraction{item})

	if got := get(t, "GET", commsURL(s, "c"), nil); !strings.HasSuffix(got.body, `"CampaignId":0,"CampaignName":""}]`) {
		t.Errorf("default: %s", got.body)
	}
	s.SetEmptyStrings(EmptyAsNull)
	if got := get(t, "GET", commsURL(s, "c"), nil); !strings.HasSuffix(got.body, `"CampaignId":0,"CampaignName":null}]`) {
		t.Errorf("EmptyAsNull JSON: %s", got.body)
	}
	if got := get(t, "GET", commsURL(s, "c"), accept("application/xml")); !strings.Contains(got.body, `<CampaignName i:nil="true" />`) {
		t.Errorf("EmptyAsNull XML: %s", got.body)
	}
	s.SetEmptyStrings(EmptyOmitted)
	if got := get(t, "GET", commsURL(s, "c"), nil); !strings.HasSuffix(got.body, `"CampaignId":0}]`) {
		t.Errorf("EmptyOmitted JSON: %s", got.body)
	}
}

func TestServerSetCommunicationsCopiesAndReplaces(t *testing.T) {
	s := newTestServer(t)
	items := []which50.ContactInteraction{{ID: 1, Name: "first"}}
	s.SetCommunications("c", items)
	items[0].Name = "mutated by caller"
	if got := get(t, "GET", commsURL(s, "c"), nil); !strings.Contains(got.body, `"Name":"first"`) {
		t.Errorf("server did not keep its own copy: %s", got.body)
	}
	s.SetCommunications("c", []which50.ContactInteraction{{ID: 2, Name: "second"}})
	if got := get(t, "GET", commsURL(s, "c"), nil); !strings.Contains(got.body, `"Name":"second"`) {
		t.Errorf("cached body not replaced: %s", got.body)
	}
	s.DeleteContact("c")
	if got := get(t, "GET", commsURL(s, "c"), nil); got.status != 404 {
		t.Errorf("deleted contact: %d, want 404", got.status)
	}
}

func TestServerRequestLog(t *testing.T) {
	s := newTestServer(t)
	if _, ok := s.LastRequest(); ok || s.RequestCount() != 0 {
		t.Fatal("new server reports requests")
	}
	s.SetCommunications("a/b", nil)
	get(t, "GET", commsURL(s, "a/b"), http.Header{"X-Trace": {"1"}})
	get(t, "POST", s.URL+"/other", nil)

	if n := s.RequestCount(); n != 2 {
		t.Errorf("RequestCount = %d, want 2", n)
	}
	reqs := s.Requests()
	if len(reqs) != 2 {
		t.Fatalf("Requests() has %d entries, want 2", len(reqs))
	}
	want := []Request{
		{Method: "GET", Path: "/Which50API/contacts/a%2Fb/communications", ContactID: "a/b"},
		{Method: "POST", Path: "/Which50API/other"},
	}
	opt := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Header" }, cmp.Ignore())
	if diff := cmp.Diff(want, reqs, opt); diff != "" {
		t.Errorf("Requests() (-want +got):\n%s", diff)
	}
	if reqs[0].Header.Get("X-Trace") != "1" {
		t.Errorf("header not logged: %v", reqs[0].Header)
	}
	reqs[0].Header.Set("X-Trace", "changed")
	if s.Requests()[0].Header.Get("X-Trace") != "1" {
		t.Error("Requests() returned the server's own header map")
	}
}

func TestServerRequestLogIsBounded(t *testing.T) {
	s := newTestServer(t)
	hc := s.Client()
	for range maxLoggedRequests + 5 {
		resp, err := hc.Get(s.URL + "/x")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if n, logged := s.RequestCount(), len(s.Requests()); n != maxLoggedRequests+5 || logged != maxLoggedRequests {
		t.Errorf("count %d, logged %d; want %d and %d", n, logged, maxLoggedRequests+5, maxLoggedRequests)
	}
}

func TestServerConcurrentUse(t *testing.T) {
	s := newTestServer(t)
	ids := s.SeedDemo(4, 50)
	hc := s.Client()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				id := ids[(g+i)%len(ids)]
				switch i % 4 {
				case 0:
					s.SetCommunications(id, DemoCommunications(id, 50, int64(i)))
				case 1:
					s.QueueFaults(Fault{Status: 500})
				case 2:
					s.SetEmptyStrings(EmptyStrings(i % 3))
				}
				req, _ := http.NewRequest("GET", commsURL(s, id), nil)
				if g%2 == 0 {
					req.Header.Set("Accept", "application/xml")
				}
				resp, err := hc.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 && resp.StatusCode != 500 {
					t.Errorf("status %d", resp.StatusCode)
				}
				_ = s.Requests()
			}
		})
	}
	wg.Wait()
	if n := s.RequestCount(); n != 8*20 {
		t.Errorf("RequestCount = %d, want %d", n, 8*20)
	}
}

func TestServerCloseEndsPendingDelay(t *testing.T) {
	s := NewServer()
	s.SetCommunications("c", nil)
	s.SetLatency(time.Hour)
	errc := make(chan error, 1)
	go func() {
		hc := &http.Client{Transport: &http.Transport{}}
		resp, err := hc.Get(commsURL(s, "c"))
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	// Wait until the request is in the handler, then Close must not hang for an hour.
	for s.RequestCount() == 0 {
		time.Sleep(time.Millisecond)
	}
	s.Close()
	if err := <-errc; err == nil {
		t.Error("a request pending at Close got an answer")
	}
}
