// Command import loads contacts from a CSV file into a Which50 contact
// list through the API's import jobs (ContactLists.Import): it creates a
// job, sends the contacts in batches, runs the job and follows it to the
// end.
//
// Usage:
//
//	import [flags]
//
// The CSV's first row names the list's fields (the keys of Contact.Values);
// each later row is one contact. Values are sent as text, and an empty
// cell leaves its field out of the contact, so an update does not clear
// it. The file is read as it is sent, one batch at a time, so a file of
// any size is imported in constant memory.
//
// With no configuration it starts an in-process fake of the API
// (which50test) with a demo account and, with no -file and nothing on
// standard input, imports a generated CSV of 400 contacts into the demo's
// list 1001 ("Members"), matching on Email: the rows of the list's 20
// members update them, the others are inserted.
//
//	go run ./examples/import
//	go run ./examples/import -file contacts.csv -match Email
//
// To call the real API, set a credential (and WHICH50_BASE_URL for another
// root than the SDK's DefaultBaseURL):
//
//	WHICH50_TOKEN=... go run ./examples/import -list 1234 -match Email -file contacts.csv
//	WHICH50_TOKEN=... go run ./examples/import -list 1234 < contacts.csv
//
// Environment, the same in every example program:
//
//   - WHICH50_TOKEN or WHICH50_API_KEY set: the real API, at
//     WHICH50_BASE_URL or, when that is unset, the SDK's DefaultBaseURL.
//     WHICH50_TOKEN is sent as a bearer token; otherwise WHICH50_API_KEY in
//     the header WHICH50_API_KEY_HEADER (default X-API-Key).
//   - WHICH50_BASE_URL set alone: that API, without a credential (with a
//     warning).
//   - None of them: the demo server.
//
// Flags:
//
//	-list ID              the contact list (required with the real API; default: demo list 1001)
//	-file PATH            the CSV ("-" for standard input; default: standard input
//	                      when it holds data, else on the demo a generated CSV)
//	-match F1,F2          fields that identify existing contacts to update;
//	                      none inserts every row (default: none; Email for the
//	                      generated demo CSV)
//	-batch N              contacts per request, 1 to 10000 (default 1000; 100 on the demo)
//	-poll D               wait between status polls (default 2s; 100ms on the demo)
//	-format json|xml      the wire format to ask the API for (default json)
//	-output table|json    the summary as lines to read, or JSON for other programs (default table)
//	-timeout D            give up after D, the whole import included (default 30m)
//
// While it runs, a progress line on standard error (only when that is a
// terminal) shows the contacts sent and then the job's status. At the end
// it prints a summary to standard output: the contacts sent and in how
// many batches, the job's final status and its inserted, updated and total
// counts, the list's size and the time taken. With -output json the
// summary holds the SDK's ImportJob, with the API's field names:
//
//	{"ListId":1001,"Added":400,"Batches":4,"Job":{"Id":5001,...,"CurrentStatus":"Finished",...},"ListCount":400,"Seconds":0.41}
//
// A row that is not valid CSV, or has another number of cells than the
// header, stops the import before the job is run: the contacts already sent
// stay in the job, which is never started.
//
// Exit status: 0 when the job finished, 1 when the import failed or was
// interrupted (Ctrl-C), 2 for bad usage.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/examples/internal/cli"
	"github.com/which50-go/which50/which50test"
)

func main() {
	cli.Main("import", func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
		return run(ctx, args, getenv, os.Stdin, stdout, stderr)
	}, os.Interrupt, syscall.SIGTERM)
}

// The demo: its list, the members SeedDemo puts in it, the rows of the
// generated CSV, and the flags' demo defaults.
const (
	demoList    = 1001
	demoMembers = 20
	demoRows    = 400
	demoMatch   = "Email"
	demoBatch   = 100
	demoPoll    = 100 * time.Millisecond
	demoStep    = 25 // percent per status poll, so the job takes four
)

