// Command export writes the communications of many contacts, as JSON lines
// or CSV, for loading into a warehouse: the bulk job the which50 SDK is often
// used for.
//
// Usage:
//
//	export [flags] [FILE]
//
// It reads contact ids, one a line, from FILE ("-" for standard input);
// blank lines are skipped and surrounding spaces trimmed. It fetches the
// contacts with bounded concurrency (-concurrency), optionally under a
// request rate shared by all workers (-rate, requests per second, counting
// retries too); retries of transient failures come from the SDK.
//
// Where it reads from (the environment rule of every example program):
//
//   - With WHICH50_TOKEN or WHICH50_API_KEY set, it calls the real API, at
//     WHICH50_BASE_URL or, when that is unset, the SDK's DefaultBaseURL.
//     WHICH50_TOKEN is sent as a bearer token; otherwise WHICH50_API_KEY in
//     the header WHICH50_API_KEY_HEADER (default X-API-Key). With
//     WHICH50_BASE_URL alone it calls that API without a credential (with
//     a warning). Without FILE it reads the ids from standard input.
//   - With none of them set, it starts an embedded which50test demo server
//     holding -demo-contacts contacts, each answer delayed by -demo-latency.
//     Without FILE it exports every demo contact.
//
// -format json|xml chooses what is asked of the API (default json).
//
// Output (to standard output, or -o FILE):
//
//   - -output jsonl (the default): one JSON object a line, the SDK's
//     ContactInteraction with its wire field names, plus "ContactId":
//     {"ContactId":"...","Id":1203,"Interaction":"Email","Name":"...","Occurred":"2026-10-14T09:30:12.6960966+10:00","Status":"Opened","CampaignId":1042,"CampaignName":"..."}
//     Occurred is RFC 3339 with the offset the platform recorded (Z for
//     UTC) and the fraction it sent, and is left out if the API sent none.
//     An interaction with no campaign has CampaignId 0 and CampaignName "".
//   - -output csv: the same fields, with a header line; an empty Occurred
//     when the API sent none.
//
// Order: contacts appear in the order of their ids in the input, each
// contact's interactions in the API's order (newest first), and a contact's
// interactions are written together, all or none. Contacts that fail are
// left out and reported. Responses are buffered until every earlier contact
// is written, and workers run at most a fixed window ahead of the writer, so
// memory stays bounded whatever the number of ids.
//
// A failing contact does not stop the others, except a 401: credentials the
// API rejects will fail every contact, so the export stops. On standard
// error it shows progress while it runs (only when standard error is a
// terminal), then always a summary: contacts exported and failed by kind of
// error, interactions written, elapsed time and requests per second, and the
// failed ids. -failed FILE writes the ids that were not exported (failed or
// interrupted), one a line, ready to be fed back as input.
//
// Ctrl-C (or SIGTERM) stops the export cleanly: requests in flight are
// cancelled, every contact already fetched is written and the output is
// flushed, so it holds only whole lines. A second Ctrl-C exits at once.
//
// Exit status: 0 when every contact was exported, 1 when some failed or the
// export stopped, 2 for bad usage, 130 when interrupted.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
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
	demoContacts int
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
		return exitFailures
	}
	return exitOK
}

