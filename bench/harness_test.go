package bench

// The harness shared by the benchmarks: deterministic payloads in the
// service's wire shape, one loopback server that sends them with a
// Content-Length or chunked, the clients, and the per-call metrics.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/which50test"
)

// commItems is the item count of BenchmarkCommunications' payloads.
const commItems = 2_000

// maxBody is the body cap given to the SDK clients: more than the
// 1,000,000-item XML body of BenchmarkCommunicationsPeak (about 400 MB).
const maxBody = 1 << 30

// chunkSize is how much the server writes at a time when it sends a body
// chunked: each write becomes one chunk, as when a server streams its
// serializer's output.
const chunkSize = 8 << 10

var formats = []which50.Format{which50.FormatJSON, which50.FormatXML}

// The two shapes of a list's strings: names as they repeat in a real
// history (and in the SDK's own benchmarks: 32 messages, 8 campaigns), or
// every Name and CampaignName its own, as in a history of numbered
// newsletters across many campaigns, where nothing can be shared.
var nameModes = []string{"repeated", "unique"}

// How the server delimits a body: a Content-Length header, or none and
// Transfer-Encoding: chunked.
var lengthModes = []string{"content-length", "chunked"}

// interactions returns n demo interactions (which50test.DemoCommunications:
// mixed offsets, 7-digit fractions, non-ASCII and escaped names, some with
// no campaign). Past 2,000 items it tiles 2,000-item histories of
// different seeds and renumbers the ids, as the SDK's own benchmarks do.
// With unique, every Name and CampaignName is made distinct; a missing
// campaign stays missing (null on the wire).
func interactions(n int, unique bool) []which50.ContactInteraction {
	const block = 2_000
	const id = "bench/+contact=="
	var items []which50.ContactInteraction
	if n <= block {
		items = which50test.DemoCommunications(id, n, 1)
	} else {
		items = make([]which50.ContactInteraction, 0, n)
		for seed := int64(1); len(items) < n; seed++ {
			items = append(items, which50test.DemoCommunications(id, min(block, n-len(items)), seed)...)
		}
		for i := range items {
			items[i].ID = int64(10_000_000 + i)
		}
	}
	if unique {
		for i := range items {
			items[i].Name += " #" + strconv.Itoa(i)
			if items[i].CampaignName != "" {
				items[i].CampaignName += " " + strconv.Itoa(i)
			}
		}
	}
	return items
}

// bodies holds one list's response bodies, by format.
type bodies map[which50.Format][]byte

// wireBodies returns the bodies the service sends for a route, made by a
// which50test server that writes empty strings as the service does (left
// out of JSON, i:nil in XML). set fills that server; path is the route
// below its base URL. The bodies are copied outside the Go heap (offHeap).
func wireBodies(tb testing.TB, path string, set func(*which50test.Server)) bodies {
	tb.Helper()
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SetEmptyStrings(which50test.EmptyAsIgnoredNull)
	set(srv)
	hc := srv.Client()
	out := bodies{}
	for _, f := range formats {
		resp, err := get(hc, srv.URL+path, acceptOf(f))
		if err != nil {
			tb.Fatal(err)
		}
		if resp.ContentLength < 0 {
			tb.Fatalf("which50test sent %s without a Content-Length", path)
		}
		b := offHeap(int(resp.ContentLength))
		_, err = io.ReadFull(resp.Body, b)
		resp.Body.Close()
		if err != nil {
			tb.Fatal(err)
		}
		out[f] = b
	}
	runtime.GC() // let the generating server's cached bodies go now
	return out
}

// server is the loopback server of one benchmark function. It sends
//
//	GET .../contacts/{length}~{key}/communications
//	GET .../journeys/{id}/contacts       (id = key*10, +1 for chunked)
//
// from bodies made in advance, so that no measured request pays for
// encoding, in the format the Accept header asks for, with a
// Content-Length or chunked as length says.
type server struct {
	ts       *httptest.Server
	mu       sync.Mutex
	lists    map[string]bodies // communications by key
	journeys map[int64]bodies  // journey contacts by key
}

