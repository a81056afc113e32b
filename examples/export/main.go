// Command export writes the communications of many contacts, as JSON lines
// or CSV, for loading into a warehouse: the bulk job the which50 SDK is often
// used for. With -state it is a resumable, incremental sync: a run that is
// cut resumes where it stopped, and a later run writes only what is new.
//
// Usage:
//
//	export [flags] [FILE]
//
// # Contacts
//
// The contacts come from one of:
//
//   - -journey ID: every contact of the journey (GET journeys/{id}/contacts,
//     streamed with Journeys.ContactsSeq);
//   - -activity JOURNEY/ACTIVITY: the contacts of one activity of a journey
//     (Journeys.ActivityContactsSeq);
//   - FILE: contact ids, one a line ("-" for standard input); blank lines
//     are skipped and surrounding spaces trimmed.
//
// An id given twice is exported once. It fetches the contacts'
// communications with bounded concurrency (-concurrency), optionally under
// a request rate shared by all workers (-rate, requests per second,
// counting retries too, paced by the SDK's WithRateLimit); retries of
// transient failures come from the SDK, and a 429's Retry-After pauses
// every worker.
//
// Where it reads from (the environment rule of every example program):
//
//   - With WHICH50_TOKEN or WHICH50_API_KEY set, it calls the real API, at
//     WHICH50_BASE_URL or, when that is unset, the SDK's DefaultBaseURL.
//     WHICH50_TOKEN is sent as a bearer token; otherwise WHICH50_API_KEY in
//     the header WHICH50_API_KEY_HEADER (default X-API-Key). With
//     WHICH50_BASE_URL alone it calls that API without a credential (with
//     a warning). Without -journey, -activity or FILE it reads the ids from
//     standard input.
//   - With none of them set, it starts an embedded which50test demo server
//     holding -demo-contacts contacts, each answer delayed by -demo-latency.
//     Its journey 1000 ("Members") holds every demo contact, and its
//     activity 1000/100001 every other one. Without -journey, -activity or
//     FILE it exports journey 1000. The demo data is the same on every run,
//     so that a run can be resumed; -demo-extra N gives every other demo
//     contact N interactions newer than its others, as if they had happened
//     since an earlier run.
//
// -format json|xml chooses what is asked of the API (default json).
//
// # Output
//
// To standard output, or -o FILE:
//
//   - -output jsonl (the default): one JSON object a line, the SDK's
//     ContactInteraction with its wire field names, plus "ContactId":
//     {"ContactId":"...","Id":1203,"Interaction":"Email","Name":"...","Occurred":"2026-10-14T09:30:12.6960966+10:00","Status":"Opened","CampaignId":1042,"CampaignName":"..."}
//     Occurred is RFC 3339 with the offset the platform recorded (Z for
//     UTC) and the fraction it sent, and is left out if the API sent none.
//     An interaction with no campaign has CampaignId 0 and CampaignName "".
//   - -output csv: the same fields, with a header line at the top of the
//     file (once, however many runs append to it); an empty Occurred when
//     the API sent none.
//
// Order: contacts appear in the order of their ids in the input, each
// contact's interactions in the API's order (newest first), and a contact's
// interactions are written together, all or none. Contacts that fail are
// left out and reported. (A resumed run appends the contacts the cut run
// lacked, so a contact that failed, or was cancelled by Ctrl-C while later
// ones were written, comes after them.) Responses are buffered until every
// earlier contact is written, and workers run at most a fixed window ahead
// of the writer, so memory stays bounded whatever the number of ids.
//
// # State, resume and incremental runs
//
// With -state FILE (which needs -o: standard output cannot be cut back),
// the state file records, for each contact, a cursor: the latest instant
// of its interactions that are written (Occurred, compared as an instant
// whatever its offset) and the ids of those written at that very instant,
// which breaks ties. It also records how many bytes of the output are
// committed, and the run in progress.
//
// Checkpoints: the writer appends each contact's lines to the output as
// they come. Every -checkpoint interval (250ms by default; longer when a
// checkpoint itself takes long, so that checkpoints run at most a fifth of
// the time), and at the end, it flushes the output and takes a snapshot of
// the state with the output's length; then, beside the writer, which goes
// on writing, the output is fsynced, and only then the state file
// replaced: the snapshot is written to FILE.tmp, fsynced, renamed over
// FILE, and the directory fsynced. The state therefore never covers a line
// that is not on disk, and it is never seen half written. Nothing is
// synced per contact.
//
// Resume: on start with an existing state, the output is first cut back to
// the committed length, which removes whatever a crash left after the last
// checkpoint (a torn line, or whole contacts the state does not cover).
// If the run in the state was cut, the contacts it had done are skipped
// and the others exported, appending; a contact whose lines were cut off
// is exported again, whole. Each line of a run is thus in the output
// exactly once, however often the run is killed and resumed.
//
// Incremental: a run that finishes with every contact exported is
// complete, and the next invocation starts a new run over its contacts,
// writing only the interactions past each contact's cursor (appending to
// the output). A contact's new interactions that occurred before its
// cursor, or that have no Occurred once it has one, are not seen by an
// incremental run. -full ignores the cursors and rewrites: the output is
// cut to nothing (a CSV header is written again) and every interaction of
// the given contacts is exported, as by a first run; the state then covers
// those contacts only. A full run that is cut resumes as a full run, with
// or without -full; -full given while an incremental run is cut starts
// over. One state file, and its output, serve one export at a time, with
// the same -output format: another format or output file is refused.
//
// # Failures and reporting
//
// A failing contact does not stop the others, except a 401: credentials the
// API rejects will fail every contact, so the export stops. On standard
// error it shows progress while it runs (only when standard error is a
// terminal), then always a summary: contacts exported, skipped as already
// done and failed by kind of error, interactions written, elapsed time and
// requests per second, the failed ids, and with -state the run and the
// committed length. -failed FILE writes the ids that were not exported
// (failed or interrupted), one a line, ready to be fed back as input. With
// -state, a run with failures stays cut: running the same command again
// retries only the contacts it lacks.
//
// Ctrl-C (or SIGTERM) stops the export cleanly: requests in flight are
// cancelled, every contact already fetched is written, the output is
// flushed, and with -state checkpointed, so it holds only whole lines. A
// second Ctrl-C exits at once (the state then resumes from its last
// checkpoint, as after a crash).
//
// Exit status: 0 when every contact was exported (or skipped as already
// done); 1 when some failed, the export stopped, or the state or output
// could not be read or written; 2 for bad usage, including a -state that
// belongs to another output file or format; 130 when interrupted.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/examples/internal/apienv"
	"github.com/which50-go/which50/examples/internal/cli"
	"github.com/which50-go/which50/which50test"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // from now on a second Ctrl-C ends the program at once
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK          = 0
	exitFailures    = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// The demo: its journey of every contact, and an activity of every other.
