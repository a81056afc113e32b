package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/which50-go/which50"
	"github.com/which50-go/which50/examples/internal/cli"
	"github.com/which50-go/which50/examples/internal/clitest"
	"github.com/which50-go/which50/which50test"
)

func runMain(t *testing.T, stdin string, args []string, vars map[string]string) (stdout, stderr string, err error) {
	t.Helper()
	return clitest.Run(func(stdout, stderr io.Writer) error {
		return run(context.Background(), args, clitest.Env(vars), strings.NewReader(stdin), stdout, stderr)
	})
}

// durationLine matches the summary's one line that changes from run to run.
var durationLine = regexp.MustCompile(`(?m)^  Duration          \d+(\.\d+)?m?s$`)

func TestDemo(t *testing.T) {
	stdout, stderr, err := runMain(t, "", nil, nil)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "demo: a fake Which50 API with 20 contacts in list 1001") || strings.Contains(stderr, "\r") {
		t.Errorf("stderr %q: want the demo line and no progress (not a terminal)", stderr)
	}
	want := `Imported a generated demo CSV of 400 rows into list 1001 "Members": job 5001 Finished

  Contacts sent     400 in 4 batches of up to 100
  Matched on        Email
  Inserted          380
  Updated           20
  Not updated       0
  Dropped           0
  Total             400
  Invalid emails    0
  Invalid mobiles   0
  Contacts in list  400
  Duration          X
`
	if diff := cmp.Diff(want, durationLine.ReplaceAllString(stdout, "  Duration          X")); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

func TestDemoJSON(t *testing.T) {
	stdout, stderr, err := runMain(t, "", []string{"-output", "json", "-format", "xml", "-batch", "150"}, nil)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	var got summary
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	j := got.Job
	if got.ListID != 1001 || got.Added != 400 || got.Batches != 3 || got.ListCount != 400 || got.Seconds <= 0 ||
		j == nil || j.CurrentStatus != "Finished" || j.InsertedContacts != 380 || j.UpdatedContacts != 20 || j.TotalContacts != 400 || j.FinishDate.IsZero() {
		t.Errorf("summary %+v, job %+v", got, j)
	}
	for _, name := range []string{`"ListId": 1001`, `"CurrentStatus": "Finished"`, `"InsertedContacts": 380`, `"InvalidSmsCount": 0`} {
		if !strings.Contains(stdout, name) {
			t.Errorf("output lacks %s:\n%s", name, stdout)
		}
	}
}

// realAPI is a fake standing for the real API: list 7, holding one contact.
func realAPI(t *testing.T) *which50test.Server {
	srv := which50test.NewServer()
	t.Cleanup(srv.Close)
	srv.SetContactList(which50.ContactList{ID: 7, Name: "Customers"})
	srv.SetFields(7, []which50.ContactSchemaField{{ID: 1, Name: "Email", Position: 1}, {ID: 2, Name: "Plan", Position: 2}, {ID: 3, Name: "City", Position: 3}})
	srv.SetContact(which50.Contact{EncContactID: "x", ListID: 7, Values: map[string]any{"Email": "ann@example.com", "Plan": "Basic", "City": "Perth"}})
	srv.SetImportStep(100)
	srv.RequireBearerToken("t-1")
	return srv
}

const customers = "Email,Plan,City\n" +
	"ann@example.com,Premium,\n" + // an update that keeps City
	"bob@example.com,Basic,Hobart\n" +
	"\"cat@example.com\",\"Enterprise\",\"Alice Springs, NT\"\n"

// listValues returns the values of the list's contacts.
func listValues(srv *which50test.Server, listID int64) []map[string]any {
	var vs []map[string]any
	for _, c := range srv.ListContacts(listID) {
		vs = append(vs, c.Values)
	}
	return vs
}