// summary is what the program prints at the end; with -output json, as it
// is.
type summary struct {
	ListID    int64 `json:"ListId"`
	Added     int
	Batches   int
	Job       *which50.ImportJob
	ListCount int64
	Seconds   float64

	listName string
	source   string
	match    []string
	batch    int
}

// run is the whole program, with its inputs and outputs passed in so that
// tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := cli.New("import", "import [flags]",
		"Imports the contacts of a CSV file (header row = field names) into a contact\n"+
			"list with an import job, and prints a summary.", stderr)
	listID := cmd.Int64("list", 0, "the contact list's `id` (required with the real API; default: demo list 1001)")
	file := cmd.String("file", "", "the CSV `path`, - for stdin (default: stdin when it holds data; on the demo, a generated CSV)")
	matchFlag := cmd.String("match", "", "comma-separated `fields` that identify contacts to update; none inserts every row (Email for the generated demo CSV)")
	batch := cmd.Int("batch", 1000, fmt.Sprintf("contacts per request, 1 to %d; %d on the demo unless set", which50.MaxImportBatch, demoBatch))
	poll := cmd.Duration("poll", 2*time.Second, "wait between status polls; "+demoPoll.String()+" on the demo unless set")
	flags := cmd.ReportFlags(30*time.Minute, cli.FlagHelp{
		Output:  "`output` format of the summary: table or json",
		Timeout: "give up after this `duration`, the whole import included",
	})
	if err := cmd.Parse(args, "-file PATH"); err != nil {
		return err
	}
	if cmd.Given("list") && *listID <= 0 {
		return cmd.Bad("-list %d: must be positive", *listID)
	}
	var match []string
	if *matchFlag != "" {
		match = strings.Split(*matchFlag, ",")
		for i, f := range match {
			if match[i] = strings.TrimSpace(f); match[i] == "" {
				return cmd.Bad("-match %q: an empty field name", *matchFlag)
			}
		}
	}
	if *batch < 1 || *batch > which50.MaxImportBatch {
		return cmd.Bad("-batch %d: want 1 to %d", *batch, which50.MaxImportBatch)
	}
	if *poll <= 0 {
		return cmd.Bad("-poll %s: must be positive", *poll)
	}
	if err := flags.Validate(); err != nil {
		return err
	}

	// The input: a file, or stdin when asked for or when it holds data.
	var in io.Reader
	source := *file
	switch *file {
	case "":
		var ok bool
		var err error
		if in, ok, err = withData(stdin); err != nil {
			return fmt.Errorf("read stdin: %w", err)
		} else if ok {
			source = "stdin"
		}
	case "-":
		in, source = stdin, "stdin"
	default:
		f, err := os.Open(*file)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}

	ctx, client, done, err := flags.Client(ctx, getenv,
		func() error {
			if err := cmd.Required("list", *listID == 0); err != nil {
				return err
			}
			if source == "" {
				return cmd.Bad("no CSV: give -file PATH, or pipe it on stdin")
			}
			return nil
		},
		func(srv *which50test.Server) string {
			ids := srv.SeedDemo(demoMembers, 1)
			srv.SetImportStep(demoStep)
			if *listID == 0 {
				*listID = demoList
			}
			if source == "" {
				in, source = bytes.NewReader(demoCSV(srv, ids)), fmt.Sprintf("a generated demo CSV of %d rows", demoRows)
				if !cmd.Given("match") {
					match = []string{demoMatch}
				}
			}
			if !cmd.Given("batch") {
				*batch = demoBatch
			}
			if !cmd.Given("poll") {
				*poll = demoPoll
			}
			return fmt.Sprintf("%d contacts in list %d", len(ids), demoList)
		},
		which50.WithUserAgent("which50-import-example"))
	if err != nil {
		return err
	}
	defer done()
	s := &summary{ListID: *listID, source: source, match: match, batch: *batch}
	if err := runImport(ctx, client, in, s, *poll, progressTo(stderr)); err != nil {
		return err
	}
	if flags.Output == "json" {
		return cli.WriteJSON(stdout, s)
	}
	return s.write(stdout)
}