const (
	demoJourney  = 1000
	demoActivity = 100001
	demoList     = 1001
)

// config holds the command line.
type config struct {
	concurrency  int
	rate         float64
	format       string // asked of the API: json or xml
	output       string // written: jsonl or csv
	outFile      string // "" for standard output
	failedFile   string
	retries      int
	retryWait    time.Duration
	timeout      time.Duration
	journey      int64    // -journey, 0 when not given
	activity     [2]int64 // -activity JOURNEY/ACTIVITY, zeros when not given
	stateFile    string
	full         bool
	checkpoint   time.Duration
	demoContacts int
	demoExtra    int
	demoLatency  time.Duration
	input        string // "" when no FILE was given
}

// run is the whole command, with its environment passed in, so that tests
// can drive it. It returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if err := export(ctx, cfg, stdin, stdout, stderr); err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		fmt.Fprintln(stderr, "export:", err)
		if errors.As(err, new(usageError)) {
			return exitUsage
		}
		return exitFailures
	}
	return exitOK
}

// exitError ends run with a status after its message has been printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// usageError is a command line that does not fit what is on disk, such
// as a -state written for another output: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// activityFlag is -activity JOURNEY/ACTIVITY.
type activityFlag struct{ ids *[2]int64 }

func (f activityFlag) String() string {
	if f.ids == nil || f.ids[0] == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", f.ids[0], f.ids[1])
}

