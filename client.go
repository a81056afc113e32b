package which50

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
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
	// by Communications (after gzip decoding). CommunicationsSeq holds no
	// body and is capped only by an explicit WithMaxResponseBytes.
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
	// Contacts reads contacts' data: their communications.
	Contacts *ContactsService

	baseURL    *url.URL
	httpClient *http.Client // a copy of the caller's, with authTransport
	transport  http.RoundTripper
	// creds keeps every secret behind one pointer: fmt, expanding a Client
	// value it reaches without calling String, prints only an address.
	creds      *credentials
	format     Format
	maxRetries int
	waitMin    time.Duration
	waitMax    time.Duration
	userAgent  string
	maxBody    int64
	maxBodySet bool
	logger     *slog.Logger
}

type credentials struct {
	auth    Authenticator
	secrets []string // texts to scrub from errors and logs
}

type service struct{ client *Client }

// Option configures a Client; pass options to NewClient.
type Option func(*Client) error

// NewClient returns a Client configured by opts. With no options it talks
// JSON to DefaultBaseURL without credentials, through its own HTTP client;
// http.DefaultClient is never used or changed. It reports an error for an
// invalid option: a bad base URL, a nil HTTP client or authenticator, an
// empty credential, negative retries or waits.
func NewClient(opts ...Option) (*Client, error) {
	c := &Client{
		format:     FormatJSON,
		maxRetries: DefaultMaxRetries,
		waitMin:    DefaultRetryWaitMin,
		waitMax:    DefaultRetryWaitMax,
		userAgent:  userAgent,
		maxBody:    DefaultMaxResponseBytes,
	}
	if err := WithBaseURL(DefaultBaseURL)(c); err != nil {
		return nil, err
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.httpClient == nil {
		c.httpClient = &http.Client{Transport: newTransport()}
	}
	// Work on a copy of the caller's client: the SDK never changes it.
	hc := *c.httpClient
	c.transport = hc.Transport
	if c.transport == nil {
		c.transport = http.DefaultTransport
	}
	var auth Authenticator
	if c.creds != nil {
		auth = c.creds.auth
	}
	hc.Transport = &authTransport{base: c.transport, auth: auth, scheme: c.baseURL.Scheme, host: c.baseURL.Host}
	c.httpClient = &hc
	c.Contacts = &ContactsService{client: c}
	return c, nil
}

// WithBaseURL sets the root URL of the API, by default DefaultBaseURL. A path
// prefix is kept, and the trailing slash is optional. The URL must be
// absolute http or https, without credentials, query or fragment.
func WithBaseURL(rawURL string) Option {
	return func(c *Client) error {
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
	}
}

// WithHTTPClient makes the client send requests through hc, for its
// transport, proxy, TLS settings or timeout. The SDK works on a copy and
// never changes hc.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("which50: nil HTTP client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithAuth sets how requests authenticate, such as BearerToken(token).
// Credentials are only ever sent to the base URL's host.
func WithAuth(a Authenticator) Option {
	return func(c *Client) error {
		if a == nil {
			return errors.New("which50: nil authenticator")
		}
		creds := &credentials{auth: a}
		if s, ok := a.(secretHolder); ok {
			if err := s.validate(); err != nil {
				return err
			}
			creds.secrets = s.secrets()
		}
		c.creds = creds
		return nil
	}
}

// WithFormat sets the format the client asks for: FormatJSON (the default)
// or FormatXML.
func WithFormat(f Format) Option {
	return func(c *Client) error {
		if f != FormatJSON && f != FormatXML {
			return fmt.Errorf("which50: unknown format %d", int(f))
		}
		c.format = f
		return nil
	}
}

// WithMaxRetries sets how many times a failed request is retried, by default
// DefaultMaxRetries. Zero means exactly one attempt.
func WithMaxRetries(n int) Option {
	return func(c *Client) error {
		if n < 0 {
			return fmt.Errorf("which50: negative max retries %d", n)
		}
		c.maxRetries = n
		return nil
	}
}

// WithRetryWait bounds the exponential backoff between attempts, by default
// DefaultRetryWaitMin and DefaultRetryWaitMax. The maximum also caps a
// server's Retry-After: a longer one is not slept out.
func WithRetryWait(min, max time.Duration) Option {
	return func(c *Client) error {
		if min < 0 || max < 0 {
			return errors.New("which50: negative retry wait")
		}
		if max < min {
			return fmt.Errorf("which50: retry wait max %s is below min %s", max, min)
		}
		c.waitMin, c.waitMax = min, max
		return nil
	}
}

// WithUserAgent prepends product (such as "myapp/1.2") to the SDK's own
// User-Agent, "which50-go/<Version>".
func WithUserAgent(product string) Option {
	return func(c *Client) error {
		product = strings.TrimSpace(product)
		if product == "" || strings.ContainsAny(product, "\r\n") {
			return fmt.Errorf("which50: invalid user agent %q", product)
		}
		c.userAgent = product + " " + userAgent
		return nil
	}
}

// WithMaxResponseBytes caps the bytes read from one successful response,
// after gzip decoding, by default DefaultMaxResponseBytes. A larger body ends
// the call with ErrResponseTooLarge. It applies to CommunicationsSeq only when
// set explicitly.
func WithMaxResponseBytes(n int64) Option {
	return func(c *Client) error {
		if n <= 0 {
			return fmt.Errorf("which50: max response bytes must be positive, got %d", n)
		}
		c.maxBody, c.maxBodySet = n, true
		return nil
	}
}

// WithLogger sends the client's logs to l: each attempt at debug level
// (method, path, status, attempt, wait, duration) and each give-up at warn.
// Credentials and bodies are never logged. A nil logger (the default) means
// silence.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		c.logger = l
		return nil
	}
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

