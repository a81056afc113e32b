// Package cli is the command-line scaffolding the example programs share:
// the flag set with its help text, usage errors and exit statuses, the
// -format, -output and -timeout flags, the choice between the real API and
// the embedded demo server, and the advice added to the SDK's common
// errors. What a program does with its client stays in the program.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/examples/internal/apienv"
	"github.com/which50-go/which50/which50test"
)

// Exit statuses.
const (
	ExitOK      = 0 // success, or -h
	ExitFailure = 1 // the program failed
	ExitUsage   = 2 // bad usage
)

// UsageError is a problem with the command line or the environment. The
// program prints it, with the usage, before returning it (Command.Parse and
// Command.Bad do both).
type UsageError struct{ msg string }

func (e UsageError) Error() string { return e.msg }

// ExitCode is the exit status for a program's error: ExitOK for nil and
// flag.ErrHelp, ExitUsage for a UsageError, ExitFailure for anything else.
func ExitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, new(UsageError)):
		return ExitUsage
	}
	return ExitFailure
}

// Program is a program's run function: the whole program, with its
// inputs and outputs passed in so that tests can drive it.
type Program func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error

// Main runs a program with the command line, environment and standard
// streams of the process, and exits with the status ExitCode gives its
// error. On a failure it first prints the error to stderr after the
// program's name; on a usage error it prints nothing more, the program
// having printed the problem and the usage. With signals, run's context is
// cancelled when one of them arrives, and they are caught until run
// returns.
func Main(name string, run Program, signals ...os.Signal) {
	if code := runMain(name, run, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, signals); code != ExitOK {
		os.Exit(code)
	}
}

// runMain is Main without the exit, for tests.
func runMain(name string, run Program, args []string, getenv func(string) string, stdout, stderr io.Writer, signals []os.Signal) int {
	ctx := context.Background()
	if len(signals) > 0 {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, signals...)
		defer stop()
	}
	err := run(ctx, args, getenv, stdout, stderr)
	code := ExitCode(err)
	if code == ExitFailure {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
	}
	return code
}

// Command is a program's command line: its flag set, which does not exit
// on an error, and the stream its problems and help go to.
type Command struct {
	*flag.FlagSet
	// Name is the program's name, which prefixes the lines it prints on
	// stderr.
	Name   string
	stderr io.Writer
}

// New returns the command line of the program name. Its -h text, on
// stderr, is "usage: " and synopsis, the paragraph about, the flags and the
// environment the programs read (apienv.WriteHelp).
func New(name, synopsis, about string, stderr io.Writer) *Command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: "+synopsis+"\n\n"+about+"\n\nflags:\n")
		fs.PrintDefaults()
		apienv.WriteHelp(fs.Output())
	}
	return &Command{FlagSet: fs, Name: name, stderr: stderr}
}

// Parse parses args, which must hold flags only: an operand is a problem,
// reported with the hint use ("-contact ID"), a flag given for it. Parse
// returns flag.ErrHelp for -h, and a UsageError for a problem, printed with
// the usage.
func (c *Command) Parse(args []string, use string) error {
	if err := c.FlagSet.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return UsageError{err.Error()} // the flag package has printed it, with the usage
	}
	if c.NArg() > 0 {
		return c.Bad("unexpected argument %q (use %s)", c.Arg(0), use)
	}
	return nil
}

// Bad prints a problem once, after the program's name, with the usage, and
// returns it as a UsageError.
func (c *Command) Bad(format string, a ...any) error {
	msg := fmt.Sprintf(format, a...)
	fmt.Fprintf(c.stderr, "%s: %s\n", c.Name, msg)
	c.Usage()
	return UsageError{msg}
}

// Required returns, when missing, the problem of calling the real API
// without the flag name, from Bad; else nil.
func (c *Command) Required(name string, missing bool) error {
	if !missing {
		return nil
	}
	return c.Bad("-%s is required when calling the real API (%s, %s or %s is set)", name, apienv.BaseURL, apienv.Token, apienv.APIKey)
}

// ContactFlag defines -contact ID, the contact a program reads: required
// with the real API (see Required) and on the demo the first contact by
// default (see SeedContacts).
func (c *Command) ContactFlag() *string {
	return c.String("contact", "", "the contact's encrypted `id` (required with the real API; default: the first demo contact)")
}

