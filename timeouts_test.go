package which50_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/which50-go/which50"
)

// within fails the test if call has not returned after guard: a hang
// detector, far above what the bounds under test allow.
func within[T any](t *testing.T, guard time.Duration, call func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- call() }()
	select {
	case v := <-done:
		return v
	case <-time.After(guard):
		t.Fatalf("call still running after %s", guard)
		panic("unreachable")
	}
}

// drip writes body's bytes one at a time, every interval, until the
// connection fails or stop is closed.
func drip(conn net.Conn, body []byte, interval time.Duration, stop <-chan struct{}) {
	for i := range body {
		select {
		case <-stop:
			return
		case <-time.After(interval):
		}
		if _, err := conn.Write(body[i : i+1]); err != nil {
			return
		}
	}
}

// TestSilentServerTimesOut checks a server that accepts and never answers:
// with a context that never ends the call still ends, each attempt timed
// out and retried, with an error IsRetryable reports as such.
func TestSilentServerTimesOut(t *testing.T) {
	t.Parallel()
	stop := make(chan struct{})
	url, conns := rawServer(t, func(n int, conn net.Conn, req *http.Request) { <-stop })
	t.Cleanup(func() { close(stop) }) // before rawServer's cleanup waits for the handler
	c := relClient(t, url, which50.WithResponseHeaderTimeout(50*time.Millisecond), which50.WithMaxRetries(1))
	err := within(t, 20*time.Second, func() error {
		_, err := c.Contacts.Communications(context.Background(), "c1")
		return err
	})
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if !which50.IsRetryable(err) {
		t.Error("IsRetryable(timeout) = false")
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2 (the attempt and its retry)", n)
	}
}

// TestDrippingBodyTimesOutAndRetries sends the headers, then the body a
// byte at a time: too slowly for the idle bound, or forever within it but
// past the attempt bound. The attempt ends and the retry succeeds.
func TestDrippingBodyTimesOutAndRetries(t *testing.T) {
	t.Parallel()
	body := relJSON(t, relItems(3))
	cases := map[string]struct {
		interval time.Duration
		opt      which50.Option
	}{
		"idle bound":    {300 * time.Millisecond, which50.WithReadIdleTimeout(50 * time.Millisecond)},
		"attempt bound": {5 * time.Millisecond, which50.WithAttemptTimeout(150 * time.Millisecond)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stop := make(chan struct{})
			url, conns := rawServer(t, func(n int, conn net.Conn, req *http.Request) {
				fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", jsonCT, len(body))
				if n == 1 {
					drip(conn, body, tc.interval, stop)
					return
				}
				conn.Write(body)
			})
			t.Cleanup(func() { close(stop) })
			c := relClient(t, url, tc.opt)
			err := within(t, 20*time.Second, func() error {
				_, err := c.Contacts.Communications(context.Background(), "c1")
				return err
			})
			if err != nil {
				t.Fatalf("Communications: %v", err)
			}
			if n := conns.Load(); n != 2 {
				t.Errorf("%d connections, want 2", n)
			}
		})
	}
}

// TestDecidedErrorReturnsAtOnce answers with a complete error (a 404 with
// its message, a 200 whose body is wrong from the first byte) and then
// drips the rest of a long body: the call returns without waiting for it.
func TestDecidedErrorReturnsAtOnce(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		head string
		is   error
	}{
		"404 with a message":     {"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n" + `{"Message":"No contact found"}`, which50.ErrNotFound},
		"500 with no retry left": {"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n" + `{"Message":"No contact found"}`, which50.ErrInternalServerError},
		"200 invalid at once":    {"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n" + `<html>`, which50.ErrInvalidResponse},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stop := make(chan struct{})
			url, _ := rawServer(t, func(n int, conn net.Conn, req *http.Request) {
				fmt.Fprint(conn, tc.head)
				drip(conn, []byte(strings.Repeat(" ", 100000)), 50*time.Millisecond, stop)
			})
			t.Cleanup(func() { close(stop) })
			c := relClient(t, url, which50.WithMaxRetries(0))
			err := within(t, 10*time.Second, func() error {
				_, err := c.Contacts.Communications(context.Background(), "c1")
				return err
			})
			if !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want %v", err, tc.is)
			}
			var apiErr *which50.APIError
			if errors.As(err, &apiErr) && apiErr.Message != "No contact found" {
				t.Errorf("Message = %q, want the body's message", apiErr.Message)
			}
		})
	}
}

// TestTimeoutOptionsValidated checks that negative bounds are refused.
func TestTimeoutOptionsValidated(t *testing.T) {
	t.Parallel()
	for _, opt := range []which50.Option{which50.WithResponseHeaderTimeout(-1), which50.WithReadIdleTimeout(-1), which50.WithAttemptTimeout(-1)} {
		if _, err := which50.NewClient(opt); err == nil {
			t.Error("negative timeout accepted")
		}
	}
}

// TestCancelStopsALongDecode cancels the caller's context while a long,
// valid body streams in: the decode stops at once with the context's error.
func TestCancelStopsALongDecode(t *testing.T) {
	t.Parallel()
	srv := newRelServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		endless(w, r, `[`, `{"Id":1,"Name":"again"},`, 1<<30)
	})
	ctx, cancel := context.WithCancel(context.Background())
	c := relClient(t, srv.baseURL(), which50.WithMaxResponseBytes(1<<40))
	time.AfterFunc(100*time.Millisecond, cancel)
	err := within(t, 10*time.Second, func() error {
		_, err := c.Contacts.Communications(ctx, "c1")
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
