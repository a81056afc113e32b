package which50_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/which50-go/which50"
)

const basePath = "/Which50API/"

// setup starts a loopback server whose mux is mounted under basePath, so that a
// request that drops the base path fails, and a client pointed at it that
// retries quickly.
func setup(t *testing.T, opts ...which50.Option) (*which50.Client, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	api := http.NewServeMux()
	api.Handle(basePath, http.StripPrefix(strings.TrimSuffix(basePath, "/"), mux))
	api.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base path: %s %s", r.Method, r.URL.EscapedPath())
		http.Error(w, "outside base path", http.StatusBadGateway)
	})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	base := []which50.Option{
		which50.WithBaseURL(srv.URL + basePath),
		which50.WithRetryWait(time.Millisecond, 5*time.Millisecond),
	}
	c, err := which50.NewClient(append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, mux
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// serve answers the communications endpoint with a fixed body.
func serve(mux *http.ServeMux, contentType string, body []byte) {
	mux.HandleFunc("GET /contacts/{id}/communications", func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		} else {
			w.Header()["Content-Type"] = nil // no sniffing by net/http either
		}
		w.Write(body)
	})
}

func writeJSON(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	fmt.Fprint(w, body)
}

// helpSample is the item the help page's samples hold, twice.
func helpSample() []which50.ContactInteraction {
	it := which50.ContactInteraction{
		ID:           1,
		Interaction:  "sample string 2",
		Name:         "sample string 3",
		Occurred:     time.Date(2024, 12, 27, 18, 6, 0, 696096600, time.UTC),
		Status:       "sample string 4",
		CampaignID:   1,
		CampaignName: "sample string 5",
	}
	return []which50.ContactInteraction{it, it}
}

func TestNewClientValidates(t *testing.T) {
	tests := []struct {
		name string
		opt  which50.Option
	}{
		{"empty base URL", which50.WithBaseURL("")},
		{"relative base URL", which50.WithBaseURL("/Which50API/")},
		{"ftp base URL", which50.WithBaseURL("ftp://example.com/")},
		{"no host", which50.WithBaseURL("https:///Which50API/")},
		{"credentials in URL", which50.WithBaseURL("https://user:hunter2@example.com/")},
		{"query in URL", which50.WithBaseURL("https://example.com/api?key=hunter2")},
		{"unparsable URL", which50.WithBaseURL("https://exa mple.com/%zz")},
		{"nil HTTP client", which50.WithHTTPClient(nil)},
		{"nil auth", which50.WithAuth(nil)},
		{"empty bearer token", which50.WithAuth(which50.BearerToken(""))},
		{"empty API key", which50.WithAuth(which50.APIKeyHeader("X-API-Key", ""))},
		{"bad API key header", which50.WithAuth(which50.APIKeyHeader("X API Key", "k"))},
		{"empty basic user", which50.WithAuth(which50.BasicAuth("", "p"))},
		{"negative retries", which50.WithMaxRetries(-1)},
		{"negative wait", which50.WithRetryWait(-time.Second, time.Second)},
		{"max below min", which50.WithRetryWait(2*time.Second, time.Second)},
		{"unknown format", which50.WithFormat(which50.Format(7))},
		{"empty user agent", which50.WithUserAgent(" ")},
		{"zero max response bytes", which50.WithMaxResponseBytes(0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := which50.NewClient(tt.opt)
			if err == nil {
				t.Fatalf("NewClient = %v, nil; want an error", c)
			}
			if !strings.HasPrefix(err.Error(), "which50: ") {
				t.Errorf("error %q lacks the which50: prefix", err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q reveals a credential", err)
			}
		})
	}
	if _, err := which50.NewClient(); err != nil {
		t.Errorf("NewClient() with no options: %v", err)
	}
}

func TestCommunicationsRequest(t *testing.T) {
	ids := []string{
		"abc123",
		"q1w2/e3r4+t5y6==",
		"with space/and+plus=",
		"%2F-looking",
		"ünïcode/ids",
	}
	for _, format := range []which50.Format{which50.FormatJSON, which50.FormatXML} {
		for _, id := range ids {
			t.Run(format.String()+"/"+id, func(t *testing.T) {
				c, mux := setup(t, which50.WithFormat(format), which50.WithUserAgent("myapp/1.2"))
				var gotID, gotAccept, gotUA, gotMethod string
				mux.HandleFunc("/contacts/{id}/communications", func(w http.ResponseWriter, r *http.Request) {
					gotID, gotMethod = r.PathValue("id"), r.Method
					gotAccept, gotUA = r.Header.Get("Accept"), r.Header.Get("User-Agent")
					writeJSON(w, "[]")
				})
				if _, err := c.Contacts.Communications(context.Background(), id); err != nil {
					t.Fatal(err)
				}
				if gotID != id {
					t.Errorf("server saw id %q, want %q", gotID, id)
				}
				if gotMethod != http.MethodGet {
					t.Errorf("method = %s, want GET", gotMethod)
				}
				wantAccept := map[which50.Format]string{which50.FormatJSON: "application/json", which50.FormatXML: "application/xml"}[format]
				if gotAccept != wantAccept {
					t.Errorf("Accept = %q, want %q", gotAccept, wantAccept)
				}
				if want := "myapp/1.2 which50-go/" + which50.Version; gotUA != want {
					t.Errorf("User-Agent = %q, want %q", gotUA, want)
				}
			})
		}
	}
}

func TestBaseURLPathPrefixKept(t *testing.T) {
	for _, suffix := range []string{"/", ""} {
		var got string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = r.URL.EscapedPath()
			writeJSON(w, "[]")
		}))
		c, err := which50.NewClient(which50.WithBaseURL(srv.URL + "/Which50API" + suffix))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Contacts.Communications(context.Background(), "a/b"); err != nil {
			t.Fatal(err)
		}
		srv.Close()
		if want := "/Which50API/contacts/a%2Fb/communications"; got != want {
			t.Errorf("base %q: path = %q, want %q", "/Which50API"+suffix, got, want)
		}
	}
}

