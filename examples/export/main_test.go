package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/which50-go/which50"
	"github.com/which50-go/which50/which50test"
)

// row is one exported interaction, as read back from the output.
type row struct {
	ContactID string
	Item      which50.ContactInteraction
}

// sameTime compares times by instant and by the offset they carry.
var sameTime = cmp.Comparer(func(a, b time.Time) bool {
	_, ao := a.Zone()
	_, bo := b.Zone()
	return a.Equal(b) && ao == bo
})

// demoMode clears the variables that would send the command to a real API.
func demoMode(t *testing.T) {
	t.Helper()
	for _, k := range []string{"WHICH50_BASE_URL", "WHICH50_TOKEN", "WHICH50_API_KEY", "WHICH50_API_KEY_HEADER"} {
		t.Setenv(k, "")
	}
}

// apiMode points the command at srv, with a bearer token.
func apiMode(t *testing.T, srv *which50test.Server, token string) {
	t.Helper()
	demoMode(t)
	t.Setenv("WHICH50_BASE_URL", srv.URL)
	t.Setenv("WHICH50_TOKEN", token)
}

func runExport(t *testing.T, ctx context.Context, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(ctx, args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// wantDemo returns the rows the demo server holds for its first n contacts,
// in input order.
func wantDemo(n int) []row {
	var rows []row
	for i, id := range which50test.DemoContactIDs(n) {
		for _, it := range demoHistory(id, i, 0) {
			rows = append(rows, row{id, it})
		}
	}
	return rows
}

// parseJSONL reads JSON lines back, checking each is one whole object with
// the documented fields only: ContactId and the model's wire names, Occurred
// left out only when the API sent none.
func parseJSONL(t *testing.T, out string) []row {
	t.Helper()
	if out != "" && !strings.HasSuffix(out, "\n") {
		t.Fatalf("output does not end with a newline: ...%q", out[max(0, len(out)-80):])
	}
	var rows []row
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(line, &fields); err != nil {
			t.Fatalf("line %d is not a JSON object: %v: %s", n, err, line)
		}
		for _, c := range columns {
			if _, ok := fields[c]; !ok && c != "Occurred" {
				t.Fatalf("line %d lacks %s: %s", n, c, line)
			}
		}
		var r record
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("line %d: %v: %s", n, err, line)
		}
		rows = append(rows, row{r.ContactID, r.ContactInteraction})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// parseOccurred reads a CSV Occurred: RFC 3339 with the offset sent.
func parseOccurred(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("Occurred %q: %v", s, err)
	}
	return tm
}

func TestDemoJSONLInInputOrder(t *testing.T) {
	demoMode(t)
	code, out, stderr := runExport(t, t.Context(), "", "-demo-contacts", "40", "-concurrency", "6")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	got := parseJSONL(t, out)
	if diff := cmp.Diff(wantDemo(40), got, sameTime); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	wantSummary := fmt.Sprintf("export: %d interactions written to stdout as jsonl", len(got))
	for _, s := range []string{"export: 40 of 40 contacts exported from the demo server, 0 failed", wantSummary, "req/s"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("summary lacks %q:\n%s", s, stderr)
		}
	}
}

