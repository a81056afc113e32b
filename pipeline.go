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
	"iter"
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
	"unsafe"

	"github.com/hashicorp/go-retryablehttp"
)

// The request pipeline: every service method describes its call as a
// request (method, path, query, JSON body, and how to decode the answer)
// and hands it to Client.do, which sends it through retryablehttp with the
// SDK's retry policy, authenticates it (authTransport), bounds and decodes
// the answer, and turns failures into the SDK's typed errors. Retries,
// redaction, limits and logging live here, once, for every endpoint.

// endpoint is a path below the base URL, raw and escaped.
type endpoint struct{ raw, escaped string }

// path builds an endpoint from segments: strings are escaped as one path
// segment each ("+" too, as some ASP.NET hosts read a literal "+" in a path
// as a space), integers are formatted in decimal.
func path(segments ...any) endpoint {
	var raw, esc strings.Builder
	for i, s := range segments {
		if i > 0 {
			raw.WriteByte('/')
			esc.WriteByte('/')
		}
		switch v := s.(type) {
		case string:
			raw.WriteString(v)
			esc.WriteString(escapeSegment(v))
		case int64:
			raw.WriteString(strconv.FormatInt(v, 10))
			esc.WriteString(strconv.FormatInt(v, 10))
		default:
			panic(fmt.Sprintf("which50: path segment of type %T", s))
		}
	}
	return endpoint{raw: raw.String(), escaped: esc.String()}
}

// escapeSegment escapes s as one path segment. "." and ".." are escaped
// too, so that no client, proxy or server reads them as a step in the path.
func escapeSegment(s string) string {
	if s == "." || s == ".." {
		return strings.Repeat("%2E", len(s))
	}
	return strings.ReplaceAll(url.PathEscape(s), "+", "%2B")
}

// request is what a service method asks of the pipeline.
type request struct {
	method string
	ep     endpoint
	query  url.Values
	body   []byte // a JSON request body, nil for none
	// decode reads the body of a successful answer in format f;
	// contentLength is the declared length or -1. A nil decode ignores the
	// body.
	decode func(f Format, body io.Reader, contentLength int64) error
	// reset drops what an earlier attempt decoded; it is called before
	// each answer is handled.
	reset func()
	// stream: items reach the caller as decoded, so the default body cap
	// does not apply (only an explicit WithMaxResponseBytes does).
	stream bool
	// committed is set by decode once an item reached a streaming caller:
	// no retry may follow. stopped is set when the caller stopped reading.
	committed, stopped bool
	// opts are the call's own options, applied over the client's settings.
	opts []Option
}

// call is the state of one API call across its attempts.
type call struct {
	*request
	c       *Client
	s       *settings       // the client's, with the call's options applied
	ctx     context.Context // the caller's, for log records
	path    string          // escaped, for errors and logs
	maxBody int64           // 0: no cap
	attempt int             // 1-based, of the attempt in flight
	first   time.Time       // the start of the first attempt
	started time.Time
	handled bool // the response handler ran for this attempt
	wait    time.Duration
	retried bool // some attempt failed transiently (for the give-up log)
	denied  bool // the retry budget refused a retry
	// status and header are those of the attempt's response, for Response.
	status int
	header http.Header
}

// transientError marks a failure while reading a successful response that a
// new attempt may cure: a cut connection, a short body.
type transientError struct{ err error }

func (e *transientError) Error() string { return e.err.Error() }
func (e *transientError) Unwrap() error { return e.err }