func TestEmptyContactIDMakesNoRequest(t *testing.T) {
	c, mux := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	if _, err := c.Contacts.Communications(context.Background(), ""); err == nil {
		t.Error("Communications(\"\") succeeded")
	}
	for _, err := range c.Contacts.CommunicationsSeq(context.Background(), "") {
		if err == nil {
			t.Error("CommunicationsSeq(\"\") yielded an item")
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests made for an empty id", n)
	}
}

func TestCommunicationsDecodesByContentType(t *testing.T) {
	jsonBody := readFile(t, "testdata/help_json.json")
	cspBody := readFile(t, "testdata/help_csp_report.json")
	xmlBody := readFile(t, "testdata/help_xml.xml")
	tests := []struct {
		contentType string
		body        []byte
	}{
		{"application/json; charset=utf-8", jsonBody},
		{"text/json", jsonBody},
		{"application/csp-report", cspBody},
		{"application/vnd.which50+json", jsonBody},
		{"APPLICATION/JSON", jsonBody},
		{"application/xml; charset=utf-8", xmlBody},
		{"text/xml", xmlBody},
		{"application/vnd.which50+xml", xmlBody},
		{"", jsonBody}, // sniffed
		{"", xmlBody},  // sniffed
		{"", append([]byte("\ufeff"), xmlBody...)},
		{"application/json", append([]byte("\ufeff"), jsonBody...)},
	}
	for _, tt := range tests {
		t.Run(tt.contentType, func(t *testing.T) {
			// The client asks for the other format, to show the response's
			// Content-Type decides.
			c, mux := setup(t, which50.WithFormat(which50.FormatXML))
			serve(mux, tt.contentType, tt.body)
			got, err := c.Contacts.Communications(context.Background(), "x")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(helpSample(), got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			for _, it := range got {
				if name, off := it.Occurred.Zone(); off != 0 {
					t.Errorf("zone = %q %d, want offset 0", name, off)
				}
			}
		})
	}
}

func TestCommunicationsEmptyResults(t *testing.T) {
	const ns = `xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts"`
	tests := []struct {
		name, contentType, body string
		status                  int
	}{
		{"json empty list", "application/json", "[]", 200},
		{"json null", "application/json; charset=utf-8", "null", 200},
		{"xml empty root", "application/xml", "<ArrayOfContactInteraction " + ns + " />", 200},
		{"xml nil root", "application/xml", `<ArrayOfContactInteraction i:nil="true" ` + ns + " />", 200},
		{"no content", "", "", http.StatusNoContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t)
			mux.HandleFunc("/contacts/{id}/communications", func(w http.ResponseWriter, r *http.Request) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			})
			got, err := c.Contacts.Communications(context.Background(), "x")
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || len(got) != 0 {
				t.Errorf("got %#v, want an empty, non-nil slice", got)
			}
		})
	}
}