func TestDemoCSVToFileOverXML(t *testing.T) {
	demoMode(t)
	path := filepath.Join(t.TempDir(), "out.csv")
	code, out, stderr := runExport(t, t.Context(), "", "-demo-contacts", "25", "-output", "csv", "-format", "xml", "-o", path)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if out != "" {
		t.Errorf("stdout = %q, want nothing with -o", out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("output is not valid CSV: %v", err)
	}
	if diff := cmp.Diff(columns, records[0]); diff != "" {
		t.Fatalf("header (-want +got):\n%s", diff)
	}
	var got []row
	for _, r := range records[1:] {
		id, _ := strconv.ParseInt(r[1], 10, 64)
		campaign, _ := strconv.ParseInt(r[6], 10, 64)
		got = append(got, row{r[0], which50.ContactInteraction{
			ID: id, Interaction: which50.InteractionType(r[2]), Name: r[3],
			Occurred: parseOccurred(t, r[4]), Status: r[5], CampaignID: campaign, CampaignName: r[7],
		}})
	}
	if diff := cmp.Diff(wantDemo(25), got, sameTime); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestFailuresAreCountedAndDoNotStopOthers(t *testing.T) {
	srv := which50test.NewServer()
	defer srv.Close()
	srv.RequireBearerToken("t0ken-value")
	history := []which50.ContactInteraction{{
		ID: 7, Interaction: which50.InteractionSMS, Name: "Delivery update",
		Occurred: time.Date(2026, 3, 1, 9, 0, 0, 0, time.FixedZone("", -5*3600)), Status: "Delivered",
	}}
	for _, id := range []string{"a", "b", "c", "d e/f+g=="} {
		srv.SetCommunications(id, history)
	}
	// One worker, no retries: the faults meet the contacts in input order.
	srv.QueueFaults(which50test.Fault{Status: http.StatusInternalServerError}, which50test.Fault{Status: http.StatusForbidden})
	apiMode(t, srv, "t0ken-value")
	failedPath := filepath.Join(t.TempDir(), "failed.txt")

	stdin := "a\r\nb\n\nmissing\n  c  \nd e/f+g==\n"
	code, out, stderr := runExport(t, t.Context(), stdin, "-concurrency", "1", "-retries", "0", "-failed", failedPath)
	if code != exitFailures {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFailures, stderr)
	}
	got := parseJSONL(t, out)
	want := []row{{"c", history[0]}, {"d e/f+g==", history[0]}}
	if diff := cmp.Diff(want, got, sameTime); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	for _, s := range []string{
		"2 of 5 contacts exported",
		"3 failed",
		"failures by kind: forbidden (403): 1, not found (404): 1, server error (500): 1",
		`failed "a": `,
		`failed "b": `,
		`failed "missing": `,
	} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
	if strings.Contains(stderr, "t0ken-value") {
		t.Errorf("stderr holds the token:\n%s", stderr)
	}
	b, err := os.ReadFile(failedPath)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("a\nb\nmissing\n", string(b)); diff != "" {
		t.Errorf("-failed file (-want +got):\n%s", diff)
	}
}

func TestRejectedCredentialsStopTheExport(t *testing.T) {
	srv := which50test.NewServer()
	defer srv.Close()
	srv.RequireBearerToken("right")
	ids := srv.SeedDemo(200, 3)
	apiMode(t, srv, "wrong")

	code, out, stderr := runExport(t, t.Context(), strings.Join(ids, "\n"), "-concurrency", "2")
	if code != exitFailures {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFailures, stderr)
	}
	if out != "" {
		t.Errorf("output = %q, want none", out)
	}
	if !strings.Contains(stderr, "stopped: the API rejected the credentials (401)") {
		t.Errorf("stderr does not say why it stopped:\n%s", stderr)
	}
	// Every later contact would fail the same way: the export stops at once
	// rather than send 200 requests.
	if n := srv.RequestCount(); n >= 20 {
		t.Errorf("server got %d requests after a 401, want a handful", n)
	}
}

func TestRetriesComeFromTheSDK(t *testing.T) {
	srv := which50test.NewServer()
	defer srv.Close()
	ids := srv.SeedDemo(3, 4)
	srv.QueueFaults(which50test.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "0"}, which50test.Fault{CutAfter: 50})
	apiMode(t, srv, "any")

	code, out, stderr := runExport(t, t.Context(), strings.Join(ids, "\n"), "-concurrency", "1", "-rate", "5000", "-retry-wait", "1ms")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	if got := len(parseJSONL(t, out)); got != 12 {
		t.Errorf("%d interactions written, want 12", got)
	}
	if !strings.Contains(stderr, "export: 5 requests in ") {
		t.Errorf("summary does not count the 2 retries:\n%s", stderr)
	}
}

// cancelOnWrite cancels a context as soon as the output is first written
// to, as if the user pressed Ctrl-C while the export was running.
type cancelOnWrite struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	cancel context.CancelFunc
}

func (w *cancelOnWrite) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cancel()
	return w.buf.Write(p)
}

func TestInterruptLeavesWholeContacts(t *testing.T) {
	demoMode(t)
	const contacts = 400
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out := &cancelOnWrite{cancel: cancel}
	var stderr bytes.Buffer
	args := []string{"-demo-contacts", strconv.Itoa(contacts), "-demo-latency", "1ms", "-concurrency", "4"}
	code := run(ctx, args, strings.NewReader(""), out, &stderr)
	if code != exitInterrupted {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitInterrupted, stderr.String())
	}
	got := parseJSONL(t, out.buf.String())

	// Every contact written is whole, and contacts keep their input order.
	ids := which50test.DemoContactIDs(contacts)
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}
	var want []row
	last := -1
	for i := 0; i < len(got); {
		idx, ok := index[got[i].ContactID]
		if !ok || idx <= last {
			t.Fatalf("row %d: contact %q out of order", i, got[i].ContactID)
		}
		last = idx
		for _, it := range demoHistory(ids[idx], idx, 0) {
			want = append(want, row{ids[idx], it})
		}
		i = len(want)
		if i > len(got) {
			break
		}
	}
	if diff := cmp.Diff(want, got, sameTime); diff != "" {
		t.Errorf("a contact was cut short (-want +got):\n%s", diff)
	}
	m := regexp.MustCompile(`export: (\d+) of 400 contacts exported`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("no summary:\n%s", stderr.String())
	}
	if n, _ := strconv.Atoi(m[1]); n >= contacts {
		t.Errorf("%d contacts exported: the interrupt did not stop the export", n)
	}
	if !strings.Contains(stderr.String(), "not exported") {
		t.Errorf("summary does not report the contacts left:\n%s", stderr.String())
	}
}