func (f activityFlag) Set(v string) error {
	j, a, ok := strings.Cut(v, "/")
	jid, err1 := strconv.ParseInt(j, 10, 64)
	aid, err2 := strconv.ParseInt(a, 10, 64)
	if !ok || err1 != nil || err2 != nil || jid <= 0 || aid <= 0 {
		return fmt.Errorf("want JOURNEY/ACTIVITY, two positive ids")
	}
	*f.ids = [2]int64{jid, aid}
	return nil
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := cli.New("export", "export [flags] [FILE]",
		"Writes the communications of contacts as JSON lines or CSV: those of a journey\n"+
			"(-journey), of an activity (-activity), or whose ids are in FILE (one a line,\n"+
			"\"-\" for stdin). On the embedded demo server, with none of them, it exports\n"+
			"the demo journey 1000, every demo contact; with the real API, it reads the ids\n"+
			"from stdin. With -state and -o it is a resumable, incremental sync: a cut run\n"+
			"resumes, a later run appends only the interactions that are new.", stderr)
	fs.Int64Var(&cfg.journey, "journey", 0, "export every contact of this journey `id`")
	fs.Var(activityFlag{&cfg.activity}, "activity", "export the contacts of one activity: `JOURNEY/ACTIVITY` ids")
	fs.IntVar(&cfg.concurrency, "concurrency", 8, "contacts fetched at the same time")
	fs.Float64Var(&cfg.rate, "rate", 0, "most requests per second, over all workers and retries (0: no limit)")
	fs.StringVar(&cfg.format, "format", "json", "wire format to ask the API for: json or xml")
	fs.StringVar(&cfg.output, "output", "jsonl", "output format: jsonl or csv")
	fs.StringVar(&cfg.outFile, "o", "", "write to this `file` instead of stdout")
	fs.StringVar(&cfg.stateFile, "state", "", "sync state `file`: resume a cut run, then write only new interactions (needs -o)")
	fs.BoolVar(&cfg.full, "full", false, "with -state: ignore the cursors, rewrite the output with every interaction")
	fs.DurationVar(&cfg.checkpoint, "checkpoint", 250*time.Millisecond, "with -state: sync the output and save the state this often")
	fs.StringVar(&cfg.failedFile, "failed", "", "write the ids not exported (failed or interrupted) to this `file`")
	fs.IntVar(&cfg.retries, "retries", which50.DefaultMaxRetries, "retries of a transient failure, per contact")
	fs.DurationVar(&cfg.retryWait, "retry-wait", which50.DefaultRetryWaitMin, "first wait before a retry; later waits double, up to "+which50.DefaultRetryWaitMax.String())
	fs.DurationVar(&cfg.timeout, "timeout", 2*time.Minute, "time limit for one contact, and for reading a journey's or activity's contacts, retries included")
	fs.IntVar(&cfg.demoContacts, "demo-contacts", 100, "contacts on the demo server")
	fs.IntVar(&cfg.demoExtra, "demo-extra", 0, "demo: give every other contact this many newer interactions")
	fs.DurationVar(&cfg.demoLatency, "demo-latency", 0, "delay of each demo server answer, e.g. 10ms")
	if err := fs.FlagSet.Parse(args); err != nil { // FILE may follow the flags
		return cfg, err
	}
	var problems []string
	if fs.NArg() > 1 {
		problems = append(problems, "at most one FILE of ids")
	}
	cfg.input = fs.Arg(0)
	if fs.Given("journey") && cfg.journey <= 0 {
		problems = append(problems, fmt.Sprintf("-journey %d: must be positive", cfg.journey))
	}
	sources := 0
	for _, given := range []bool{fs.Given("journey"), fs.Given("activity"), cfg.input != ""} {
		if given {
			sources++
		}
	}
	if sources > 1 {
		problems = append(problems, "give one of -journey, -activity and FILE")
	}
	if cfg.concurrency < 1 {
		problems = append(problems, "-concurrency must be at least 1")
	}
	if cfg.rate < 0 {
		problems = append(problems, "-rate must not be negative")
	}
	switch cfg.format {
	case "json", "xml":
	case "jsonl", "csv":
		problems = append(problems, fmt.Sprintf("-format %q: -format is the wire format, json or xml; choose %s output with -output", cfg.format, cfg.format))
	default:
		problems = append(problems, fmt.Sprintf("-format %q: want json or xml", cfg.format))
	}
	if cfg.output != "jsonl" && cfg.output != "csv" {
		problems = append(problems, fmt.Sprintf("-output %q: want jsonl or csv", cfg.output))
	}
	if cfg.stateFile != "" && cfg.outFile == "" {
		problems = append(problems, "-state needs -o FILE: the output is cut back to its last checkpoint on resume, which standard output cannot be")
	}
	if cfg.stateFile != "" && cfg.outFile != "" && filepath.Clean(cfg.stateFile) == filepath.Clean(cfg.outFile) {
		problems = append(problems, "-state and -o must be different files")
	}
	if cfg.full && cfg.stateFile == "" {
		problems = append(problems, "-full needs -state: without a state every run is a full export")
	}
	if cfg.checkpoint <= 0 {
		problems = append(problems, fmt.Sprintf("-checkpoint %s: must be positive", cfg.checkpoint))
	}
	if cfg.retries < 0 {
		problems = append(problems, fmt.Sprintf("-retries %d: must not be negative", cfg.retries))
	}
	if cfg.retryWait < 0 {
		problems = append(problems, fmt.Sprintf("-retry-wait %s: must not be negative", cfg.retryWait))
	}
	if cfg.timeout <= 0 {
		problems = append(problems, fmt.Sprintf("-timeout %s: must be positive", cfg.timeout))
	}
	if cfg.demoContacts < 0 {
		problems = append(problems, fmt.Sprintf("-demo-contacts %d: must not be negative", cfg.demoContacts))
	}
	if cfg.demoExtra < 0 {
		problems = append(problems, fmt.Sprintf("-demo-extra %d: must not be negative", cfg.demoExtra))
	}
	if cfg.demoLatency < 0 {
		problems = append(problems, fmt.Sprintf("-demo-latency %s: must not be negative", cfg.demoLatency))
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, "export:", p)
		}
		fs.Usage()
		return cfg, errors.New("bad usage")
	}
	return cfg, nil
}

