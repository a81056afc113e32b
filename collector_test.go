package which50

import (
	"fmt"
	"testing"
	"time"
	"unsafe"
)

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
			*(*int64)(c.slot()) = -1 // what an earlier attempt left
			c.commit(perItem)
			c.start(tc.length, tc.expected, nil)
			for i := range tc.n {
				*(*int64)(c.slot()) = int64(i)
				c.commit(int64(i+1) * perItem)
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

// Past spillAfter items of an answer without a length, a flat model's items
// are spilled in compact form; they must come back exactly: every member,
// times with their locations, zero times, empty and shared strings.
func TestCollectorSpillsFlatItems(t *testing.T) {
	const n = spillAfter*3 + 7
	locs := []*time.Location{time.UTC, time.FixedZone("", 10*3600), time.FixedZone("", -5*3600-1800)}
	shared := "Spring sale"
	want := make([]ContactInteraction, n)
	for i := range want {
		it := &want[i]
		it.ID = int64(i*7919) - 1<<40
		it.Interaction = InteractionEmail
		it.Name = fmt.Sprintf("newsletter %d", i)
		it.Status = []string{"", "Opened", "Clicked"}[i%3]
		it.CampaignID = int64(i % 5)
		if i%4 != 0 {
			it.CampaignName = shared
		}
		if i%11 != 0 {
			it.Occurred = time.Date(2024, 1, 1+i%300, i%24, i%60, 0, i*1013%1_000_000_000, locs[i%3])
		}
	}
	var c collector[ContactInteraction]
	c.start(0, 0, interactionModel)
	for i := range want {
		*(*ContactInteraction)(c.slot()) = want[i]
		c.commit(0)
	}
	if c.spill == nil {
		t.Fatal("no items were spilled")
	}
	got := c.items()
	if len(got) != n || cap(got) != n {
		t.Fatalf("len %d cap %d, want %d", len(got), cap(got), n)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("item %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if unsafe.StringData(got[n-1].CampaignName) != unsafe.StringData(shared) {
		t.Error("a spilled string came back as a copy")
	}
}

// A declared length is a claim: a body that declares a gigabyte and sends
// small items gets a slice sized from the bytes it sent, not the claim.
func TestCollectorBoundsGrowthByBytesReceived(t *testing.T) {
	var c collector[[64]int64] // 512 bytes an item
	c.start(1<<30, 1<<20, nil)
	const perItem = 3 // `{},`
	n := firstKnown + 1
	for i := range n {
		c.slot()
		c.commit(int64(i+1) * perItem)
	}
	limit := (growPerByte*int64(n)*perItem + 1<<20) / 512
	if got := int64(cap(c.cur)); got > limit+1 {
		t.Errorf("capacity %d items (%d MiB) after %d bytes; want at most %d", got, got*512>>20, n*perItem, limit)
	}
}