// exitError ends run with a status after its message has been printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := cli.New("export", "export [flags] [FILE]",
		"Writes the communications of the contacts whose ids are in FILE (one a line,\n"+
			"\"-\" for stdin) as JSON lines or CSV. On the embedded demo server, without\n"+
			"FILE, it exports all its contacts; with the real API, without FILE, it reads\n"+
			"the ids from stdin.", stderr)
	fs.IntVar(&cfg.concurrency, "concurrency", 8, "contacts fetched at the same time")
	fs.Float64Var(&cfg.rate, "rate", 0, "most requests per second, over all workers and retries (0: no limit)")
	fs.StringVar(&cfg.format, "format", "json", "wire format to ask the API for: json or xml")
	fs.StringVar(&cfg.output, "output", "jsonl", "output format: jsonl or csv")
	fs.StringVar(&cfg.outFile, "o", "", "write to this `file` instead of stdout")
	fs.StringVar(&cfg.failedFile, "failed", "", "write the ids not exported (failed or interrupted) to this `file`")
	fs.IntVar(&cfg.retries, "retries", which50.DefaultMaxRetries, "retries of a transient failure, per contact")
	fs.DurationVar(&cfg.retryWait, "retry-wait", which50.DefaultRetryWaitMin, "first wait before a retry; later waits double, up to "+which50.DefaultRetryWaitMax.String())
	fs.DurationVar(&cfg.timeout, "timeout", 2*time.Minute, "time limit for one contact, retries included")
	fs.IntVar(&cfg.demoContacts, "demo-contacts", 100, "contacts on the demo server")
	fs.DurationVar(&cfg.demoLatency, "demo-latency", 0, "delay of each demo server answer, e.g. 10ms")
	if err := fs.FlagSet.Parse(args); err != nil { // FILE may follow the flags
		return cfg, err
	}
	var problems []string
	if fs.NArg() > 1 {
		problems = append(problems, "at most one FILE of ids")
	}
	cfg.input = fs.Arg(0)
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
	transport := newTransport(cfg)
	opts := []which50.Option{
		which50.WithHTTPClient(&http.Client{Transport: transport}),
		which50.WithMaxRetries(cfg.retries),
		which50.WithRetryWait(cfg.retryWait, max(cfg.retryWait, which50.DefaultRetryWaitMax)),
		which50.WithUserAgent("which50-export/" + which50.Version),
	}
	if cfg.format == "xml" {
		opts = append(opts, which50.WithFormat(which50.FormatXML))
	}

	var ids []string
	source := "the demo server"
	if api, ok := apienv.FromEnv(os.Getenv); ok {
		source = api.BaseURL
		opts = append(opts, api.Options()...)
		if api.Auth == nil {
			fmt.Fprintln(stderr, "export:", apienv.NoCredential)
		}
		if cfg.input == "" {
			cfg.input = "-"
		}
	} else {
		srv := which50test.NewServer()
		defer srv.Close()
		ids = seedDemo(srv, cfg.demoContacts)
		srv.SetLatency(cfg.demoLatency)
		opts = append(opts, which50.WithBaseURL(srv.URL))
	}
	if cfg.input != "" {
		var err error
		if ids, err = readIDs(cfg.input, stdin); err != nil {
			return err
		}
	}
	client, err := which50.NewClient(opts...)
	if err != nil {
		return err
	}

	out := stdout
	outName := "stdout"
	if cfg.outFile != "" {
		f, err := os.Create(cfg.outFile)
		if err != nil {
			return fmt.Errorf("create output: %w", err)
		}
		defer f.Close()
		out, outName = f, cfg.outFile
	}

	ex := &exporter{
		cfg:       cfg,
		client:    client,
		transport: transport,
		ids:       ids,
		w:         bufio.NewWriterSize(out, 64<<10),
		outcomes:  make([]outcome, len(ids)),
		started:   time.Now(),
	}
	stopProgress := startProgress(ex, stderr)
	ex.run(ctx)
	stopProgress()

	if c, ok := out.(io.Closer); ok && out != stdout && ex.writeErr == nil {
		if err := c.Close(); err != nil {
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
	case ex.failed.Load() > 0 || ex.exported.Load() < int64(len(ids)):
		return exitError{exitFailures}
	}
	return nil
}

// seedDemo fills srv with n demo contacts of varied history lengths (1 to
// 50 interactions, about 25 on average) and returns their ids.
func seedDemo(srv *which50test.Server, n int) []string {
	ids := which50test.DemoContactIDs(n)
	for i, id := range ids {
		srv.SetCommunications(id, demoHistory(id, i))
	}
	return ids
}

