package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/which50-go/which50"
	"github.com/which50-go/which50/which50test"
)

// TestMain lets the crash test run this test binary as the program: with
// EXPORT_TEST_MAIN=1 it is the export command itself.
func TestMain(m *testing.M) {
	if os.Getenv("EXPORT_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// byContact compares rows in any order of contacts: after Ctrl-C, the
// contacts fetched behind one that was not are written, and the resumed
// run appends that one after them. Rows of one contact keep their order.
var byContact = cmpopts.SortSlices(func(a, b row) bool {
	if a.ContactID != b.ContactID {
		return a.ContactID < b.ContactID
	}
	return a.Item.ID > b.Item.ID // the API's order: newest, highest id, first
})

// wantDemoExtra returns the rows of the demo's first n contacts with extra
// newer interactions for every other one, in input order.
func wantDemoExtra(n, extra int) []row {
	var rows []row
	for i, id := range which50test.DemoContactIDs(n) {
		for _, it := range demoHistory(id, i, extra) {
			rows = append(rows, row{id, it})
		}
	}
	return rows
}

// wantNew returns the rows -demo-extra adds to the first n demo contacts.
func wantNew(n, extra int) []row {
	var rows []row
	for i, id := range which50test.DemoContactIDs(n) {
		if i%2 == 0 {
			for _, it := range demoHistory(id, i, extra)[:extra] {
				rows = append(rows, row{id, it})
			}
		}
	}
	return rows
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readState(t *testing.T, name string) *syncState {
	t.Helper()
	st, err := loadState(name)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func mustRun(t *testing.T, want int, args ...string) string {
	t.Helper()
	code, out, stderr := runExport(t, t.Context(), "", args...)
	if code != want {
		t.Fatalf("%q: exit %d, want %d; stderr:\n%s", args, code, want, stderr)
	}
	if out != "" {
		t.Fatalf("%q: stdout %q, want nothing with -o", args, out)
	}
	return stderr
}

func TestCursor(t *testing.T) {
	at := func(sec int, zone int) time.Time {
		return time.Date(2026, 5, 1, 10, 0, sec, 0, time.UTC).In(time.FixedZone("", zone*3600))
	}
	items := []which50.ContactInteraction{
		{ID: 9, Occurred: at(30, 10)},
		{ID: 8, Occurred: at(20, 0)},
		{ID: 7, Occurred: at(20, -5)}, // the same instant as 8, in another zone
		{ID: 6, Occurred: at(10, 0)},
		{ID: 5}, // no Occurred
	}
	ids := func(items []which50.ContactInteraction) []int64 {
		var out []int64
		for _, it := range items {
			out = append(out, it.ID)
		}
		return out
	}

	// No cursor: everything, and the cursor ends at the newest.
	fresh, c := cursor{}.advance(items)
	if got := ids(fresh); !slices.Equal(got, []int64{9, 8, 7, 6, 5}) {
		t.Errorf("from the zero cursor: %v", got)
	}
	if !c.Occurred.Equal(at(30, 0)) || !slices.Equal(c.IDs, []int64{9}) {
		t.Errorf("cursor %v %v, want the newest", c.Occurred, c.IDs)
	}
	if fresh, _ := c.advance(items); len(fresh) != 0 {
		t.Errorf("again: %v, want nothing", ids(fresh))
	}

	// A cursor in a tie holds both ids, whatever their offsets; a new
	// interaction at that same instant is still new.
	c = cursor{Occurred: at(20, 3), IDs: []int64{8}}
	if fresh, _ := c.advance(items); !slices.Equal(ids(fresh), []int64{9, 7}) {
		t.Errorf("past (20s, [8]): %v, want [9 7]", ids(fresh))
	}
	c2 := cursor{Occurred: at(20, 0)}
	_, c2 = c2.advance(items[1:3])
	if !slices.Equal(c2.IDs, []int64{7, 8}) {
		t.Errorf("tie ids %v, want [7 8]", c2.IDs)
	}
	items = append(items, which50.ContactInteraction{ID: 10, Occurred: at(20, 0)})
	if fresh, _ := c2.advance(items); !slices.Equal(ids(fresh), []int64{9, 10}) {
		t.Errorf("a new id at the tie's instant: %v, want [9 10]", ids(fresh))
	}

	// Only interactions without Occurred: the cursor holds their ids.
	fresh, c = cursor{}.advance([]which50.ContactInteraction{{ID: 3}, {ID: 2}})
	if len(fresh) != 2 || !c.Occurred.IsZero() || !slices.Equal(c.IDs, []int64{2, 3}) {
		t.Errorf("no Occurred: %v, cursor %v %v", ids(fresh), c.Occurred, c.IDs)
	}
	if fresh, _ := c.advance([]which50.ContactInteraction{{ID: 4}, {ID: 3}}); !slices.Equal(ids(fresh), []int64{4}) {
		t.Errorf("no Occurred, one new: %v, want [4]", ids(fresh))
	}
}

func TestIncrementalRuns(t *testing.T) {
	demoMode(t)
	dir := t.TempDir()
	out, state := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "state.json")
	args := []string{"-demo-contacts", "30", "-state", state, "-o", out}

	stderr := mustRun(t, exitOK, args...)
	if diff := cmp.Diff(wantDemo(30), parseJSONL(t, readFile(t, out)), sameTime); diff != "" {
		t.Fatalf("first run (-want +got):\n%s", diff)
	}
	st := readState(t, state)
	first := readFile(t, out)
	if !st.Complete || st.Run != 1 || st.OutputBytes != int64(len(first)) || len(st.Contacts) != 30 {
		t.Fatalf("state after the first run: run %d complete %v, %d bytes of %d, %d contacts", st.Run, st.Complete, st.OutputBytes, len(first), len(st.Contacts))
	}
	if !strings.Contains(stderr, "run 1 complete") {
		t.Errorf("summary does not report the state:\n%s", stderr)
	}

	// Nothing new: nothing written, though every contact is read again.
	stderr = mustRun(t, exitOK, args...)
	if got := readFile(t, out); got != first {
		t.Fatalf("a run with no new data changed the output: %d bytes, was %d", len(got), len(first))
	}
	for _, s := range []string{"30 of 30 contacts exported", "0 interactions written", "run 2 complete"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("second run's summary lacks %q:\n%s", s, stderr)
		}
	}

	// New interactions, one of them at the very instant of the newest old
	// one: exactly those are appended.
	stderr = mustRun(t, exitOK, append(args, "-demo-extra", "3")...)
	got := readFile(t, out)
	if !strings.HasPrefix(got, first) {
		t.Fatal("the incremental run did not append")
	}
	if diff := cmp.Diff(wantNew(30, 3), parseJSONL(t, got[len(first):]), sameTime); diff != "" {
		t.Errorf("appended (-want +got):\n%s", diff)
	}
	if !strings.Contains(stderr, "45 interactions written") {
		t.Errorf("summary: want 45 interactions (15 contacts, 3 each):\n%s", stderr)
	}
	second := got

	stderr = mustRun(t, exitOK, append(args, "-demo-extra", "3")...)
	if readFile(t, out) != second || !strings.Contains(stderr, "0 interactions written") {
		t.Errorf("the same data again wrote something:\n%s", stderr)
	}

	// -full rewrites the output with everything there is.
	stderr = mustRun(t, exitOK, append(args, "-demo-extra", "3", "-full")...)
	if diff := cmp.Diff(wantDemoExtra(30, 3), parseJSONL(t, readFile(t, out)), sameTime); diff != "" {
		t.Errorf("-full (-want +got):\n%s", diff)
	}
	if !strings.Contains(stderr, "run 5 (-full) complete") {
		t.Errorf("summary:\n%s", stderr)
	}
	mustRun(t, exitOK, append(args, "-demo-extra", "3")...)
	if diff := cmp.Diff(wantDemoExtra(30, 3), parseJSONL(t, readFile(t, out)), sameTime); diff != "" {
		t.Errorf("after -full, a run with no new data (-want +got):\n%s", diff)
	}
}

func TestIncrementalCSVHasOneHeader(t *testing.T) {
	demoMode(t)
	dir := t.TempDir()
	out, state := filepath.Join(dir, "out.csv"), filepath.Join(dir, "state.json")
	args := []string{"-demo-contacts", "10", "-output", "csv", "-state", state, "-o", out}
	mustRun(t, exitOK, args...)
	mustRun(t, exitOK, append(args, "-demo-extra", "2")...)
	records, err := csv.NewReader(strings.NewReader(readFile(t, out))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := 0
	for _, r := range records {
		if slices.Equal(r, columns) {
			header++
		}
	}
	if header != 1 || !slices.Equal(records[0], columns) {
		t.Errorf("%d header lines, want one, first", header)
	}
	if want := len(wantDemo(10)) + len(wantNew(10, 2)) + 1; len(records) != want {
		t.Errorf("%d records, want %d", len(records), want)
	}
}

// A run that is cut resumes: the output is cut back to the last
// checkpoint (a torn line and lines the state does not cover are
// removed), the contacts done are skipped, and the output ends up with
// every line once.
func TestResumeAfterInterrupt(t *testing.T) {
	demoMode(t)
	dir := t.TempDir()
	out, state := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "state.json")
	args := []string{"-demo-contacts", "200", "-demo-latency", "2ms", "-concurrency", "2", "-checkpoint", "10ms", "-state", state, "-o", out}

	st := interrupt(t, state, true, args...)
	done := len(st.Contacts)

	// As a crash might leave it: whole lines past the checkpoint, and a
	// torn one.
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(readFile(t, out), "\n")
	fmt.Fprint(f, lines[0], lines[1], `{"ContactId":"torn","Id":12`)
	f.Close()

	stderr := mustRun(t, exitOK, args...)
	if diff := cmp.Diff(wantDemo(200), parseJSONL(t, readFile(t, out)), sameTime, byContact); diff != "" {
		t.Errorf("resumed output (-want +got):\n%s", diff)
	}
	for _, s := range []string{
		fmt.Sprintf("resuming run 1 of %s at byte %d", state, st.OutputBytes),
		"bytes after the last checkpoint cut off",
		fmt.Sprintf("%d of 200 contacts exported from the demo server, 0 failed, %d skipped", 200-done, done),
	} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
}

// interrupt runs the export with args and cancels it (as Ctrl-C does)
// after a while, longer each time, until its state shows a cut run with
// some contacts done in it. With fresh, each attempt starts with no state.
func interrupt(t *testing.T, state string, fresh bool, args ...string) *syncState {
	t.Helper()
	var before []byte
	if !fresh {
		var err error
		if before, err = os.ReadFile(state); err != nil {
			t.Fatal(err)
		}
	}
	for delay := 100 * time.Millisecond; delay < 5*time.Second; delay += 50 * time.Millisecond {
		if fresh {
			os.Remove(state)
		} else if err := os.WriteFile(state, before, 0o644); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), delay)
		code, _, stderr := runExport(t, ctx, "", args...)
		cancel()
		if code == exitOK {
			t.Skip("the run ended before it could be interrupted")
		}
		if code != exitInterrupted {
			t.Fatalf("exit %d, want %d:\n%s", code, exitInterrupted, stderr)
		}
		st, err := loadState(state)
		if err == errNoState {
			continue // interrupted before the run began
		}
		if err != nil {
			t.Fatal(err)
		}
		if st.Complete {
			t.Fatal("an interrupted run is marked complete")
		}
		for _, c := range st.Contacts {
			if c.Run == st.Run {
				return st
			}
		}
	}
	t.Fatal("no contact was done before the interrupt")
	return nil
}

