package which50

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Version is the version of this SDK, sent in the User-Agent header.
const Version = "0.1.0"

// Defaults used by NewClient.
const (
	// DefaultBaseURL is the root of the Which50 REST API.
	DefaultBaseURL = "https://app.which50.com/Which50API/"
	// DefaultMaxRetries is how many times a failed request is retried.
	DefaultMaxRetries = 3
	// DefaultRetryWaitMin and DefaultRetryWaitMax bound the wait between
	// attempts. The maximum also caps the Retry-After the client will honour:
	// a server asking for a longer wait gets no retry, and the caller gets
	// the error at once with APIError.RetryAfter set.
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 30 * time.Second
	// DefaultMaxResponseBytes caps the body of one successful response read
	// by a method that returns a slice or one item (after gzip decoding). The
	// ...Seq methods hold no body and are capped only by an explicit
	// WithMaxResponseBytes (MaxItemBytes bounds each of their items).
	DefaultMaxResponseBytes int64 = 128 << 20
)

const (
	userAgent = "which50-go/" + Version
	// errorBodyLimit bounds how much of an error response is read.
	errorBodyLimit = 64 << 10
	// drainLimit bounds how much unread body is consumed before closing a
	// response so that its connection can be reused.
	drainLimit = 256 << 10
	// excerptLimit bounds body excerpts kept in errors.
	excerptLimit = 512
)

// Format selects the representation the client asks the API for.
// Responses are decoded according to their Content-Type, whatever was asked.
type Format int

// The formats the API speaks.
const (
	FormatJSON Format = iota // application/json (the default)
	FormatXML                // application/xml (DataContract XML)
)

