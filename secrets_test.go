package which50_test

// Secrets tests: credentials never reach error text, formatted
// values, structured logs, URLs, or another host through a redirect.

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/which50-go/which50"
)

// secretCase is one way to authenticate, with the strings that must never
// show, and the header that carries them.
type secretCase struct {
	name    string
	auth    which50.Authenticator
	header  string
	secrets []string
}

func secretCases() []secretCase {
	const token = "tok-9f8e7d6c5b4a+/=Zq"
	const key = "key-0a1b2c3d4e5f6789"
	const user, password = "svc-user", "pw-Secr3t!x9"
	return []secretCase{
		{"bearer", which50.BearerToken(token), "Authorization", []string{token}},
		{"api key", which50.APIKeyHeader("X-Api-Key", key), "X-Api-Key", []string{key}},
		{"basic", which50.BasicAuth(user, password), "Authorization",
			[]string{password, base64.StdEncoding.EncodeToString([]byte(user + ":" + password))}},
	}
}

// assertNoSecret fails if text contains any of the secrets.
func assertNoSecret(t *testing.T, what, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s leaks the secret %q: %s", what, s, text)
		}
	}
}

// echoServer answers with an HttpError whose message echoes the request's
// credential header (as a careless service might), in JSON or XML, with the
// given status. It records every request URL it sees.
type echoServer struct {
	*relServer
	mu   sync.Mutex
	urls []string
}

func newEchoServer(t *testing.T, header string) *echoServer {
	t.Helper()
	e := &echoServer{}
	e.relServer = newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		e.mu.Lock()
		e.urls = append(e.urls, r.URL.String(), r.RequestURI)
		e.mu.Unlock()
		status := http.StatusUnauthorized
		if strings.Contains(r.URL.Path, "/fail500-") {
			status = http.StatusInternalServerError
		}
		msg := "Authorization has been denied for this request. You sent " + header + ": " + r.Header.Get(header)
		if strings.Contains(r.URL.Path, "/echohdr-") {
			// Debugging middleware that reflects the request's headers.
			w.Header().Set("X-Echo-"+header, r.Header.Get(header))
		}
		if strings.Contains(r.URL.Path, "-xml/") {
			var b bytes.Buffer
			b.WriteString("<Error><Message>")
			b.WriteString(msg) // the secrets hold no XML metacharacters
			b.WriteString("</Message><ExceptionMessage>")
			b.WriteString(r.Header.Get(header))
			b.WriteString("</ExceptionMessage></Error>")
			writeBody(w, status, "application/xml; charset=utf-8", b.Bytes())
			return
		}
		writeBody(w, status, jsonCT, fmt.Appendf(nil, `{"Message":%q,"ExceptionMessage":%q,"StackTrace":%q}`,
			msg, r.Header.Get(header), "at Auth.Check(String credential = "+r.Header.Get(header)+")"))
	})
	return e
}