// export runs the export described by cfg.
func export(ctx context.Context, cfg config, stdin io.Reader, stdout, stderr io.Writer) error {
	// A state that does not fit the command line is refused before any
	// request or write.
	var st *syncState
	if cfg.stateFile != "" {
		var err error
		if st, err = openState(cfg); err != nil {
			return err
		}
	}

	transport := newTransport(cfg)
	opts := []which50.Option{
		which50.WithHTTPClient(&http.Client{Transport: transport}),
		which50.WithMaxRetries(cfg.retries),
		which50.WithRetryWait(cfg.retryWait, max(cfg.retryWait, which50.DefaultRetryWaitMax)),
		which50.WithUserAgent("which50-export/" + which50.Version),
	}
	if cfg.rate > 0 {
		// One request at a time at the rate, no bursts: every attempt
		// of every worker waits for its turn.
		opts = append(opts, which50.WithRateLimit(cfg.rate, 1))
	}
	if cfg.format == "xml" {
		opts = append(opts, which50.WithFormat(which50.FormatXML))
	}

	source := "the demo server"
	if api, ok := apienv.FromEnv(os.Getenv); ok {
		source = api.BaseURL
		opts = append(opts, api.Options()...)
		if api.Auth == nil {
			fmt.Fprintln(stderr, "export:", apienv.NoCredential)
		}
		if cfg.input == "" && cfg.journey == 0 && cfg.activity[0] == 0 {
			cfg.input = "-"
		}
	} else {
		srv := which50test.NewServer()
		defer srv.Close()
		seedDemo(srv, cfg.demoContacts, cfg.demoExtra)
		srv.SetLatency(cfg.demoLatency)
		opts = append(opts, which50.WithBaseURL(srv.URL))
		if cfg.input == "" && cfg.journey == 0 && cfg.activity[0] == 0 {
			cfg.journey = demoJourney
		}
	}
	client, err := which50.NewClient(opts...)
	if err != nil {
		return err
	}
	ids, dups, err := contactIDs(ctx, cfg, client, stdin)
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "export: interrupted:", err)
			return exitError{exitInterrupted}
		}
		return err
	}

	ex := &exporter{
		cfg:       cfg,
		client:    client,
		transport: transport,
		ids:       ids,
		dups:      dups,
		st:        st,
		outcomes:  make([]outcome, len(ids)),
	}
	out, outName := io.Writer(stdout), "stdout"
	if cfg.outFile != "" {
		outName = cfg.outFile
		var f *os.File
		if st != nil {
			f, err = ex.beginRun(stderr)
		} else {
			f, err = os.Create(cfg.outFile)
			if err != nil {
				err = fmt.Errorf("create output: %w", err)
			}
		}
		if err != nil {
			return err
		}
		defer f.Close()
		out, ex.file = f, f
	}
	ex.w = &countingWriter{w: bufio.NewWriterSize(out, 64<<10)}
	if st != nil {
		ex.w.n = st.OutputBytes // what beginRun kept of the output
	}
	ex.plan()

	ex.started = time.Now()
	stopProgress := startProgress(ex, stderr)
	ex.run(ctx)
	stopProgress()

	if ex.file != nil && ex.writeErr == nil {
		if err := ex.file.Close(); err != nil {
			ex.writeErr = fmt.Errorf("close output: %w", err)
		}
	}
	ex.summary(stderr, source, outName)
	if cfg.failedFile != "" {
		if err := ex.writeFailed(cfg.failedFile); err != nil {
			fmt.Fprintln(stderr, "export:", err)
			return exitError{exitFailures}
		}
	}
	switch {
	case ex.writeErr != nil || ex.stopped != "":
		return exitError{exitFailures}
	case ctx.Err() != nil:
		return exitError{exitInterrupted}
	case ex.failed.Load() > 0 || ex.exported.Load() < int64(len(ex.todo)):
		return exitError{exitFailures}
	}
	return nil
}