// redact removes the client's credentials from s.
func (c *Client) redact(s string) string {
	if c.creds == nil {
		return s
	}
	for _, secret := range c.creds.secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, redacted)
		}
	}
	return s
}

func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			return &url.Error{Op: ue.Op, URL: u.Redacted(), Err: ue.Err}
		}
		return &url.Error{Op: ue.Op, URL: "(invalid URL)", Err: ue.Err}
	}
	return err
}

// endpoint is a path below the base URL, raw and escaped.
type endpoint struct{ raw, escaped string }

// call is the state of one API call across its attempts.
type call struct {
	// Set by the service method.
	emit    func(ContactInteraction) bool // receives each decoded item; false stops
	reset   func()                        // called before each decoding attempt
	grow    func(n int)                   // room for about n items is worth making
	stream  bool                          // items reach the caller as decoded
	maxBody int64                         // 0: no cap

	// Set by get.
	c       *Client
	method  string
	path    string // escaped, for errors and logs
	attempt int    // 1-based, of the attempt in flight
	started time.Time
	handled bool // the response handler ran for this attempt
	emitted bool // an item reached a streaming caller: no more retries
	stopped bool // the caller stopped reading
	wait    time.Duration
	retried bool // some attempt failed transiently (for the give-up log)
}

// transientError marks a failure while reading a successful response that a
// new attempt may cure: a cut connection, a short body.
type transientError struct{ err error }

func (e *transientError) Error() string { return e.err.Error() }
func (e *transientError) Unwrap() error { return e.err }

// get performs a GET of ep with retries, passing each decoded interaction of
// a successful response to cl.emit.
func (c *Client) get(ctx context.Context, ep endpoint, cl *call) error {
	u := *c.baseURL
	u.Path = c.baseURL.Path + ep.raw
	u.RawPath = c.baseURL.EscapedPath() + ep.escaped
	cl.c, cl.method, cl.path = c, http.MethodGet, u.EscapedPath()

	req, err := http.NewRequestWithContext(ctx, cl.method, u.String(), nil)
	if err != nil {
		return fmt.Errorf("which50: build request: %w", redactURLError(err))
	}
	req.Header.Set("Accept", c.format.accept())
	req.Header.Set("User-Agent", c.userAgent)
	rreq, err := retryablehttp.FromRequest(req)
	if err != nil {
		return fmt.Errorf("which50: build request: %w", err)
	}
	rreq.SetResponseHandler(cl.handle)

	rc := &retryablehttp.Client{
		// authTransport has no CloseIdleConnections, so retryablehttp's
		// calls to it on give-up leave the connection pool alone.
		HTTPClient:     c.httpClient,
		RetryWaitMin:   c.waitMin,
		RetryWaitMax:   c.waitMax,
		RetryMax:       c.maxRetries,
		CheckRetry:     cl.checkRetry,
		Backoff:        cl.backoff,
		ErrorHandler:   cl.giveUp,
		RequestLogHook: cl.beginAttempt,
	}
	resp, err := rc.Do(rreq)
	if err != nil {
		if err == ctx.Err() { // retryablehttp's wait was cut short
			err = fmt.Errorf("which50: %s %s: %w", cl.method, cl.path, err)
		}
		return err
	}
	resp.Body.Close()
	return nil
}