// String returns "json" or "xml".
func (f Format) String() string {
	switch f {
	case FormatJSON:
		return "json"
	case FormatXML:
		return "xml"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

func (f Format) accept() string {
	if f == FormatXML {
		return "application/xml"
	}
	return "application/json"
}

// Client talks to the Which50 API. Create one with NewClient and share it:
// it is safe for concurrent use and holds a pool of connections.
type Client struct {
	// Contacts reads contacts and what they received and did.
	Contacts *ContactsService
	// ContactLists reads contact lists and their fields, and writes and
	// imports contacts.
	ContactLists *ContactListsService
	// Journeys reads journeys, their activities, contacts and reports.
	Journeys *JourneysService

	baseURL    *url.URL
	httpClient *http.Client // a copy of the caller's, with the SDK's transports
	transport  http.RoundTripper
	// creds keeps every secret behind one pointer: fmt, expanding a Client
	// value it reaches without calling String, prints only an address.
	creds *credentials
	// wrap is WithTransportWrapper's function, nil for none.
	wrap func(http.RoundTripper) http.RoundTripper
	// ctl holds the client-wide production controls (retry budget, rate
	// limit, shared pause) behind a pointer, as they change while calls run.
	ctl *controls

	// settings are what one call may change with its own options: each call
	// works on a copy.
	settings
}

// settings are the client options a single call may override. Client holds
// the client's own; Client.do copies them for each call and applies the
// call's options to the copy.
type settings struct {
	format     Format
	maxRetries int
	waitMin    time.Duration
	waitMax    time.Duration
	userAgent  string
	maxBody    int64
	maxBodySet bool
	logger     *slog.Logger
	header     http.Header // WithHeader's headers, nil for none

	headerTimeout, idleTimeout, attemptTimeout time.Duration

	response *Response // WithResponse: one call only
}

type service struct{ client *Client }

// Option configures a Client when passed to NewClient, or a single call
// when passed after a method's arguments:
//
//	client, err := which50.NewClient(which50.WithMaxRetries(5))
//	items, err := client.Contacts.Communications(ctx, id, which50.WithMaxRetries(0), which50.WithResponse(&resp))
//
// An option given to a call applies to that call only, over the client's
// own setting. Options that can only describe a client (WithBaseURL,
// WithHTTPClient, WithAuth, WithRateLimit, WithRetryBudget,
// WithTransportWrapper) fail such a call, and WithResponse, which can only
// describe a call, fails NewClient; so does an invalid value. Those errors
// match ErrInvalidOption, and a call that gets one sends no request. The
// zero Option does nothing.
type Option struct {
	name  string // the function that made it, for errors
	scope optionScope
	set   func(*Client, *settings) error
}

// optionScope says where an option may be given.
type optionScope uint8

const (
	scopeClient optionScope = iota // NewClient only
	scopeAny                       // NewClient, or one call
	scopeCall                      // one call only
)

// clientOption is an option only NewClient takes.
func clientOption(name string, set func(*Client) error) Option {
	return Option{name: name, scope: scopeClient, set: func(c *Client, _ *settings) error { return set(c) }}
}

// anyOption is an option of the client's settings, which a call may
// override.
func anyOption(name string, set func(*settings) error) Option {
	return Option{name: name, scope: scopeAny, set: func(_ *Client, s *settings) error { return set(s) }}
}

// applyClient applies o to a client being built.
func (o Option) applyClient(c *Client) error {
	return o.apply(c, &c.settings, scopeCall, "applies to one call; pass it to a method, not to NewClient")
}

// applyCall applies o to the settings of one call.
func (o Option) applyCall(s *settings) error {
	return o.apply(nil, s, scopeClient, "applies to a whole client; pass it to NewClient, not to a call")
}

// apply applies o to c (nil for a call) and s, unless its scope is the
// refused one, which why explains.
func (o Option) apply(c *Client, s *settings, refused optionScope, why string) error {
	switch {
	case o.set == nil:
		return nil
	case o.scope == refused:
		return &optionError{fmt.Errorf("which50: %s %s", o.name, why)}
	}
	if err := o.set(c, s); err != nil {
		return &optionError{err}
	}
	return nil
}

// NewClient returns a Client configured by opts. With no options it talks
// JSON to DefaultBaseURL without credentials, through its own HTTP client;
// http.DefaultClient is never used or changed. It reports an error for an
// invalid option: a bad base URL, a nil HTTP client or authenticator, an
// empty credential, negative retries or waits.
func NewClient(opts ...Option) (*Client, error) {
	c := &Client{
		settings: settings{
			format:     FormatJSON,
			maxRetries: DefaultMaxRetries,
			waitMin:    DefaultRetryWaitMin,
			waitMax:    DefaultRetryWaitMax,
			userAgent:  userAgent,
			maxBody:    DefaultMaxResponseBytes,

			headerTimeout: DefaultResponseHeaderTimeout,
			idleTimeout:   DefaultReadIdleTimeout,
		},
		ctl: newControls(),
	}
	if err := WithBaseURL(DefaultBaseURL).applyClient(c); err != nil {
		return nil, err
	}
	if err := WithRetryBudget(DefaultRetryBudgetRatio, DefaultRetryBudgetMinPerSecond).applyClient(c); err != nil {
		return nil, err
	}
	for _, opt := range opts {
		if err := opt.applyClient(c); err != nil {
			return nil, err
		}
	}
	if err := c.checkHeader(c.header); err != nil {
		return nil, err
	}
	if c.httpClient == nil {
		c.httpClient = &http.Client{Transport: newTransport()}
	}
	// Work on a copy of the caller's client: the SDK never changes it.
	hc := *c.httpClient
	c.transport = hc.Transport
	if c.transport == nil {
		c.transport = newTransport() // the SDK's tuned pool, never http.DefaultTransport
	}
	var auth Authenticator
	if c.creds != nil {
		auth = c.creds.auth
	}
	// From the top: pacing (rate limit and shared pause), the bounds on
	// each attempt, the caller's wrapper, then credentials on a clone of the
	// request, so the wrapper sees each attempt once and never a credential.
	var rt http.RoundTripper = &authTransport{base: c.transport, auth: auth, creds: c.creds, scheme: c.baseURL.Scheme, host: c.baseURL.Host}
	if c.wrap != nil {
		if rt = c.wrap(rt); rt == nil {
			return nil, &optionError{errors.New("which50: the transport wrapper returned a nil RoundTripper")}
		}
	}
	rt = &timeoutTransport{base: rt, client: &c.settings}
	hc.Transport = &pacer{base: rt, ctl: c.ctl}
	c.httpClient = &hc
	c.Contacts = &ContactsService{client: c}
	c.ContactLists = &ContactListsService{client: c}
	c.Journeys = &JourneysService{client: c}
	return c, nil
}

// WithBaseURL sets the root URL of the API, by default DefaultBaseURL. A path
// prefix is kept, and the trailing slash is optional. The URL must be
// absolute http or https, without credentials, query or fragment.
func WithBaseURL(rawURL string) Option {
	return clientOption("WithBaseURL", func(c *Client) error {
		u, err := url.Parse(strings.TrimSpace(rawURL))
		if err != nil {
			return fmt.Errorf("which50: invalid base URL: %w", redactURLError(err))
		}
		switch {
		case u.Scheme != "http" && u.Scheme != "https":
			return fmt.Errorf("which50: base URL must be absolute http or https, got scheme %q", u.Scheme)
		case u.Host == "":
			return errors.New("which50: base URL has no host")
		case u.User != nil:
			return errors.New("which50: base URL must not hold credentials; use WithAuth")
		case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
			return errors.New("which50: base URL must not have a query or fragment")
		}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
			if u.RawPath != "" {
				u.RawPath += "/"
			}
		}
		c.baseURL = u
		return nil
	})
}

// WithHTTPClient makes the client send requests through hc, for its
// transport, proxy, TLS settings or timeout. The SDK works on a copy and
// never changes hc. A nil hc.Transport means the SDK's own pooled
// transport, not http.DefaultTransport. Client-wide only.
func WithHTTPClient(hc *http.Client) Option {
	return clientOption("WithHTTPClient", func(c *Client) error {
		if hc == nil {
			return errors.New("which50: nil HTTP client")
		}
		c.httpClient = hc
		return nil
	})
}

// WithAuth sets how requests authenticate, such as BearerToken(token).
// Credentials are only ever sent to the base URL's host. Client-wide only.
func WithAuth(a Authenticator) Option {
	return clientOption("WithAuth", func(c *Client) error {
		if a == nil {
			return errors.New("which50: nil authenticator")
		}
		creds := &credentials{auth: a}
		if s, ok := a.(secretHolder); ok {
			if err := s.validate(); err != nil {
				return err
			}
			creds.known = s.secrets()
		}
		c.creds = creds
		return nil
	})
}

// WithFormat sets the format the client asks for: FormatJSON (the default)
// or FormatXML.
func WithFormat(f Format) Option {
	return anyOption("WithFormat", func(s *settings) error {
		if f != FormatJSON && f != FormatXML {
			return fmt.Errorf("which50: unknown format %d", int(f))
		}
		s.format = f
		return nil
	})
}

// WithMaxRetries sets how many times a failed request is retried, by default
// DefaultMaxRetries. Zero means exactly one attempt.
func WithMaxRetries(n int) Option {
	return anyOption("WithMaxRetries", func(s *settings) error {
		if n < 0 {
			return fmt.Errorf("which50: negative max retries %d", n)
		}
		s.maxRetries = n
		return nil
	})
}

// WithRetryWait bounds the exponential backoff between attempts, by default
// DefaultRetryWaitMin and DefaultRetryWaitMax. The maximum also caps a
// server's Retry-After: a longer one is not slept out.
func WithRetryWait(min, max time.Duration) Option {
	return anyOption("WithRetryWait", func(s *settings) error {
		if min < 0 || max < 0 {
			return errors.New("which50: negative retry wait")
		}
		if max < min {
			return fmt.Errorf("which50: retry wait max %s is below min %s", max, min)
		}
		s.waitMin, s.waitMax = min, max
		return nil
	})
}

// WithUserAgent prepends product (such as "myapp/1.2") to the SDK's own
// User-Agent, "which50-go/<Version>". Given to a call, it replaces the
// client's product for that call.
func WithUserAgent(product string) Option {
	return anyOption("WithUserAgent", func(s *settings) error {
		product = strings.TrimSpace(product)
		if product == "" || !validHeaderValue(product) {
			return fmt.Errorf("which50: invalid user agent %q", product)
		}
		s.userAgent = product + " " + userAgent
		return nil
	})
}

// WithMaxResponseBytes caps the bytes read from one successful response,
// after gzip decoding, by default DefaultMaxResponseBytes. A larger body ends
// the call with ErrResponseTooLarge. It applies to the ...Seq methods only when
// set explicitly, for the client or for the call.
func WithMaxResponseBytes(n int64) Option {
	return anyOption("WithMaxResponseBytes", func(s *settings) error {
		if n <= 0 {
			return fmt.Errorf("which50: max response bytes must be positive, got %d", n)
		}
		s.maxBody, s.maxBodySet = n, true
		return nil
	})
}

// WithResponseHeaderTimeout bounds the wait for a response's headers, by
// default DefaultResponseHeaderTimeout; 0 removes the bound. An attempt
// that runs out of time is retried like any transient failure (a write
// only if it surely did not reach the server); only the caller's context
// ending stops the retries.
func WithResponseHeaderTimeout(d time.Duration) Option {
	return timeoutOption("WithResponseHeaderTimeout", "response header timeout", d, func(s *settings) *time.Duration { return &s.headerTimeout })
}

// WithReadIdleTimeout bounds the wait for the next bytes of a response
// body, by default DefaultReadIdleTimeout; 0 removes the bound. A server
// that stops sending mid-body fails the attempt, which is retried as
// WithResponseHeaderTimeout describes.
func WithReadIdleTimeout(d time.Duration) Option {
	return timeoutOption("WithReadIdleTimeout", "read idle timeout", d, func(s *settings) *time.Duration { return &s.idleTimeout })
}

// WithAttemptTimeout bounds each attempt as a whole, from sending the
// request to the end of its body; by default there is no such bound (0).
// A timed-out attempt is retried as WithResponseHeaderTimeout describes.
// For a bound on the whole call, retries and waits included, give the call
// a context with a deadline.
func WithAttemptTimeout(d time.Duration) Option {
	return timeoutOption("WithAttemptTimeout", "attempt timeout", d, func(s *settings) *time.Duration { return &s.attemptTimeout })
}

// timeoutOption sets the bound field returns to d, which must not be
// negative.
func timeoutOption(name, what string, d time.Duration, field func(*settings) *time.Duration) Option {
	return anyOption(name, func(s *settings) error {
		if d < 0 {
			return fmt.Errorf("which50: negative %s %s", what, d)
		}
		*field(s) = d
		return nil
	})
}

// WithLogger sends the client's logs to l: each attempt at debug level
// (method, path, status, attempt, wait, duration) and each give-up at warn.
// Credentials and bodies are never logged. A nil logger (the default) means
// silence. Every record is written with the call's context, so a handler
// can add the trace or request ids it carries. Given to a call, it
// replaces the client's logger for that call.
func WithLogger(l *slog.Logger) Option {
	return anyOption("WithLogger", func(s *settings) error {
		s.logger = l
		return nil
	})
}

// CloseIdleConnections closes the idle connections of the transport the
// client sends through. The client remains usable.
func (c *Client) CloseIdleConnections() {
	if ci, ok := c.transport.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// String describes the client without its credentials.
func (c Client) String() string {
	auth := "none"
	if c.creds != nil {
		auth = redacted
	}
	return fmt.Sprintf("which50.Client{BaseURL: %s, Format: %s, Auth: %s}", c.base(), c.format, auth)
}

// LogValue describes the client for log/slog without its credentials.
func (c Client) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.base()),
		slog.String("format", c.format.String()),
		slog.Bool("auth", c.creds != nil),
	)
}

func (c Client) base() string {
	if c.baseURL == nil {
		return ""
	}
	return c.baseURL.Redacted()
}

// newTransport is the client's own transport when the caller brings none:
// pooled connections sized for concurrent bulk reads of one host.
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
}

// redactURLError drops what a URL in err may carry beyond the resource:
// user info, the query (a redirect to ?access_token=... carries one) and the
// fragment.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
			return &url.Error{Op: ue.Op, URL: u.Redacted(), Err: ue.Err}
		}
		return &url.Error{Op: ue.Op, URL: "(invalid URL)", Err: ue.Err}
	}
	return err
}