// contactIDs returns the ids of the contacts to export, from -journey,
// -activity or FILE, each once, in the order first given, and how many
// repeats it dropped.
func contactIDs(ctx context.Context, cfg config, client *which50.Client, stdin io.Reader) (ids []string, dups int, err error) {
	switch {
	case cfg.input != "":
		ids, err = readIDs(cfg.input, stdin)
	case cfg.journey != 0:
		ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
		defer cancel()
		ids, err = collect(client.Journeys.ContactsSeq(ctx, cfg.journey))
		if err != nil {
			err = fmt.Errorf("read the contacts of journey %d: %w", cfg.journey, err)
		}
	case cfg.activity[0] != 0:
		ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
		defer cancel()
		ids, err = collect(client.Journeys.ActivityContactsSeq(ctx, cfg.activity[0], cfg.activity[1]))
		if err != nil {
			err = fmt.Errorf("read the contacts of activity %d of journey %d: %w", cfg.activity[1], cfg.activity[0], err)
		}
	}
	if err != nil {
		return nil, 0, err
	}
	seen := make(map[string]bool, len(ids))
	kept := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			kept = append(kept, id)
		}
	}
	return kept, len(ids) - len(kept), nil
}

// collect returns the encrypted ids of the contacts seq yields.
func collect(seq iter.Seq2[which50.Contact, error]) ([]string, error) {
	var ids []string
	for c, err := range seq {
		if err != nil {
			return nil, err
		}
		if c.EncContactID != "" {
			ids = append(ids, c.EncContactID)
		}
	}
	return ids, nil
}

// seedDemo fills srv with n demo contacts of varied history lengths (1 to
// 50 interactions, about 25 on average), extra more for every other one,
// the journey demoJourney of them all and its activity demoActivity of
// every other one.
func seedDemo(srv *which50test.Server, n, extra int) {
	ids := which50test.DemoContactIDs(n)
	members := make([]which50.Contact, len(ids))
	var welcomed []which50.Contact
	for i, id := range ids {
		srv.SetCommunications(id, demoHistory(id, i, extra))
		members[i] = which50.Contact{EncContactID: id, ID: 100001 + int64(i), ListID: demoList,
			Values: map[string]any{"Email": fmt.Sprintf("member%d@example.com", i+1)}}
		if i%2 == 0 {
			welcomed = append(welcomed, members[i])
		}
	}
	srv.SetJourney(which50.Journey{ID: demoJourney, Name: "Members", ListID: demoList, Status: "Active", Reach: int64(n)})
	srv.SetJourneyContacts(demoJourney, members)
	srv.SetActivity(demoJourney, which50.JourneyActivity{ID: demoActivity, Name: "Welcome", CampaignID: demoJourney})
	srv.SetActivityContacts(demoJourney, demoActivity, welcomed)
}

// demoHistory is the history of the i-th demo contact: its interactions
// and, when i is even, extra newer ones. The newer ones take ids above the
// contact's newest and times from its newest on, the oldest of them at the
// very instant of the newest old one, so that a cursor must break the tie.
func demoHistory(id string, i, extra int) []which50.ContactInteraction {
	items := which50test.DemoCommunications(id, 1+(i*37)%50, int64(i))
	if extra == 0 || i%2 != 0 {
		return items
	}
	newest := items[0]
	more := which50test.DemoCommunications(id, extra, int64(i)+1<<32)
	for k := range more {
		steps := extra - 1 - k // the newest first
		more[k].ID = newest.ID + 1 + int64(steps)
		more[k].Occurred = newest.Occurred.Add(time.Duration(steps) * 47 * time.Minute).In(more[k].Occurred.Location())
	}
	return append(more, items...)
}