// TestSecretsNotInErrorsOrLogs sends each credential to a server that echoes
// it back in 401 and 500 bodies, JSON and XML, and checks the error text, the
// APIError's fields, the client's own logs (JSON and text) and the URLs.
func TestSecretsNotInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	for _, sc := range secretCases() {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			srv := newEchoServer(t, sc.header)
			var jsonLog, textLog bytes.Buffer
			var logMu sync.Mutex
			opts := &slog.HandlerOptions{Level: slog.LevelDebug}
			logger := slog.New(&fanout{mu: &logMu, hs: []slog.Handler{
				slog.NewJSONHandler(&jsonLog, opts), slog.NewTextHandler(&textLog, opts),
			}})
			c := relClient(t, srv.baseURL(), which50.WithAuth(sc.auth), which50.WithMaxRetries(1),
				which50.WithLogger(logger))

			for _, id := range []string{"fail401-json", "fail401-xml", "fail500-json", "fail500-xml"} {
				_, err := c.Contacts.Communications(context.Background(), id)
				apiErr := asAPIError(t, err)
				if !strings.Contains(apiErr.Message, "Authorization has been denied") {
					t.Errorf("%s: Message = %q, want the server's message (redacted)", id, apiErr.Message)
				}
				assertNoSecret(t, id+": err.Error()", err.Error(), sc.secrets)
				for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
					assertNoSecret(t, id+": "+verb+" of the error", fmt.Sprintf(verb, err), sc.secrets)
				}
				assertNoSecret(t, id+": APIError.Message", apiErr.Message, sc.secrets)
				assertNoSecret(t, id+": APIError.Body", apiErr.Body, sc.secrets)
				logger.Error("call failed", "err", err, "client", c, "auth", sc.auth)
			}

			// The echo proves the secret did travel, so its absence above means something.
			if !srv.sawCredential(t, sc) {
				t.Fatal("the server never received the credential")
			}
			logMu.Lock()
			defer logMu.Unlock()
			if !strings.Contains(jsonLog.String(), `"level":"DEBUG"`) || !strings.Contains(jsonLog.String(), `"level":"WARN"`) {
				t.Errorf("want the client's debug and warn records in the log:\n%s", jsonLog.String())
			}
			assertNoSecret(t, "JSON log", jsonLog.String(), sc.secrets)
			assertNoSecret(t, "text log", textLog.String(), sc.secrets)
			srv.mu.Lock()
			assertNoSecret(t, "request URLs", strings.Join(srv.urls, "\n"), sc.secrets)
			srv.mu.Unlock()
		})
	}
}

// sawCredential makes one more request with a plain client, using the
// authenticator directly, to check the echo path: the body must hold the
// secret. It reports whether it did.
func (e *echoServer) sawCredential(t *testing.T, sc secretCase) bool {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.baseURL()+"contacts/probe-json/communications", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.auth.Authenticate(req); err != nil {
		t.Fatal(err)
	}
	resp, err := e.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return strings.Contains(b.String(), sc.secrets[len(sc.secrets)-1])
}

// TestSecretsNotInReflectedResponseHeaders has the server reflect the
// credential in a response header: the APIError keeps the headers, and %#v
// of the error (or its Header field) must not show the secret.
func TestSecretsNotInReflectedResponseHeaders(t *testing.T) {
	t.Parallel()
	for _, sc := range secretCases() {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			srv := newEchoServer(t, sc.header)
			c := relClient(t, srv.baseURL(), which50.WithAuth(sc.auth), which50.WithMaxRetries(0))
			_, err := c.Contacts.Communications(context.Background(), "echohdr-fail401-json")
			apiErr := asAPIError(t, err)
			if len(apiErr.Header) == 0 {
				t.Fatal("APIError.Header is empty")
			}
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
				assertNoSecret(t, verb+" of the error", fmt.Sprintf(verb, err), sc.secrets)
			}
			assertNoSecret(t, "APIError.Header", fmt.Sprint(apiErr.Header), sc.secrets)
		})
	}
}

// fanout is a slog.Handler writing each record to several handlers.
type fanout struct {
	mu *sync.Mutex
	hs []slog.Handler
}

func (f *fanout) Enabled(ctx context.Context, l slog.Level) bool { return true }

func (f *fanout) Handle(ctx context.Context, r slog.Record) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, h := range f.hs {
		if err := h.Handle(ctx, r.Clone()); err != nil {
			return err
		}
	}
	return nil
}

func (f *fanout) WithAttrs(as []slog.Attr) slog.Handler {
	hs := make([]slog.Handler, len(f.hs))
	for i, h := range f.hs {
		hs[i] = h.WithAttrs(as)
	}
	return &fanout{mu: f.mu, hs: hs}
}

func (f *fanout) WithGroup(name string) slog.Handler {
	hs := make([]slog.Handler, len(f.hs))
	for i, h := range f.hs {
		hs[i] = h.WithGroup(name)
	}
	return &fanout{mu: f.mu, hs: hs}
}