// demoHistory is the history of the i-th demo contact.
func demoHistory(id string, i int) []which50.ContactInteraction {
	return which50test.DemoCommunications(id, 1+(i*37)%50, int64(i))
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
)

// exporter fetches contacts with a pool of workers and writes them in input
// order.
type exporter struct {
	cfg       config
	client    *which50.Client
	transport *countingTransport
	ids       []string
	w         *bufio.Writer

	started  time.Time
	elapsed  time.Duration
	outcomes []outcome // by index in ids; written by the writer only
	writeErr error
	stopped  string // why the export stopped early, if it did

	// Read by the progress display while the export runs.
	exported, failed, items atomic.Int64
}

// fetched is one contact's result, sent from a worker to the writer: its
// records already encoded, so that encoding runs in parallel.
type fetched struct {
	idx  int
	data []byte // the contact's encoded records
	n    int    // how many interactions data holds
	err  error
}

func (ex *exporter) run(parent context.Context) {
	defer func() { ex.elapsed = time.Since(ex.started) }()
	ctx, cancel := context.WithCancel(parent)
	defer cancel()

	if err := newEncoder(ex.cfg.output).begin(ex.w); err != nil {
		ex.writeErr = err
		return
	}

	// Workers run at most window contacts ahead of the writer: that bounds
	// the responses buffered while an earlier, slow contact is awaited.
	window := make(chan struct{}, 8*ex.cfg.concurrency)
	jobs := make(chan int)
	results := make(chan fetched, ex.cfg.concurrency)
	go func() {
		defer close(jobs)
		for i := range ex.ids {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range ex.cfg.concurrency {
		wg.Go(func() {
			enc := newEncoder(ex.cfg.output)
			for i := range jobs {
				f := fetched{idx: i}
				var items []which50.ContactInteraction
				if items, f.err = ex.fetch(ctx, ex.ids[i]); f.err == nil {
					f.data, f.n = enc.appendContact(nil, ex.ids[i], items), len(items)
				}
				results <- f
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	// The writer: buffer results until every earlier contact is written.
	pending := make(map[int]fetched)
	next := 0
	for r := range results {
		pending[r.idx] = r
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
	}
	// After a stop, results may be left behind a contact that was never
	// fetched: write them in order too.
	for _, idx := range slices.Sorted(maps.Keys(pending)) {
		ex.record(ctx, pending[idx])
	}
	if ex.writeErr == nil {
		if err := ex.w.Flush(); err != nil {
			ex.writeErr = fmt.Errorf("write output: %w", err)
		}
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
// the output buffer: whatever stops the export later, they get flushed.
func (ex *exporter) record(ctx context.Context, f fetched) {
	switch {
	case f.err == nil:
		if ex.writeErr != nil {
			return
		}
		if _, err := ex.w.Write(f.data); err != nil {
			ex.writeErr = fmt.Errorf("write output: %w", err)
			return
		}
		ex.outcomes[f.idx] = outcome{state: exported}
		ex.exported.Add(1)
		ex.items.Add(int64(f.n))
	case ctx.Err() != nil && errors.Is(f.err, context.Canceled):
		ex.outcomes[f.idx] = outcome{state: interrupted, err: f.err}
	default:
		ex.outcomes[f.idx] = outcome{state: failed, err: f.err}
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
	if notDone > 0 {
		fmt.Fprintf(w, ", %d not exported (stopped before they were fetched)", notDone)
	}
	fmt.Fprintln(w)
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
		if o.state != exported {
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
				fmt.Fprintf(f, "\r\033[Kexport: %d/%d contacts, %d failed, %d interactions, %.0f req/s",
					ex.exported.Load()+ex.failed.Load(), len(ex.ids), ex.failed.Load(), ex.items.Load(),
					float64(ex.transport.requests.Load())/time.Since(ex.started).Seconds())
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}
