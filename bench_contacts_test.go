package which50_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/which50-go/which50"
)

// BenchmarkJourneyContacts compares, per format, one call of
// Journeys.Contacts for a 2,000-contact journey (impl=sdk) with
// hand-written net/http + encoding/json or encoding/xml (impl=stdlib, the
// baselines of bench_contacts_decode_test.go) and with reading and
// discarding the same body (impl=floor), on one loopback server and one
// shared transport, in the harness of BenchmarkCommunications.
func BenchmarkJourneyContacts(b *testing.B) {
	const n, journey = 2000, 9301
	bodies := map[string][]byte{
		"application/json": contactsJSON(benchContacts(n, which50.FormatJSON)),
		"application/xml":  contactsXML(benchContacts(n, which50.FormatXML)),
	}
	path := "/journeys/" + strconv.Itoa(journey) + "/contacts"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, path) {
			http.NotFound(w, r)
			return
		}
		mt := "application/json"
		if strings.Contains(r.Header.Get("Accept"), "xml") {
			mt = "application/xml"
		}
		w.Header().Set("Content-Type", mt+"; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(bodies[mt])))
		w.Write(bodies[mt])
	}))
	tr := &http.Transport{MaxIdleConns: 16, MaxIdleConnsPerHost: 16, IdleConnTimeout: 90 * time.Second}
	b.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
	})
	hc := &http.Client{Transport: tr}
	u := srv.URL + path
	ctx := context.Background()
	for _, f := range []which50.Format{which50.FormatJSON, which50.FormatXML} {
		client, err := which50.NewClient(which50.WithBaseURL(srv.URL), which50.WithHTTPClient(hc), which50.WithFormat(f))
		if err != nil {
			b.Fatal(err)
		}
		impls := []struct {
			name string
			call func() (int, error)
		}{
			{"sdk", func() (int, error) {
				items, err := client.Journeys.Contacts(ctx, journey)
				return len(items), err
			}},
			{"stdlib", func() (int, error) {
				resp, err := handGet(hc, u, acceptOf(f))
				if err != nil {
					return 0, err
				}
				defer resp.Body.Close()
				var items []which50.Contact
				if f == which50.FormatXML {
					items, err = handContactsXML(resp.Body)
				} else {
					items, err = handContactsJSON(resp.Body)
				}
				return len(items), err
			}},
			{"floor", func() (int, error) {
				_, err := floorGet(hc, u, acceptOf(f))
				return n, err
			}},
		}
		for _, impl := range impls {
			b.Run("format="+formatName(f)+"/items=2000/impl="+impl.name, func(b *testing.B) {
				benchCalls(b, n, impl.call)
			})
		}
	}
}
