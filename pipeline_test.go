package which50_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/which50-go/which50"
)

// TestNoPartialResultAfterRetry cuts the first answer after one whole item
// and answers the retry with 204 No Content: the result is the retry's (no
// items), never the cut attempt's item.
func TestNoPartialResultAfterRetry(t *testing.T) {
	t.Parallel()
	item := `{"Id":1,"Interaction":"Email","Name":"cut","Occurred":"2025-01-01T00:00:00Z","CampaignId":0}`
	url, _ := rawServer(t, func(n int, conn net.Conn, req *http.Request) {
		if n == 1 {
			fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: 5000\r\n\r\n[%s,", jsonCT, item)
			return
		}
		fmt.Fprint(conn, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
	})
	got, err := relClient(t, url).Contacts.Communications(context.Background(), "c1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("got %d items from a 204, want none: %+v", len(got), got)
	}
}

// TestPathParameters checks how ids reach the server: contact ids as one
// escaped segment whatever they hold, integers in decimal, report states as
// given.
func TestPathParameters(t *testing.T) {
	t.Parallel()
	var paths []string
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		paths = append(paths, strings.TrimPrefix(r.URL.EscapedPath(), "/api/"))
		writeBody(w, http.StatusOK, jsonCT, []byte("[]"))
	})
	c := relClient(t, srv.baseURL())
	ctx := context.Background()
	c.Contacts.Emails(ctx, "a/b+c= d%2F")
	c.Contacts.JourneyActivities(ctx, "x", 9223372036854775807)
	c.Journeys.EmailReport(ctx, 1, 2, "Some State")
	c.ContactLists.Fields(ctx, 42)
	want := []string{
		"contacts/a%2Fb%2Bc=%20d%252F/emails",
		"contacts/x/journeyactivities/9223372036854775807",
		"journeys/1/reports/emails/2/contacts/Some%20State",
		"contactLists/42/fields",
	}
	if strings.Join(paths, "\n") != strings.Join(want, "\n") {
		t.Errorf("paths:\n%s\nwant:\n%s", strings.Join(paths, "\n"), strings.Join(want, "\n"))
	}
}

// TestSingleModelAnswerWithoutModel checks that a read of one resource
// whose answer holds none (null, an empty body, 204) is a *DecodeError,
// not a nil result without an error.
func TestSingleModelAnswerWithoutModel(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"null", "", "204"} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if body == "204" {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				writeBody(w, http.StatusOK, jsonCT, []byte(body))
			})
			j, err := relClient(t, srv.baseURL()).Journeys.Get(context.Background(), 1)
			if j != nil || err == nil {
				t.Fatalf("Get = %v, %v; want a DecodeError", j, err)
			}
			var de *which50.DecodeError
			if !errors.As(err, &de) {
				t.Errorf("err = %v (%T), want *DecodeError", err, err)
			}
		})
	}
}