func TestRealAPIFromFile(t *testing.T) {
	srv := realAPI(t)
	path := filepath.Join(t.TempDir(), "customers.csv")
	if err := os.WriteFile(path, []byte(customers), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"WHICH50_BASE_URL": srv.URL, "WHICH50_TOKEN": "t-1"}
	stdout, stderr, err := runMain(t, "", []string{"-list", "7", "-file", path, "-match", "Email", "-batch", "2", "-poll", "1ms"}, vars)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	for _, want := range []string{
		`Imported ` + path + ` into list 7 "Customers": job 5001 Finished`,
		"  Contacts sent     3 in 2 batches of up to 2\n", "  Matched on        Email\n",
		"  Inserted          2\n", "  Updated           1\n", "  Total             3\n", "  Contacts in list  3\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	want := []map[string]any{
		{"Email": "ann@example.com", "Plan": "Premium", "City": "Perth"},
		{"Email": "bob@example.com", "Plan": "Basic", "City": "Hobart"},
		{"Email": "cat@example.com", "Plan": "Enterprise", "City": "Alice Springs, NT"},
	}
	if diff := cmp.Diff(want, listValues(srv, 7)); diff != "" {
		t.Errorf("list 7 (-want +got):\n%s", diff)
	}
	var run *which50test.Request
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/run") {
			run = &r
		}
	}
	if run == nil || run.Query != "match=Email" {
		t.Errorf("run request %+v, want ?match=Email", run)
	}
}

func TestRealAPIFromStdin(t *testing.T) {
	srv := realAPI(t)
	vars := map[string]string{"WHICH50_BASE_URL": srv.URL, "WHICH50_TOKEN": "t-1"}
	// Without -match every row is inserted, ann a second time.
	stdout, stderr, err := runMain(t, customers, []string{"-list", "7", "-poll", "1ms"}, vars)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	if !strings.HasPrefix(stdout, `Imported stdin into list 7 "Customers": job 5001 Finished`) ||
		!strings.Contains(stdout, "  Matched on        (none: every row inserted)\n  Inserted          3\n") ||
		!strings.Contains(stdout, "  Contacts in list  4\n") {
		t.Errorf("summary:\n%s", stdout)
	}
	// -file - reads stdin too.
	if _, stderr, err := runMain(t, customers, []string{"-list", "7", "-file", "-", "-poll", "1ms"}, vars); err != nil {
		t.Fatalf("-file -: %v\n%s", err, stderr)
	}
	if n := len(srv.ListContacts(7)); n != 7 {
		t.Errorf("%d contacts after importing three rows twice into a list of one, want 7", n)
	}
}

// A bad row stops the import before the job runs: the rows before it were
// sent, but the job is never started.
func TestBadRowStopsBeforeTheRun(t *testing.T) {
	srv := realAPI(t)
	vars := map[string]string{"WHICH50_BASE_URL": srv.URL, "WHICH50_TOKEN": "t-1"}
	csv := customers + "dan@example.com,Basic\n" + "eve@example.com,Basic,Darwin\n"
	stdout, _, err := runMain(t, csv, []string{"-list", "7", "-batch", "2", "-poll", "1ms"}, vars)
	if cli.ExitCode(err) != 1 || err == nil || !strings.Contains(err.Error(), "stdin: record on line 5: wrong number of fields; import job 5001 was not run (2 contacts sent to it)") {
		t.Fatalf("err = %v, want the CSV error and the job left unrun", err)
	}
	if stdout != "" {
		t.Errorf("stdout %q after a failure", stdout)
	}
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/run") {
			t.Errorf("the job was run: %s %s", r.Method, r.Path)
		}
	}
	if job, _ := srv.ImportJob(7, 5001); job.CurrentStatus != "Created" {
		t.Errorf("job %+v, want it still Created", job)
	}
	if n := len(srv.ListContacts(7)); n != 1 {
		t.Errorf("%d contacts in the list, want the one it had", n)
	}
}

