package which50

import (
	"encoding/binary"
	"sync"
	"unsafe"
)

// Strings of a decoded answer. A history of 2,000 items holds some 10,000
// strings; allocating each on its own would cost more than decoding them.
// Two mechanisms keep that cost to a fraction of an allocation per item:
//
//   - a string arena: the bytes of the decode's strings are copied into
//     chunks of a few KiB, and each string points into its chunk
//     (unsafe.String), so one allocation holds the strings of many items;
//   - an intern table: a small cache of recent short strings, so that
//     values that repeat (kinds, statuses, campaign names) share one copy
//     and cost no arena bytes at all.
//
// The trade-off of the arena: a string the caller keeps keeps its whole
// chunk (at most maxArenaChunk bytes) alive, even when every other string of
// the chunk is garbage. A chunk is written only in bytes no string points
// to yet, so a string's bytes never change after it is made.

// Chunk sizes of the string arena: the first chunk is small, so a short
// answer costs little; each next one is twice as large up to
// maxArenaChunk. A string longer than maxArenaString gets an allocation of
// its own, so that a few long values do not waste chunks.
const (
	minArenaChunk  = 512
	maxArenaChunk  = 16 << 10
	maxArenaString = 1 << 10
)

// stringArena makes strings out of byte slices, many strings to one
// allocation.
type stringArena struct {
	chunk []byte // the chunk being filled: len is its used part
	next  int    // size of the next chunk
}

// make returns a string holding a copy of b.
func (a *stringArena) make(b []byte) string {
	n := len(b)
	if n == 0 {
		return ""
	}
	if n > maxArenaString {
		return string(b)
	}
	if cap(a.chunk)-len(a.chunk) < n {
		size := max(a.next, minArenaChunk, n)
		a.chunk = make([]byte, 0, size)
		a.next = min(2*size, maxArenaChunk)
	}
	off := len(a.chunk)
	a.chunk = append(a.chunk, b...)
	return unsafe.String(&a.chunk[off], n)
}

// The intern table: internSets sets of internWays slots. A string is
// looked up in the one set its hash selects, so a lookup costs one hash
// and at most internWays comparisons whether it hits or misses; a body of
// unique strings costs no more than plain copying. Only strings of at most
// maxInternLen bytes are interned: longer ones rarely repeat.
const (
	internSetBits = 8
	internSets    = 1 << internSetBits
	internWays    = 2
	maxInternLen  = 64
	// maxHits caps a slot's hit count: a string that was popular once must
	// not hold its slot forever against a new popular one.
	maxHits = 8
)

type internSlot struct {
	s    string
	hits uint32
}

// internTable is one decode's intern table, taken from internPool.
type internTable struct {
	slots [internSets * internWays]internSlot
}

// internPool recycles intern tables; release clears a table before it goes
// back, so that no decode keeps another's strings alive.
var internPool = sync.Pool{New: func() any { return new(internTable) }}

func (t *internTable) clear() { *t = internTable{} }

// lookup returns the table's string equal to b, or a new one made by a and
// entered in the table. When b's set is full, the new string takes the slot
// with fewer hits, and the other slot's count decays, so that strings that
// stop repeating give way to ones that start.
func (t *internTable) lookup(b []byte, a *stringArena) (s string, hit bool) {
	i := internHash(b) * internWays
	set := t.slots[i : i+internWays : i+internWays]
	for k := range set {
		if set[k].s == string(b) {
			if set[k].hits < maxHits {
				set[k].hits++
			}
			return set[k].s, true
		}
	}
	s = a.make(b)
	v := 0
	if set[0].s != "" && (set[1].s == "" || set[1].hits < set[0].hits) {
		v = 1
	}
	if o := &set[1-v]; o.hits > 0 {
		o.hits--
	}
	set[v] = internSlot{s: s}
	return s, false
}

// internHash hashes b (not empty) to a set of the intern table. It reads
// at most 24 bytes (the first, middle and last 8), which is enough to tell
// apart the strings of one answer; strings it confuses only share a set.
func internHash(b []byte) uint32 {
	n := len(b)
	var x uint64
	if n >= 8 {
		x = binary.LittleEndian.Uint64(b)*0x9E3779B97F4A7C15 ^
			binary.LittleEndian.Uint64(b[(n-8)/2:])*0xC2B2AE3D27D4EB4F ^
			binary.LittleEndian.Uint64(b[n-8:])
	} else {
		for _, c := range b {
			x = x<<8 | uint64(c)
		}
	}
	x = (x ^ uint64(n)) * 0x165667B19E3779F9
	return uint32(x >> (64 - internSetBits))
}

// Members whose values do not repeat, such as the name of every newsletter
// of a history, would pay for an intern lookup that misses on every value,
// and would push the values that do repeat out of the table. So the
// decoders keep, per member, how often its values were found: after
// internProbes lookups with fewer than one hit in internMinHitRate, the
// member's values go straight to the arena, and only one in
// internRecheck is looked up, to notice values that start to repeat.
const (
	internProbes     = 64
	internMinHitRate = 8
	internRecheck    = 32
	internMembers    = 64 // members tracked, by index in their model
)

// internStat is what a decoder knows of one member's values.
type internStat struct {
	seen, probes, hits uint32
	bypass             bool
}

// memberString returns b as a string for member number idx of its model,
// interned unless the member's values rarely repeat.
func (d *reader) memberString(idx int, b []byte) string {
	if len(b) == 0 || len(b) > maxInternLen {
		return d.strs.make(b)
	}
	st := &d.memberStats[idx%internMembers]
	st.seen++
	if st.bypass && st.seen%internRecheck != 0 {
		return d.strs.make(b)
	}
	s, hit := d.lookup(b)
	st.probes++
	if hit {
		st.hits++
	}
	if st.probes == internProbes {
		st.bypass = st.hits*internMinHitRate < st.probes
		st.probes, st.hits = 0, 0
	}
	return s
}
