package which50_test

// Client-level benchmarks: the cost of one SDK call against what a user would
// write by hand with net/http and encoding/json or encoding/xml, and against
// the floor of reading and discarding the same body, all on one loopback
// which50test server, one payload and one shared transport. BENCHMARKS.md
// has the command, the machine and the figures.
//
// Sub-benchmark names are key=value pairs (format=json/items=2000/impl=sdk)
// so that benchstat can put the implementations side by side:
//
//	go test -run '^$' -bench Communications -benchmem -count 6 . | tee /tmp/bench.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /impl /tmp/bench.txt

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/which50-go/which50"
	"github.com/which50-go/which50/which50test"
)

// benchSizes are the item counts of BenchmarkCommunications; benchSeqSize
// is the history streamed by BenchmarkCommunicationsSeq. The large ones are
// skipped under -short.
var (
	benchSizes   = []int{10, 2_000, 100_000}
	benchSeqSize = 200_000
)

// benchMaxBody is the body cap given to the SDK client: larger than the
// 200,000-item XML body (about 40 MB).
const benchMaxBody = 1 << 30

// benchEnv is one loopback server with contacts of each size, and the
// clients that read it, all on one shared keep-alive transport.
type benchEnv struct {
	srv  *which50test.Server
	hc   *http.Client
	ids  map[int]string // item count -> contact id
	sdks map[which50.Format]*which50.Client
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	srv := which50test.NewServer()
	// One transport for the SDK, the hand-rolled code and the floor, so
	// that they compare on the same connection handling.
	tr := &http.Transport{
		MaxIdleConns:        16,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     90 * time.Second,
	}
	b.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
	})
	env := &benchEnv{
		srv:  srv,
		hc:   &http.Client{Transport: tr},
		ids:  map[int]string{},
		sdks: map[which50.Format]*which50.Client{},
	}
	for _, f := range []which50.Format{which50.FormatJSON, which50.FormatXML} {
		c, err := which50.NewClient(
			which50.WithBaseURL(srv.URL),
			which50.WithHTTPClient(env.hc),
			which50.WithFormat(f),
			which50.WithMaxResponseBytes(benchMaxBody),
		)
		if err != nil {
			b.Fatal(err)
		}
		env.sdks[f] = c
	}
	return env
}

// contact returns the id of a contact with n demo interactions, creating it
// on first use and warming the server's cached bodies in both formats, so
// that no measured request pays for encoding.
func (env *benchEnv) contact(b *testing.B, n int) string {
	b.Helper()
	if id, ok := env.ids[n]; ok {
		return id
	}
	id := fmt.Sprintf("bench/%d+items==", n)
	env.srv.SetCommunications(id, benchItems(id, n))
	for _, f := range []which50.Format{which50.FormatJSON, which50.FormatXML} {
		if _, err := floorGet(env.hc, env.url(id), acceptOf(f)); err != nil {
			b.Fatal(err)
		}
	}
	env.ids[n] = id
	return id
}

// benchItems returns n demo interactions for id. Past 2,000 items it tiles
// 2,000-item demo histories of different seeds and renumbers the ids: a
// single demo history that long walks back past year 1, which the service
// can never send.
func benchItems(id string, n int) []which50.ContactInteraction {
	const block = 2_000
	if n <= block {
		return which50test.DemoCommunications(id, n, 1)
	}
	items := make([]which50.ContactInteraction, 0, n)
	for seed := int64(1); len(items) < n; seed++ {
		items = append(items, which50test.DemoCommunications(id, min(block, n-len(items)), seed)...)
	}
	for i := range items {
		items[i].ID = int64(10_000_000 + i)
	}
	return items
}

// url is the communications URL of id, escaped as the SDK escapes it.
func (env *benchEnv) url(id string) string {
	return env.srv.URL + "/contacts/" + escapeSegment(id) + "/communications"
}