func (cl *call) beginAttempt(_ retryablehttp.Logger, _ *http.Request, i int) {
	cl.attempt = i + 1
	cl.started = time.Now()
	cl.handled = false
	cl.wait = 0
}

// final reports whether the attempt in flight is the last one allowed.
func (cl *call) final() bool { return cl.attempt > cl.c.maxRetries || cl.emitted }

// checkRetry decides, after each attempt, whether to try again and how long
// to wait first. It is retryablehttp's CheckRetry.
func (cl *call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if cl.handled && err == nil {
		cl.logAttempt(resp, nil)
		return false, nil // the response was read successfully
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		cl.logAttempt(resp, ctxErr)
		return false, ctxErr
	}
	retry := false
	switch {
	case err != nil:
		var te *transientError
		retry = errors.As(err, &te) || (resp == nil && retryableTransportError(err))
	case retryableStatus(resp.StatusCode):
		ra, ok := retryAfter(resp.Header, time.Now())
		switch {
		case cl.final() || ra > cl.c.waitMax:
			// Let the response handler turn it into an *APIError.
		case ok && ra > 0:
			retry, cl.wait = true, ra
		default:
			retry, cl.wait = true, cl.c.backoff(cl.attempt)
		}
		if retry {
			// retryablehttp drains only 4 KiB: drain more, so the
			// connection can be reused for the next attempt.
			drainAndClose(resp.Body)
			resp.Body = http.NoBody
		}
	}
	if retry && cl.final() {
		retry = false
	}
	if !retry && err == nil && !cl.handled {
		return false, nil // the response handler runs next, then we log
	}
	if retry {
		cl.retried = true
		if err != nil {
			cl.wait = cl.c.backoff(cl.attempt)
		}
	} else {
		cl.wait = 0
	}
	cl.logAttempt(resp, err)
	return retry, nil
}

// backoff is retryablehttp's Backoff: the wait checkRetry chose.
func (cl *call) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	return cl.wait
}

// backoff returns the wait after the given 1-based attempt: exponential from
// the minimum, capped at the maximum, with jitter over its upper half so that
// clients that failed together do not retry together.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.waitMin
	for i := 1; i < attempt && d < c.waitMax; i++ {
		if d > c.waitMax/2 {
			d = c.waitMax
			break
		}
		d *= 2
	}
	d = min(d, c.waitMax)
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// giveUp is retryablehttp's ErrorHandler: it runs when the last attempt
// failed, and returns the error the caller sees.
func (cl *call) giveUp(resp *http.Response, err error, attempts int) (*http.Response, error) {
	if resp != nil {
		drainAndClose(resp.Body)
	}
	var apiErr *APIError
	var te *transientError
	var de *DecodeError
	switch {
	case err == nil && resp != nil:
		// Not expected (the handler reports final statuses), but keep
		// whatever status there was rather than retryablehttp's text.
		err = cl.apiError(resp)
	case errors.As(err, &apiErr):
		apiErr.Attempts = attempts
	case errors.As(err, &de), errors.Is(err, ErrResponseTooLarge):
		// Final on the first attempt, and already says what went wrong.
	case errors.As(err, &te):
		err = fmt.Errorf("which50: %s %s: reading response failed after %d attempt(s): %w", cl.method, cl.path, attempts, te.err)
	case isContextError(err):
		err = fmt.Errorf("which50: %s %s: %w", cl.method, cl.path, redactURLError(err))
	case err != nil:
		err = fmt.Errorf("which50: %s %s failed after %d attempt(s): %w", cl.method, cl.path, attempts, redactURLError(err))
	}
	if l := cl.c.logger; l != nil && (cl.retried || errors.As(err, &apiErr) && retryableStatus(apiErr.StatusCode)) {
		l.LogAttrs(context.Background(), slog.LevelWarn, "which50: giving up",
			slog.String("method", cl.method), slog.String("path", cl.path),
			slog.Int("attempts", attempts), slog.String("error", cl.c.redact(err.Error())))
	}
	return nil, err
}

