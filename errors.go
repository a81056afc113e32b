package which50

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors for the statuses the API documents. An *APIError matches
// exactly one of them with errors.Is, according to its StatusCode:
//
//	if errors.Is(err, which50.ErrNotFound) { ... }
var (
	// ErrBadRequest matches a 400, such as an unknown report state, and the
	// 417 Expectation Failed the API uses for invalid parameters.
	ErrBadRequest = errors.New("which50: bad request")
	// ErrUnauthorized matches a 401: the request lacks valid credentials.
	ErrUnauthorized = errors.New("which50: unauthorized")
	// ErrForbidden matches a 403: the credentials lack the permission.
	ErrForbidden = errors.New("which50: forbidden")
	// ErrNotFound matches a 404: the contact (or the resource) was not found.
	ErrNotFound = errors.New("which50: not found")
	// ErrInternalServerError matches a 500 that persisted through the retries.
	ErrInternalServerError = errors.New("which50: internal server error")
	// ErrRateLimited matches a 429 that persisted through the retries, or whose
	// Retry-After asked for a longer wait than the client may sleep. The
	// APIError's RetryAfter says when the server will accept a new request.
	ErrRateLimited = errors.New("which50: rate limited")
	// ErrResponseTooLarge reports a response body larger than the limit set
	// with WithMaxResponseBytes, an item larger than MaxItemBytes, or list
	// items that would take far more memory than the body's bytes.
	ErrResponseTooLarge = errors.New("which50: response too large")
	// ErrInvalidResponse matches a *DecodeError: a successful status whose body
	// is not the model asked for in JSON or XML.
	ErrInvalidResponse = errors.New("which50: invalid response")
	// ErrInvalidOption matches the error for an option NewClient or a call
	// cannot take: an invalid value, a client-wide option (such as
	// WithBaseURL) given to one call, or WithResponse given to NewClient. A
	// call that fails with it has sent no request.
	ErrInvalidOption = errors.New("which50: invalid option")
	// ErrRetryBudgetExhausted matches the error of a call that was denied a
	// retry by the client's retry budget (WithRetryBudget): the call
	// returned its last failure at once. The error matches that failure too,
	// so errors.As still finds the *APIError or network error.
	ErrRetryBudgetExhausted = errors.New("which50: retry budget exhausted")
)

// optionError reports an option that could not be applied; it matches
// ErrInvalidOption and keeps the text of the cause.
type optionError struct{ err error }

func (e *optionError) Error() string        { return e.err.Error() }
func (e *optionError) Unwrap() error        { return e.err }
func (e *optionError) Is(target error) bool { return target == ErrInvalidOption }

// budgetError is the last failure of a call the retry budget denied a
// retry; it matches ErrRetryBudgetExhausted and unwraps to that failure.
type budgetError struct{ err error }

func (e *budgetError) Error() string        { return e.err.Error() + " (retry budget exhausted)" }
func (e *budgetError) Unwrap() error        { return e.err }
func (e *budgetError) Is(target error) bool { return target == ErrRetryBudgetExhausted }

// APIError is the error for any response with a non-2xx status. Use errors.As
// to read its fields, or errors.Is with a sentinel such as ErrNotFound to
// branch on the status.
type APIError struct {
	// StatusCode is the HTTP status code of the (last) response.
	StatusCode int
	// Message is the server's HttpError message when the body carried one,
	// otherwise the standard text for the status.
	Message string
	// Body is a bounded excerpt of the response body, for diagnostics. It is
	// never included in Error().
	Body string
	// ContentType is the response's Content-Type header.
	ContentType string
	// Header holds the response headers.
	Header http.Header
	// RequestID is the server's request or correlation id, when one was sent.
	RequestID string
	// RetryAfter is the wait the server asked for in a Retry-After header of
	// the last response, or 0 if it sent none.
	RetryAfter time.Duration
	// Method and Path identify the request (the path has no query string).
	Method, Path string
	// Attempts is how many requests were made before this error was returned.
	Attempts int
}

// Error returns a one-line description: the request, the status and the
// server's message, with control characters escaped. It never contains the
// response body or credentials.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("which50: ")
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteByte(' ')
		b.WriteString(oneLine(e.Path))
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	if e.Message != "" && e.Message != http.StatusText(e.StatusCode) {
		b.WriteString(": ")
		b.WriteString(oneLine(e.Message))
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

// Is reports whether the error's status matches target, one of ErrBadRequest, ErrUnauthorized,
// ErrForbidden, ErrNotFound, ErrInternalServerError or ErrRateLimited.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusExpectationFailed
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrInternalServerError:
		return e.StatusCode == http.StatusInternalServerError
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// DecodeError reports a successful response whose body could not be decoded:
// malformed or truncated JSON or XML, or a body of another type altogether
// (such as an HTML maintenance page). It matches ErrInvalidResponse.
type DecodeError struct {
	// StatusCode and ContentType are those of the response.
	StatusCode  int
	ContentType string
	// Offset is the byte offset in the body where decoding failed, or -1.
	Offset int64
	// Excerpt is a short excerpt of the body near Offset (or its start).
	Excerpt string
	// Err is the underlying cause.
	Err error
}

// Error describes the failure on one line, without dumping the body.
func (e *DecodeError) Error() string {
	if e.Err == nil {
		return "which50: invalid response"
	}
	return oneLine(e.Err.Error())
}

// Unwrap returns the underlying cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// Is reports whether target is ErrInvalidResponse.
func (e *DecodeError) Is(target error) bool { return target == ErrInvalidResponse }

// IsRetryable reports whether err is a failure the SDK retries when it
// reads: a connection that could not be made or was cut, a timed-out
// attempt, or an *APIError with status 429, 500, 502, 503 or 504. A caller
// whose call failed after the retries can use it to decide whether to try
// again later. It is false for nil, for the end of the caller's context and
// for every other error: bad input, a DecodeError, a certificate error, a
// host that does not exist.
func IsRetryable(err error) bool {
	if err == nil || isContextError(err) {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return retryableStatus(apiErr.StatusCode)
	}
	var de *DecodeError
	if errors.As(err, &de) || errors.Is(err, ErrResponseTooLarge) {
		return false
	}
	var te *transientError
	if errors.As(err, &te) {
		return true
	}
	return (errors.Is(err, io.ErrUnexpectedEOF) || isNetError(err)) && retryableTransportError(err)
}