// withData returns a reader of stdin and true when stdin holds data: it
// is not a terminal (or /dev/null) and it is not empty.
func withData(stdin io.Reader) (io.Reader, bool, error) {
	if f, ok := stdin.(*os.File); ok {
		if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice != 0 {
			return nil, false, nil
		}
	}
	br := bufio.NewReader(stdin)
	if _, err := br.Peek(1); err == io.EOF {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	return br, true, nil
}

// runImport checks the list and the CSV's header, then imports the rows
// and fills s.
func runImport(ctx context.Context, client *which50.Client, in io.Reader, s *summary, poll time.Duration, progress func(which50.ImportProgress)) error {
	list, err := client.ContactLists.Get(ctx, s.ListID)
	if err != nil {
		return explain(fmt.Errorf("list %d: %w", s.ListID, err))
	}
	s.listName = list.Name

	rows := newRows(in)
	header, err := rows.header()
	if err != nil {
		return fmt.Errorf("%s: %w", s.source, err)
	}
	for _, m := range s.match {
		if !slices.Contains(header, m) {
			return fmt.Errorf("-match %s: the CSV has no column %q (its columns: %s)", strings.Join(s.match, ","), m, strings.Join(header, ", "))
		}
	}

	// A CSV error ends the contacts and cancels ctx, so that Import stops
	// before it runs a job that lacks the rest of the file.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows.stop = cancel
	started := time.Now()
	job, err := client.ContactLists.Import(ctx, s.ListID, header, rows.contacts, &which50.ImportOptions{
		WriteOptions: which50.WriteOptions{Match: s.match},
		BatchSize:    s.batch,
		PollInterval: poll,
		Progress: func(p which50.ImportProgress) {
			s.Added, s.Batches = p.Added, p.Batches
			progress(p)
		},
	})
	progress(which50.ImportProgress{}) // clears the progress line
	s.Seconds = time.Since(started).Seconds()
	s.Job = job
	switch {
	case rows.err != nil:
		if job != nil {
			return fmt.Errorf("%s: %w; import job %d was not run (%d contacts sent to it)", s.source, rows.err, job.ID, s.Added)
		}
		return fmt.Errorf("%s: %w", s.source, rows.err)
	case err != nil && job != nil:
		return explain(fmt.Errorf("import job %d, %s after %d contacts sent: %w", job.ID, job.CurrentStatus, s.Added, err))
	case err != nil:
		return explain(err)
	}
	if list, err := client.ContactLists.Get(ctx, s.ListID); err == nil {
		s.ListCount = list.Count
	}
	return nil
}

// explain adds advice to the SDK's errors, keeping the original error in
// the chain for errors.Is and errors.As.
func explain(err error) error {
	return cli.Explain(err, cli.Advice{
		Forbidden:   "the credential may not write to this list",
		NotFound:    "not found; check -list",
		Timeout:     "not done within -timeout",
		Interrupted: "interrupted",
	})
}

// rows reads the CSV one row at a time.
type rows struct {
	r      *csv.Reader
	fields []string
	err    error  // the CSV error that ended the contacts, if one did
	stop   func() // called on a CSV error
}

func newRows(in io.Reader) *rows {
	r := csv.NewReader(in)
	r.ReuseRecord = true // each row is copied into a map before the next is read
	return &rows{r: r}
}

// header reads the header row: the field names, none empty or repeated.
func (rs *rows) header() ([]string, error) {
	rec, err := rs.r.Read()
	if err == io.EOF {
		return nil, errors.New("empty: want a header row of field names")
	}
	if err != nil {
		return nil, err
	}
	rs.fields = make([]string, len(rec))
	for i, name := range rec {
		name = strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")) // a BOM from spreadsheets
		switch {
		case name == "":
			return nil, fmt.Errorf("header: column %d has no name", i+1)
		case slices.Contains(rs.fields[:i], name):
			return nil, fmt.Errorf("header: column %q appears twice", name)
		}
		rs.fields[i] = name
	}
	return rs.fields, nil
}

// contacts yields a contact for each row after the header. The CSV reader
// makes every row have as many cells as the header.
func (rs *rows) contacts(yield func(which50.Contact) bool) {
	for {
		rec, err := rs.r.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			rs.err = err
			rs.stop()
			return
		}
		values := make(map[string]any, len(rec))
		for i, v := range rec {
			if v != "" {
				values[rs.fields[i]] = v
			}
		}
		if len(values) == 0 {
			continue // a row of empty cells
		}
		if !yield(which50.Contact{Values: values}) {
			return
		}
	}
}