// A cut full run resumes as a full run, without -full; -full given while
// an incremental run is cut starts a full run over.
func TestFullRunsResumeAndRestart(t *testing.T) {
	demoMode(t)
	dir := t.TempDir()
	out, state := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "state.json")
	args := []string{"-demo-contacts", "200", "-demo-latency", "2ms", "-concurrency", "2", "-checkpoint", "10ms", "-state", state, "-o", out}

	st := interrupt(t, state, true, append(args, "-full")...)
	if !st.Full || st.Run != 1 {
		t.Fatalf("cut full run: full %v, run %d", st.Full, st.Run)
	}
	stderr := mustRun(t, exitOK, args...)
	if diff := cmp.Diff(wantDemo(200), parseJSONL(t, readFile(t, out)), sameTime, byContact); diff != "" {
		t.Errorf("resumed full run (-want +got):\n%s", diff)
	}
	if !strings.Contains(stderr, "resuming run 1") || !strings.Contains(stderr, "run 1 (-full) complete") {
		t.Errorf("stderr:\n%s", stderr)
	}

	extra := append(args, "-demo-extra", "2")
	st = interrupt(t, state, false, extra...)
	if st.Full || st.Run != 2 {
		t.Fatalf("cut incremental run: full %v, run %d", st.Full, st.Run)
	}
	stderr = mustRun(t, exitOK, append(extra, "-full")...)
	if diff := cmp.Diff(wantDemoExtra(200, 2), parseJSONL(t, readFile(t, out)), sameTime); diff != "" {
		t.Errorf("-full over a cut incremental run (-want +got):\n%s", diff)
	}
	if !strings.Contains(stderr, "run 3 of "+state+": -full, rewriting") || !strings.Contains(stderr, "run 3 (-full) complete") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if st := readState(t, state); len(st.Contacts) != 200 || st.OutputBytes != int64(len(readFile(t, out))) {
		t.Errorf("state: %d contacts, %d bytes", len(st.Contacts), st.OutputBytes)
	}
}

