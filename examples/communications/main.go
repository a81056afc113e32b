// Command communications prints the communications a Which50 contact has had
// with the platform (emails, SMS, landing pages, events, web forms...).
//
// With no configuration it starts an in-process fake of the API
// (which50test) seeded with realistic demo data, and prints one demo
// contact's history:
//
//	go run ./examples/communications
//
// To call the real API, set a credential (and WHICH50_BASE_URL for another
// root than the SDK's DefaultBaseURL):
//
//	WHICH50_TOKEN=... go run ./examples/communications -contact 'ENCRYPTED-ID'
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
//	-contact ID           the contact's encrypted id (required with the real API;
//	                      default: the first demo contact)
//	-format json|xml      the wire format to ask the API for (default json)
//	-output table|json    a readable table, or JSON for other programs (default table)
//	-timeout D            give up after D, retries included (default 30s)
//
// Errors go to stderr and the exit status is 1 (2 for bad usage).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/examples/internal/apienv"
	"github.com/which50-go/which50/which50test"
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, new(usageError)):
		os.Exit(2) // run has printed the problem and the usage
	default:
		fmt.Fprintln(os.Stderr, "communications:", err)
		os.Exit(1)
	}
}

// usageError is a problem with the command line or the environment. run
// prints it, with the usage, before returning it.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Demo data: how many contacts the fake holds and how many interactions each.
const (
	demoContacts   = 5
	demoPerContact = 12
)

// run is the whole program, with its inputs and outputs passed in so that
// tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("communications", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: communications [flags]\n\n"+
			"Prints one contact's communications as a table or JSON.\n\nflags:\n")
		fs.PrintDefaults()
		apienv.WriteHelp(fs.Output())
	}
	contactID := fs.String("contact", "", "the contact's encrypted `id` (required with the real API; default: the first demo contact)")
	formatName := fs.String("format", "json", "wire `format` to ask the API for: json or xml")
	output := fs.String("output", "table", "`output` format: table or json")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this `duration`, retries included")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()} // the flag package has printed it, with the usage
	}
	// bad prints a problem once, with the usage, and returns it.
	bad := func(format string, a ...any) error {
		msg := fmt.Sprintf(format, a...)
		fmt.Fprintln(stderr, "communications:", msg)
		fs.Usage()
		return usageError{msg}
	}
	if fs.NArg() > 0 {
		return bad("unexpected argument %q (use -contact ID)", fs.Arg(0))
	}

	var format which50.Format
	switch *formatName {
	case "json":
		format = which50.FormatJSON
	case "xml":
		format = which50.FormatXML
	default:
		return bad("-format %q: want json or xml", *formatName)
	}
	if *output != "table" && *output != "json" {
		return bad("-output %q: want table or json", *output)
	}
	if *timeout <= 0 {
		return bad("-timeout %s: must be positive", *timeout)
	}

	opts := []which50.Option{which50.WithFormat(format), which50.WithUserAgent("which50-communications-example")}
	if api, ok := apienv.FromEnv(getenv); ok {
		if *contactID == "" {
			return bad("-contact is required when calling the real API (%s, %s or %s is set)", apienv.BaseURL, apienv.Token, apienv.APIKey)
		}
		if api.Auth == nil {
			fmt.Fprintln(stderr, "communications:", apienv.NoCredential)
		}
		opts = append(opts, api.Options()...)
	} else {
		srv := which50test.NewServer()
		defer srv.Close()
		ids := srv.SeedDemo(demoContacts, demoPerContact)
		if *contactID == "" {
			*contactID = ids[0]
		}
		fmt.Fprintf(stderr, "demo: a fake Which50 API with %d contacts at %s (set %s or %s to call the real one)\n",
			len(ids), srv.URL, apienv.Token, apienv.APIKey)
		opts = append(opts, which50.WithBaseURL(srv.URL))
	}

	client, err := which50.NewClient(opts...)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	items, err := client.Contacts.Communications(ctx, *contactID)
	if err != nil {
		return explain(err, *contactID, *timeout)
	}

	if *output == "json" {
		return writeJSON(stdout, items)
	}
	return writeTable(stdout, *contactID, items)
}

// explain turns the SDK's errors into advice, keeping the original error
// in the chain for errors.Is and errors.As.
func explain(err error, contactID string, timeout time.Duration) error {
	var apiErr *which50.APIError
	switch {
	case errors.Is(err, which50.ErrUnauthorized):
		return fmt.Errorf("the API did not accept the credential; check WHICH50_TOKEN or WHICH50_API_KEY: %w", err)
	case errors.Is(err, which50.ErrForbidden):
		return fmt.Errorf("the credential may not read this contact's communications: %w", err)
	case errors.Is(err, which50.ErrNotFound):
		return fmt.Errorf("no contact with id %q (ids are the API's encrypted ids, passed exactly as given): %w", contactID, err)
	case errors.Is(err, which50.ErrRateLimited) && errors.As(err, &apiErr) && apiErr.RetryAfter > 0:
		return fmt.Errorf("rate limited; try again in %s: %w", apiErr.RetryAfter, err)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("no answer within %s (raise -timeout): %w", timeout, err)
	}
	return err
}

// writeTable prints items as an aligned table, one interaction a line.
func writeTable(w io.Writer, contactID string, items []which50.ContactInteraction) error {
	fmt.Fprintf(w, "Contact %s: %d communications\n\n", contactID, len(items))
	if len(items) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "OCCURRED\tINTERACTION\tNAME\tSTATUS\tCAMPAIGN")
	for _, it := range items {
		campaign := "-"
		if it.CampaignName != "" || it.CampaignID != 0 {
			campaign = fmt.Sprintf("%s (#%d)", it.CampaignName, it.CampaignID)
		}
		// The time as the platform recorded it, with its offset.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n",
			it.Occurred.Format("2006-01-02 15:04 -07:00"), it.Interaction, it.Name, it.Status, campaign)
	}
	return tw.Flush()
}

// writeJSON prints items as an indented JSON array of the SDK's model, which
// carries the API's field names; Occurred is RFC 3339 with the offset the
// platform recorded.
func writeJSON(w io.Writer, items []which50.ContactInteraction) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(items)
}