func newServer(tb testing.TB) *server {
	s := &server{lists: map[string]bodies{}, journeys: map[int64]bodies{}}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.ts.Close)
	return s
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	var b bodies
	chunked := false
	s.mu.Lock()
	switch {
	case len(segs) == 3 && segs[0] == "contacts" && segs[2] == "communications":
		length, key, _ := strings.Cut(segs[1], "~")
		b, chunked = s.lists[key], length == "chunked"
	case len(segs) == 3 && segs[0] == "journeys" && segs[2] == "contacts":
		id, _ := strconv.ParseInt(segs[1], 10, 64)
		b, chunked = s.journeys[id/10], id%10 == 1
	}
	s.mu.Unlock()
	if r.Method != http.MethodGet || b == nil {
		http.NotFound(w, r)
		return
	}
	f := which50.FormatJSON
	if strings.Contains(r.Header.Get("Accept"), "xml") {
		f = which50.FormatXML
	}
	body := b[f]
	w.Header().Set("Content-Type", acceptOf(f)+"; charset=utf-8")
	if !chunked {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
		return
	}
	for len(body) > 0 {
		k := min(chunkSize, len(body))
		if _, err := w.Write(body[:k]); err != nil {
			return
		}
		body = body[k:]
	}
}

// list returns the key of a communications list of n items with the given
// names, making its bodies on first use.
func (s *server) list(tb testing.TB, n int, names string) string {
	tb.Helper()
	key := fmt.Sprintf("n%d-%s", n, names)
	s.mu.Lock()
	_, ok := s.lists[key]
	s.mu.Unlock()
	if !ok {
		b := commBodies(tb, n, names)
		s.mu.Lock()
		s.lists[key] = b
		s.mu.Unlock()
	}
	return key
}

// commBodies returns the bodies of a communications list of n items with
// the given names.
func commBodies(tb testing.TB, n int, names string) bodies {
	const id = "gen"
	items := interactions(n, names == "unique")
	return wireBodies(tb, "/contacts/"+id+"/communications", func(srv *which50test.Server) {
		srv.SetCommunications(id, items)
	})
}

// commURL is the URL of the communications of key, sent as length says,
// and commID the contact id the SDK is given for it.
func (s *server) commURL(length, key string) string {
	return s.ts.URL + "/contacts/" + commID(length, key) + "/communications"
}

func commID(length, key string) string { return length + "~" + key }

// env is a server and the clients that read it, all on one shared
// keep-alive transport, so that every implementation compares on the same
// connection handling.
type env struct {
	srv *server
	hc  *http.Client
	sdk map[which50.Format]*which50.Client
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	e := &env{srv: newServer(tb), sdk: map[which50.Format]*which50.Client{}}
	tr := &http.Transport{MaxIdleConns: 16, MaxIdleConnsPerHost: 16, IdleConnTimeout: 90 * time.Second}
	tb.Cleanup(tr.CloseIdleConnections)
	e.hc = &http.Client{Transport: tr}
	for _, f := range formats {
		c, err := which50.NewClient(
			which50.WithBaseURL(e.srv.ts.URL),
			which50.WithHTTPClient(e.hc),
			which50.WithFormat(f),
			which50.WithMaxResponseBytes(maxBody),
		)
		if err != nil {
			tb.Fatal(err)
		}
		e.sdk[f] = c
	}
	return e
}

// impl is one way of making the call a benchmark measures; call returns
// the number of items it decoded.
type impl struct {
	name string
	call func() (int, error)
}

// benchCalls runs call b.N times, checks that each returns n items, and
// reports allocs/item (allocations per call, the loopback server's
// included as in allocs/op, divided by n) and cpu-ns/op. bodyLen, when not
// 0, is reported as bytes per call (MB/s).
func benchCalls(b *testing.B, n, bodyLen int, call func() (int, error)) {
	b.ReportAllocs()
	if bodyLen > 0 {
		b.SetBytes(int64(bodyLen))
	}
	if got, err := call(); err != nil || got != n { // warm the connection
		b.Fatalf("warm-up call: %d items, %v; want %d", got, err, n)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu := processCPU()
	for b.Loop() {
		if got, err := call(); err != nil || got != n {
			b.Fatalf("%d items, %v; want %d", got, err, n)
		}
	}
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

// get is what every hand-written implementation does first: GET with an
// Accept header, and an error for a status other than 200.
func get(hc *http.Client, u, accept string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
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

// floor is the floor: the same GET, its body read and discarded. It
// returns the body's length.
func floor(hc *http.Client, u, accept string) (int64, error) {
	resp, err := get(hc, u, accept)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return io.Copy(io.Discard, resp.Body)
}

// acceptOf is the media type of f: application/json or application/xml.
func acceptOf(f which50.Format) string { return "application/" + f.String() }