// readIDs reads contact ids, one a line, from the named file or, for "-",
// from stdin.
func readIDs(name string, stdin io.Reader) ([]string, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("read ids: %w", err)
		}
		defer f.Close()
		r = f
	}
	var ids []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		if id := strings.TrimSpace(sc.Text()); id != "" {
			ids = append(ids, id)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read ids: %w", err)
	}
	return ids, nil
}

// outcome is what happened to one contact.
type outcome struct {
	state outcomeState
	err   error
}

type outcomeState int

const (
	notAttempted outcomeState = iota // never fetched: the export stopped first
	exported
	failed
	interrupted // its request was cancelled by Ctrl-C or a stop
	skipped     // done by the run this one resumes
)

// exporter fetches contacts with a pool of workers and writes them in input
// order.
type exporter struct {
	cfg       config
	client    *which50.Client
	transport *countingTransport
	ids       []string
	dups      int // ids given more than once, dropped
	w         *countingWriter
	file      *os.File // the output when it is a file

	// The sync state, nil without -state; written by the writer only.
	st     *syncState
	todo   []int    // indexes in ids of the contacts to fetch
	priors []cursor // by position in todo: what the output already holds

	// Checkpoints (the writer only).
	dirty          bool // lines written since the last checkpoint
	lastCheckpoint time.Time
	checkpointCost time.Duration // how long the last one took
	checkpoints    int

	started  time.Time
	elapsed  time.Duration
	outcomes []outcome // by index in ids; written by the writer only
	writeErr error
	stopped  string // why the export stopped early, if it did

	// Read by the progress display while the export runs.
	exported, failed, items, skips atomic.Int64
}

