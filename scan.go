package which50

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

// syntaxError reports a response body that is not a valid encoding of the
// model asked for: malformed JSON or XML, a truncated body, a value of the
// wrong type or out of range, a bad date.
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
	near := strings.ToValidUTF8(string(buf[start:end]), "\uFFFD")
	for len(near) > maxNear { // replacements can make it longer
		_, n := utf8.DecodeLastRuneInString(near)
		near = near[:len(near)-n]
	}
	return near
}

// quoted returns a value from the body for an error message: quoted,
// valid UTF-8, and cut to maxNear bytes, so that a hostile value of any
// length cannot make the error text large.
func quoted(b []byte) string {
	cut := ""
	if len(b) > maxNear {
		b, cut = b[:maxNear], "…"
	}
	return `"` + strings.ToValidUTF8(string(b), "\uFFFD") + cut + `"`
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

// bufSize is the initial size of a decoder's read buffer; it grows only when
// one token (a string, a number, a tag) does not fit.
const bufSize = 32 << 10

// bufPool recycles read buffers across decodes.
var bufPool = sync.Pool{New: func() any { b := make([]byte, bufSize); return &b }}

// reader is the refillable input buffer the JSON and XML scanners share.
// Scanners keep positions relative to pos: more moves buf[pos:end] to the
// front before reading.
type reader struct {
	r      io.Reader
	format string
	buf    []byte
	bufp   *[]byte // from bufPool, nil once buf has been replaced
	pos    int     // next byte to consume
	end    int     // end of the data read so far
	base   int64   // input offset of buf[0]
	// itemStart is the input offset where the item being decoded began
	// (or the body, before the first): no item may take more than
	// MaxItemBytes, whatever the body's cap.
	itemStart int64
	eof       bool  // r returned io.EOF
	rerr      error // r returned another error
	zones     zoneCache
	// strs holds the decode's strings; internStrs those entered in the
	// intern table, apart, so that the table's entries keep only their own
	// chunks alive while a ...Seq method streams, not one chunk of
	// unrelated strings each.
	strs, internStrs stringArena
	interned         *internTable // from internPool, taken on first use
	// memberStats says, per string member, whether its values repeat.
	memberStats [internMembers]internStat
}

func (d *reader) init(r io.Reader, format string) {
	d.r, d.format = r, format
	d.bufp = bufPool.Get().(*[]byte)
	d.buf = *d.bufp
}

// release returns the buffer and the intern table to their pools.
func (d *reader) release() {
	d.releaseBuf()
	if d.interned != nil {
		d.interned.clear()
		internPool.Put(d.interned)
		d.interned = nil
	}
}

// releaseBuf returns the buffer to the pool.
func (d *reader) releaseBuf() {
	if d.bufp != nil {
		bufPool.Put(d.bufp)
	}
	d.bufp, d.buf = nil, nil
}

// more reads more input, keeping buf[pos:end]. It reports whether any new
// bytes arrived; after it, buf[pos:] holds the same bytes as before, plus
// the new ones.
func (d *reader) more() bool {
	if d.eof || d.rerr != nil {
		return false
	}
	if d.base+int64(d.end)-d.itemStart > MaxItemBytes {
		d.rerr = errItemTooLarge
		return false
	}
	if d.pos > 0 {
		n := copy(d.buf, d.buf[d.pos:d.end])
		d.base += int64(d.pos)
		d.pos, d.end = 0, n
	}
	if d.end == len(d.buf) {
		nb := make([]byte, 2*len(d.buf))
		copy(nb, d.buf[:d.end])
		d.releaseBuf()
		d.buf = nb
	}
	for range 100 {
		n, err := d.r.Read(d.buf[d.end:])
		d.end += n
		if err != nil {
			if err == io.EOF {
				d.eof = true
			} else {
				d.rerr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	d.rerr = io.ErrNoProgress
	return false
}

// ensure makes n bytes from pos available, reading as needed; it reports
// false if the input ends first.
func (d *reader) ensure(n int) bool {
	for d.end-d.pos < n {
		if !d.more() {
			return false
		}
	}
	return true
}

// MaxItemBytes bounds the bytes one item of a list, or a single-object
// answer, may take on the wire. It holds for streaming too, where no body
// cap applies by default, so that one endless string, number or item cannot
// take unbounded memory.
const MaxItemBytes = 16 << 20

// errItemTooLarge reports an item over MaxItemBytes.
var errItemTooLarge = fmt.Errorf("which50: one item takes more than %d bytes: %w", MaxItemBytes, ErrResponseTooLarge)

// offset is the input offset of the next byte to consume.
func (d *reader) offset() int64 { return d.base + int64(d.pos) }

// beginItem marks the start of an item, for MaxItemBytes.
func (d *reader) beginItem() { d.itemStart = d.base + int64(d.pos) }

// fail returns a syntax error at pos+rel.
func (d *reader) fail(rel int, msg string) error {
	// Near shows only what has been read: reading on for context could
	// block on a stalled connection.
	p := min(d.pos+rel, d.end)
	off := d.base + int64(p)
	return &syntaxError{Format: d.format, Offset: off, Msg: msg, Near: excerpt(d.buf[:d.end], p)}
}

// failEOF reports input that ended before the value did: the read error if
// reading failed, else a syntax error.
func (d *reader) failEOF() error {
	if d.rerr != nil {
		return fmt.Errorf("which50: reading %s body: %w", d.format, d.rerr)
	}
	return d.fail(d.end-d.pos, "unexpected end of input")
}

// intern returns b as a string, shared with an earlier equal string of
// this decode when the intern table still holds one: kinds, statuses and
// campaign names repeat across items. Strings are copied into the decode's
// arenas (strings.go).
func (d *reader) intern(b []byte) string {
	if len(b) == 0 || len(b) > maxInternLen {
		return d.strs.make(b)
	}
	s, _ := d.lookup(b)
	return s
}

// lookup looks b (1 to maxInternLen bytes) up in the decode's intern
// table, taking one from internPool on first use.
func (d *reader) lookup(b []byte) (s string, hit bool) {
	if d.interned == nil {
		d.interned = internPool.Get().(*internTable)
	}
	return d.interned.lookup(b, &d.internStrs)
}

// clearString sets the string at dst to "" (a null).
func (d *reader) clearString(dst *string) { *dst = "" }

// skipBOM consumes a UTF-8 byte order mark at the start of the input.
func (d *reader) skipBOM() {
	d.ensure(len(utf8BOM))
	if d.end-d.pos >= len(utf8BOM) && string(d.buf[d.pos:d.pos+len(utf8BOM)]) == utf8BOM {
		d.pos += len(utf8BOM)
	}
}
