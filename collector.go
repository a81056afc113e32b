package which50

import "unsafe"

// collector gathers the items of a list answer into the slice listOf
// returns, copying each item as few times as it can and holding little
// more memory than the result:
//
//   - with a Content-Length, the first items go into a slice of at most
//     firstKnown items; once it is full, the bytes those items took tell how
//     many the rest of the body holds, and the slice grows to that count
//     (plus a small margin): once for most answers, two or three times for
//     long ones (see growPerByte). A body whose items are not alike may need
//     another grow; each is by at least a quarter.
//   - without one (a chunked answer), items go into chunks, each a quarter
//     of the items so far, and are copied once, at the end, into a slice of
//     exactly their number. Growing one slice by append would copy every
//     item several times and leave the old arrays behind as garbage. Past
//     spillAfter items, the items of a flat model go into a spill instead
//     (spill.go), which takes a fraction of their memory.
type collector[T any] struct {
	length int64 // the body's declared length, 0 if unknown
	cur    []T   // the slice being filled
	done   [][]T // full chunks before cur, without a Content-Length
	n      int   // items collected
	m      *model
	spill  *spill // items after those in done and cur
	// scratch is the slot of an item to be spilled; consumed is the bytes
	// of the body read up to the end of the last item.
	scratch  T
	consumed int64
}

// First sizes of the collector's slices, in items: firstKnown bounds the
// slice that measures the items of a body of known length (a claim that is
// only a claim costs no more), firstUnknown is the first chunk of a body of
// unknown length.
const (
	firstKnown   = 256
	firstUnknown = 64
)

// growPerByte bounds one grow of a body of known length: the new slice
// takes at most this many bytes (plus 1 MiB) per byte of the body read.
const growPerByte = 64

// start readies c for a body of the given declared length (0 or less if
// unknown) holding about expected items of m (T being the type m
// describes; nil if items are never to be spilled), dropping what an
// earlier attempt collected.
func (c *collector[T]) start(length int64, expected int, m *model) {
	*c = collector[T]{length: max(length, 0), m: m}
	if c.length > 0 && expected > 0 {
		c.cur = make([]T, 0, min(expected, firstKnown))
	}
}

// slot returns zeroed storage for the next item, for the decoder to decode
// it in place; commit counts it in once it is complete.
func (c *collector[T]) slot() unsafe.Pointer {
	if c.spill == nil && len(c.cur) == cap(c.cur) {
		c.grow(c.consumed)
	}
	if c.spill != nil {
		c.scratch = *new(T)
		return unsafe.Pointer(&c.scratch)
	}
	c.cur = c.cur[:len(c.cur)+1] // zero: never used since make
	return unsafe.Pointer(&c.cur[len(c.cur)-1])
}

// commit takes the item decoded into the last slot; consumed is how many
// bytes of the body the decoder has read up to its end.
func (c *collector[T]) commit(consumed int64) {
	if c.spill != nil {
		c.spill.add(unsafe.Pointer(&c.scratch))
	}
	c.n++
	c.consumed = consumed
}

func (c *collector[T]) grow(consumed int64) {
	n := len(c.cur)
	if c.length == 0 {
		if n > 0 {
			c.done = append(c.done, c.cur)
		}
		if c.n >= spillAfter && c.m != nil && c.m.flat() {
			c.cur = nil
			c.cur, c.spill = nil, &spill{m: c.m}
			return
		}
		c.cur = make([]T, 0, max(c.n/4, firstUnknown))
		return
	}
	want := n + max(n/4, firstUnknown)
	if n > 0 && consumed > 0 && consumed < c.length {
		// The items so far took consumed bytes: the rest of the body
		// holds about as many per byte.
		rest := float64(c.length-consumed) * float64(n) / float64(consumed)
		est := n + int(rest) + int(rest)/32 + 16
		// A declared length is only a claim until the bytes arrive: a
		// server that declares a huge body and sends a few small items
		// must not get a huge allocation out of it. So one grow takes
		// at most growPerByte bytes per byte received so far; a long
		// body grows two or three times, early, while the slice is
		// still small next to the result.
		bound := int((growPerByte*consumed + 1<<20) / int64(max(unsafe.Sizeof(*new(T)), 1)))
		want = max(want, min(est, bound))
	}
	grown := make([]T, n, want)
	copy(grown, c.cur)
	c.cur = grown
}

// items returns the collected items, an empty non-nil slice if none.
func (c *collector[T]) items() []T {
	if len(c.done) == 0 {
		if c.cur == nil {
			return []T{}
		}
		return c.cur
	}
	out := make([]T, 0, c.n)
	for _, chunk := range c.done {
		out = append(out, chunk...)
	}
	out = append(out, c.cur...)
	if c.spill != nil {
		k := len(out)
		out = out[:c.n]
		c.spill.expand(unsafe.Pointer(&out[k]), unsafe.Sizeof(out[0]))
		c.spill = nil
	}
	return out
}
