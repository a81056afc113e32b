package which50_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/which50-go/which50"
)

// jsonItems renders n distinct items as Json.NET would.
func jsonItems(n int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Id":%d,"Interaction":"Email","Name":"Newsletter %d","Occurred":"2024-12-27T18:06:00+10:00","Status":"Opened","CampaignId":7,"CampaignName":"Summer"}`, i+1, i+1)
	}
	b.WriteByte(']')
	return b.String()
}

func TestCommunicationsSeqStreamsEveryItem(t *testing.T) {
	for _, format := range []which50.Format{which50.FormatJSON, which50.FormatXML} {
		t.Run(format.String(), func(t *testing.T) {
			c, mux := setup(t, which50.WithFormat(format))
			body := readFile(t, "testdata/help_json.json")
			ct := "application/json; charset=utf-8"
			if format == which50.FormatXML {
				body, ct = readFile(t, "testdata/help_xml.xml"), "application/xml; charset=utf-8"
			}
			serve(mux, ct, body)
			var got []which50.ContactInteraction
			for it, err := range c.Contacts.CommunicationsSeq(context.Background(), "x") {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, it)
			}
			if diff := cmp.Diff(helpSample(), got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestCommunicationsSeqBreakClosesResponse(t *testing.T) {
	c, mux := setup(t)
	gone := make(chan struct{})
	mux.HandleFunc("/contacts/{id}/communications", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `[{"Id":1,"Name":"first"},`)
		w.(http.Flusher).Flush()
		// Keep the response open: only the client closing it ends this.
		<-r.Context().Done()
		close(gone)
	})
	n := 0
	for it, err := range c.Contacts.CommunicationsSeq(context.Background(), "x") {
		if err != nil {
			t.Fatal(err)
		}
		if it.ID != 1 {
			t.Fatalf("first item %+v", it)
		}
		n++
		break
	}
	if n != 1 {
		t.Fatalf("%d items before break", n)
	}
	select {
	case <-gone:
	case <-time.After(10 * time.Second):
		t.Fatal("the response was not closed after break")
	}
}

func TestCommunicationsSeqErrorYieldedOnce(t *testing.T) {
	c, mux := setup(t, which50.WithMaxRetries(1))
	mux.HandleFunc("/contacts/{id}/communications", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"Message":"The specified Contact was not found."}`, http.StatusNotFound)
	})
	var errs []error
	items := 0
	for _, err := range c.Contacts.CommunicationsSeq(context.Background(), "x") {
		if err != nil {
			errs = append(errs, err)
			continue // the sequence must end by itself
		}
		items++
	}
	if items != 0 || len(errs) != 1 || !errors.Is(errs[0], which50.ErrNotFound) {
		t.Errorf("items %d, errors %v; want 0 items and one ErrNotFound", items, errs)
	}
}

func TestCommunicationsSeqRetriesOnlyBeforeFirstItem(t *testing.T) {
	// The first response is cut before any item is complete: retried. The
	// second is cut after two items: the caller has them, so the cut is
	// yielded as an error rather than replayed.
	c, mux := setup(t, which50.WithMaxRetries(3))
	full := jsonItems(5)
	var hits atomic.Int32
	mux.HandleFunc("/contacts/{id}/communications", func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		cut := 10
		if n > 1 {
			cut = strings.Index(full, `{"Id":3`)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(len(full)))
		fmt.Fprint(w, full[:cut])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // cut the connection mid-body
	})
	var ids []int64
	var errs []error
	for it, err := range c.Contacts.CommunicationsSeq(context.Background(), "x") {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, it.ID)
	}
	if diff := cmp.Diff([]int64{1, 2}, ids); diff != "" {
		t.Errorf("ids (-want +got)\n%s", diff)
	}
	if len(errs) != 1 {
		t.Fatalf("errors %v, want exactly one", errs)
	}
	var apiErr *which50.APIError
	if errors.As(errs[0], &apiErr) {
		t.Errorf("a cut transfer reported as %v", apiErr)
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("%d requests, want 2 (one retry before the first item, none after)", n)
	}
}

func TestCommunicationsSeqLargeHistory(t *testing.T) {
	const n = 5000
	c, mux := setup(t, which50.WithMaxResponseBytes(1<<30))
	serve(mux, "application/json", []byte(jsonItems(n)))
	count := 0
	for it, err := range c.Contacts.CommunicationsSeq(context.Background(), "x") {
		if err != nil {
			t.Fatal(err)
		}
		count++
		if it.ID != int64(count) {
			t.Fatalf("item %d has id %d", count, it.ID)
		}
		if _, off := it.Occurred.Zone(); off != 10*3600 {
			t.Fatalf("offset %d, want +10:00", off)
		}
	}
	if count != n {
		t.Errorf("%d items, want %d", count, n)
	}
}

func TestCommunicationsSeqExplicitCapApplies(t *testing.T) {
	body := jsonItems(200)
	c, mux := setup(t, which50.WithMaxResponseBytes(int64(len(body)/2)))
	serve(mux, "application/json", []byte(body))
	var last error
	for _, err := range c.Contacts.CommunicationsSeq(context.Background(), "x") {
		last = err
	}
	if !errors.Is(last, which50.ErrResponseTooLarge) {
		t.Errorf("last error %v, want ErrResponseTooLarge", last)
	}
}
