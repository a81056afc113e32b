package which50_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/which50-go/which50"
)

// leaks reports the first run of four bytes or more of secret found in
// text, or "".
func leaks(text, secret string) string {
	for i := 0; i+4 <= len(secret); i++ {
		if strings.Contains(text, secret[i:i+4]) {
			return secret[i : i+4]
		}
	}
	return ""
}

// TestRetryAfterBeyondAnyInteger checks a Retry-After too large for any
// integer type: longer than the wait cap, so the call gives up at once
// with RetryAfter at its maximum.
func TestRetryAfterBeyondAnyInteger(t *testing.T) {
	t.Parallel()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Add("Retry-After", "99999999999999999999")
		writeHTTPError(w, http.StatusServiceUnavailable, "down")
	})
	_, err := relClient(t, srv.baseURL()).Contacts.Communications(context.Background(), "c1")
	apiErr := asAPIError(t, err)
	if apiErr.RetryAfter != time.Duration(1<<63-1) {
		t.Errorf("RetryAfter = %v, want the maximum duration", apiErr.RetryAfter)
	}
	if n := srv.reqs.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// TestDotSegmentsStayOneSegment checks that ids "." and ".." are sent
// escaped, never as a step in the path.
func TestDotSegmentsStayOneSegment(t *testing.T) {
	t.Parallel()
	var uris []string
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		uris = append(uris, r.RequestURI)
		writeBody(w, http.StatusOK, jsonCT, []byte("[]"))
	})
	c := relClient(t, srv.baseURL())
	for _, id := range []string{".", ".."} {
		if _, err := c.Contacts.Emails(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"/api/contacts/%2E/emails", "/api/contacts/%2E%2E/emails"}
	if strings.Join(uris, " ") != strings.Join(want, " ") {
		t.Errorf("request URIs %q, want %q", uris, want)
	}
}

// TestUnknownHostNotRetried checks that "no such host" is final, and that
// IsRetryable says so.
func TestUnknownHostNotRetried(t *testing.T) {
	t.Parallel()
	dials := 0
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials++
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "api.example.invalid", IsNotFound: true}}
	}}
	c := relClient(t, "http://api.example.invalid/", which50.WithHTTPClient(&http.Client{Transport: tr}))
	_, err := c.Contacts.Communications(context.Background(), "c1")
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) {
		t.Fatalf("err = %v, want a *net.DNSError", err)
	}
	if dials != 1 {
		t.Errorf("%d dials, want 1", dials)
	}
	if which50.IsRetryable(err) {
		t.Error("IsRetryable(no such host) = true")
	}
}

// TestIsRetryable checks the helper against what the client retries.
func TestIsRetryable(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]bool{429: true, 500: true, 502: true, 503: true, 504: true, 400: false, 401: false, 404: false, 501: false} {
		err := &which50.APIError{StatusCode: status}
		if got := which50.IsRetryable(fmt.Errorf("wrapped: %w", err)); got != want {
			t.Errorf("IsRetryable(%d) = %v, want %v", status, got, want)
		}
	}
	for _, err := range []error{nil, context.Canceled, context.DeadlineExceeded, &which50.DecodeError{}, which50.ErrResponseTooLarge, errors.New("which50: contact id is empty")} {
		if which50.IsRetryable(err) {
			t.Errorf("IsRetryable(%v) = true", err)
		}
	}
	if !which50.IsRetryable(fmt.Errorf("read: %w", io.ErrUnexpectedEOF)) {
		t.Error("IsRetryable(cut transfer) = false")
	}
	if !which50.IsRetryable(&net.OpError{Op: "dial", Err: errors.New("connection refused")}) {
		t.Error("IsRetryable(refused) = false")
	}
}

// TestRedirectBackToAPIHasNoCredentials sends the client from the API to
// another host that redirects back to the API: the hop back, chosen by the
// other host, carries no credential.
func TestRedirectBackToAPIHasNoCredentials(t *testing.T) {
	t.Parallel()
	const token = "redirect-secret-token-0123456789"
	var authOnReturn []string
	api := httptest.NewServer(nil)
	t.Cleanup(api.Close)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the other host got a credential")
		}
		http.Redirect(w, r, api.URL+"/api/contactLists/1/contact?match=Email", http.StatusTemporaryRedirect)
	}))
	t.Cleanup(other.Close)
	api.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/contacts/") {
			http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
			return
		}
		authOnReturn = append(authOnReturn, r.Header.Get("Authorization"))
		writeBody(w, http.StatusOK, jsonCT, []byte("[]"))
	})
	c := relClient(t, api.URL+"/api/", which50.WithAuth(which50.BearerToken(token)))
	c.Contacts.Communications(context.Background(), "c1")
	if len(authOnReturn) != 1 || authOnReturn[0] != "" {
		t.Errorf("Authorization on the hop back to the API: %q, want one request without it", authOnReturn)
	}
}