// BenchmarkCommunications compares, per format and item count, one call of
// Contacts.Communications (sdk) with hand-written net/http + encoding/json
// or encoding/xml (handrolled) and with reading and discarding the same
// body (floor). It reports allocs/item: allocations per call, server side
// included as in allocs/op, divided by the item count.
func BenchmarkCommunications(b *testing.B) {
	env := newBenchEnv(b)
	ctx := context.Background()
	for _, f := range []which50.Format{which50.FormatJSON, which50.FormatXML} {
		b.Run("format="+formatName(f), func(b *testing.B) {
			for _, n := range benchSizes {
				b.Run("items="+strconv.Itoa(n), func(b *testing.B) {
					if n > 2_000 && testing.Short() {
						b.Skip("large payload skipped in -short mode")
					}
					id := env.contact(b, n)
					u := env.url(id)
					impls := []struct {
						name string
						call func() (int, error)
					}{
						{"sdk", func() (int, error) {
							items, err := env.sdks[f].Contacts.Communications(ctx, id)
							return len(items), err
						}},
						{"handrolled", func() (int, error) {
							if f == which50.FormatXML {
								items, err := handrolledXML(env.hc, u)
								return len(items), err
							}
							items, err := handrolledJSON(env.hc, u)
							return len(items), err
						}},
						{"floor", func() (int, error) {
							_, err := floorGet(env.hc, u, acceptOf(f))
							return n, err
						}},
					}
					for _, impl := range impls {
						b.Run("impl="+impl.name, func(b *testing.B) {
							benchCalls(b, n, impl.call)
						})
					}
				})
			}
		})
	}
}

// benchCalls runs call b.N times, checks that each returns n items, and
// reports allocs/item.
func benchCalls(b *testing.B, n int, call func() (int, error)) {
	b.ReportAllocs()
	if got, err := call(); err != nil || got != n { // warm the connection
		b.Fatalf("warm-up call: %d items, %v; want %d", got, err, n)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu := processCPU()
	b.ResetTimer()
	for b.Loop() {
		if got, err := call(); err != nil || got != n {
			b.Fatalf("%d items, %v; want %d", got, err, n)
		}
	}
	b.StopTimer()
	reportCPU(b, cpu)
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/float64(n), "allocs/item")
}

// reportCPU reports cpu-ns/op: the process's CPU time since cpu per
// iteration, the loopback server's share included. On a busy machine it is
// a steadier figure than ns/op, which counts time spent waiting for a CPU.
func reportCPU(b *testing.B, cpu time.Duration) {
	if cpu == 0 {
		return
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
}

// BenchmarkCommunicationsSeq streams a 200,000-item history through
// Contacts.CommunicationsSeq (impl=seq) and, for comparison, reads it whole
// with Contacts.Communications (impl=slice). It reports live-MiB, the growth
// of the live heap over the call: for seq the largest growth sampled after a
// forced GC every 20,000 items, for slice the growth while the returned
// slice is held. The forced GCs are timed neither in ns/op nor in cpu-ns/op.
func BenchmarkCommunicationsSeq(b *testing.B) {
	if testing.Short() {
		b.Skip("large payload skipped in -short mode")
	}
	const sampleEvery = 20_000
	env := newBenchEnv(b)
	ctx := context.Background()
	n := benchSeqSize
	for _, f := range []which50.Format{which50.FormatJSON, which50.FormatXML} {
		b.Run("format="+formatName(f), func(b *testing.B) {
			b.Run("items="+strconv.Itoa(n), func(b *testing.B) {
				// A first request builds the server's cached body, which
				// must not count as the client's growth.
				id := env.contact(b, n)
				client := env.sdks[f]
				b.Run("impl=seq", func(b *testing.B) {
					b.ReportAllocs()
					var growth uint64
					var paused time.Duration // CPU spent in forced GCs
					var before, after runtime.MemStats
					runtime.ReadMemStats(&before)
					cpu := processCPU()
					b.ResetTimer()
					for b.Loop() {
						b.StopTimer()
						c := processCPU()
						base := liveHeap()
						paused += processCPU() - c
						b.StartTimer()
						count := 0
						for _, err := range client.Contacts.CommunicationsSeq(ctx, id) {
							if err != nil {
								b.Fatal(err)
							}
							count++
							if count%sampleEvery == 0 {
								b.StopTimer()
								c := processCPU()
								growth = max(growth, heapGrowth(base))
								paused += processCPU() - c
								b.StartTimer()
							}
						}
						if count != n {
							b.Fatalf("streamed %d items, want %d", count, n)
						}
					}
					b.StopTimer()
					reportCPU(b, cpu+paused)
					runtime.ReadMemStats(&after)
					b.ReportMetric(float64(growth)/(1<<20), "live-MiB")
					b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/float64(n), "allocs/item")
				})
				b.Run("impl=slice", func(b *testing.B) {
					b.ReportAllocs()
					var growth uint64
					var paused time.Duration // CPU spent in forced GCs
					var before, after runtime.MemStats
					runtime.ReadMemStats(&before)
					cpu := processCPU()
					b.ResetTimer()
					for b.Loop() {
						b.StopTimer()
						c := processCPU()
						base := liveHeap()
						paused += processCPU() - c
						b.StartTimer()
						items, err := client.Contacts.Communications(ctx, id)
						if err != nil || len(items) != n {
							b.Fatalf("%d items, %v; want %d", len(items), err, n)
						}
						b.StopTimer()
						c = processCPU()
						growth = max(growth, heapGrowth(base))
						runtime.KeepAlive(items)
						paused += processCPU() - c
						b.StartTimer()
					}
					b.StopTimer()
					reportCPU(b, cpu+paused)
					runtime.ReadMemStats(&after)
					b.ReportMetric(float64(growth)/(1<<20), "live-MiB")
					b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/float64(n), "allocs/item")
				})
			})
		})
	}
}

