package bench

import (
	"context"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/which50-go/which50"
)

// Item counts of the memory benchmarks; both are skipped under -short.
const (
	peakItems = 1_000_000
	seqItems  = 200_000
)

// BenchmarkCommunicationsPeak reads a 1,000,000-item history (names
// repeated, and unique) with Contacts.Communications and reports how much
// heap the call needs next to what it returns:
//
//   - peak-MiB: the largest growth of the heap's objects during the call
//     (runtime/metrics /memory/classes/heap/objects:bytes, live and not
//     yet swept, read every millisecond by a sampling goroutine and once
//     more when the call returns) over the heap after a forced GC just
//     before it;
//   - result-MiB: the size of the result, len(items) times the size of a
//     ContactInteraction plus the bytes of each distinct string (by data
//     pointer and length) once; the few *time.Location it points to are
//     not counted;
//   - peak/result: their ratio, the largest of the run's calls (peak-MiB
//     and result-MiB are that call's);
//   - alloc/result: the bytes allocated during the call (MemStats
//     TotalAlloc, all goroutines) over the result's size.
//
// The server's bodies (about 180 MB of JSON and 400 MB of XML) are held
// outside the Go heap so that they do not raise the GC's heap goal. GOGC
// is left at its default; the sampler costs a little CPU, so ns/op here is
// not comparable with BenchmarkCommunications.
func BenchmarkCommunicationsPeak(b *testing.B) {
	if testing.Short() {
		b.Skip("1,000,000-item payloads skipped in -short mode")
	}
	ctx := context.Background()
	sdkCells(b, peakItems, "sdk", func(b *testing.B, client *which50.Client, id string) {
		b.ReportAllocs()
		var peak, result, worst, allocated float64
		for b.Loop() {
			b.StopTimer()
			runtime.GC()
			base := heapObjects()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			s := startSampler()
			b.StartTimer()
			items, err := client.Contacts.Communications(ctx, id)
			b.StopTimer()
			top := s.stop()
			runtime.ReadMemStats(&after)
			if err != nil || len(items) != peakItems {
				b.Fatalf("%d items, %v; want %d", len(items), err, peakItems)
			}
			res := float64(resultBytes(items))
			grown := float64(top) - float64(base)
			if grown/res > worst {
				worst, peak, result = grown/res, grown, res
			}
			allocated = max(allocated, float64(after.TotalAlloc-before.TotalAlloc)/res)
			b.StartTimer()
		}
		b.ReportMetric(peak/(1<<20), "peak-MiB")
		b.ReportMetric(result/(1<<20), "result-MiB")
		b.ReportMetric(worst, "peak/result")
		b.ReportMetric(allocated, "alloc/result")
	})
}

// BenchmarkCommunicationsSeq streams a 200,000-item history (names
// repeated, and unique) through Contacts.CommunicationsSeq and reports
// live-MiB: the largest growth of the live heap (/gc/heap/live:bytes after
// a forced GC, every 20,000 items) over the heap before the call, the
// largest of the run's calls. The forced GCs are timed neither in ns/op
// nor in cpu-ns/op.
func BenchmarkCommunicationsSeq(b *testing.B) {
	if testing.Short() {
		b.Skip("200,000-item payloads skipped in -short mode")
	}
	const sampleEvery = 20_000
	ctx := context.Background()
	sdkCells(b, seqItems, "seq", func(b *testing.B, client *which50.Client, id string) {
		b.ReportAllocs()
		var growth uint64
		var paused time.Duration // CPU spent in forced GCs
		pause := func(fn func()) {
			b.StopTimer()
			c := processCPU()
			fn()
			paused += processCPU() - c
			b.StartTimer()
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		cpu := processCPU()
		for b.Loop() {
			var base uint64
			pause(func() { base = liveHeap() })
			count := 0
			for _, err := range client.Contacts.CommunicationsSeq(ctx, id) {
				if err != nil {
					b.Fatal(err)
				}
				count++
				if count%sampleEvery == 0 {
					pause(func() {
						if h := liveHeap(); h > base {
							growth = max(growth, h-base)
						}
					})
				}
			}
			if count != seqItems {
				b.Fatalf("streamed %d items, want %d", count, seqItems)
			}
		}
		reportCPU(b, cpu+paused)
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(growth)/(1<<20), "live-MiB")
		b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/seqItems, "allocs/item")
	})
}

// sdkCells runs bench as a sub-benchmark for each cell of an n-item
// history (names, format, framing) with impl=impl, the connection warmed
// by one read of the body; bench gets the format's client and the
// contact id of the cell.
func sdkCells(b *testing.B, n int, impl string, bench func(b *testing.B, client *which50.Client, id string)) {
	e := newEnv(b)
	for _, names := range nameModes {
		key := e.srv.list(b, n, names)
		for _, f := range formats {
			for _, length := range lengthModes {
				b.Run("format="+f.String()+"/names="+names+"/length="+length+"/items="+strconv.Itoa(n)+"/impl="+impl, func(b *testing.B) {
					if _, err := floor(e.hc, e.srv.commURL(length, key), acceptOf(f)); err != nil {
						b.Fatal(err)
					}
					bench(b, e.sdk[f], commID(length, key))
				})
			}
		}
	}
}

// sampler records the largest heap-objects reading while it runs.
type sampler struct {
	done chan struct{}
	top  chan uint64
}

func startSampler() *sampler {
	s := &sampler{done: make(chan struct{}), top: make(chan uint64)}
	go func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		var top uint64
		for {
			select {
			case <-t.C:
				top = max(top, heapObjects())
			case <-s.done:
				s.top <- max(top, heapObjects())
				return
			}
		}
	}()
	return s
}

// stop ends the sampling and returns the largest reading, the final one
// included.
func (s *sampler) stop() uint64 {
	close(s.done)
	return <-s.top
}

// heapObjects returns the bytes of heap objects, live or not yet swept.
func heapObjects() uint64 {
	m := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(m)
	return m[0].Value.Uint64()
}

// liveHeap forces a collection and returns the heap it found live.
func liveHeap() uint64 {
	runtime.GC()
	m := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(m)
	return m[0].Value.Uint64()
}

// resultBytes is the size of a result: its items, and each distinct
// string once.
func resultBytes(items []which50.ContactInteraction) int64 {
	type str struct {
		p *byte
		n int
	}
	seen := map[str]bool{}
	size := int64(len(items)) * int64(unsafe.Sizeof(which50.ContactInteraction{}))
	for i := range items {
		for _, s := range []string{string(items[i].Interaction), items[i].Name, items[i].Status, items[i].CampaignName} {
			k := str{unsafe.StringData(s), len(s)}
			if len(s) > 0 && !seen[k] {
				seen[k] = true
				size += int64(len(s))
			}
		}
	}
	return size
}
