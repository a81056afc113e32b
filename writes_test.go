package which50_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/which50-go/which50"
)

// upsert makes one write through c: the call every write test sends.
func upsert(c *which50.Client) error {
	_, err := c.ContactLists.UpsertContact(context.Background(), 9001,
		&which50.Contact{Values: map[string]any{"Email": "a@example.com"}}, &which50.WriteOptions{Match: []string{"Email"}})
	return err
}

const upsertAnswer = `{"EncContactId":"e1","ListId":9001,"Values":{"Email":"a@example.com"}}`

// TestWriteRetryPolicy checks that a write is sent again only when the
// server surely did not process it: a 429 or 503 with Retry-After. Any
// other failure after the request reached the server ends the call at once,
// since the write may have been applied.
func TestWriteRetryPolicy(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		first     func(w http.ResponseWriter)
		wantCalls int
		wantErr   bool
	}{
		{"503 with Retry-After", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "0")
			writeHTTPError(w, http.StatusServiceUnavailable, "busy")
		}, 2, false},
		{"429 with Retry-After", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "0")
			writeHTTPError(w, http.StatusTooManyRequests, "slow down")
		}, 2, false},
		{"503 without Retry-After", func(w http.ResponseWriter) {
			writeHTTPError(w, http.StatusServiceUnavailable, "busy")
		}, 1, true},
		{"500", func(w http.ResponseWriter) {
			writeHTTPError(w, http.StatusInternalServerError, "boom")
		}, 1, true},
		{"502 with Retry-After", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "0")
			writeHTTPError(w, http.StatusBadGateway, "gateway")
		}, 1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					tc.first(w)
					return
				}
				writeBody(w, http.StatusOK, jsonCT, []byte(upsertAnswer))
			})
			err := upsert(relClient(t, srv.baseURL()))
			if (err != nil) != tc.wantErr {
				t.Errorf("err = %v, want error %v", err, tc.wantErr)
			}
			if n := srv.reqs.Load(); n != int64(tc.wantCalls) {
				t.Errorf("%d requests, want %d", n, tc.wantCalls)
			}
		})
	}
}

// TestWriteNotResentAfterCut cuts the answer to a write once the request
// was read: whether the server applied it is unknown, so the write is not
// sent again, and the caller gets the read failure.
func TestWriteNotResentAfterCut(t *testing.T) {
	t.Parallel()
	for _, cut := range []string{"closed before response", "short body"} {
		t.Run(cut, func(t *testing.T) {
			t.Parallel()
			url, conns := rawServer(t, func(n int, conn net.Conn, req *http.Request) {
				io.Copy(io.Discard, req.Body)
				if cut == "short body" {
					fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: 500\r\n\r\n%s", jsonCT, upsertAnswer[:20])
				}
			})
			err := upsert(relClient(t, url))
			if err == nil {
				t.Fatal("no error from a cut answer")
			}
			if n := conns.Load(); n != 1 {
				t.Errorf("%d connections, want 1: the write was sent again", n)
			}
		})
	}
}

// TestWriteRetriedWhenRefused checks that a write whose connection was
// refused is retried: it never reached a server.
func TestWriteRetriedWhenRefused(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	rec := &logRecorder{}
	c := relClient(t, "http://"+addr+"/api/", which50.WithMaxRetries(2), which50.WithLogger(slog.New(rec)))
	err = upsert(c)
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Fatalf("err = %v, want a *net.OpError", err)
	}
	if n := len(rec.byLevel(slog.LevelDebug)); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

// TestWriteSendsJSON checks that write bodies are JSON whatever format the
// answers are asked in, with the query parameters of WriteOptions.
func TestWriteSendsJSON(t *testing.T) {
	t.Parallel()
	for _, format := range []which50.Format{which50.FormatJSON, which50.FormatXML} {
		t.Run(format.String(), func(t *testing.T) {
			t.Parallel()
			var ct, accept, query string
			var body map[string]any
			srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				ct, accept, query = r.Header.Get("Content-Type"), r.Header.Get("Accept"), r.URL.RawQuery
				json.NewDecoder(r.Body).Decode(&body)
				writeBody(w, http.StatusOK, jsonCT, []byte(upsertAnswer))
			})
			c := relClient(t, srv.baseURL(), which50.WithFormat(format))
			_, err := c.ContactLists.UpsertContact(context.Background(), 9001,
				&which50.Contact{Values: map[string]any{"Email": "a@example.com", "Age": 41}},
				&which50.WriteOptions{Match: []string{"Email", "Mobile"}, CustomEvents: []string{"Welcome"}})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want JSON", ct)
			}
			if want := "application/" + format.String(); accept != want {
				t.Errorf("Accept = %q, want %q", accept, want)
			}
			if want := "customevents=Welcome&match=Email%2CMobile"; query != want {
				t.Errorf("query = %q, want %q", query, want)
			}
			values, _ := body["Values"].(map[string]any)
			if values["Email"] != "a@example.com" || values["Age"] != 41.0 {
				t.Errorf("body = %v", body)
			}
		})
	}
}