// TestQueryDroppedFromErrorURLs redirects to a URL whose query carries a
// token, on a port nobody listens on: the error names the URL without its
// query.
func TestQueryDroppedFromErrorURLs(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, "http://"+dead+"/cb?access_token=query-secret-987654#frag", http.StatusFound)
	})
	_, err = relClient(t, srv.baseURL(), which50.WithMaxRetries(0)).Contacts.Communications(context.Background(), "c1")
	if err == nil {
		t.Fatal("no error")
	}
	if s := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(s, "query-secret") || strings.Contains(s, "access_token") {
		t.Errorf("error shows the query: %s", s)
	}
}

// TestErrorTextIsOneLine has the server put line breaks and terminal
// escapes in its message and in values the decoder quotes: every error
// text and log record stays one line.
func TestErrorTextIsOneLine(t *testing.T) {
	t.Parallel()
	forged := "boom\nlevel=ERROR msg=\"forged\"\x1b[31m\r\u2028"
	cases := map[string]func(w http.ResponseWriter){
		"APIError message": func(w http.ResponseWriter) {
			writeBody(w, http.StatusNotFound, jsonCT, []byte(`{"Message":"`+strings.NewReplacer("\n", `\n`, "\x1b", `\u001b`, "\r", `\r`, "\"", `\"`).Replace(forged)+`"}`))
		},
		"quoted XML value": func(w http.ResponseWriter) {
			writeBody(w, http.StatusOK, xmlCT, []byte(`<ArrayOfContactInteraction xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts"><ContactInteraction><Id>1`+forged+`</Id></ContactInteraction></ArrayOfContactInteraction>`))
		},
		"content type": func(w http.ResponseWriter) {
			w.Header()["Content-Type"] = []string{"text/html\x1b[2J"}
			w.Write([]byte("<html>"))
		},
	}
	for name, answer := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) { answer(w) })
			rec := &logRecorder{}
			_, err := relClient(t, srv.baseURL(), which50.WithLogger(slog.New(rec))).Contacts.Communications(context.Background(), "c1")
			if err == nil {
				t.Fatal("no error")
			}
			texts := []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err)}
			for _, r := range rec.all() {
				for _, a := range r.Attrs {
					texts = append(texts, a.String())
				}
			}
			for _, s := range texts {
				if strings.ContainsAny(s, "\n\r\x1b\u2028") {
					t.Errorf("text is not one line: %q", s)
				}
			}
		})
	}
}

// TestNoFragmentOfATokenInErrors reflects the credential where an excerpt
// cuts it: across the 512-byte end of APIError.Body, and inside the
// 64-byte excerpt of a DecodeError. No run of four bytes of it may show.
func TestNoFragmentOfATokenInErrors(t *testing.T) {
	t.Parallel()
	const token = "Zq7Xw2Lp9Vr4Tn8Ks1Jm6Hb3Gd5Fc0Ae"
	cases := map[string]func(w http.ResponseWriter){
		"straddling the Body excerpt": func(w http.ResponseWriter) {
			writeBody(w, http.StatusNotFound, "text/plain", []byte(strings.Repeat("x", 500)+token+strings.Repeat("y", 100)))
		},
		"inside a DecodeError excerpt": func(w http.ResponseWriter) {
			writeBody(w, http.StatusOK, jsonCT, []byte(`[{"Id":1,"Name":"`+token[:20]+"\x01"+token[20:]+`"}]`))
		},
		"reflected in a 2xx Content-Type": func(w http.ResponseWriter) {
			w.Header()["Content-Type"] = []string{"text/html; x=" + token}
			w.Write([]byte("<html>"))
		},
		"reflected in an error Content-Type": func(w http.ResponseWriter) {
			writeBody(w, http.StatusNotFound, "text/plain; x="+token, []byte("no"))
		},
		"a quoted value cut short": func(w http.ResponseWriter) {
			writeBody(w, http.StatusOK, jsonCT, []byte(`[{"Id":1,"Occurred":"`+strings.Repeat("2", 50)+token+`"}]`))
		},
	}
	for name, answer := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) { answer(w) })
			_, err := relClient(t, srv.baseURL(), which50.WithAuth(which50.BearerToken(token))).Contacts.Communications(context.Background(), "c1")
			if err == nil {
				t.Fatal("no error")
			}
			texts := []string{err.Error(), fmt.Sprintf("%+v", err)}
			var apiErr *which50.APIError
			if errors.As(err, &apiErr) {
				texts = append(texts, apiErr.Body, apiErr.Message, apiErr.ContentType, fmt.Sprintf("%#v", apiErr))
			}
			var de *which50.DecodeError
			if errors.As(err, &de) {
				texts = append(texts, de.Excerpt, de.Error(), de.ContentType, fmt.Sprintf("%#v", de))
			}
			for _, s := range texts {
				if f := leaks(s, token); f != "" {
					t.Errorf("%q shows %q of the token", s, f)
				}
			}
		})
	}
}