func TestUsage(t *testing.T) {
	demoMode(t)
	for _, tt := range []struct {
		args []string
		text string // printed once, before the usage
	}{
		{[]string{"-concurrency", "0"}, "-concurrency must be at least 1"},
		{[]string{"-format", "yaml"}, `-format "yaml": want json or xml`},
		{[]string{"-format", "csv"}, "choose csv output with -output"},
		{[]string{"-output", "xml"}, `-output "xml": want jsonl or csv`},
		{[]string{"-rate", "-1"}, "-rate must not be negative"},
		{[]string{"-retries", "-1"}, "-retries -1: must not be negative"},
		{[]string{"-retry-wait", "-1s"}, "-retry-wait -1s: must not be negative"},
		{[]string{"-timeout", "-1s"}, "-timeout -1s: must be positive"},
		{[]string{"-demo-latency", "-5ms"}, "-demo-latency -5ms: must not be negative"},
		{[]string{"-demo-contacts", "-1"}, "-demo-contacts -1: must not be negative"},
		{[]string{"a.txt", "b.txt"}, "at most one FILE"},
		{[]string{"-no-such-flag"}, "flag provided but not defined: -no-such-flag"},
		{[]string{"-wire", "xml"}, "flag provided but not defined: -wire"},
		{[]string{"-timeout", "soon"}, `invalid value "soon" for flag -timeout`},
	} {
		code, out, stderr := runExport(t, t.Context(), "", tt.args...)
		if code != exitUsage || out != "" {
			t.Errorf("%q: exit %d, stdout %q; want exit %d", tt.args, code, out, exitUsage)
		}
		if strings.Count(stderr, tt.text) != 1 || strings.Count(stderr, "usage: export") != 1 {
			t.Errorf("%q: stderr %q; want %q once, then the usage", tt.args, stderr, tt.text)
		}
	}
	code, _, stderr := runExport(t, t.Context(), "", "-h")
	if code != exitOK {
		t.Errorf("-h: exit %d, want 0", code)
	}
	for _, want := range []string{"-format", "-output", "-o ", "WHICH50_BASE_URL", "WHICH50_TOKEN", "WHICH50_API_KEY", "WHICH50_API_KEY_HEADER"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("-h does not mention %s:\n%s", want, stderr)
		}
	}
}

// A credential without WHICH50_BASE_URL means the real API at its default
// root, never the demo server.
func TestCredentialAloneMeansTheRealAPI(t *testing.T) {
	for _, v := range []string{"WHICH50_TOKEN", "WHICH50_API_KEY"} {
		demoMode(t)
		t.Setenv(v, "secret")
		code, out, stderr := runExport(t, t.Context(), "") // no ids on stdin: no request
		if code != exitOK || out != "" || !strings.Contains(stderr, "from "+which50.DefaultBaseURL) || strings.Contains(stderr, "demo") {
			t.Errorf("%s alone: exit %d, stdout %q, stderr %q; want 0 contacts from %s", v, code, out, stderr, which50.DefaultBaseURL)
		}
	}
}

// WHICH50_BASE_URL alone calls that API without a credential, and says so.
func TestBaseURLWithoutCredential(t *testing.T) {
	srv := which50test.NewServer()
	defer srv.Close()
	ids := srv.SeedDemo(2, 3)
	demoMode(t)
	t.Setenv("WHICH50_BASE_URL", srv.URL)
	code, out, stderr := runExport(t, t.Context(), strings.Join(ids, "\n"))
	if code != exitOK || len(parseJSONL(t, out)) != 6 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if !strings.Contains(stderr, "requests are anonymous") {
		t.Errorf("stderr %q, want the no-credential warning", stderr)
	}
	if r, _ := srv.LastRequest(); r.Header.Get("Authorization") != "" {
		t.Errorf("request sent a credential: %v", r.Header)
	}
}

func TestMissingIDsFile(t *testing.T) {
	demoMode(t)
	code, _, stderr := runExport(t, t.Context(), "", filepath.Join(t.TempDir(), "nope.txt"))
	if code != exitFailures || !strings.Contains(stderr, "read ids") {
		t.Errorf("exit %d, stderr %q; want exit 1 and the reason", code, stderr)
	}
}

func TestErrorKind(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&which50.APIError{StatusCode: 401}, "unauthorized (401)"},
		{&which50.APIError{StatusCode: 403}, "forbidden (403)"},
		{fmt.Errorf("contact x: %w", &which50.APIError{StatusCode: 404}), "not found (404)"},
		{&which50.APIError{StatusCode: 429}, "rate limited (429)"},
		{&which50.APIError{StatusCode: 500}, "server error (500)"},
		{&which50.APIError{StatusCode: 503}, "HTTP 503"},
		{&which50.DecodeError{Err: errors.New("bad")}, "invalid response"},
		{fmt.Errorf("x: %w", which50.ErrResponseTooLarge), "response too large"},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), "timeout"},
		{errors.New("something else"), "other"},
	} {
		if got := errorKind(tc.err); got != tc.want {
			t.Errorf("errorKind(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