func TestFailures(t *testing.T) {
	srv := realAPI(t)
	vars := map[string]string{"WHICH50_BASE_URL": srv.URL, "WHICH50_TOKEN": "t-1"}
	tests := []struct {
		name  string
		stdin string
		args  []string
		vars  map[string]string
		is    error
		text  string
	}{
		{"unknown list", customers, []string{"-list", "8"}, vars, which50.ErrNotFound, "not found; check -list: list 8: "},
		{"wrong token", customers, []string{"-list", "7"}, map[string]string{"WHICH50_BASE_URL": srv.URL, "WHICH50_TOKEN": "t-2"}, which50.ErrUnauthorized, "check WHICH50_TOKEN"},
		{"match not a column", customers, []string{"-list", "7", "-match", "Email,Phone"}, vars, nil, `-match Email,Phone: the CSV has no column "Phone" (its columns: Email, Plan, City)`},
		{"repeated column", "Email,Plan,Email\n", []string{"-list", "7"}, vars, nil, `stdin: header: column "Email" appears twice`},
		{"missing file", "", []string{"-list", "7", "-file", filepath.Join(t.TempDir(), "none.csv")}, vars, os.ErrNotExist, "none.csv"},
		{"empty file", "", []string{"-list", "7", "-file", "-"}, vars, nil, "stdin: empty: want a header row of field names"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := runMain(t, tt.stdin, tt.args, tt.vars)
			if cli.ExitCode(err) != 1 || !strings.Contains(err.Error(), tt.text) || tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v (exit %d), want %q, exit 1", err, cli.ExitCode(err), tt.text)
			}
			if stdout != "" {
				t.Errorf("stdout %q after a failure", stdout)
			}
		})
	}
	// A job that never finishes in time.
	srv.SetImportStep(1)
	_, _, err := runMain(t, customers, []string{"-list", "7", "-poll", "5ms", "-timeout", "200ms"}, vars) // 100 polls needed
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "not done within -timeout: import job ") {
		t.Errorf("timeout: %v", err)
	}
}

func TestUsageErrors(t *testing.T) {
	api := map[string]string{"WHICH50_TOKEN": "t"}
	tests := []struct {
		stdin string
		args  []string
		vars  map[string]string
		text  string
	}{
		{"", []string{"-format", "csv"}, nil, "want json or xml"},
		{"", []string{"-output", "csv"}, nil, "want table or json"},
		{"", []string{"-timeout", "-1s"}, nil, "-timeout -1s: must be positive"},
		{"", []string{"-poll", "-2s"}, nil, "-poll -2s: must be positive"},
		{"", []string{"-poll", "0"}, nil, "-poll 0s: must be positive"},
		{"", []string{"-batch", "0"}, nil, "-batch 0: want 1 to 10000"},
		{"", []string{"-batch", "10001"}, nil, "-batch 10001: want 1 to 10000"},
		{"", []string{"-list", "-1"}, nil, "-list -1: must be positive"},
		{"", []string{"-match", "Email,"}, nil, `-match "Email,": an empty field name`},
		{"", []string{"-nope"}, nil, "flag provided but not defined: -nope"},
		{"", []string{"data.csv"}, nil, `unexpected argument "data.csv" (use -file PATH)`},
		{customers, nil, api, "-list is required"},
		{"", []string{"-list", "7"}, api, "no CSV: give -file PATH, or pipe it on stdin"},
	}
	for _, tt := range tests {
		stdout, stderr, err := runMain(t, tt.stdin, tt.args, tt.vars)
		clitest.WantUsageError(t, "import", tt.args, stdout, stderr, err, tt.text)
	}
}

func TestHelpListsTheEnvironment(t *testing.T) {
	_, stderr, err := runMain(t, "", []string{"-h"}, nil)
	clitest.WantHelp(t, "import", stderr, err, "-list", "-file", "-match", "-batch", "-poll", "-format", "-output", "-timeout")
}

func TestProgressLine(t *testing.T) {
	p := which50.ImportProgress{Added: 300, Batches: 3}
	if got := progressLine(p); got != "import: 300 contacts sent in 3 batches" {
		t.Errorf("before the run: %q", got)
	}
	p.Job = &which50.ImportJob{ID: 5001, CurrentStatus: "Processing", ProgressPercent: 50}
	if got := progressLine(p); got != "import: 300 contacts sent in 3 batches; job 5001 Processing, 50%" {
		t.Errorf("after the run: %q", got)
	}
}

// Progress goes to a terminal only; a file gets none.
func TestNoProgressToAFile(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-poll", "1ms"}, clitest.Env(nil), strings.NewReader(""), &out, f); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(f.Name())
	if bytes.Contains(b, []byte("\r")) || !bytes.HasPrefix(b, []byte("demo: ")) {
		t.Errorf("stderr in a file: %q", b)
	}
}
