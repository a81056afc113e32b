package which50

import "testing"

// The collector keeps every item in order and, for a body of known length
// with items alike, ends with a slice close to the item count: one measured
// grow, not append's repeated doubling.
func TestCollector(t *testing.T) {
	const perItem = 100 // bytes one item takes on the wire
	for _, tc := range []struct {
		name     string
		n        int
		length   int64 // declared body length, 0 for a chunked answer
		expected int
		maxCap   int // bound on the result's capacity
	}{
		{"empty chunked", 0, 0, 0, 0},
		{"short chunked", 10, 0, 0, firstUnknown},
		{"long chunked", 100_000, 0, 0, 100_000},
		{"known", 100_000, 100_000 * perItem, 50_000, 100_000 * 33 / 32 * 101 / 100},
		{"known short", 500, 500 * perItem, 400, 600},
		{"known, estimate high", 3000, 3000 * perItem, 9000, 3000 * 33 / 32 * 101 / 100},
		{"known, claim too long", 3000, 3000 * perItem * 2, 6000, 7000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c collector[int64]
			c.add(new(int64), 0) // what an earlier attempt left
			c.start(tc.length, tc.expected)
			for i := range tc.n {
				v := int64(i)
				c.add(&v, int64(i+1)*perItem)
			}
			got := c.items()
			if got == nil || len(got) != tc.n {
				t.Fatalf("got %d items (nil: %t), want %d", len(got), got == nil, tc.n)
			}
			for i, v := range got {
				if v != int64(i) {
					t.Fatalf("item %d is %d", i, v)
				}
			}
			if cap(got) > max(tc.maxCap, tc.n) {
				t.Errorf("capacity %d for %d items, want at most %d", cap(got), tc.n, tc.maxCap)
			}
		})
	}
}