// countingWriter counts the bytes written through it, from n.
type countingWriter struct {
	w *bufio.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// fetched is one contact's result, sent from a worker to the writer: its
// records already encoded, so that encoding runs in parallel.
type fetched struct {
	pos  int    // position in todo
	data []byte // the contact's encoded records
	n    int    // how many interactions data holds
	next cursor // the contact's cursor once data is written
	err  error
}

// plan picks the contacts to fetch: all of them, except, when a cut run
// resumes, those it has done. It notes what the output holds of each.
func (ex *exporter) plan() {
	for i, id := range ex.ids {
		var prior cursor
		if ex.st != nil {
			cs, ok := ex.st.Contacts[id]
			if ok && cs.Run == ex.st.Run {
				ex.outcomes[i] = outcome{state: skipped}
				ex.skips.Add(1)
				continue
			}
			prior = cs.cursor
		}
		ex.todo = append(ex.todo, i)
		ex.priors = append(ex.priors, prior)
	}
}

func (ex *exporter) run(parent context.Context) {
	defer func() { ex.elapsed = time.Since(ex.started) }()
	ctx, cancel := context.WithCancel(parent)
	defer cancel()

	if ex.w.n == 0 {
		if err := newEncoder(ex.cfg.output).begin(ex.w); err != nil {
			ex.writeErr = fmt.Errorf("write output: %w", err)
			return
		}
		ex.dirty = true
	}

	// Workers run at most window contacts ahead of the writer: that bounds
	// the responses buffered while an earlier, slow contact is awaited.
	window := make(chan struct{}, 8*ex.cfg.concurrency)
	jobs := make(chan int)
	results := make(chan fetched, ex.cfg.concurrency)
	go func() {
		defer close(jobs)
		for pos := range ex.todo {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- pos:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range ex.cfg.concurrency {
		wg.Go(func() {
			enc := newEncoder(ex.cfg.output)
			for pos := range jobs {
				f := fetched{pos: pos}
				id := ex.ids[ex.todo[pos]]
				var items []which50.ContactInteraction
				if items, f.err = ex.fetch(ctx, id); f.err == nil {
					if ex.st != nil { // without -state there is no cursor to pass or keep
						items, f.next = ex.priors[pos].advance(items)
					}
					f.data, f.n = enc.appendContact(nil, id, items), len(items)
				}
				results <- f
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	// The writer: buffer results until every earlier contact is written,
	// and checkpoint on a timer, one checkpoint at a time.
	var tick <-chan time.Time
	if ex.st != nil {
		t := time.NewTicker(ex.cfg.checkpoint)
		defer t.Stop()
		tick = t.C
		ex.lastCheckpoint = time.Now()
	}
	var inFlight <-chan checkpointDone // nil when no checkpoint runs
	pending := make(map[int]fetched)
	next := 0
	for results != nil {
		select {
		case r, ok := <-results:
			if !ok {
				results = nil
				break
			}
			pending[r.pos] = r
			for {
				p, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				<-window
				ex.record(ctx, p)
				if ex.writeErr != nil || ex.stopped != "" {
					cancel()
				}
			}
		case d := <-inFlight:
			inFlight = nil
			if err := ex.finishCheckpoint(d); err != nil && ex.writeErr == nil {
				ex.writeErr = err
				cancel()
			}
		case <-tick:
			// Checkpoints take at most a fifth of the time, however slow
			// saving the state gets.
			due := time.Since(ex.lastCheckpoint) >= max(ex.cfg.checkpoint, 4*ex.checkpointCost)
			if inFlight == nil && ex.dirty && ex.writeErr == nil && due {
				inFlight = ex.startCheckpoint()
			}
		}
	}
	if inFlight != nil {
		if err := ex.finishCheckpoint(<-inFlight); err != nil && ex.writeErr == nil {
			ex.writeErr = err
		}
	}
	// After a stop, results may be left behind a contact that was never
	// fetched: write them in order too.
	for _, pos := range slices.Sorted(maps.Keys(pending)) {
		ex.record(ctx, pending[pos])
	}
	if ex.writeErr != nil {
		return // the state stays at its last checkpoint
	}
	if ex.st == nil {
		if err := ex.w.w.Flush(); err != nil {
			ex.writeErr = fmt.Errorf("write output: %w", err)
		}
		return
	}
	ex.st.Complete = ex.exported.Load() == int64(len(ex.todo))
	if err := ex.checkpoint(); err != nil {
		ex.writeErr = err
	}
}

// fetch reads one contact's communications within the per-contact timeout.
func (ex *exporter) fetch(ctx context.Context, id string) ([]which50.ContactInteraction, error) {
	ctx, cancel := context.WithTimeout(ctx, ex.cfg.timeout)
	defer cancel()
	return ex.client.Contacts.Communications(ctx, id)
}

// record notes the outcome of a fetched contact and, if it succeeded,
// writes its records. A contact counts as exported once its records are in
// the output buffer: whatever stops the export later, they get flushed (and
// with -state, the contact's cursor is saved with the checkpoint that
// covers them).
func (ex *exporter) record(ctx context.Context, f fetched) {
	idx := ex.todo[f.pos]
	switch {
	case f.err == nil:
		if ex.writeErr != nil {
			return
		}
		if _, err := ex.w.Write(f.data); err != nil {
			ex.writeErr = fmt.Errorf("write output: %w", err)
			return
		}
		if ex.st != nil {
			ex.st.Contacts[ex.ids[idx]] = contactState{Run: ex.st.Run, cursor: f.next}
			ex.dirty = true
		}
		ex.outcomes[idx] = outcome{state: exported}
		ex.exported.Add(1)
		ex.items.Add(int64(f.n))
	case ctx.Err() != nil && errors.Is(f.err, context.Canceled):
		ex.outcomes[idx] = outcome{state: interrupted, err: f.err}
	default:
		ex.outcomes[idx] = outcome{state: failed, err: f.err}
		ex.failed.Add(1)
		if errors.Is(f.err, which50.ErrUnauthorized) && ex.stopped == "" {
			ex.stopped = "the API rejected the credentials (401); check WHICH50_TOKEN or WHICH50_API_KEY"
		}
	}
}

// errorKind names the kind of a failure, for the summary.
func errorKind(err error) string {
	var apiErr *which50.APIError
	var netErr net.Error
	switch {
	case errors.Is(err, which50.ErrUnauthorized):
		return "unauthorized (401)"
	case errors.Is(err, which50.ErrForbidden):
		return "forbidden (403)"
	case errors.Is(err, which50.ErrNotFound):
		return "not found (404)"
	case errors.Is(err, which50.ErrRateLimited):
		return "rate limited (429)"
	case errors.Is(err, which50.ErrInternalServerError):
		return "server error (500)"
	case errors.As(err, &apiErr):
		return fmt.Sprintf("HTTP %d", apiErr.StatusCode)
	case errors.Is(err, which50.ErrResponseTooLarge):
		return "response too large"
	case errors.Is(err, which50.ErrInvalidResponse):
		return "invalid response"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.As(err, &netErr):
		return "network"
	}
	return "other"
}

// summary writes the end-of-run report.
func (ex *exporter) summary(w io.Writer, source, outName string) {
	counts := map[string]int{}
	var failedIDs []int
	notDone := 0
	for i, o := range ex.outcomes {
		switch o.state {
		case failed:
			counts[errorKind(o.err)]++
			failedIDs = append(failedIDs, i)
		case interrupted, notAttempted:
			notDone++
		}
	}
	secs := ex.elapsed.Seconds()
	reqs := ex.transport.requests.Load()
	rate := 0.0
	if secs > 0 {
		rate = float64(reqs) / secs
	}
	fmt.Fprintf(w, "export: %d of %d contacts exported from %s, %d failed", ex.exported.Load(), len(ex.ids), source, len(failedIDs))
	if n := ex.skips.Load(); n > 0 {
		fmt.Fprintf(w, ", %d skipped (already done by the run this one resumes)", n)
	}
	if notDone > 0 {
		fmt.Fprintf(w, ", %d not exported (stopped before they were fetched)", notDone)
	}
	fmt.Fprintln(w)
	if ex.dups > 0 {
		fmt.Fprintf(w, "export: %d repeated ids ignored\n", ex.dups)
	}
	if len(counts) > 0 {
		kinds := slices.Sorted(maps.Keys(counts))
		parts := make([]string, len(kinds))
		for i, k := range kinds {
			parts[i] = fmt.Sprintf("%s: %d", k, counts[k])
		}
		fmt.Fprintf(w, "export: failures by kind: %s\n", strings.Join(parts, ", "))
	}
	fmt.Fprintf(w, "export: %d interactions written to %s as %s\n", ex.items.Load(), outName, ex.cfg.output)
	fmt.Fprintf(w, "export: %d requests in %s (%.0f req/s)\n", reqs, ex.elapsed.Round(time.Millisecond), rate)
	if ex.st != nil {
		state := "complete"
		if !ex.st.Complete {
			state = "cut: run the same command again to resume it"
		}
		kind := ""
		if ex.st.Full {
			kind = " (-full)"
		}
		fmt.Fprintf(w, "export: state %s: run %d%s %s; %d bytes of %s committed in %d checkpoints\n",
			ex.cfg.stateFile, ex.st.Run, kind, state, ex.st.OutputBytes, outName, ex.checkpoints)
	}
	const maxListed = 20
	for n, i := range failedIDs {
		if n == maxListed {
			fmt.Fprintf(w, "export: ... and %d more failed ids (-failed FILE lists them all)\n", len(failedIDs)-maxListed)
			break
		}
		fmt.Fprintf(w, "export: failed %q: %v\n", ex.ids[i], ex.outcomes[i].err)
	}
	if ex.stopped != "" {
		fmt.Fprintln(w, "export: stopped:", ex.stopped)
	}
	if ex.writeErr != nil {
		fmt.Fprintln(w, "export:", ex.writeErr)
	}
}

// writeFailed writes the ids that were not exported, one a line.
func (ex *exporter) writeFailed(name string) error {
	var b strings.Builder
	for i, o := range ex.outcomes {
		if o.state != exported && o.state != skipped {
			b.WriteString(ex.ids[i])
			b.WriteByte('\n')
		}
	}
	if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write failed ids: %w", err)
	}
	return nil
}

// startProgress shows a progress line on stderr while the export runs, if
// stderr is a terminal. It returns a function that clears it.
func startProgress(ex *exporter, stderr io.Writer) (stop func()) {
	f, ok := stderr.(*os.File)
	if !ok {
		return func() {}
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(f, "\r\033[K")
				return
			case <-t.C:
				fmt.Fprintf(f, "\r\033[Kexport: %d/%d contacts, %d skipped, %d failed, %d interactions, %.0f req/s",
					ex.exported.Load()+ex.failed.Load()+ex.skips.Load(), len(ex.ids), ex.skips.Load(), ex.failed.Load(), ex.items.Load(),
					float64(ex.transport.requests.Load())/time.Since(ex.started).Seconds())
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}