// liveHeap forces a collection and returns the heap it found live.
func liveHeap() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// heapGrowth returns how much the live heap has grown since base, or 0.
func heapGrowth(base uint64) uint64 {
	if h := liveHeap(); h > base {
		return h - base
	}
	return 0
}

// TestHandrolledBaselinesAgree checks that the hand-rolled baselines do the
// same work as the SDK: they must decode the same demo payload (mixed
// offsets, empty campaigns) to the same values, zones included.
func TestHandrolledBaselinesAgree(t *testing.T) {
	srv := which50test.NewServer()
	defer srv.Close()
	const id = "agree/+=="
	srv.SetCommunications(id, which50test.DemoCommunications(id, 300, 3))
	hc := srv.Client()
	u := srv.URL + "/contacts/" + escapeSegment(id) + "/communications"

	for _, f := range []which50.Format{which50.FormatJSON, which50.FormatXML} {
		t.Run(formatName(f), func(t *testing.T) {
			client, err := which50.NewClient(which50.WithBaseURL(srv.URL), which50.WithHTTPClient(hc), which50.WithFormat(f))
			if err != nil {
				t.Fatal(err)
			}
			want, err := client.Contacts.Communications(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			var got []handItem
			if f == which50.FormatXML {
				got, err = handrolledXML(hc, u)
			} else {
				got, err = handrolledJSON(hc, u)
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("handrolled decoded %d items, SDK %d", len(got), len(want))
			}
			for i := range want {
				w, g := want[i], got[i]
				_, wOff := w.Occurred.Zone()
				_, gOff := g.Occurred.Zone()
				if !g.Occurred.Equal(w.Occurred) || gOff != wOff {
					t.Fatalf("item %d: Occurred %v, SDK %v", i, g.Occurred, w.Occurred)
				}
				conv := which50.ContactInteraction{
					ID: g.Id, Interaction: which50.InteractionType(g.Interaction), Name: g.Name,
					Occurred: w.Occurred, Status: g.Status, CampaignID: g.CampaignId, CampaignName: g.CampaignName,
				}
				if diff := cmp.Diff(w, conv); diff != "" {
					t.Fatalf("item %d (-sdk +handrolled):\n%s", i, diff)
				}
			}
		})
	}
}

// TestBenchImplsReuseOneConnection checks that the comparison is fair on
// connection handling: the SDK, the hand-rolled baselines and the floor,
// called in turn on one transport, all run over a single kept-alive
// connection.
func TestBenchImplsReuseOneConnection(t *testing.T) {
	srv := which50test.NewServer()
	defer srv.Close()
	const id = "reuse/+=="
	srv.SetCommunications(id, which50test.DemoCommunications(id, 500, 4))
	u := srv.URL + "/contacts/" + escapeSegment(id) + "/communications"

	var dials atomic.Int32
	var d net.Dialer
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return d.DialContext(ctx, network, addr)
	}}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	for _, f := range []which50.Format{which50.FormatJSON, which50.FormatXML} {
		client, err := which50.NewClient(which50.WithBaseURL(srv.URL), which50.WithHTTPClient(hc), which50.WithFormat(f))
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := client.Contacts.Communications(context.Background(), id); err != nil {
				t.Fatal(err)
			}
			if f == which50.FormatXML {
				_, err = handrolledXML(hc, u)
			} else {
				_, err = handrolledJSON(hc, u)
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := floorGet(hc, u, acceptOf(f)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("18 sequential calls dialled %d connections, want 1", n)
	}
}

// handItem is the struct a user decoding by hand would write: the JSON
// members as Go fields, Occurred parsed by time.Time's UnmarshalJSON (the
// service's dates are RFC 3339 with a ±hh:mm offset).
type handItem struct {
	Id           int64
	Interaction  string
	Name         string
	Occurred     time.Time
	Status       string
	CampaignId   int64
	CampaignName string
}

// handrolledJSON is the hand-written JSON baseline: GET with an Accept
// header, check the status, decode with encoding/json.
func handrolledJSON(hc *http.Client, u string) ([]handItem, error) {
	resp, err := handGet(hc, u, "application/json")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var items []handItem
	if err := json.NewDecoder(resp.Body).Decode(&items); err != nil {
		return nil, err
	}
	return items, nil
}

// handXMLList is the DataContractSerializer shape as a user would declare
// it for encoding/xml: local names only, which match any namespace.
type handXMLList struct {
	Items []struct {
		CampaignId   int64
		CampaignName string
		Id           int64
		Interaction  string
		Name         string
		Occurred     struct {
			DateTime      time.Time
			OffsetMinutes int
		}
		Status string
	} `xml:"ContactInteraction"`
}

// handrolledXML is the hand-written XML baseline: GET with an Accept
// header, check the status, decode with encoding/xml, then convert each
// DateTimeOffset (UTC time plus OffsetMinutes) to a time in its offset.
func handrolledXML(hc *http.Client, u string) ([]handItem, error) {
	resp, err := handGet(hc, u, "application/xml")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var list handXMLList
	if err := xml.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, err
	}
	items := make([]handItem, len(list.Items))
	for i, x := range list.Items {
		items[i] = handItem{
			Id: x.Id, Interaction: x.Interaction, Name: x.Name,
			Occurred: x.Occurred.DateTime.In(time.FixedZone("", x.Occurred.OffsetMinutes*60)),
			Status:   x.Status, CampaignId: x.CampaignId, CampaignName: x.CampaignName,
		}
	}
	return items, nil
}

func handGet(hc *http.Client, u, accept string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return resp, nil
}

// floorGet is the floor: the same GET, its body read and discarded. It
// returns the body's length.
func floorGet(hc *http.Client, u, accept string) (int64, error) {
	resp, err := handGet(hc, u, accept)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return io.Copy(io.Discard, resp.Body)
}

func acceptOf(f which50.Format) string {
	if f == which50.FormatXML {
		return "application/xml"
	}
	return "application/json"
}

func formatName(f which50.Format) string {
	if f == which50.FormatXML {
		return "xml"
	}
	return "json"
}

// escapeSegment escapes a contact id as one path segment, '+' included, as
// the SDK does.
func escapeSegment(id string) string {
	return strings.ReplaceAll(url.PathEscape(id), "+", "%2B")
}
