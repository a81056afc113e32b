package which50

// Tests of the retry engine's and the response plumbing's pure functions.

import (
	"bytes"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		values []string // nil: no header
		want   time.Duration
		wantOK bool
	}{
		{"absent", nil, 0, false},
		{"empty", []string{""}, 0, false},
		{"seconds", []string{"120"}, 2 * time.Minute, true},
		{"seconds with spaces", []string{" 7 "}, 7 * time.Second, true},
		{"zero", []string{"0"}, 0, true},
		{"an hour", []string{"3600"}, time.Hour, true},
		{"negative", []string{"-5"}, 0, false},
		{"fraction", []string{"1.5"}, 0, false},
		{"garbage", []string{"soon"}, 0, false},
		{"huge seconds saturate", []string{"99999999999999999"}, maxRetryAfter, true},
		{"beyond any integer type", []string{"99999999999999999999"}, maxRetryAfter, true},
		{"plus sign", []string{"+5"}, 0, false},
		{"hex", []string{"0x10"}, 0, false},
		{"IMF-fixdate ahead", []string{"Thu, 26 Nov 2026 12:01:30 GMT"}, 90 * time.Second, true},
		{"RFC 850 date ahead", []string{"Thursday, 26-Nov-26 13:00:00 GMT"}, time.Hour, true},
		{"asctime date ahead", []string{"Thu Nov 26 12:00:10 2026"}, 10 * time.Second, true},
		{"date in the past means now", []string{"Wed, 25 Nov 2026 12:00:00 GMT"}, 0, true},
		{"date equal to now", []string{"Thu, 26 Nov 2026 12:00:00 GMT"}, 0, true},
		{"the longest of several", []string{"5", "60", "soon"}, time.Minute, true},
		{"a date longer than seconds", []string{"5", "Thu, 26 Nov 2026 12:01:30 GMT"}, 90 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.values {
				h.Add("Retry-After", v)
			}
			got, ok := retryAfter(h, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.values, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestBackoffJitterBounds checks that each wait lies in the upper half of
// the exponential step, never above the maximum, and that the jitter spreads
// the waits.
func TestBackoffJitterBounds(t *testing.T) {
	c := &settings{waitMin: 100 * time.Millisecond, waitMax: 2 * time.Second}
	for attempt := 1; attempt <= 70; attempt++ {
		step := c.waitMax
		if attempt <= 5 {
			step = c.waitMin << (attempt - 1) // 100ms, 200ms, 400ms, 800ms, 1.6s
		}
		distinct := map[time.Duration]bool{}
		for range 200 {
			d := c.backoff(attempt)
			if d < step/2 || d > step {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, d, step/2, step)
			}
			distinct[d] = true
		}
		if len(distinct) < 10 {
			t.Errorf("attempt %d: only %d distinct waits in 200: no jitter", attempt, len(distinct))
		}
	}

	for _, c := range []*settings{
		{waitMin: 0, waitMax: 0},
		{waitMin: 0, waitMax: time.Second},
		{waitMin: time.Nanosecond, waitMax: time.Nanosecond},
		{waitMin: time.Hour, waitMax: time.Hour},
		{waitMin: 1<<62 - 1, waitMax: 1<<63 - 1},
	} {
		for _, attempt := range []int{1, 2, 31, 32, 33, 64, 1000} {
			if d := c.backoff(attempt); d < 0 || d > c.waitMax {
				t.Errorf("backoff(%d) with wait [%v, %v] = %v", attempt, c.waitMin, c.waitMax, d)
			}
		}
	}
}

func TestBackoffFromZeroMinimumStaysZero(t *testing.T) {
	// WithRetryWait(0, max) asks for immediate retries: doubling zero is zero,
	// not the maximum.
	c := &settings{waitMin: 0, waitMax: 30 * time.Second}
	for attempt := 1; attempt <= 40; attempt++ {
		if d := c.backoff(attempt); d != 0 {
			t.Fatalf("attempt %d: wait %v, want 0", attempt, d)
		}
	}
}

func TestLimitedReader(t *testing.T) {
	body := []byte("0123456789")
	tests := []struct {
		name    string
		limit   int64
		wrap    func(io.Reader) io.Reader
		wantErr bool
	}{
		{"under", 11, nil, false},
		{"exact", 10, nil, false},
		{"exact byte by byte", 10, iotest.OneByteReader, false},
		{"exact half reads", 10, iotest.HalfReader, false},
		{"exact with data and EOF together", 10, iotest.DataErrReader, false},
		{"one over", 9, nil, true},
		{"one over byte by byte", 9, iotest.OneByteReader, true},
		{"one over with data and EOF together", 9, iotest.DataErrReader, true},
		{"far over", 1, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r io.Reader = bytes.NewReader(body)
			if tt.wrap != nil {
				r = tt.wrap(r)
			}
			got, err := io.ReadAll(&limitedReader{r: r, n: tt.limit})
			if tt.wantErr {
				if !errors.Is(err, ErrResponseTooLarge) {
					t.Fatalf("err = %v, want ErrResponseTooLarge", err)
				}
				if int64(len(got)) > tt.limit || !bytes.Equal(got, body[:len(got)]) {
					t.Errorf("read %q before the error, want a prefix of at most %d bytes", got, tt.limit)
				}
				return
			}
			if err != nil || !bytes.Equal(got, body) {
				t.Errorf("read %q, %v; want %q, nil", got, err, body)
			}
		})
	}

	t.Run("stays failed", func(t *testing.T) {
		l := &limitedReader{r: strings.NewReader("abcdef"), n: 2}
		io.ReadAll(l)
		for range 3 {
			if n, err := l.Read(make([]byte, 4)); n != 0 || !errors.Is(err, ErrResponseTooLarge) {
				t.Fatalf("Read after the limit = %d, %v", n, err)
			}
		}
	})

	t.Run("passes through read errors", func(t *testing.T) {
		errBoom := errors.New("boom")
		_, err := io.ReadAll(&limitedReader{r: iotest.ErrReader(errBoom), n: 100})
		if !errors.Is(err, errBoom) {
			t.Errorf("err = %v, want the underlying error", err)
		}
	})
}

func TestFormatOf(t *testing.T) {
	tests := []struct {
		contentType string
		want        Format
		wantOK      bool
	}{
		{"application/json; charset=utf-8", FormatJSON, true},
		{"application/json", FormatJSON, true},
		{"Application/JSON ; charset=UTF-8", FormatJSON, true},
		{"text/json; charset=utf-8", FormatJSON, true},
		{"application/csp-report", FormatJSON, true},
		{"application/problem+json", FormatJSON, true},
		{"application/xml; charset=utf-8", FormatXML, true},
		{"text/xml", FormatXML, true},
		{"application/atom+xml", FormatXML, true},
		{"", formatSniff, true},
		{"   ", formatSniff, true},
		{"text/html; charset=us-ascii", 0, false},
		{"text/plain", 0, false},
		{"application/octet-stream", 0, false},
		{"application/jsonp", 0, false},
		{"application/xhtml", 0, false},
	}
	for _, tt := range tests {
		got, ok := formatOf(tt.contentType)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("formatOf(%q) = %v, %v; want %v, %v", tt.contentType, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestHTTPErrorMessage(t *testing.T) {
	long := strings.Repeat("é", 400) // 800 bytes
	tests := []struct {
		name, contentType, body, want string
	}{
		{"JSON PascalCase", "application/json; charset=utf-8",
			`{"Message":"Authorization has been denied for this request."}`, "Authorization has been denied for this request."},
		{"JSON camelCase", "application/json", `{"message":"No HTTP resource was found."}`, "No HTTP resource was found."},
		{"JSON with detail", "application/json",
			`{"Message":"An error has occurred.","ExceptionMessage":"boom","ExceptionType":"System.Exception","StackTrace":"at X"}`,
			"An error has occurred."},
		{"JSON exception only", "application/json",
			`{"ExceptionType":"System.InvalidOperationException","ExceptionMessage":"Sequence contains no elements"}`,
			"Sequence contains no elements"},
		{"JSON with BOM", "application/json", "\xef\xbb\xbf{\"Message\":\"bom\"}", "bom"},
		{"JSON message null", "application/json", `{"Message":null}`, ""},
		{"JSON array", "application/json", `["Message"]`, ""},
		{"JSON truncated", "application/json", `{"Message":"cut`, ""},
		{"XML", "application/xml; charset=utf-8",
			"<Error><Message>An error has occurred.</Message></Error>", "An error has occurred."},
		{"XML empty message", "text/xml", "<Error><Message /><ExceptionMessage>inner</ExceptionMessage></Error>", "inner"},
		{"XML other root", "application/xml", "<Fault><Message>no</Message></Fault>", ""},
		{"no content type, JSON", "", `{"Message":"sniffed"}`, "sniffed"},
		{"no content type, XML", "", "<Error><Message>sniffed</Message></Error>", "sniffed"},
		{"no content type, text", "", "Service Unavailable", ""},
		{"text/plain holding JSON", "text/plain; charset=utf-8", `{"Message":"plain"}`, "plain"},
		{"HTML page", "text/html; charset=us-ascii",
			"<!DOCTYPE HTML><HTML><BODY><h2>Service Unavailable</h2><Message>x</Message></BODY></HTML>", ""},
		{"empty body", "application/json", "", ""},
		{"whitespace body", "application/json", " \r\n", ""},
		{"long message bounded", "application/json", `{"Message":"` + long + `"}`, long[:excerptLimit] + "…"},
		{"trimmed", "application/json", `{"Message":"  spaced  "}`, "spaced"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := httpErrorMessage(tt.contentType, []byte(tt.body)); got != tt.want {
				t.Errorf("httpErrorMessage(%q, %q) = %q, want %q", tt.contentType, tt.body, got, tt.want)
			}
		})
	}
}

func TestBodyExcerpt(t *testing.T) {
	if got := bodyExcerpt([]byte("short \xff body")); got != "short \uFFFD body" {
		t.Errorf("bodyExcerpt = %q", got)
	}
	big := bytes.Repeat([]byte("a"), 10<<10)
	if got := bodyExcerpt(big); len(got) > excerptLimit+len("…") || !strings.HasSuffix(got, "…") {
		t.Errorf("bodyExcerpt of 10 KiB gave %d bytes", len(got))
	}
}

// TestLimitedReaderHugeLimit checks a limit of math.MaxInt64, which a caller
// may pass to WithMaxResponseBytes to mean "no limit".
func TestLimitedReaderHugeLimit(t *testing.T) {
	got, err := io.ReadAll(&limitedReader{r: strings.NewReader("all of it"), n: math.MaxInt64})
	if err != nil || string(got) != "all of it" {
		t.Errorf("read %q, %v; want the whole body", got, err)
	}
}