// customAuth is an Authenticator the SDK does not know.
type customAuth struct{}

func (customAuth) Authenticate(r *http.Request) error {
	r.Header.Set("X-Custom-Auth", "custom-secret-abcdef123456")
	return nil
}

// TestCustomAuthenticatorSecretsScrubbed reflects a custom
// Authenticator's header in the answer: it is scrubbed like a built-in
// credential.
func TestCustomAuthenticatorSecretsScrubbed(t *testing.T) {
	t.Parallel()
	const secret = "custom-secret-abcdef123456"
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		v := r.Header.Get("X-Custom-Auth")
		w.Header().Set("X-Echo", v)
		writeBody(w, http.StatusNotFound, jsonCT, []byte(`{"Message":"bad key `+v+`"}`))
	})
	rec := &logRecorder{}
	_, err := relClient(t, srv.baseURL(), which50.WithAuth(customAuth{}), which50.WithLogger(slog.New(rec))).Contacts.Communications(context.Background(), "c1")
	apiErr := asAPIError(t, err)
	texts := []string{err.Error(), apiErr.Message, apiErr.Body, fmt.Sprint(apiErr.Header)}
	for _, r := range rec.all() {
		for _, a := range r.Attrs {
			texts = append(texts, a.String())
		}
	}
	for _, s := range texts {
		if f := leaks(s, secret); f != "" {
			t.Errorf("%q shows %q of the custom credential", s, f)
		}
	}
}

// TestNewClientRejectsWhatCannotGoOnTheWire checks credentials and the
// User-Agent for characters no header may hold.
func TestNewClientRejectsWhatCannotGoOnTheWire(t *testing.T) {
	t.Parallel()
	bad := map[string]which50.Option{
		"header name with a space":  which50.WithAuth(which50.APIKeyHeader("X Key", "k")),
		"header name with a colon":  which50.WithAuth(which50.APIKeyHeader("X:Key", "k")),
		"header name not ASCII":     which50.WithAuth(which50.APIKeyHeader("X-Schlüssel", "k")),
		"header name with a slash":  which50.WithAuth(which50.APIKeyHeader("X/Key", "k")),
		"key with NUL":              which50.WithAuth(which50.APIKeyHeader("X-Key", "a\x00b")),
		"key with DEL":              which50.WithAuth(which50.APIKeyHeader("X-Key", "a\x7fb")),
		"token with ESC":            which50.WithAuth(which50.BearerToken("tok\x1ben")),
		"token with a line break":   which50.WithAuth(which50.BearerToken("tok\nen")),
		"password with a control":   which50.WithAuth(which50.BasicAuth("user", "pa\x05ss")),
		"user agent with a control": which50.WithUserAgent("app\x01/1"),
	}
	for name, opt := range bad {
		if _, err := which50.NewClient(opt); err == nil {
			t.Errorf("%s: NewClient accepted it", name)
		}
	}
	if _, err := which50.NewClient(which50.WithAuth(which50.APIKeyHeader("X-Api-Key", "tab\tok")), which50.WithUserAgent("app/1 (x)")); err != nil {
		t.Errorf("valid options refused: %v", err)
	}
}

