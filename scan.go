package which50

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// syntaxError reports a response body that is not a valid encoding of a
// list of ContactInteraction: malformed JSON or XML, a truncated body, a
// value of the wrong type or out of range, a bad date.
type syntaxError struct {
	// Format is "JSON" or "XML".
	Format string
	// Offset is the byte offset in the body where the problem was found.
	Offset int64
	// Msg describes the problem.
	Msg string
	// Near is a short excerpt (at most maxNear bytes) of the body around
	// Offset, with invalid UTF-8 replaced, for error messages.
	Near string
}

// Error returns "which50: invalid JSON at byte N: msg" (or XML).
func (e *syntaxError) Error() string {
	return fmt.Sprintf("which50: invalid %s at byte %d: %s", e.Format, e.Offset, e.Msg)
}

// maxNear bounds syntaxError.Near.
const maxNear = 64

// excerpt returns at most maxNear bytes of buf around position pos, as valid
// UTF-8.
func excerpt(buf []byte, pos int) string {
	if pos < 0 {
		pos = 0
	}
	if pos > len(buf) {
		pos = len(buf)
	}
	start := max(pos-maxNear/2, 0)
	end := min(start+maxNear, len(buf))
	return strings.ToValidUTF8(string(buf[start:end]), "\uFFFD")
}

// utf8BOM is the byte order mark some proxies and hand-written .NET code
// put in front of a UTF-8 body.
const utf8BOM = "\xEF\xBB\xBF"

// validUTF8 reports whether b is valid UTF-8; a fast path for ASCII.
func validUTF8(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return utf8.Valid(b)
		}
	}
	return true
}
