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
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/examples/internal/cli"
)

func main() { cli.Main("communications", run) }

// Demo data: how many contacts the fake holds and how many interactions each.
const (
	demoContacts   = 5
	demoPerContact = 12
)

// run is the whole program, with its inputs and outputs passed in so that
// tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := cli.New("communications", "communications [flags]",
		"Prints one contact's communications as a table or JSON.", stderr)
	contactID := cmd.ContactFlag()
	flags := cmd.ReportFlags(30*time.Second, cli.FlagHelp{})
	if err := cmd.Parse(args, "-contact ID"); err != nil {
		return err
	}
	if err := flags.Validate(); err != nil {
		return err
	}

	ctx, client, done, err := flags.Client(ctx, getenv,
		func() error { return cmd.Required("contact", *contactID == "") },
		cli.SeedContacts(contactID, demoContacts, demoPerContact),
		which50.WithUserAgent("which50-communications-example"))
	if err != nil {
		return err
	}
	defer done()
	items, err := client.Contacts.Communications(ctx, *contactID)
	if err != nil {
		return explain(err, *contactID, flags.Timeout)
	}

	if flags.Output == "json" {
		return writeJSON(stdout, items)
	}
	return writeTable(stdout, *contactID, items)
}

// explain turns the SDK's errors into advice, keeping the original error
// in the chain for errors.Is and errors.As.
func explain(err error, contactID string, timeout time.Duration) error {
	return cli.Explain(err, cli.Advice{
		Forbidden: "the credential may not read this contact's communications",
		NotFound:  fmt.Sprintf("no contact with id %q (ids are the API's encrypted ids, passed exactly as given)", contactID),
		Timeout:   fmt.Sprintf("no answer within %s (raise -timeout)", timeout),
	})
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
	return cli.WriteJSON(w, items)
}