// endless writes head, then repeats unit until the client goes away or
// limit bytes were written.
func endless(w http.ResponseWriter, r *http.Request, head, unit string, limit int) {
	w.Header().Set("Content-Type", jsonCT)
	io.WriteString(w, head)
	chunk := strings.Repeat(unit, 64<<10/len(unit))
	for n := 0; n < limit && r.Context().Err() == nil; n += len(chunk) {
		if _, err := io.WriteString(w, chunk); err != nil {
			return
		}
	}
}

// TestSeqItemBound streams what no item bound would stop: one endless
// string, one endless number, one item of endless members. With default
// options the sequence ends with ErrResponseTooLarge, having held no more
// than about one item's bytes.
func TestSeqItemBound(t *testing.T) {
	t.Parallel()
	cases := map[string][2]string{
		"endless string":  {`[{"Id":1,"Name":"`, "a"},
		"endless number":  {`[{"Id":1`, "1"},
		"endless members": {`[{"Id":1`, `,"Name":"x"`},
		"endless values":  {`[{"Values":{`, `"k":1,`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				endless(w, r, tc[0], tc[1], 4*which50.MaxItemBytes)
			})
			c := relClient(t, srv.baseURL(), which50.WithMaxRetries(0))
			var err error
			if strings.Contains(name, "values") {
				for _, e := range c.Journeys.ContactsSeq(context.Background(), 1) {
					err = e
				}
			} else {
				for _, e := range c.Contacts.CommunicationsSeq(context.Background(), "c1") {
					err = e
				}
			}
			if !errors.Is(err, which50.ErrResponseTooLarge) {
				t.Errorf("err = %v, want ErrResponseTooLarge", err)
			}
		})
	}
}

// TestItemsBoundedByBodyBytes sends 2 MiB of empty objects: within the
// body cap, but 700,000 items would take hundreds of MiB. The call fails
// instead.
func TestItemsBoundedByBodyBytes(t *testing.T) {
	t.Parallel()
	body := "[" + strings.Repeat("{},", 700000) + "{}]"
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeBody(w, http.StatusOK, jsonCT, []byte(body))
	})
	items, err := relClient(t, srv.baseURL()).Contacts.Communications(context.Background(), "c1")
	if !errors.Is(err, which50.ErrResponseTooLarge) || items != nil {
		t.Errorf("got %d items, err %v; want ErrResponseTooLarge", len(items), err)
	}
}

// TestMalformedChunkingIsTransient breaks the chunked encoding of the
// first answer: a transport failure like a cut transfer, retried for a
// read, never an untyped error.
func TestMalformedChunkingIsTransient(t *testing.T) {
	t.Parallel()
	good := relJSON(t, relItems(2))
	url, conns := rawServer(t, func(n int, conn net.Conn, req *http.Request) {
		if n == 1 {
			fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n[{\"Id\r\nzz\r\n", jsonCT)
			return
		}
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", jsonCT, len(good), good)
	})
	items, err := relClient(t, url).Contacts.Communications(context.Background(), "c1")
	if err != nil || len(items) != 2 {
		t.Fatalf("got %d items, %v; want the retry's 2", len(items), err)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
	// Every attempt broken: the error is the transient one, retryable.
	url, _ = rawServer(t, func(n int, conn net.Conn, req *http.Request) {
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", jsonCT)
	})
	_, err = relClient(t, url, which50.WithMaxRetries(1)).Contacts.Communications(context.Background(), "c1")
	if err == nil || !which50.IsRetryable(err) {
		t.Errorf("err = %v, want a retryable transport failure", err)
	}
}

// TestManyNamespaceDeclarations declares tens of thousands of namespaces
// on the root, which every element's name would be resolved against: the
// decoder refuses them instead of doing quadratic work.
func TestManyNamespaceDeclarations(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`<ArrayOfContactInteraction xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts"`)
	for i := range 50000 {
		fmt.Fprintf(&b, ` xmlns:p%d="urn:x%d"`, i, i)
	}
	b.WriteString(">")
	for range 2000 {
		b.WriteString("<ContactInteraction><Id>1</Id></ContactInteraction>")
	}
	b.WriteString("</ArrayOfContactInteraction>")
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeBody(w, http.StatusOK, xmlCT, []byte(b.String()))
	})
	_, err := relClient(t, srv.baseURL()).Contacts.Communications(context.Background(), "c1")
	if !errors.Is(err, which50.ErrInvalidResponse) {
		t.Errorf("err = %v, want ErrInvalidResponse", err)
	}
}
