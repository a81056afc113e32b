package which50_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/which50-go/which50"
	"github.com/which50-go/which50/which50test"
)

// A long history over a real loopback server, with and without a
// Content-Length, comes back whole and in order: the result is measured
// and grown with a length, and chunked and then spilled in compact form
// past 16,384 items without one.
func TestLongHistoriesComeBackWhole(t *testing.T) {
	const n = 40_000
	want := make([]which50.ContactInteraction, 0, n)
	for seed := int64(1); len(want) < n; seed++ {
		want = append(want, which50test.DemoCommunications("long", min(2_000, n-len(want)), seed)...)
	}
	for i := range want {
		want[i].ID = int64(i)
		if i%2 == 0 { // half the names unique, half as they repeat
			want[i].Name = fmt.Sprintf("%s #%d", want[i].Name, i)
		}
	}
	body, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if r.URL.Path == "/contacts/long/communications" { // the client without /chunked
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			w.Write(body)
			return
		}
		for b := body; len(b) > 0; { // chunked: no Content-Length, 8 KiB at a time
			k := min(8<<10, len(b))
			w.Write(b[:k])
			w.(http.Flusher).Flush()
			b = b[k:]
		}
	}))
	defer srv.Close()
	for _, framing := range []string{"content-length", "chunked"} {
		t.Run(framing, func(t *testing.T) {
			base := srv.URL
			if framing == "chunked" {
				base = srv.URL + "/chunked"
			}
			c, err := which50.NewClient(which50.WithBaseURL(base), which50.WithMaxResponseBytes(1<<30))
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Contacts.Communications(context.Background(), "long")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}