// do sends req with retries and decodes its answer.
func (c *Client) do(ctx context.Context, req *request) error {
	s := c.settings // the call's copy
	if len(req.opts) > 0 {
		for _, o := range req.opts {
			if err := o.applyCall(&s); err != nil {
				return err // nothing was sent
			}
		}
		if err := c.checkHeader(s.header); err != nil {
			return err
		}
	}
	if s.response != nil {
		*s.response = Response{}
	}
	u := *c.baseURL
	u.Path = c.baseURL.Path + req.ep.raw
	u.RawPath = c.baseURL.EscapedPath() + req.ep.escaped
	cl := &call{request: req, c: c, s: &s, ctx: ctx, path: u.EscapedPath()}
	defer cl.fillResponse()
	if !req.stream || s.maxBodySet {
		cl.maxBody = s.maxBody
	}
	if len(req.query) > 0 {
		u.RawQuery = req.query.Encode()
	}
	var body any
	if req.body != nil {
		body = req.body
	}
	rctx := context.WithValue(ctx, settingsKey{}, &s) // for pacing and time bounds
	rreq, err := retryablehttp.NewRequestWithContext(rctx, req.method, u.String(), body)
	if err != nil {
		return fmt.Errorf("which50: build request: %w", redactURLError(err))
	}
	for k, vs := range s.header {
		rreq.Header[k] = append([]string(nil), vs...) // the client's map is shared
	}
	rreq.Header.Set("Accept", s.format.accept())
	rreq.Header.Set("User-Agent", s.userAgent)
	if req.body != nil {
		rreq.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	rreq.SetResponseHandler(cl.handle)

	rc := &retryablehttp.Client{
		// pacer has no CloseIdleConnections, so retryablehttp's calls to
		// it on give-up leave the connection pool alone.
		HTTPClient:     c.httpClient,
		RetryWaitMin:   s.waitMin,
		RetryWaitMax:   s.waitMax,
		RetryMax:       s.maxRetries,
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
		err = c.clean(err)
		if cl.denied {
			err = &budgetError{err}
		}
		return err
	}
	resp.Body.Close()
	return nil
}

// fillResponse fills the call's WithResponse target, if any, once the call
// is over.
func (cl *call) fillResponse() {
	r := cl.s.response
	if r == nil {
		return
	}
	*r = Response{StatusCode: cl.status, Attempts: cl.attempt}
	if !cl.first.IsZero() {
		r.Duration = time.Since(cl.first)
	}
	if cl.header != nil {
		r.Header = cl.c.scrubHeader(cl.header)
		r.RequestID = requestID(r.Header)
	}
}

// idempotent reports whether the request may be sent twice: a GET may,
// while a write is retried only when it surely did not reach the server.
func (cl *call) idempotent() bool { return cl.method == http.MethodGet }

func (cl *call) beginAttempt(_ retryablehttp.Logger, _ *http.Request, i int) {
	cl.attempt = i + 1
	cl.started = time.Now()
	if i == 0 {
		cl.first = cl.started
		cl.c.ctl.budget.firstAttempt()
	}
	cl.handled = false
	cl.wait = 0
	cl.status, cl.header = 0, nil
}

// final reports whether the attempt in flight is the last one allowed.
func (cl *call) final() bool { return cl.attempt > cl.s.maxRetries || cl.committed }

// budgeted asks the client's retry budget for a retry, and remembers a
// refusal so that the call's error says so.
func (cl *call) budgeted() bool {
	if cl.c.ctl.budget.retry() {
		return true
	}
	cl.denied = true
	return false
}

// checkRetry decides, after each attempt, whether to try again and how long
// to wait first. It is retryablehttp's CheckRetry.
func (cl *call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if resp != nil {
		cl.status, cl.header = resp.StatusCode, resp.Header
	}
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
		if cl.idempotent() {
			retry = errors.As(err, &te) || (resp == nil && retryableTransportError(err))
		} else {
			retry = resp == nil && notSent(err)
		}
		retry = retry && !cl.final() && cl.budgeted()
	case retryableStatus(resp.StatusCode):
		ra, ok := retryAfter(resp.Header, time.Now())
		refused := ok && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable)
		if refused {
			// Every call of the client waits it out before its next attempt.
			cl.c.ctl.pause(ra, cl.s.waitMax)
		}
		switch {
		case !cl.idempotent() && !refused:
			// A write may have been applied before the server failed; only
			// a 429 or 503 with Retry-After says it was refused unread.
		case cl.final() || ra > cl.s.waitMax || !cl.budgeted():
			// Let the response handler turn it into an *APIError.
		case ok && ra > 0:
			retry, cl.wait = true, ra
		default:
			retry, cl.wait = true, cl.s.backoff(cl.attempt)
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
			cl.wait = cl.s.backoff(cl.attempt)
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
func (s *settings) backoff(attempt int) time.Duration {
	d := s.waitMin
	for i := 1; i < attempt && d < s.waitMax; i++ {
		if d > s.waitMax/2 {
			d = s.waitMax
			break
		}
		d *= 2
	}
	d = min(d, s.waitMax)
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
		err = fmt.Errorf("which50: %s %s: reading response failed after %d attempt(s): %w", cl.method, cl.path, attempts, te)
	case isContextError(err):
		err = fmt.Errorf("which50: %s %s: %w", cl.method, cl.path, redactURLError(err))
	case err != nil:
		err = fmt.Errorf("which50: %s %s failed after %d attempt(s): %w", cl.method, cl.path, attempts, redactURLError(err))
	}
	if l := cl.s.logger; l != nil && (cl.retried || cl.denied || errors.As(err, &apiErr) && retryableStatus(apiErr.StatusCode)) {
		attrs := []slog.Attr{slog.String("method", cl.method), slog.String("path", cl.path),
			slog.Int("attempts", attempts), slog.String("error", oneLine(cl.c.redact(err.Error())))}
		if cl.denied {
			attrs = append(attrs, slog.Bool("retry_budget_exhausted", true))
		}
		l.LogAttrs(cl.ctx, slog.LevelWarn, "which50: giving up", attrs...)
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
	if cl.reset != nil {
		cl.reset() // only the last attempt's answer counts
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return cl.apiError(resp)
	}
	if resp.StatusCode == http.StatusNoContent || cl.decode == nil {
		return nil
	}
	var body io.Reader = resp.Body
	if cl.maxBody > 0 {
		body = &limitedReader{r: body, n: cl.maxBody}
	}
	ct := resp.Header.Get("Content-Type")
	format, ok := formatOf(ct)
	if !ok {
		return &DecodeError{
			StatusCode: resp.StatusCode, ContentType: cl.c.redact(ct), Offset: -1,
			Excerpt: bodyExcerpt([]byte(cl.c.redact(string(readPrefix(body, errorBodyLimit))))),
			Err:     cl.c.clean(errors.New("which50: unexpected response content type " + quoted([]byte(ct)))),
		}
	}
	if format == formatSniff {
		head := readPrefix(body, 512)
		format = sniff(head)
		body = io.MultiReader(bytes.NewReader(head), body)
	}
	// A declared length over the cap is cut to it: a result is never
	// presized for more than the body can hold.
	length := resp.ContentLength
	if cl.maxBody > 0 {
		length = min(length, cl.maxBody)
	}
	if err := cl.decode(format, body, length); err != nil {
		return cl.decodeFailure(resp, err)
	}
	return nil
}

// decodeFailure classifies an error from a decoder.
func (cl *call) decodeFailure(resp *http.Response, err error) error {
	var se *syntaxError
	switch {
	case errors.Is(err, errItemTooLarge) || errors.Is(err, errTooManyItems):
		return fmt.Errorf("which50: %s %s: %w", cl.method, cl.path, err)
	case errors.Is(err, ErrResponseTooLarge):
		return fmt.Errorf("which50: %s %s: body exceeds %d bytes: %w", cl.method, cl.path, cl.maxBody, ErrResponseTooLarge)
	case errors.As(err, &se):
		return &DecodeError{
			StatusCode: resp.StatusCode, ContentType: cl.c.redact(resp.Header.Get("Content-Type")),
			Offset: se.Offset, Excerpt: cl.c.redact(se.Near), Err: cl.c.clean(err),
		}
	case isContextError(err):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF) || isNetError(err):
		return &transientError{err: err}
	case errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || errors.As(err, new(flate.CorruptInputError)):
		// The transport's transparent gzip decoding failed: the body
		// arrived whole but cannot be read.
		return &DecodeError{
			StatusCode: resp.StatusCode, ContentType: cl.c.redact(resp.Header.Get("Content-Type")),
			Offset: -1, Err: fmt.Errorf("which50: undecodable gzip body: %w", err),
		}
	}
	// Any other failure to read the body is the transport's (a malformed
	// chunked encoding, say): transient, as a cut transfer is.
	return &transientError{err: fmt.Errorf("which50: read response: %w", err)}
}

// apiError turns a non-2xx response into an *APIError, reading a bounded
// part of its body.
func (cl *call) apiError(resp *http.Response) *APIError {
	withDeadline(resp.Body, errorBodyTime) // what arrives with the status, not a drip
	body, _ := io.ReadAll(io.LimitReader(resp.Body, errorBodyLimit))
	ct := resp.Header.Get("Content-Type")
	e := &APIError{
		StatusCode:  resp.StatusCode,
		Message:     http.StatusText(resp.StatusCode),
		ContentType: cl.c.redact(ct),
		Header:      cl.c.scrubHeader(resp.Header),
		Method:      cl.method,
		Path:        cl.path,
		Attempts:    cl.attempt,
	}
	e.RequestID = requestID(e.Header) // from the scrubbed headers
	if m := httpErrorMessage(ct, body); m != "" {
		e.Message = cl.c.redact(m)
	}
	e.Body = bodyExcerpt([]byte(cl.c.redact(string(body)))) // redact first: a cut could split a token
	e.RetryAfter, _ = retryAfter(resp.Header, time.Now())
	return e
}

// scrubHeader returns a copy of a response's headers with the client's
// credentials redacted: a proxy may reflect request headers.
func (c *Client) scrubHeader(h http.Header) http.Header {
	h = h.Clone()
	for _, vs := range h {
		for i := range vs {
			vs[i] = c.redact(vs[i])
		}
	}
	return h
}

// requestID returns the server's request or correlation id, or "".
func requestID(h http.Header) string {
	for _, k := range []string{"X-Request-Id", "Request-Id", "X-Correlation-Id", "X-Ms-Request-Id"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

func (cl *call) logAttempt(resp *http.Response, err error) {
	l := cl.s.logger
	if l == nil || !l.Enabled(cl.ctx, slog.LevelDebug) {
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
		attrs = append(attrs, slog.String("error", oneLine(cl.c.redact(err.Error()))))
	}
	l.LogAttrs(cl.ctx, slog.LevelDebug, "which50: attempt", attrs...)
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
// another attempt: connection failures are, while a bad certificate, a host
// that does not exist or a failing Authenticator are not. (A refused redirect comes with a response,
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
	if errors.As(err, &ae) {
		return false
	}
	var dnsErr *net.DNSError
	return !errors.As(err, &dnsErr) || !dnsErr.IsNotFound
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// notSent reports whether a transport error shows that the request never
// reached the server: the connection could not be made. Only then may a
// write be sent again.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial" && !isContextError(err)
}

func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// maxRetryAfter stands for a Retry-After too large for a time.Duration:
// longer than any wait the client would sleep out.
const maxRetryAfter = time.Duration(math.MaxInt64)

// retryAfter parses the Retry-After headers of a response: decimal seconds
// or an HTTP date, a date in the past meaning no wait. A number of seconds
// too large for a time.Duration is maxRetryAfter; of several valid headers
// the longest wait wins. ok is false when no header is valid.
func retryAfter(h http.Header, now time.Time) (d time.Duration, ok bool) {
	for _, v := range h.Values("Retry-After") {
		v = strings.TrimSpace(v)
		var w time.Duration
		switch {
		case v == "":
			continue
		case strings.Trim(v, "0123456789") == "":
			secs, err := strconv.ParseInt(v, 10, 64)
			if err != nil || secs > int64(maxRetryAfter/time.Second) {
				w = maxRetryAfter // only a range error is possible here
			} else {
				w = time.Duration(secs) * time.Second
			}
		default:
			t, err := http.ParseTime(v)
			if err != nil {
				continue
			}
			w = max(t.Sub(now), 0)
		}
		if !ok || w > d {
			d, ok = w, true
		}
	}
	return d, ok
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

// drainAndClose consumes a remainder of a body bounded in bytes and in
// time, so that its connection can be reused, then closes it. A remainder
// that does not arrive in time closes the connection instead.
func drainAndClose(body io.ReadCloser) {
	if body == nil {
		return
	}
	withDeadline(body, drainTime)
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

// listOf asks for a list of m's items (T being the type m describes) and
// returns them all, or an error and nothing.
func listOf[T any](ctx context.Context, c *Client, m *model, req *request) ([]T, error) {
	var col collector[T]
	size := int64(unsafe.Sizeof(*new(T)))
	req.reset = func() { col = collector[T]{} }
	req.decode = func(f Format, body io.Reader, contentLength int64) error {
		col.start(contentLength, m.expectedItems(f, contentLength), m)
		var tooMany bool
		err := decodeItems(f, body, m, col.slot, func(consumed int64) bool {
			// Items that take far more memory than bytes on the wire
			// ([{},{},...]) would make a capped body an uncapped result.
			if tooMany = int64(col.n+1)*size > maxResultPerByte*consumed+1<<20; tooMany {
				return false
			}
			col.commit(consumed)
			return true
		})
		if err == nil && tooMany {
			err = errTooManyItems
		}
		return err
	}
	if err := c.do(ctx, req); err != nil {
		return nil, err
	}
	return col.items(), nil
}

// seqOf is the streaming twin of listOf: it yields each item as soon as it
// is decoded, so a list of any length is read in constant memory. An error
// is yielded once, with a zero item, and ends the sequence; breaking out of
// the loop closes the response at once. The request is made when iteration
// starts, again on each iteration. Retries apply until the first item has
// been yielded.
func seqOf[T any](ctx context.Context, c *Client, m *model, newReq func() (*request, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		req, err := newReq()
		if err != nil {
			yield(*new(T), err)
			return
		}
		req.stream = true
		item := new(T)
		req.decode = func(f Format, body io.Reader, _ int64) error {
			return decodeList(f, body, m, unsafe.Pointer(item), func(int64) bool {
				req.committed = true
				if !yield(*item, nil) {
					req.stopped = true
					return false
				}
				return true
			})
		}
		if err := c.do(ctx, req); err != nil && !req.stopped {
			yield(*new(T), err)
		}
	}
}

// oneOf asks for one item of m. An answer that holds none (an empty body,
// null, a nil XML root) is a *DecodeError, unless optional is set: then
// the result is nil.
func oneOf[T any](ctx context.Context, c *Client, m *model, req *request, optional bool) (*T, error) {
	var out *T
	req.reset = func() { out = nil }
	req.decode = func(f Format, body io.Reader, _ int64) error {
		item := new(T)
		found, err := decodeOne(f, body, m, unsafe.Pointer(item))
		switch {
		case err != nil:
			return err
		case found:
			out = item
		case !optional:
			return &syntaxError{Format: strings.ToUpper(f.String()), Msg: "the answer holds no " + m.name}
		}
		return nil
	}
	if err := c.do(ctx, req); err != nil {
		return nil, err
	}
	if out == nil && !optional {
		// A 204 No Content: no body to decode.
		return nil, &DecodeError{StatusCode: http.StatusNoContent, Offset: -1,
			Err: fmt.Errorf("which50: %s %s: the answer holds no %s", req.method, c.baseURL.EscapedPath()+req.ep.escaped, m.name)}
	}
	return out, nil
}

// checkID reports a non-positive integer id, which no resource has, before
// any request is made.
func checkID(what string, id int64) error {
	if id <= 0 {
		return fmt.Errorf("which50: %s id must be positive, got %d", what, id)
	}
	return nil
}

// checkIDs checks two ids, as checkID does.
func checkIDs(what1 string, id1 int64, what2 string, id2 int64) error {
	if err := checkID(what1, id1); err != nil {
		return err
	}
	return checkID(what2, id2)
}

// maxResultPerByte bounds the memory a list's items take (their Go size)
// per byte of the body read: an ordinary item takes about as much memory
// as it takes bytes on the wire, while a body of empty objects would take
// tens of times more.
const maxResultPerByte = 8

// errTooManyItems reports a list whose items would take far more memory
// than its body.
var errTooManyItems = fmt.Errorf("which50: the items take more than %d times the memory of the body: %w", maxResultPerByte, ErrResponseTooLarge)