// progressTo returns the Progress callback: a line on stderr rewritten in
// place when stderr is a terminal, nothing otherwise. A zero progress
// clears the line.
func progressTo(stderr io.Writer) func(which50.ImportProgress) {
	f, ok := stderr.(*os.File)
	if !ok {
		return func(which50.ImportProgress) {}
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return func(which50.ImportProgress) {}
	}
	return func(p which50.ImportProgress) {
		if p == (which50.ImportProgress{}) {
			fmt.Fprint(f, "\r\033[K")
			return
		}
		fmt.Fprint(f, "\r\033[K"+progressLine(p))
	}
}

// progressLine says how far an import has come.
func progressLine(p which50.ImportProgress) string {
	s := fmt.Sprintf("import: %d contacts sent in %d batches", p.Added, p.Batches)
	if p.Job != nil {
		s += fmt.Sprintf("; job %d %s, %d%%", p.Job.ID, p.Job.CurrentStatus, p.Job.ProgressPercent)
	}
	return s
}

// write prints the summary as aligned lines.
func (s *summary) write(w io.Writer) error {
	j := s.Job
	fmt.Fprintf(w, "Imported %s into list %d %q: job %d %s\n\n", s.source, s.ListID, s.listName, j.ID, j.CurrentStatus)
	match := "(none: every row inserted)"
	if len(s.match) > 0 {
		match = strings.Join(s.match, ", ")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, kv := range [][2]any{
		{"Contacts sent", fmt.Sprintf("%d in %d batches of up to %d", s.Added, s.Batches, s.batch)},
		{"Matched on", match},
		{"Inserted", j.InsertedContacts},
		{"Updated", j.UpdatedContacts},
		{"Not updated", j.NotUpdatedContacts},
		{"Dropped", j.DroppedContacts},
		{"Total", j.TotalContacts},
		{"Invalid emails", j.InvalidEmailCount},
		{"Invalid mobiles", j.InvalidSMSCount},
		{"Contacts in list", s.ListCount},
		{"Duration", time.Duration(s.Seconds * float64(time.Second)).Round(time.Millisecond)},
	} {
		fmt.Fprintf(tw, "  %s\t%v\n", kv[0], kv[1])
	}
	return tw.Flush()
}

// demoCSV generates the demo's CSV: the list's members (ids) moved to the
// Premium plan, then new contacts up to demoRows rows.
func demoCSV(srv *which50test.Server, ids []string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"Email", "FirstName", "LastName", "Plan", "Age"})
	for _, id := range ids {
		c, _ := srv.Contact(id)
		v := c.Values
		w.Write([]string{fmt.Sprint(v["Email"]), fmt.Sprint(v["FirstName"]), fmt.Sprint(v["LastName"]), "Premium", fmt.Sprint(v["Age"])})
	}
	first := []string{"Ava", "Lucas", "Ruby", "Henry", "Grace", "Arlo", "Chloé", "Kai"}
	last := []string{"Walker", "Lee", "Martin", "Ngata", "Singh", "Rossi", "Dubois"}
	plans := []string{"Basic", "Basic", "Premium", "Enterprise"}
	for i := len(ids); i < demoRows; i++ {
		f, l := first[i%len(first)], last[i%len(last)]
		age := ""
		if i%5 != 0 {
			age = fmt.Sprint(20 + i%50) // some rows leave Age empty
		}
		w.Write([]string{fmt.Sprintf("%s.%s%d@example.org", strings.ToLower(f), strings.ToLower(l), i), f, l, plans[i%len(plans)], age})
	}
	w.Flush()
	return b.Bytes()
}
