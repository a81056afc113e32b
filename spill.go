package which50

import (
	"encoding/binary"
	"time"
	"unsafe"
)

// A list answer without a Content-Length gives no count to size its result
// by: the collector (collector.go) can only gather the items and copy them
// into an exact slice at the end, and at that moment holds them twice. For
// a long history that is twice the result. So past spillAfter items, the
// items of a flat model (members of kind int64, string, bool and time only)
// are kept in a compact form instead, a few bytes a member:
//
//   - an int64 as a varint, a bool as one byte;
//   - a string as the index of its entry in a table of the answer's strings
//     (0 for ""): a string the decoders interned is entered once, however
//     often it repeats, and the string itself is never copied;
//   - a time as the index of its location in a table, then its Unix seconds
//     and nanoseconds (0 alone for the zero time).
//
// The result is expanded from that form once the body has ended. A long
// history then peaks at about 1.3 times its result instead of 2.

// spillAfter is the number of items kept as they are before the collector
// spills the rest: below it, spilling would save little.
const spillAfter = 16 << 10

// Sizes of the spill's blocks: encoded items, in bytes; table entries, in
// strings. Fixed sizes, so that growing the spill never copies it.
const (
	spillBlock      = 256 << 10
	spillTableChunk = 4 << 10
	spillCacheBits  = 12
)

// spill holds items of one flat model in compact form.
type spill struct {
	m      *model
	blocks [][]byte
	n      int // items

	// The string table, in chunks, and a cache from a string's bytes (by
	// address and length) to its entry: interned strings share their
	// bytes, so a repeated value is found without comparing it.
	strs   [][]string
	nstrs  int
	cache  [1 << spillCacheBits]spillCached
	locs   []*time.Location
	locIdx map[*time.Location]uint64
}

type spillCached struct {
	p   *byte
	n   int
	idx uint64
}

// flat reports whether m's items can be spilled.
func (m *model) flat() bool {
	for i := range m.members {
		switch m.members[i].kind {
		case kindInt64, kindString, kindBool, kindTime:
		default:
			return false
		}
	}
	return true
}

// add encodes the item at p.
func (s *spill) add(p unsafe.Pointer) {
	maxLen := len(s.m.members) * 2 * binary.MaxVarintLen64
	if len(s.blocks) == 0 || cap(s.blocks[len(s.blocks)-1])-len(s.blocks[len(s.blocks)-1]) < maxLen {
		s.blocks = append(s.blocks, make([]byte, 0, max(spillBlock, maxLen)))
	}
	b := s.blocks[len(s.blocks)-1]
	for i := range s.m.members {
		mb := &s.m.members[i]
		f := unsafe.Add(p, mb.off)
		switch mb.kind {
		case kindInt64:
			b = binary.AppendVarint(b, *(*int64)(f))
		case kindBool:
			c := byte(0)
			if *(*bool)(f) {
				c = 1
			}
			b = append(b, c)
		case kindString:
			b = binary.AppendUvarint(b, s.stringIndex(*(*string)(f)))
		case kindTime:
			t := *(*time.Time)(f)
			if t.IsZero() {
				b = append(b, 0)
				break
			}
			b = binary.AppendUvarint(b, s.locationIndex(t.Location())+1)
			b = binary.AppendVarint(b, t.Unix())
			b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
		}
	}
	s.blocks[len(s.blocks)-1] = b
	s.n++
}

// stringIndex returns the table entry of v, plus one; 0 for "".
func (s *spill) stringIndex(v string) uint64 {
	if v == "" {
		return 0
	}
	p := unsafe.StringData(v)
	h := uint64(uintptr(unsafe.Pointer(p))^uintptr(len(v))) * 0x9E3779B97F4A7C15 >> (64 - spillCacheBits)
	c := &s.cache[h]
	if c.p == p && c.n == len(v) {
		return c.idx
	}
	if s.nstrs%spillTableChunk == 0 {
		s.strs = append(s.strs, make([]string, 0, spillTableChunk))
	}
	last := &s.strs[len(s.strs)-1]
	*last = append(*last, v)
	s.nstrs++
	*c = spillCached{p: p, n: len(v), idx: uint64(s.nstrs)}
	return c.idx
}

func (s *spill) locationIndex(loc *time.Location) uint64 {
	if i, ok := s.locIdx[loc]; ok {
		return i
	}
	if s.locIdx == nil {
		s.locIdx = make(map[*time.Location]uint64)
	}
	i := uint64(len(s.locs))
	s.locs = append(s.locs, loc)
	s.locIdx[loc] = i
	return i
}

// expand decodes the spilled items into dst, which has room for them all,
// and frees the spill's blocks as it goes. dst's elements are T values of
// size elemSize, zeroed.
func (s *spill) expand(dst unsafe.Pointer, elemSize uintptr) {
	k := 0
	for bi, b := range s.blocks {
		for len(b) > 0 {
			p := unsafe.Add(dst, uintptr(k)*elemSize)
			for i := range s.m.members {
				mb := &s.m.members[i]
				f := unsafe.Add(p, mb.off)
				var n int
				switch mb.kind {
				case kindInt64:
					*(*int64)(f), n = binary.Varint(b)
				case kindBool:
					*(*bool)(f), n = b[0] == 1, 1
				case kindString:
					var idx uint64
					if idx, n = binary.Uvarint(b); idx > 0 {
						idx--
						*(*string)(f) = s.strs[idx/spillTableChunk][idx%spillTableChunk]
					}
				case kindTime:
					var loc uint64
					if loc, n = binary.Uvarint(b); loc > 0 {
						sec, ns := binary.Varint(b[n:])
						n += ns
						nsec, nn := binary.Uvarint(b[n:])
						n += nn
						*(*time.Time)(f) = time.Unix(sec, int64(nsec)).In(s.locs[loc-1])
					}
				}
				b = b[n:]
			}
			k++
		}
		s.blocks[bi] = nil
	}
}