// TestSecretsNotInFormattedValues formats the Client and each Authenticator
// with every verb, and logs them with slog's JSON and text handlers.
func TestSecretsNotInFormattedValues(t *testing.T) {
	t.Parallel()
	for _, sc := range secretCases() {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			c, err := which50.NewClient(which50.WithAuth(sc.auth))
			if err != nil {
				t.Fatal(err)
			}
			values := map[string]any{"client": c, "authenticator": sc.auth,
				"struct holding the client":        struct{ C *which50.Client }{c},
				"struct holding the authenticator": struct{ A which50.Authenticator }{sc.auth}}
			for what, v := range values {
				for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
					assertNoSecret(t, verb+" of the "+what, fmt.Sprintf(verb, v), sc.secrets)
				}
			}
			var jsonLog, textLog bytes.Buffer
			for _, l := range []*slog.Logger{slog.New(slog.NewJSONHandler(&jsonLog, nil)), slog.New(slog.NewTextHandler(&textLog, nil))} {
				l.Info("configured", "client", c, "auth", sc.auth)
				l.Info("grouped", slog.Group("sdk", slog.Any("client", c), slog.Any("auth", sc.auth)))
			}
			assertNoSecret(t, "JSON log", jsonLog.String(), sc.secrets)
			assertNoSecret(t, "text log", textLog.String(), sc.secrets)
			if !strings.Contains(jsonLog.String(), "app.which50.com") {
				t.Errorf("the JSON log does not describe the client: %s", jsonLog.String())
			}
		})
	}
}

// appConfig is how a caller might keep the SDK's values: unexported fields,
// where fmt cannot call their String or Format methods.
type appConfig struct {
	auth   which50.Authenticator
	client *which50.Client
}

// TestSecretsNotInNestedFormatting formats values that reach the Client or an
// Authenticator where fmt cannot call their String or Format method:
// unexported fields of the caller's own structs, the Contacts service, a
// dereferenced Client.
func TestSecretsNotInNestedFormatting(t *testing.T) {
	t.Parallel()
	for _, sc := range secretCases() {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			c, err := which50.NewClient(which50.WithAuth(sc.auth))
			if err != nil {
				t.Fatal(err)
			}
			values := map[string]any{"contacts service": c.Contacts, "client value": *c,
				"caller's struct": appConfig{auth: sc.auth, client: c}, "pointer to caller's struct": &appConfig{auth: sc.auth, client: c}}
			verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"}
			for what, v := range values {
				for _, verb := range verbs {
					if strings.HasPrefix(what, "caller's") || strings.HasPrefix(what, "pointer to caller's") {
						if verb != "%v" && verb != "%+v" && verb != "%#v" {
							continue // see TestSecretsNotInBadVerbOfCallersStruct
						}
					}
					assertNoSecret(t, verb+" of the "+what, fmt.Sprintf(verb, v), sc.secrets)
				}
			}
		})
	}
}

// TestSecretsNotInBadVerbOfCallersStruct formats a caller's struct holding
// an Authenticator in an unexported field with verbs that do not suit a
// pointer: fmt then prints the pointed-to struct one level deep.
func TestSecretsNotInBadVerbOfCallersStruct(t *testing.T) {
	t.Parallel()
	for _, sc := range secretCases() {
		c, err := which50.NewClient(which50.WithAuth(sc.auth))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []any{appConfig{auth: sc.auth, client: c}, &appConfig{auth: sc.auth, client: c}} {
			for _, verb := range []string{"%s", "%q", "%x", "%d", "%t"} {
				assertNoSecret(t, sc.name+": "+verb+" of a caller's struct", fmt.Sprintf(verb, v), sc.secrets)
			}
		}
	}
}

// headerSetter is a custom Authenticator using a header of its own.
type headerSetter struct{ name, value string }

func (h headerSetter) Authenticate(req *http.Request) error {
	req.Header.Set(h.name, h.value)
	return nil
}