func TestCommunicationsRejectsOtherContent(t *testing.T) {
	html := "<html><head><title>Service Unavailable</title></head><body><h1>Down for maintenance</h1></body></html>"
	tests := []struct{ name, contentType, body string }{
		{"html page", "text/html; charset=utf-8", html},
		{"plain text", "text/plain", "OK"},
		{"malformed json", "application/json", `[{"Id":1,"Name":"x"`},
		{"object not list", "application/json", `{"Message":"hi"}`},
		{"malformed xml", "application/xml", `<ArrayOfContactInteraction xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts"><ContactInteraction><Id>1</Id>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t)
			serve(mux, tt.contentType, []byte(tt.body))
			got, err := c.Contacts.Communications(context.Background(), "x")
			if err == nil {
				t.Fatalf("got %v, nil; want an error", got)
			}
			if got != nil {
				t.Errorf("partial result %v returned with the error", got)
			}
			var de *which50.DecodeError
			if !errors.As(err, &de) || !errors.Is(err, which50.ErrInvalidResponse) {
				t.Fatalf("error %v (%T) is not a *DecodeError matching ErrInvalidResponse", err, err)
			}
			if de.StatusCode != 200 || de.ContentType != tt.contentType {
				t.Errorf("DecodeError status %d type %q, want 200 %q", de.StatusCode, de.ContentType, tt.contentType)
			}
			if strings.Contains(err.Error(), "<h1>") {
				t.Errorf("error text dumps the HTML page: %v", err)
			}
			for _, s := range []error{which50.ErrNotFound, which50.ErrInternalServerError, which50.ErrUnauthorized} {
				if errors.Is(err, s) {
					t.Errorf("decode error matches %v", s)
				}
			}
		})
	}
}

func TestStatusErrors(t *testing.T) {
	sentinels := map[int]error{
		401: which50.ErrUnauthorized,
		403: which50.ErrForbidden,
		404: which50.ErrNotFound,
		500: which50.ErrInternalServerError,
		429: which50.ErrRateLimited,
	}
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantMessage string
	}{
		{"401 json", 401, "application/json; charset=utf-8", `{"Message":"Authorization has been denied for this request."}`, "Authorization has been denied for this request."},
		{"401 empty", 401, "", "", "Unauthorized"},
		{"403 xml", 403, "application/xml; charset=utf-8", `<Error><Message>The user does not have the relevant permissions.</Message></Error>`, "The user does not have the relevant permissions."},
		{"404 camelCase", 404, "application/json", `{"message":"The specified Contact was not found."}`, "The specified Contact was not found."},
		{"404 IIS html", 404, "text/html", `<!DOCTYPE html><html><body><h2>404 - File or directory not found.</h2></body></html>`, "Not Found"},
		{"500 exception", 500, "application/json", `{"ExceptionType":"System.InvalidOperationException","Message":"An error has occurred.","StackTrace":"   at W50API..."}`, "An error has occurred."},
		{"400 model state", 400, "application/json", `{"Message":"The request is invalid.","ModelState":{"id":["bad"]}}`, "The request is invalid."},
		{"409 no body", 409, "", "", "Conflict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux := setup(t, which50.WithMaxRetries(0))
			mux.HandleFunc("/contacts/{id}/communications", func(w http.ResponseWriter, r *http.Request) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				} else {
					w.Header()["Content-Type"] = nil
				}
				w.Header().Set("X-Request-Id", "req-42")
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			})
			_, err := c.Contacts.Communications(context.Background(), "x")
			var apiErr *which50.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v (%T) is not an *APIError", err, err)
			}
			if apiErr.StatusCode != tt.status || apiErr.Message != tt.wantMessage {
				t.Errorf("APIError{%d, %q}, want {%d, %q}", apiErr.StatusCode, apiErr.Message, tt.status, tt.wantMessage)
			}
			if apiErr.RequestID != "req-42" {
				t.Errorf("RequestID = %q", apiErr.RequestID)
			}
			if apiErr.Body != tt.body {
				t.Errorf("Body = %q, want %q", apiErr.Body, tt.body)
			}
			for code, s := range sentinels {
				if got, want := errors.Is(err, s), code == tt.status; got != want {
					t.Errorf("errors.Is(err, %v) = %v, want %v", s, got, want)
				}
			}
			if strings.Contains(err.Error(), "<") || strings.Contains(err.Error(), "StackTrace") {
				t.Errorf("error text dumps the body: %q", err)
			}
			if !strings.HasPrefix(err.Error(), "which50: ") {
				t.Errorf("error text %q lacks the prefix", err)
			}
		})
	}
}

func TestRetriesThenSucceeds(t *testing.T) {
	c, mux := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("/contacts/{id}/communications", func(w http.ResponseWriter, r *http.Request) {
		switch hits.Add(1) {
		case 1:
			w.Header().Set("Content-Type", "text/html; charset=us-ascii")
			w.Header().Set("Server", "Microsoft-HTTPAPI/2.0")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, "<HTML><BODY><h1>Service Unavailable</h1></BODY></HTML>")
		case 2:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Write(readFile(t, "testdata/help_json.json"))
		}
	})
	got, err := c.Contacts.Communications(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(helpSample(), got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if n := hits.Load(); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestRetriesExhaustedGiveLastAPIError(t *testing.T) {
	c, mux := setup(t, which50.WithMaxRetries(2))
	var hits atomic.Int32
	mux.HandleFunc("/contacts/{id}/communications", func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, `{"Message":"An error has occurred.","ExceptionMessage":"attempt %d"}`, n)
	})
	_, err := c.Contacts.Communications(context.Background(), "x")
	var apiErr *which50.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, which50.ErrInternalServerError) {
		t.Fatalf("error %v (%T), want an *APIError matching ErrInternalServerError", err, err)
	}
	if hits.Load() != 3 || apiErr.Attempts != 3 {
		t.Errorf("%d requests, Attempts %d; want 3 and 3", hits.Load(), apiErr.Attempts)
	}
	if !strings.Contains(apiErr.Body, "attempt 3") {
		t.Errorf("Body %q is not the last response's", apiErr.Body)
	}
	if strings.Contains(err.Error(), "giving up") {
		t.Errorf("error is retryablehttp's text: %v", err)
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 405, 409, 422} {
		c, mux := setup(t)
		var hits atomic.Int32
		mux.HandleFunc("/contacts/{id}/communications", func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			w.WriteHeader(status)
		})
		_, err := c.Contacts.Communications(context.Background(), "x")
		if err == nil {
			t.Fatalf("status %d: no error", status)
		}
		if n := hits.Load(); n != 1 {
			t.Errorf("status %d: %d requests, want 1", status, n)
		}
	}
}

func TestCredentialsOnlyToAPIHost(t *testing.T) {
	auths := map[string]which50.Authenticator{
		"bearer":  which50.BearerToken("tok-s3cret"),
		"api key": which50.APIKeyHeader("X-Which50-Key", "key-s3cret"),
		"basic":   which50.BasicAuth("me", "pw-s3cret"),
	}
	for name, auth := range auths {
		t.Run(name, func(t *testing.T) {
			var leaked atomic.Value
			leaked.Store("")
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range r.Header {
					if strings.Contains(strings.Join(v, " "), "s3cret") || strings.EqualFold(k, "Authorization") {
						leaked.Store(k)
					}
				}
				writeJSON(w, "[]")
			}))
			defer other.Close()
			var sawAuth atomic.Bool
			c, mux := setup(t, which50.WithAuth(auth))
			mux.HandleFunc("/contacts/{id}/communications", func(w http.ResponseWriter, r *http.Request) {
				for _, v := range r.Header {
					if strings.Contains(strings.Join(v, " "), "s3cret") || r.Header.Get("Authorization") != "" {
						sawAuth.Store(true)
					}
				}
				http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
			})
			if _, err := c.Contacts.Communications(context.Background(), "x"); err != nil {
				t.Fatal(err)
			}
			if !sawAuth.Load() {
				t.Error("the API host did not get the credential")
			}
			if k := leaked.Load().(string); k != "" {
				t.Errorf("credential header %q sent to another host", k)
			}
		})
	}
}

func TestAuthenticatorsSetHeaders(t *testing.T) {
	tests := []struct {
		auth         which50.Authenticator
		header, want string
	}{
		{which50.BearerToken("t0k"), "Authorization", "Bearer t0k"},
		{which50.APIKeyHeader("x-api-key", "k3y"), "X-Api-Key", "k3y"},
		{which50.BasicAuth("user", "pa:ss"), "Authorization", "Basic dXNlcjpwYTpzcw=="},
	}
	for _, tt := range tests {
		c, mux := setup(t, which50.WithAuth(tt.auth))
		var got string
		mux.HandleFunc("/contacts/{id}/communications", func(w http.ResponseWriter, r *http.Request) {
			got = r.Header.Get(tt.header)
			writeJSON(w, "[]")
		})
		if _, err := c.Contacts.Communications(context.Background(), "x"); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s = %q, want %q", tt.header, got, tt.want)
		}
	}
}

// A transport is enough to show that the caller's client is used, and not changed.
func TestWithHTTPClientUsesCallersTransportUnchanged(t *testing.T) {
	transport := httpmock.NewMockTransport()
	transport.RegisterResponder(http.MethodGet, "https://api.test/W/contacts/x/communications",
		httpmock.NewBytesResponder(200, readFile(t, "testdata/help_json.json")).HeaderSet(http.Header{"Content-Type": {"application/json"}}))
	hc := &http.Client{Transport: transport, Timeout: 7 * time.Second}
	c, err := which50.NewClient(which50.WithHTTPClient(hc), which50.WithBaseURL("https://api.test/W"), which50.WithAuth(which50.BearerToken("t")))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Contacts.Communications(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(helpSample(), got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if transport.GetTotalCallCount() != 1 {
		t.Errorf("transport called %d times", transport.GetTotalCallCount())
	}
	if hc.Transport != transport || hc.Timeout != 7*time.Second || hc.CheckRedirect != nil {
		t.Error("the caller's http.Client was changed")
	}
	if http.DefaultClient.Transport != nil {
		t.Error("http.DefaultClient was changed")
	}
}

func TestConcurrentUse(t *testing.T) {
	c, mux := setup(t, which50.WithAuth(which50.BearerToken("t")))
	body := readFile(t, "testdata/help_json.json")
	mux.HandleFunc("/contacts/{id}/communications", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "missing" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	errc := make(chan error, 40)
	for i := range 40 {
		go func() {
			id := "c" + fmt.Sprint(i)
			if i%4 == 0 {
				id = "missing"
			}
			got, err := c.Contacts.Communications(context.Background(), id)
			switch {
			case id == "missing" && !errors.Is(err, which50.ErrNotFound):
				errc <- fmt.Errorf("%s: %v, want ErrNotFound", id, err)
			case id != "missing" && (err != nil || len(got) != 2):
				errc <- fmt.Errorf("%s: %d items, %v", id, len(got), err)
			default:
				errc <- nil
			}
		}()
	}
	for range 40 {
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}
}