// handle is retryablehttp's response handler: it reads a response the retry
// policy did not retry. Errors it returns go back through checkRetry.
func (cl *call) handle(resp *http.Response) (err error) {
	cl.handled = true
	defer func() {
		if cl.stopped {
			resp.Body.Close() // the caller is gone: no reason to read on
		} else {
			drainAndClose(resp.Body)
		}
	}()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return cl.apiError(resp)
	}
	if resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if cl.reset != nil {
		cl.reset()
	}
	var body io.Reader = resp.Body
	if cl.maxBody > 0 {
		body = &limitedReader{r: body, n: cl.maxBody}
	}
	ct := resp.Header.Get("Content-Type")
	format, ok := formatOf(ct)
	if !ok {
		return &DecodeError{
			StatusCode: resp.StatusCode, ContentType: ct, Offset: -1,
			Excerpt: cl.c.redact(bodyExcerpt(readPrefix(body, excerptLimit))),
			Err:     errors.New("which50: unexpected response content type " + quoted([]byte(ct))),
		}
	}
	if format == formatSniff {
		head := readPrefix(body, 512)
		format = sniff(head)
		body = io.MultiReader(bytes.NewReader(head), body)
	}
	if cl.grow != nil && resp.ContentLength > 0 {
		cl.grow(expectedItems(format, resp.ContentLength))
	}
	emit := func(it ContactInteraction) bool {
		if !cl.emit(it) {
			cl.stopped = true
			return false
		}
		if cl.stream {
			cl.emitted = true
		}
		return true
	}
	if format == FormatXML {
		err = decodeXML(body, emit)
	} else {
		err = decodeJSON(body, emit)
	}
	if err != nil {
		return cl.decodeFailure(resp, err)
	}
	return nil
}

// expectedItems estimates how many interactions a body of the given length
// holds, from the smallest size an item takes on the wire, so that the result
// slice grows once instead of by repeated appends. The estimate is capped: a
// declared length is only a claim, and append still handles the rest.
func expectedItems(f Format, contentLength int64) int {
	const maxPresized = 16 << 10 // 1.6 MiB of ContactInteraction
	minItem := int64(130)        // {"Id":1,"Interaction":"","Name":"",... with a date
	if f == FormatXML {
		minItem = 330 // members in tags, and Occurred's namespace declaration
	}
	return int(min(contentLength/minItem, maxPresized))
}

// decodeFailure classifies an error from a decoder.
func (cl *call) decodeFailure(resp *http.Response, err error) error {
	var se *syntaxError
	switch {
	case errors.Is(err, ErrResponseTooLarge):
		return fmt.Errorf("which50: %s %s: body exceeds %d bytes: %w", cl.method, cl.path, cl.maxBody, ErrResponseTooLarge)
	case errors.As(err, &se):
		return &DecodeError{
			StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
			Offset: se.Offset, Excerpt: cl.c.redact(se.Near), Err: err,
		}
	case isContextError(err):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF) || isNetError(err):
		return &transientError{err: err}
	case errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || errors.As(err, new(flate.CorruptInputError)):
		// The transport's transparent gzip decoding failed: the body
		// arrived whole but cannot be read.
		return &DecodeError{
			StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
			Offset: -1, Err: fmt.Errorf("which50: undecodable gzip body: %w", err),
		}
	}
	return fmt.Errorf("which50: read response: %w", err)
}

// apiError turns a non-2xx response into an *APIError, reading a bounded
// part of its body.
func (cl *call) apiError(resp *http.Response) *APIError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, errorBodyLimit))
	ct := resp.Header.Get("Content-Type")
	e := &APIError{
		StatusCode:  resp.StatusCode,
		Message:     http.StatusText(resp.StatusCode),
		ContentType: ct,
		Header:      resp.Header.Clone(),
		Method:      cl.method,
		Path:        cl.path,
		Attempts:    cl.attempt,
	}
	if m := httpErrorMessage(ct, body); m != "" {
		e.Message = cl.c.redact(m)
	}
	e.Body = cl.c.redact(bodyExcerpt(body))
	for _, vs := range e.Header { // a proxy may reflect request headers
		for i := range vs {
			vs[i] = cl.c.redact(vs[i])
		}
	}
	e.RetryAfter, _ = retryAfter(resp.Header, time.Now())
	for _, h := range []string{"X-Request-Id", "Request-Id", "X-Correlation-Id", "X-Ms-Request-Id"} {
		if v := resp.Header.Get(h); v != "" {
			e.RequestID = v
			break
		}
	}
	return e
}