// Given reports whether the flag name was set on the command line.
func (c *Command) Given(name string) bool {
	given := false
	c.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// Flags are -format json|xml, -output table|json and -timeout D, which the
// programs that print a report share.
type Flags struct {
	// Format is the wire format -format names, set by Validate.
	Format which50.Format
	// Output is "table" or "json" once Validate has passed.
	Output string
	// Timeout is positive once Validate has passed.
	Timeout time.Duration

	formatName string
	cmd        *Command
}

// FlagHelp words the usage of -output and -timeout for a program that
// needs its own words; an empty field keeps the common text.
type FlagHelp struct {
	Output, Timeout string
}

// ReportFlags defines -format (default json), -output (default table) and
// -timeout (default timeout) on c.
func (c *Command) ReportFlags(timeout time.Duration, help FlagHelp) *Flags {
	if help.Output == "" {
		help.Output = "`output` format: table or json"
	}
	if help.Timeout == "" {
		help.Timeout = "give up after this `duration`, retries included"
	}
	f := &Flags{cmd: c}
	c.StringVar(&f.formatName, "format", "json", "wire `format` to ask the API for: json or xml")
	c.StringVar(&f.Output, "output", "table", help.Output)
	c.DurationVar(&f.Timeout, "timeout", timeout, help.Timeout)
	return f
}

// Validate checks the flags in the order -format, -output, -timeout, and
// sets Format. The first problem is returned from Command.Bad.
func (f *Flags) Validate() error {
	switch f.formatName {
	case "json":
		f.Format = which50.FormatJSON
	case "xml":
		f.Format = which50.FormatXML
	default:
		return f.cmd.Bad("-format %q: want json or xml", f.formatName)
	}
	if f.Output != "table" && f.Output != "json" {
		return f.cmd.Bad("-output %q: want table or json", f.Output)
	}
	if f.Timeout <= 0 {
		return f.cmd.Bad("-timeout %s: must be positive", f.Timeout)
	}
	return nil
}

// Client returns a client of the real API when the environment, read
// through getenv, names one (apienv.FromEnv), and otherwise of an embedded
// demo server (which50test), with ctx limited to -timeout from then on. The
// client asks for the -format, and has opts, then the options that point it
// at its API.
//
// For the real API, check (when not nil) first says what the program still
// lacks to call it, as an error from Bad, which Client returns; then,
// without a credential, Client prints the apienv.NoCredential warning.
// For the demo, seed fills the new server and returns what it holds, such
// as "5 contacts", for the line Client prints to say the program runs on a
// demo.
//
// Call done when the client is no longer used: it cancels the context and
// shuts the demo server down. On an error Client has already done so.
func (f *Flags) Client(ctx context.Context, getenv func(string) string, check func() error, seed func(*which50test.Server) (holds string), opts ...which50.Option) (_ context.Context, _ *which50.Client, done func(), _ error) {
	c := f.cmd
	opts = append([]which50.Option{which50.WithFormat(f.Format)}, opts...)
	closeDemo := func() {}
	if api, ok := apienv.FromEnv(getenv); ok {
		if check != nil {
			if err := check(); err != nil {
				return nil, nil, func() {}, err
			}
		}
		if api.Auth == nil {
			fmt.Fprintf(c.stderr, "%s: %s\n", c.Name, apienv.NoCredential)
		}
		opts = append(opts, api.Options()...)
	} else {
		srv := which50test.NewServer()
		closeDemo = srv.Close
		holds := seed(srv)
		fmt.Fprintf(c.stderr, "demo: a fake Which50 API with %s at %s (set %s or %s to call the real one)\n",
			holds, srv.URL, apienv.Token, apienv.APIKey)
		opts = append(opts, which50.WithBaseURL(srv.URL))
	}
	client, err := which50.NewClient(opts...)
	if err != nil {
		closeDemo()
		return nil, nil, func() {}, err
	}
	ctx, cancel := context.WithTimeout(ctx, f.Timeout)
	return ctx, client, func() {
		cancel()
		closeDemo()
	}, nil
}

// SeedContacts returns a seed for Client that fills the demo server with
// contacts contacts of perContact interactions each (which50test's
// SeedDemo) and, when *id is empty, sets it to the first.
func SeedContacts(id *string, contacts, perContact int) func(*which50test.Server) string {
	return func(srv *which50test.Server) string {
		ids := srv.SeedDemo(contacts, perContact)
		if *id == "" {
			*id = ids[0]
		}
		return fmt.Sprintf("%d contacts", len(ids))
	}
}

// Advice is what a program says about the SDK's errors whose meaning
// depends on what it asked. Each text comes before the error it explains;
// an empty text leaves that error as it is.
type Advice struct {
	Forbidden   string // which50.ErrForbidden
	NotFound    string // which50.ErrNotFound
	Timeout     string // context.DeadlineExceeded
	Interrupted string // context.Canceled
}

// Explain adds advice to the SDK's errors, keeping the original error in
// the chain for errors.Is and errors.As. A rejected credential and a rate
// limit with a wait are explained the same way in every program; the
// others as a says.
func Explain(err error, a Advice) error {
	var apiErr *which50.APIError
	switch {
	case errors.Is(err, which50.ErrUnauthorized):
		return fmt.Errorf("the API did not accept the credential; check %s or %s: %w", apienv.Token, apienv.APIKey, err)
	case errors.Is(err, which50.ErrForbidden):
		return advise(a.Forbidden, err)
	case errors.Is(err, which50.ErrNotFound):
		return advise(a.NotFound, err)
	case errors.Is(err, which50.ErrRateLimited) && errors.As(err, &apiErr) && apiErr.RetryAfter > 0:
		return fmt.Errorf("rate limited; try again in %s: %w", apiErr.RetryAfter, err)
	case errors.Is(err, context.DeadlineExceeded):
		return advise(a.Timeout, err)
	case errors.Is(err, context.Canceled):
		return advise(a.Interrupted, err)
	}
	return err
}

// advise puts text before err, or leaves err as it is when text is empty.
func advise(text string, err error) error {
	if text == "" {
		return err
	}
	return fmt.Errorf("%s: %w", text, err)
}

// WriteJSON writes v to w as indented JSON, the -output json of the
// programs.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
