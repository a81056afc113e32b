package which50

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Everything the client reports (error text, APIError fields, log records)
// passes through redact, so that no credential the client sends, nor any
// part of one, leaves it; error text also passes through oneLine, so that a
// server cannot forge log lines.

// credentials holds the client's Authenticator and the secrets to scrub.
// The built-in authenticators declare theirs up front; what a custom
// Authenticator sets on a request is learned as it is sent (authTransport).
type credentials struct {
	auth  Authenticator
	known []string

	mu      sync.RWMutex
	learned []string // newest last, at most maxLearned
}

// maxLearned bounds the learned secrets: an Authenticator that rotates
// tokens adds one per rotation, and only the recent ones can still appear
// in an answer.
const maxLearned = 32

// learn records values a custom Authenticator put on a request.
func (cr *credentials) learn(values []string) {
	cr.mu.RLock()
	fresh := values[:0:0]
	for _, v := range values {
		if v != "" && !containsString(cr.known, v) && !containsString(cr.learned, v) {
			fresh = append(fresh, v)
		}
	}
	cr.mu.RUnlock()
	if len(fresh) == 0 {
		return
	}
	cr.mu.Lock()
	defer cr.mu.Unlock()
	for _, v := range fresh {
		if !containsString(cr.learned, v) {
			cr.learned = append(cr.learned, v)
		}
	}
	if n := len(cr.learned) - maxLearned; n > 0 {
		cr.learned = append(cr.learned[:0:0], cr.learned[n:]...)
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// secrets returns every secret to scrub.
func (cr *credentials) secrets() []string {
	cr.mu.RLock()
	defer cr.mu.RUnlock()
	if len(cr.learned) == 0 {
		return cr.known
	}
	return append(append([]string(nil), cr.known...), cr.learned...)
}

// minFragment is the shortest part of a secret that redact removes on its
// own: an excerpt cut across a token shows only part of it.
const minFragment = 4

// redact removes the client's credentials from s: each whole secret, and
// each run of at least minFragment bytes made of pieces of a secret (every
// minFragment-byte window of the run occurs in the secret), so that an
// excerpt or a value cut across a token shows no part of it.
func (c *Client) redact(s string) string {
	if c.creds == nil {
		return s
	}
	for _, secret := range c.creds.secrets() {
		s = redactSecret(s, secret)
	}
	return s
}

func redactSecret(s, secret string) string {
	if secret == "" {
		return s
	}
	s = strings.ReplaceAll(s, secret, redacted)
	if len(secret) < minFragment || len(s) < minFragment {
		return s
	}
	var mask []bool // bytes of s that belong to a fragment
	for i := 0; i+minFragment <= len(s); i++ {
		if strings.Contains(secret, s[i:i+minFragment]) {
			if mask == nil {
				mask = make([]bool, len(s))
			}
			for k := i; k < i+minFragment; k++ {
				mask[k] = true
			}
		}
	}
	if mask == nil {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if !mask[i] {
			b.WriteByte(s[i])
			i++
			continue
		}
		for i < len(s) && mask[i] {
			i++
		}
		b.WriteString(redacted)
	}
	return b.String()
}

// oneLine escapes control characters (line breaks, ESC, C1 controls) and
// invalid UTF-8 in s, as Go string literals write them, so that text a
// server chose cannot start a new log line or drive a terminal.
func oneLine(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 || (r >= 0x7f && r < 0xa0) || r == 0x2028 || r == 0x2029 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i]), 16))
		case r < 0x20 || (r >= 0x7f && r < 0xa0) || r == 0x2028 || r == 0x2029:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// cleanError carries an error whose text had to be redacted or made one
// line; errors.Is and errors.As still reach the original.
type cleanError struct {
	text string
	err  error
}

func (e *cleanError) Error() string { return e.text }
func (e *cleanError) Unwrap() error { return e.err }

// clean returns err with its text redacted and on one line, wrapping it
// only when that changes the text.
func (c *Client) clean(err error) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	if t := oneLine(c.redact(text)); t != text {
		return &cleanError{text: t, err: err}
	}
	return err
}