// TestBadInputMakesNoRequest checks every argument the SDK can reject on
// its own: the call fails with no request.
func TestBadInputMakesNoRequest(t *testing.T) {
	t.Parallel()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		t.Errorf("request made: %s %s", r.Method, r.URL)
	})
	c := relClient(t, srv.baseURL())
	ctx := context.Background()
	lists, journeys, contacts := c.ContactLists, c.Journeys, c.Contacts
	tooMany := make([]which50.Contact, which50.MaxImportBatch+1)
	calls := map[string]func() error{
		"Contacts.Get empty id":           func() error { _, err := contacts.Get(ctx, ""); return err },
		"Contacts.Emails empty id":        func() error { _, err := contacts.Emails(ctx, ""); return err },
		"Contacts.TextMessages empty id":  func() error { _, err := contacts.TextMessages(ctx, ""); return err },
		"Contacts.LandingPages empty id":  func() error { _, err := contacts.LandingPages(ctx, ""); return err },
		"Contacts.WebForms empty id":      func() error { _, err := contacts.WebForms(ctx, ""); return err },
		"Contacts.JourneyActivities zero": func() error { _, err := contacts.JourneyActivities(ctx, "c1", 0); return err },
		"Contacts.JourneyActivitiesSeq":   func() error { return seqErr(contacts.JourneyActivitiesSeq(ctx, "", 1)) },
		"ContactLists.Get zero":           func() error { _, err := lists.Get(ctx, 0); return err },
		"ContactLists.Fields negative":    func() error { _, err := lists.Fields(ctx, -1); return err },
		"ContactLists.Field zero field":   func() error { _, err := lists.Field(ctx, 1, 0); return err },
		"UpsertContact nil":               func() error { _, err := lists.UpsertContact(ctx, 1, nil, nil); return err },
		"UpsertContact bad match": func() error {
			_, err := lists.UpsertContact(ctx, 1, &which50.Contact{}, &which50.WriteOptions{Match: []string{"a,b"}})
			return err
		},
		"UpsertContact unencodable": func() error {
			_, err := lists.UpsertContact(ctx, 1, &which50.Contact{Values: map[string]any{"f": func() {}}}, nil)
			return err
		},
		"UpdateMatching no match": func() error { return lists.UpdateMatching(ctx, 1, nil, map[string]any{"a": 1}, nil) },
		"UpdateMatching match in opts": func() error {
			return lists.UpdateMatching(ctx, 1, map[string]string{"a": "1"}, nil, &which50.WriteOptions{Match: []string{"a"}})
		},
		"UpdateMatching reserved": func() error { return lists.UpdateMatching(ctx, 1, map[string]string{"Match": "1"}, nil, nil) },
		"CreateImport no fields":  func() error { _, err := lists.CreateImport(ctx, 1, nil); return err },
		"AddToImport too many":    func() error { return lists.AddToImport(ctx, 1, 2, tooMany) },
		"AddToImport none":        func() error { return lists.AddToImport(ctx, 1, 2, nil) },
		"RunImport zero job":      func() error { _, err := lists.RunImport(ctx, 1, 0, nil); return err },
		"ImportStatus zero list":  func() error { _, err := lists.ImportStatus(ctx, 0, 1); return err },
		"Import batch too big": func() error {
			_, err := lists.Import(ctx, 1, []string{"a"}, func(func(which50.Contact) bool) {}, &which50.ImportOptions{BatchSize: which50.MaxImportBatch + 1})
			return err
		},
		"Import nil contacts":               func() error { _, err := lists.Import(ctx, 1, []string{"a"}, nil, nil); return err },
		"Journeys.Get zero":                 func() error { _, err := journeys.Get(ctx, 0); return err },
		"Journeys.Contacts zero":            func() error { _, err := journeys.Contacts(ctx, 0); return err },
		"Journeys.ContactsSeq zero":         func() error { return seqErr(journeys.ContactsSeq(ctx, 0)) },
		"Journeys.Activity zero":            func() error { _, err := journeys.Activity(ctx, 1, 0); return err },
		"Journeys.ActivityContacts zero":    func() error { _, err := journeys.ActivityContacts(ctx, 0, 1); return err },
		"Journeys.ActivityContactsSeq zero": func() error { return seqErr(journeys.ActivityContactsSeq(ctx, 1, 0)) },
		"Journeys.EmailReport empty state":  func() error { _, err := journeys.EmailReport(ctx, 1, 2, ""); return err },
		"Journeys.LandingPageReport zero": func() error {
			_, err := journeys.LandingPageReport(ctx, 1, 0, which50.LandingPageTotalVisits)
			return err
		},
		"Journeys.EmailReportSeq empty state": func() error { return seqErr(journeys.EmailReportSeq(ctx, 1, 2, "")) },
		"Journeys.LandingPageReportSeq zero": func() error {
			return seqErr(journeys.LandingPageReportSeq(ctx, 0, 2, which50.LandingPageTotalVisits))
		},
	}
	for name, call := range calls {
		if err := call(); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.HasPrefix(err.Error(), "which50: ") {
			t.Errorf("%s: error %q lacks the which50: prefix", name, err)
		}
	}
	if n := srv.reqs.Load(); n != 0 {
		t.Errorf("%d requests made", n)
	}
}

// seqErr returns the error a sequence yields.
func seqErr[T any](seq func(yield func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}