func (cl *call) logAttempt(resp *http.Response, err error) {
	l := cl.c.logger
	if l == nil || !l.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", cl.method),
		slog.String("path", cl.path),
		slog.Int("attempt", cl.attempt),
		slog.Duration("duration", time.Since(cl.started)),
		slog.Duration("wait", cl.wait),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", cl.c.redact(err.Error())))
	}
	l.LogAttrs(context.Background(), slog.LevelDebug, "which50: attempt", attrs...)
}

// retryableStatus reports the statuses worth another attempt.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableTransportError reports whether a failed round trip is worth
// another attempt: connection failures are, while a bad certificate or a
// failing Authenticator are not. (A refused redirect comes with a response,
// so it never gets here.)
func retryableTransportError(err error) bool {
	if isContextError(err) {
		return false
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return false
	}
	var ae *authError
	return !errors.As(err, &ae)
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// retryAfter parses a Retry-After header, in seconds or as an HTTP date; a
// date in the past means no wait. ok is false when there is no valid header.
func retryAfter(h http.Header, now time.Time) (d time.Duration, ok bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		const maxSecs = int64(math.MaxInt64 / int64(time.Second))
		return time.Duration(min(secs, maxSecs)) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// formatSniff asks handle to sniff the body: the response had no Content-Type.
const formatSniff Format = -1

// formatOf maps a response Content-Type to the decoder for it.
func formatOf(contentType string) (Format, bool) {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch {
	case mt == "":
		return formatSniff, true
	case mt == "application/json", mt == "text/json", mt == "application/csp-report", strings.HasSuffix(mt, "+json"):
		return FormatJSON, true
	case mt == "application/xml", mt == "text/xml", strings.HasSuffix(mt, "+xml"):
		return FormatXML, true
	}
	return 0, false
}

// sniff guesses the format of a body from its first significant byte.
func sniff(head []byte) Format {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) > 0 && head[0] == '<' {
		return FormatXML
	}
	return FormatJSON
}

// httpErrorMessage extracts the message of an ASP.NET HttpError body, JSON
// (PascalCase or camelCase) or XML. Other bodies, such as HTML pages, give "".
func httpErrorMessage(contentType string, body []byte) string {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return ""
	}
	format, ok := formatOf(contentType)
	if !ok && !strings.HasPrefix(strings.ToLower(contentType), "text/plain") {
		return ""
	}
	if format == formatSniff || !ok {
		format = sniff(trimmed)
		if format == FormatJSON && trimmed[0] != '{' {
			return ""
		}
	}
	var m struct {
		Message          string
		ExceptionMessage string
	}
	if format == FormatXML {
		var x struct {
			XMLName          xml.Name `xml:"Error"`
			Message          string   `xml:"Message"`
			ExceptionMessage string   `xml:"ExceptionMessage"`
		}
		if xml.Unmarshal(trimmed, &x) != nil {
			return ""
		}
		m.Message, m.ExceptionMessage = x.Message, x.ExceptionMessage
	} else if json.Unmarshal(trimmed, &m) != nil { // matches "message" too
		return ""
	}
	msg := strings.TrimSpace(m.Message)
	if msg == "" {
		msg = strings.TrimSpace(m.ExceptionMessage)
	}
	if len(msg) > excerptLimit {
		msg = strings.ToValidUTF8(msg[:excerptLimit], "") + "…"
	}
	return msg
}

// bodyExcerpt returns a bounded, valid UTF-8 excerpt of a body.
func bodyExcerpt(b []byte) string {
	if len(b) > excerptLimit {
		return strings.ToValidUTF8(string(b[:excerptLimit]), "\uFFFD") + "…"
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// readPrefix reads up to n bytes of r.
func readPrefix(r io.Reader, n int) []byte {
	b := make([]byte, n)
	k, _ := io.ReadFull(r, b)
	return b[:k]
}

// drainAndClose consumes a bounded remainder of a body, so that its
// connection can be reused, then closes it.
func drainAndClose(body io.ReadCloser) {
	if body == nil {
		return
	}
	io.Copy(io.Discard, io.LimitReader(body, drainLimit))
	body.Close()
}

// limitedReader fails with ErrResponseTooLarge once more than n bytes have
// been read.
type limitedReader struct {
	r io.Reader
	n int64 // bytes still allowed
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, ErrResponseTooLarge
	}
	if int64(len(p)) > l.n {
		p = p[:l.n+1] // one byte more than allowed tells "too large" from "exactly"
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return n - 1, ErrResponseTooLarge
	}
	return n, err
}
