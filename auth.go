package which50

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
)

// Authenticator adds credentials to an outgoing request. The client calls it
// on a clone of each request it sends to the API's own host, and never on a
// request to another host (such as the target of a cross-host redirect), so
// an implementation may set any header it likes.
//
// Implementations must be safe for concurrent use.
type Authenticator interface {
	Authenticate(req *http.Request) error
}

// BearerToken returns an Authenticator that sends "Authorization: Bearer <token>".
// An empty token makes NewClient fail.
func BearerToken(token string) Authenticator { return &bearerToken{token: &secret{token}} }

// APIKeyHeader returns an Authenticator that sends the key in the named header,
// such as APIKeyHeader("X-API-Key", key). An empty or invalid header name, or
// an empty key, makes NewClient fail.
func APIKeyHeader(header, key string) Authenticator {
	return &apiKeyHeader{header: textproto.CanonicalMIMEHeaderKey(header), key: &secret{key}}
}

// BasicAuth returns an Authenticator that sends HTTP basic authentication.
// An empty user name makes NewClient fail.
func BasicAuth(user, password string) Authenticator {
	return &basicAuth{user: &secret{user}, password: &secret{password}}
}

// The built-in authenticators are pointers, so that fmt, reaching one
// nested in another value, prints an address rather than the secret. They
// know their secrets, so that the client can
// validate them up front and scrub them from anything it reports.
type secretHolder interface {
	validate() error
	secrets() []string
}

const redacted = "REDACTED"

// secret holds a credential behind a pointer: fmt, printing an
// authenticator nested in a caller's struct, shows its fields one level
// deep, and there a *secret is just an address.
type secret struct{ v string }

func (s *secret) Format(f fmt.State, _ rune) { io.WriteString(f, redacted) }

type bearerToken struct{ token *secret }

func (a bearerToken) Authenticate(req *http.Request) error {
	req.Header.Set("Authorization", "Bearer "+a.token.v)
	return nil
}

func (a bearerToken) validate() error {
	if strings.TrimSpace(a.token.v) == "" {
		return errors.New("which50: bearer token is empty")
	}
	if !validHeaderValue(a.token.v) {
		return errors.New("which50: bearer token contains a control character")
	}
	return nil
}

func (a bearerToken) secrets() []string          { return []string{a.token.v} }
func (a bearerToken) Format(f fmt.State, _ rune) { fmt.Fprint(f, "which50.BearerToken("+redacted+")") }
func (a bearerToken) LogValue() slog.Value       { return slog.StringValue("Bearer " + redacted) }

type apiKeyHeader struct {
	header string
	key    *secret
}

func (a apiKeyHeader) Authenticate(req *http.Request) error {
	req.Header.Set(a.header, a.key.v)
	return nil
}

func (a apiKeyHeader) validate() error {
	if !validHeaderName(a.header) {
		return fmt.Errorf("which50: invalid API key header name %q", a.header)
	}
	if strings.EqualFold(a.header, "Host") {
		return errors.New("which50: the API key cannot travel in the Host header")
	}
	if strings.TrimSpace(a.key.v) == "" {
		return errors.New("which50: API key is empty")
	}
	if !validHeaderValue(a.key.v) {
		return errors.New("which50: API key contains a control character")
	}
	return nil
}

func (a apiKeyHeader) secrets() []string { return []string{a.key.v} }
func (a apiKeyHeader) Format(f fmt.State, _ rune) {
	fmt.Fprint(f, "which50.APIKeyHeader("+a.header+", "+redacted+")")
}
func (a apiKeyHeader) LogValue() slog.Value {
	return slog.GroupValue(slog.String("header", a.header), slog.String("key", redacted))
}

type basicAuth struct{ user, password *secret }

func (a basicAuth) Authenticate(req *http.Request) error {
	req.SetBasicAuth(a.user.v, a.password.v)
	return nil
}

func (a basicAuth) validate() error {
	if a.user.v == "" {
		return errors.New("which50: basic auth user is empty")
	}
	if strings.Contains(a.user.v, ":") || !validHeaderValue(a.user.v) || !validHeaderValue(a.password.v) {
		return errors.New("which50: basic auth credentials contain a colon or a control character")
	}
	return nil
}

func (a basicAuth) secrets() []string {
	// The password, and the encoded header value that carries it.
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	r.SetBasicAuth(a.user.v, a.password.v)
	s := []string{strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")}
	if a.password.v != "" {
		s = append(s, a.password.v)
	}
	return s
}
func (a basicAuth) Format(f fmt.State, _ rune) { fmt.Fprint(f, "which50.BasicAuth("+redacted+")") }
func (a basicAuth) LogValue() slog.Value {
	return slog.GroupValue(slog.String("user", redacted), slog.String("password", redacted))
}

// authTransport adds credentials to requests bound for the API's scheme
// and host, and only those. It works on a clone so the caller's request is
// never changed.
type authTransport struct {
	base   http.RoundTripper
	auth   Authenticator
	creds  *credentials
	scheme string // the API's scheme and host, compared on every hop
	host   string
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.auth == nil || !t.api(req.URL) || t.leftAPI(req) {
		return t.base.RoundTrip(req)
	}
	clone := req.Clone(req.Context())
	if err := t.auth.Authenticate(clone); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &authError{err: err}
	}
	if _, builtin := t.auth.(secretHolder); !builtin {
		// What a custom Authenticator adds is a credential too: learn it,
		// so that it is scrubbed from errors and logs like ours.
		t.creds.learn(addedValues(req, clone))
	}
	return t.base.RoundTrip(clone)
}

// api reports whether u is on the API's scheme and host.
func (t *authTransport) api(u *url.URL) bool {
	return strings.EqualFold(u.Host, t.host) && strings.EqualFold(u.Scheme, t.scheme)
}

// leftAPI reports whether req ends a redirect chain that went through
// another scheme or host: a server elsewhere must not be able to choose a
// path on the API that the client then calls with credentials.
func (t *authTransport) leftAPI(req *http.Request) bool {
	for r := req.Response; r != nil && r.Request != nil; r = r.Request.Response {
		if !t.api(r.Request.URL) {
			return true
		}
	}
	return false
}

// addedValues returns the header, query and user-info values clone has and
// req has not.
func addedValues(req, clone *http.Request) []string {
	var out []string
	for k, vs := range clone.Header {
		for _, v := range vs {
			if !containsString(req.Header.Values(k), v) {
				out = append(out, v)
			}
		}
	}
	if clone.URL.RawQuery != req.URL.RawQuery {
		before := req.URL.Query()
		for k, vs := range clone.URL.Query() {
			for _, v := range vs {
				if !containsString(before[k], v) {
					out = append(out, v)
				}
			}
		}
	}
	if clone.URL.User != nil {
		if p, ok := clone.URL.User.Password(); ok {
			out = append(out, p)
		}
	}
	return out
}

// authError reports an Authenticator's failure; it is not retried.
type authError struct{ err error }

func (e *authError) Error() string { return "which50: authenticate request: " + e.err.Error() }
func (e *authError) Unwrap() error { return e.err }

// validHeaderName reports whether name is an HTTP token (RFC 9110), the
// only thing a header name may be.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 0x80 || c <= ' ' || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 || c == 0x7f {
			return false
		}
	}
	return true
}

// validHeaderValue reports whether v can go on the wire as a header value:
// no control characters but tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