// TestRedirectToOtherHostCarriesNoCredential redirects from the API host to
// a second loopback server, and to the same server under another host name:
// neither hop may carry the credential, whatever header carries it. A
// redirect within the API host keeps it.
func TestRedirectToOtherHostCarriesNoCredential(t *testing.T) {
	t.Parallel()
	cases := secretCases()
	cases = append(cases, secretCase{"custom header", headerSetter{"X-Signature", "sig-5e4d3c2b1a"}, "X-Signature",
		[]string{"sig-5e4d3c2b1a"}})
	for _, sc := range cases {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			type seen struct {
				host   string
				path   string
				header http.Header
			}
			var mu sync.Mutex
			var hops []seen
			record := func(r *http.Request) {
				mu.Lock()
				hops = append(hops, seen{r.Host, r.URL.Path, r.Header.Clone()})
				mu.Unlock()
			}
			other := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				record(r)
				writeBody(w, http.StatusOK, jsonCT, []byte("[]"))
			})
			var api *relServer
			api = newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				record(r)
				switch {
				case strings.Contains(r.URL.Path, "/to-other/"):
					http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
				case strings.Contains(r.URL.Path, "/to-alias/"):
					// Same listener, another host name: another host all the same.
					alias := strings.Replace(api.URL, "127.0.0.1", "localhost", 1)
					http.Redirect(w, r, alias+"/alias", http.StatusTemporaryRedirect)
				case strings.Contains(r.URL.Path, "/to-self/"):
					http.Redirect(w, r, "/api/contacts/target/communications", http.StatusMovedPermanently)
				default:
					writeBody(w, http.StatusOK, jsonCT, []byte("[]"))
				}
			})
			c := relClient(t, api.baseURL(), which50.WithAuth(sc.auth))
			for _, id := range []string{"to-other", "to-alias", "to-self"} {
				if _, err := c.Contacts.Communications(context.Background(), id); err != nil {
					t.Errorf("%s: %v", id, err)
				}
			}

			mu.Lock()
			defer mu.Unlock()
			apiHost := strings.TrimPrefix(api.URL, "http://")
			var onAPI, offAPI int
			for _, h := range hops {
				var text strings.Builder
				h.header.Write(&text)
				if h.host == apiHost {
					onAPI++
					if h.header.Get(sc.header) == "" {
						t.Errorf("request to the API host (%s) lacks the %s header", h.path, sc.header)
					}
					continue
				}
				offAPI++
				if h.header.Get(sc.header) != "" {
					t.Errorf("request to %s%s carries the %s header", h.host, h.path, sc.header)
				}
				assertNoSecret(t, "headers sent to "+h.host+h.path, text.String(), sc.secrets)
			}
			if onAPI != 4 || offAPI != 2 {
				t.Errorf("%d requests to the API host and %d elsewhere, want 4 and 2", onAPI, offAPI)
			}
		})
	}
}

// TestCustomAuthenticatorErrorIsNotRetriedNorLeaked checks an Authenticator
// that fails: no request goes out and its error is wrapped, not retried.
func TestCustomAuthenticatorErrorIsNotRetriedNorLeaked(t *testing.T) {
	t.Parallel()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeBody(w, http.StatusOK, jsonCT, []byte("[]"))
	})
	errVault := errors.New("vault sealed")
	c := relClient(t, srv.baseURL(), which50.WithAuth(failingAuth{errVault}))
	_, err := c.Contacts.Communications(context.Background(), "c1")
	if !errors.Is(err, errVault) {
		t.Fatalf("err = %v, want it to wrap the authenticator's error", err)
	}
	if !strings.HasPrefix(err.Error(), "which50: ") {
		t.Errorf("err.Error() = %q, want the which50: prefix", err.Error())
	}
	if n := srv.reqs.Load(); n != 0 {
		t.Errorf("server saw %d requests, want 0", n)
	}
}

type failingAuth struct{ err error }

func (a failingAuth) Authenticate(*http.Request) error { return a.err }
