package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/examples/internal/apienv"
	"github.com/which50-go/which50/which50test"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestExitCode(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{flag.ErrHelp, ExitOK},
		{UsageError{"bad"}, ExitUsage},
		{fmt.Errorf("wrapped: %w", UsageError{"bad"}), ExitUsage},
		{errors.New("failed"), ExitFailure},
		{context.Canceled, ExitFailure},
	} {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

// runMain gives run the command line, environment and streams, prints a
// failure after the program's name, and nothing for -h or a usage error,
// which the program has printed itself.
func TestRunMain(t *testing.T) {
	for _, tt := range []struct {
		err    error
		code   int
		stderr string
	}{
		{nil, ExitOK, ""},
		{flag.ErrHelp, ExitOK, ""},
		{UsageError{"-x: bad"}, ExitUsage, ""},
		{errors.New("no answer"), ExitFailure, "prog: no answer\n"},
	} {
		var stdout, stderr bytes.Buffer
		code := runMain("prog", func(_ context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
			fmt.Fprintf(stdout, "%q %s", args, getenv("V"))
			return tt.err
		}, []string{"-a", "b"}, env(map[string]string{"V": "v"}), &stdout, &stderr, nil)
		if code != tt.code || stderr.String() != tt.stderr || stdout.String() != `["-a" "b"] v` {
			t.Errorf("run returning %v: exit %d, stdout %q, stderr %q; want %d, %q", tt.err, code, stdout.String(), stderr.String(), tt.code, tt.stderr)
		}
	}
}

func TestRunMainCancelsOnSignal(t *testing.T) {
	self, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	code := runMain("prog", func(ctx context.Context, _ []string, _ func(string) string, _, _ io.Writer) error {
		if err := self.Signal(os.Interrupt); err != nil {
			t.Skipf("cannot send os.Interrupt here: %v", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Second):
			return errors.New("not cancelled")
		}
	}, nil, env(nil), io.Discard, &stderr, []os.Signal{os.Interrupt})
	if code != ExitFailure || stderr.String() != "prog: context canceled\n" {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestHelp(t *testing.T) {
	var stderr bytes.Buffer
	c := New("prog", "prog [flags] [FILE]", "Does a thing\nover two lines.", &stderr)
	c.String("name", "", "a `name`")
	if err := c.Parse([]string{"-h"}, "-name N"); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	var envHelp strings.Builder
	apienv.WriteHelp(&envHelp)
	want := "usage: prog [flags] [FILE]\n\nDoes a thing\nover two lines.\n\nflags:\n" +
		"  -name name\n    \ta name\n" + envHelp.String()
	if stderr.String() != want {
		t.Errorf("help:\n%s\nwant:\n%s", stderr.String(), want)
	}
}

func TestParseErrorIsAUsageError(t *testing.T) {
	var stderr bytes.Buffer
	c := New("prog", "prog [flags]", "Does a thing.", &stderr)
	err := c.Parse([]string{"-nope"}, "-name N")
	if !errors.As(err, new(UsageError)) || err.Error() != "flag provided but not defined: -nope" {
		t.Errorf("err = %v, want a usage error", err)
	}
	// The flag package prints the problem and the usage.
	if strings.Count(stderr.String(), "-nope") != 1 || strings.Count(stderr.String(), "usage: prog") != 1 {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}

func TestParseRejectsOperands(t *testing.T) {
	var stderr bytes.Buffer
	c := New("prog", "prog [flags]", "Does a thing.", &stderr)
	c.String("name", "", "a `name`")
	err := c.Parse([]string{"-name", "x", "extra", "more"}, "-name N")
	if !errors.As(err, new(UsageError)) || err.Error() != `unexpected argument "extra" (use -name N)` {
		t.Errorf("err = %v, want a usage error", err)
	}
	if !strings.HasPrefix(stderr.String(), "prog: unexpected argument \"extra\" (use -name N)\nusage: prog") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}

func TestRequired(t *testing.T) {
	var stderr bytes.Buffer
	c := New("prog", "prog [flags]", "Does a thing.", &stderr)
	if err := c.Required("id", false); err != nil || stderr.Len() != 0 {
		t.Errorf("given: %v, stderr %q", err, stderr.String())
	}
	err := c.Required("id", true)
	want := "-id is required when calling the real API (WHICH50_BASE_URL, WHICH50_TOKEN or WHICH50_API_KEY is set)"
	if !errors.As(err, new(UsageError)) || err.Error() != want || strings.Count(stderr.String(), want) != 1 {
		t.Errorf("missing: err = %v, stderr:\n%s", err, stderr.String())
	}
}

func TestSeedContacts(t *testing.T) {
	srv := which50test.NewServer()
	defer srv.Close()
	ids := which50test.DemoContactIDs(3)
	id := ""
	if holds := SeedContacts(&id, 3, 4)(srv); holds != "3 contacts" || id != ids[0] {
		t.Errorf("SeedContacts: holds %q, id %q; want 3 contacts, %q", holds, id, ids[0])
	}
	id = ids[2]
	SeedContacts(&id, 3, 4)(srv)
	if id != ids[2] {
		t.Errorf("SeedContacts replaced the id given: %q", id)
	}
	if c, ok := srv.Contact(ids[1]); !ok || c.EncContactID != ids[1] {
		t.Errorf("demo contact %q: %+v, %v", ids[1], c, ok)
	}
}

func TestBad(t *testing.T) {
	var stderr bytes.Buffer
	c := New("prog", "prog [flags]", "Does a thing.", &stderr)
	err := c.Bad("-n %d: must be positive", -1)
	if !errors.As(err, new(UsageError)) || err.Error() != "-n -1: must be positive" {
		t.Errorf("err = %v", err)
	}
	if !strings.HasPrefix(stderr.String(), "prog: -n -1: must be positive\nusage: prog [flags]\n") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}

func TestContactFlag(t *testing.T) {
	var stderr bytes.Buffer
	c := New("prog", "prog [flags]", "Does a thing.", &stderr)
	id := c.ContactFlag()
	if err := c.Parse([]string{"-contact", "QmFy/Zm9v+=="}, "-contact ID"); err != nil || *id != "QmFy/Zm9v+==" {
		t.Errorf("-contact: %q, %v", *id, err)
	}
	c.Usage()
	if !strings.Contains(stderr.String(), "-contact id\n    \tthe contact's encrypted id (required with the real API; default: the first demo contact)\n") {
		t.Errorf("help:\n%s", stderr.String())
	}
}

func TestGiven(t *testing.T) {
	c := New("prog", "prog [flags]", "Does a thing.", new(bytes.Buffer))
	c.Int("a", 0, "")
	c.Int("b", 0, "")
	if err := c.Parse([]string{"-a", "0"}, "-name N"); err != nil {
		t.Fatal(err)
	}
	if !c.Given("a") || c.Given("b") || c.Given("c") {
		t.Errorf("Given a, b, c = %v, %v, %v; want true, false, false", c.Given("a"), c.Given("b"), c.Given("c"))
	}
}

func TestReportFlags(t *testing.T) {
	tests := []struct {
		args    []string
		problem string
		format  which50.Format
		output  string
		timeout time.Duration
	}{
		{nil, "", which50.FormatJSON, "table", time.Minute},
		{[]string{"-format", "xml", "-output", "json", "-timeout", "5s"}, "", which50.FormatXML, "json", 5 * time.Second},
		{[]string{"-format", "yaml"}, `-format "yaml": want json or xml`, 0, "", 0},
		{[]string{"-output", "csv"}, `-output "csv": want table or json`, 0, "", 0},
		{[]string{"-timeout", "-1s"}, "-timeout -1s: must be positive", 0, "", 0},
		{[]string{"-timeout", "0"}, "-timeout 0s: must be positive", 0, "", 0},
		// One problem at a time, -format first.
		{[]string{"-timeout", "0", "-output", "csv", "-format", "yaml"}, `-format "yaml": want json or xml`, 0, "", 0},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		c := New("prog", "prog [flags]", "Does a thing.", &stderr)
		f := c.ReportFlags(time.Minute, FlagHelp{})
		if err := c.Parse(tt.args, "-name N"); err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		err := f.Validate()
		if tt.problem != "" {
			if !errors.As(err, new(UsageError)) || err.Error() != tt.problem || strings.Count(stderr.String(), tt.problem) != 1 {
				t.Errorf("%q: err = %v, stderr:\n%s\nwant the usage error %q, printed once", tt.args, err, stderr.String(), tt.problem)
			}
			continue
		}
		if err != nil || f.Format != tt.format || f.Output != tt.output || f.Timeout != tt.timeout {
			t.Errorf("%q: %v, %+v", tt.args, err, f)
		}
	}
}

func TestReportFlagsHelp(t *testing.T) {
	for _, tt := range []struct {
		help FlagHelp
		want []string
	}{
		{FlagHelp{}, []string{"-output output\n    \toutput format: table or json (default \"table\")",
			"-timeout duration\n    \tgive up after this duration, retries included (default 30s)"}},
		{FlagHelp{Output: "`output` of the summary", Timeout: "the whole `run` included"},
			[]string{"-output output\n    \toutput of the summary (default \"table\")", "-timeout run\n    \tthe whole run included (default 30s)"}},
	} {
		var stderr bytes.Buffer
		c := New("prog", "prog [flags]", "Does a thing.", &stderr)
		c.ReportFlags(30*time.Second, tt.help)
		c.Usage()
		for _, w := range append(tt.want, "-format format\n    \twire format to ask the API for: json or xml (default \"json\")") {
			if !strings.Contains(stderr.String(), w) {
				t.Errorf("help lacks %q:\n%s", w, stderr.String())
			}
		}
	}
}

// reportFlags returns a command with validated report flags from args.
func reportFlags(t *testing.T, stderr io.Writer, args ...string) (*Command, *Flags) {
	t.Helper()
	c := New("prog", "prog [flags]", "Does a thing.", stderr)
	f := c.ReportFlags(time.Minute, FlagHelp{})
	if err := c.Parse(args, "-name N"); err != nil {
		t.Fatal(err)
	}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	return c, f
}

func TestClientOnTheDemo(t *testing.T) {
	var stderr bytes.Buffer
	_, f := reportFlags(t, &stderr, "-format", "xml", "-timeout", "1h")
	var id string
	ctx, client, done, err := f.Client(context.Background(), env(nil),
		func() error { t.Error("check called on the demo"); return nil },
		func(srv *which50test.Server) string {
			id = srv.SeedDemo(2, 3)[0]
			return "2 contacts"
		},
		which50.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	if deadline, ok := ctx.Deadline(); !ok || time.Until(deadline) < 59*time.Minute {
		t.Errorf("ctx deadline %v, %v; want in an hour", deadline, ok)
	}
	items, err := client.Contacts.Communications(ctx, id)
	if err != nil || len(items) != 3 {
		t.Errorf("Communications on the demo: %d items, %v", len(items), err)
	}
	if s := stderr.String(); !strings.HasPrefix(s, "demo: a fake Which50 API with 2 contacts at http://") ||
		!strings.HasSuffix(s, " (set WHICH50_TOKEN or WHICH50_API_KEY to call the real one)\n") {
		t.Errorf("stderr %q", s)
	}
	done()
	if ctx.Err() == nil {
		t.Error("ctx not cancelled by done")
	}
	if _, err := client.Contacts.Communications(context.Background(), id); err == nil {
		t.Error("the demo server still answers after done")
	}
}

func TestClientOnTheAPI(t *testing.T) {
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SetCommunications("c", which50test.DemoCommunications("c", 2, 1))
	seed := func(*which50test.Server) string { t.Error("demo seeded with the real API"); return "" }
	for _, tt := range []struct {
		vars    map[string]string
		warning bool
	}{
		{map[string]string{apienv.BaseURL: srv.URL, apienv.Token: "t"}, false},
		{map[string]string{apienv.BaseURL: srv.URL}, true},
	} {
		var stderr bytes.Buffer
		_, f := reportFlags(t, &stderr, "-format", "xml")
		checked := false
		ctx, client, done, err := f.Client(context.Background(), env(tt.vars), func() error { checked = true; return nil }, seed, which50.WithUserAgent("prog-test"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.Contacts.Communications(ctx, "c"); err != nil {
			t.Errorf("%v: %v", tt.vars, err)
		}
		done()
		r, _ := srv.LastRequest()
		if !checked || !strings.HasPrefix(r.Header.Get("User-Agent"), "prog-test") || !strings.Contains(r.Header.Get("Accept"), "xml") {
			t.Errorf("%v: checked %v, request headers %v", tt.vars, checked, r.Header)
		}
		if want := "prog: " + apienv.NoCredential + "\n"; tt.warning != (stderr.String() == want) {
			t.Errorf("%v: stderr %q, want the warning: %v", tt.vars, stderr.String(), tt.warning)
		}
	}
}

// A check that fails stops Client before it prints or builds anything.
func TestClientCheckFails(t *testing.T) {
	var stderr bytes.Buffer
	c, f := reportFlags(t, &stderr)
	ctx, client, done, err := f.Client(context.Background(), env(map[string]string{apienv.Token: "t"}),
		func() error { return c.Required("id", true) },
		func(*which50test.Server) string { return "" })
	done()
	if ctx != nil || client != nil || !errors.As(err, new(UsageError)) {
		t.Errorf("ctx %v, client %v, err %v", ctx, client, err)
	}
	if strings.Contains(stderr.String(), "warning") || strings.Count(stderr.String(), "-id is required") != 1 {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}

func TestExplain(t *testing.T) {
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SetCommunications("c", nil)
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL), which50.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	apiError := func(f which50test.Fault) error {
		srv.QueueFaults(f)
		_, err := client.Contacts.Communications(context.Background(), "c")
		return err
	}
	advice := Advice{Forbidden: "may not", NotFound: "no such thing", Timeout: "too slow", Interrupted: "stopped"}
	tests := []struct {
		name   string
		err    error
		advice Advice
		prefix string
	}{
		{"unauthorized", apiError(which50test.Fault{Status: 401}), advice, "the API did not accept the credential; check WHICH50_TOKEN or WHICH50_API_KEY: "},
		{"forbidden", apiError(which50test.Fault{Status: 403}), advice, "may not: "},
		{"not found", apiError(which50test.Fault{Status: 404}), advice, "no such thing: "},
		{"rate limited", apiError(which50test.Fault{Status: 429, RetryAfter: "7"}), advice, "rate limited; try again in 7s: "},
		{"timeout", fmt.Errorf("get: %w", context.DeadlineExceeded), advice, "too slow: "},
		{"interrupted", fmt.Errorf("get: %w", context.Canceled), advice, "stopped: "},
		{"no advice", apiError(which50test.Fault{Status: 403}), Advice{}, "which50"},
		{"no advice on interruption", fmt.Errorf("get: %w", context.Canceled), Advice{Timeout: "too slow"}, "get: "},
		{"other", errors.New("boom"), advice, "boom"},
	}
	for _, tt := range tests {
		if tt.err == nil {
			t.Fatalf("%s: the server did not fail", tt.name)
		}
		got := Explain(tt.err, tt.advice)
		if !errors.Is(got, tt.err) || !strings.HasPrefix(got.Error(), tt.prefix) || !strings.HasSuffix(got.Error(), tt.err.Error()) {
			t.Errorf("%s: Explain = %q, want %q before %q in the chain", tt.name, got, tt.prefix, tt.err)
		}
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, map[string]int{"A": 1}); err != nil || b.String() != "{\n  \"A\": 1\n}\n" {
		t.Errorf("WriteJSON: %q, %v", b.String(), err)
	}
}