func TestJourneyAndActivity(t *testing.T) {
	demoMode(t)
	var evens []row
	for i, id := range which50test.DemoContactIDs(20) {
		if i%2 == 0 {
			for _, it := range demoHistory(id, i, 0) {
				evens = append(evens, row{id, it})
			}
		}
	}
	_, out, stderr := runExport(t, t.Context(), "", "-demo-contacts", "20", "-activity", "1000/100001")
	if diff := cmp.Diff(evens, parseJSONL(t, out), sameTime); diff != "" {
		t.Errorf("-activity 1000/100001 (-want +got):\n%s\n%s", diff, stderr)
	}
	_, out, _ = runExport(t, t.Context(), "", "-demo-contacts", "20", "-journey", "1000")
	if diff := cmp.Diff(wantDemo(20), parseJSONL(t, out), sameTime); diff != "" {
		t.Errorf("-journey 1000 (-want +got):\n%s", diff)
	}

	// Against an API: the SDK's journey and activity contacts calls.
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SeedDemo(12, 6)
	apiMode(t, srv, "tok")
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	members, err := client.Journeys.Contacts(t.Context(), 1060)
	if err != nil || len(members) == 0 {
		t.Fatalf("journey 1060: %d contacts, %v", len(members), err)
	}
	code, out, stderr := runExport(t, t.Context(), "", "-journey", "1060")
	got := parseJSONL(t, out)
	var gotIDs []string
	for _, r := range got {
		if len(gotIDs) == 0 || gotIDs[len(gotIDs)-1] != r.ContactID {
			gotIDs = append(gotIDs, r.ContactID)
		}
	}
	var wantIDs []string
	for _, c := range members {
		wantIDs = append(wantIDs, c.EncContactID)
	}
	if code != exitOK || !slices.Equal(gotIDs, wantIDs) || len(got) != 6*len(members) {
		t.Errorf("-journey 1060: exit %d, contacts %q, want %q, %d rows:\n%s", code, gotIDs, wantIDs, len(got), stderr)
	}
	code, _, stderr = runExport(t, t.Context(), "", "-journey", "999")
	if code != exitFailures || !strings.Contains(stderr, "read the contacts of journey 999") {
		t.Errorf("unknown journey: exit %d:\n%s", code, stderr)
	}
}

func TestRepeatedIDsAreExportedOnce(t *testing.T) {
	demoMode(t)
	ids := which50test.DemoContactIDs(3)
	stdin := strings.Join([]string{ids[0], ids[1], ids[0], ids[2], ids[1]}, "\n")
	code, out, stderr := runExport(t, t.Context(), stdin, "-demo-contacts", "3", "-")
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if diff := cmp.Diff(wantDemo(3), parseJSONL(t, out), sameTime); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !strings.Contains(stderr, "2 repeated ids ignored") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

func TestStateUsage(t *testing.T) {
	demoMode(t)
	dir := t.TempDir()
	out, state := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "state.json")
	for _, tt := range []struct {
		args []string
		text string
	}{
		{[]string{"-state", state}, "-state needs -o FILE"},
		{[]string{"-full"}, "-full needs -state"},
		{[]string{"-state", out, "-o", out}, "-state and -o must be different files"},
		{[]string{"-checkpoint", "0s", "-state", state, "-o", out}, "-checkpoint 0s: must be positive"},
		{[]string{"-journey", "1000", "ids.txt"}, "give one of -journey, -activity and FILE"},
		{[]string{"-journey", "1", "-activity", "1/2"}, "give one of -journey, -activity and FILE"},
		{[]string{"-journey", "-3"}, "-journey -3: must be positive"},
		{[]string{"-activity", "1000"}, `invalid value "1000" for flag -activity`},
		{[]string{"-activity", "1000/x"}, `invalid value "1000/x" for flag -activity`},
		{[]string{"-demo-extra", "-1"}, "-demo-extra -1: must not be negative"},
	} {
		code, stdout, stderr := runExport(t, t.Context(), "", tt.args...)
		if code != exitUsage || stdout != "" || strings.Count(stderr, tt.text) != 1 || !strings.Contains(stderr, "usage: export") {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 with %q and the usage", tt.args, code, stderr, tt.text)
		}
	}
	if _, err := os.Stat(state); err == nil {
		t.Errorf("a usage error wrote the state")
	}
	code, _, stderr := runExport(t, t.Context(), "", "-h")
	for _, flag := range []string{"-journey", "-activity", "-state", "-full", "-checkpoint", "-demo-extra"} {
		if code != exitOK || !strings.Contains(stderr, flag) {
			t.Errorf("-h: exit %d, no %s:\n%s", code, flag, stderr)
		}
	}

	// A state is tied to its output file and format.
	mustRun(t, exitOK, "-demo-contacts", "2", "-state", state, "-o", out)
	for _, tt := range []struct {
		args []string
		text string
	}{
		{[]string{"-o", filepath.Join(dir, "other.jsonl")}, "is the state of the output"},
		{[]string{"-o", out, "-output", "csv"}, "is the state of jsonl output"},
	} {
		code, _, stderr := runExport(t, t.Context(), "", append([]string{"-demo-contacts", "2", "-state", state}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.text) || strings.Contains(stderr, "demo:") {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 with %q", tt.args, code, stderr, tt.text)
		}
	}

	// An output shorter than the state says was changed by something
	// else: refused, untouched.
	if err := os.WriteFile(out, []byte("short\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	saved := readFile(t, state)
	code, _, stderr = runExport(t, t.Context(), "", "-demo-contacts", "2", "-state", state, "-o", out)
	if code != exitFailures || !strings.Contains(stderr, "fewer than the") || readFile(t, out) != "short\n" || readFile(t, state) != saved {
		t.Errorf("exit %d, stderr %q; want 1 and the output and state left alone", code, stderr)
	}
	if err := os.WriteFile(state, []byte(`{"version":7}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runExport(t, t.Context(), "", "-demo-contacts", "2", "-state", state, "-o", out)
	if code != exitFailures || !strings.Contains(stderr, "version 7") {
		t.Errorf("state of another version: exit %d, stderr %q", code, stderr)
	}
}

// TestCrashResume kills the program with SIGKILL at random moments, as a
// crash or a power cut would stop it (no deferred call, no flush), resumes
// it each time with the same -state and -o, and checks that the output
// ends up exactly as one uninterrupted run writes it.
func TestCrashResume(t *testing.T) {
	if testing.Short() {
		t.Skip("kills the program several times: not with -short")
	}
	demoMode(t)
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref.jsonl")
	common := []string{"-demo-contacts", "300", "-demo-latency", "3ms", "-concurrency", "4", "-checkpoint", "15ms"}
	mustRun(t, exitOK, append(common, "-o", ref)...)

	out, state := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "state.json")
	args := append(common, "-state", state, "-o", out)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WHICH50_") {
			env = append(env, kv)
		}
	}
	env = append(env, "EXPORT_TEST_MAIN=1")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	kills := 0
	for attempt := 0; attempt < 12 && kills < 6; attempt++ {
		cmd := exec.Command(self, args...)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			if err != nil {
				t.Fatalf("run %d: %v:\n%s", attempt, err, stderr.String())
			}
			// It finished: start over, to be killed sooner.
			os.Remove(state)
			os.Remove(out)
			continue
		case <-time.After(time.Duration(20+rng.IntN(300)) * time.Millisecond):
		}
		cmd.Process.Kill()
		<-exited
		kills++
	}
	if kills == 0 {
		t.Skip("the program always finished before it could be killed")
	}
	mustRun(t, exitOK, args...)
	got, want := readFile(t, out), readFile(t, ref)
	if got != want {
		gotLines, wantLines := strings.Split(got, "\n"), strings.Split(want, "\n")
		t.Errorf("after %d kills the output differs from an uninterrupted run's: %d lines, want %d", kills, len(gotLines), len(wantLines))
	}
	st := readState(t, state)
	if !st.Complete || st.OutputBytes != int64(len(got)) {
		t.Errorf("final state: complete %v, %d bytes of %d", st.Complete, st.OutputBytes, len(got))
	}
	t.Logf("%d kills, %d bytes", kills, len(got))
}

func TestStateFileIsReplacedWhole(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "s.json")
	st := &syncState{Version: stateVersion, Output: "/x", Format: "jsonl", Run: 3, OutputBytes: 42,
		Contacts: map[string]contactState{"a": {Run: 3, cursor: cursor{Occurred: time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("", 36000)), IDs: []int64{7}}}}}
	if err := st.save(name); err != nil {
		t.Fatal(err)
	}
	got := readState(t, name)
	if diff := cmp.Diff(st, got, sameTime, cmp.AllowUnexported(contactState{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := os.Stat(name + ".tmp"); err == nil {
		t.Error("the temporary file is left behind")
	}
	if _, err := loadState(filepath.Join(dir, "none")); err != errNoState {
		t.Errorf("missing file: %v", err)
	}
}
