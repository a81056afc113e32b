// Command contact prints everything the Which50 API knows about one
// contact: its field values, the emails and text messages it was sent, the
// landing pages it visited, the web forms it used, and how many
// communications it has had in all.
//
// With no configuration it starts an in-process fake of the API
// (which50test) seeded with demo data, and prints one demo contact:
//
//	go run ./examples/contact
//
// To call the real API, set a credential (and WHICH50_BASE_URL for another
// root than the SDK's DefaultBaseURL):
//
//	WHICH50_TOKEN=... go run ./examples/contact -contact 'ENCRYPTED-ID'
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
//	-output table|json    readable sections, or JSON for other programs (default table)
//	-timeout D            give up after D, retries included (default 30s)
//
// The table output lists the values in the order of the contact list's
// fields (read with ContactLists.Fields), then any others by name. The JSON
// output is one object holding the SDK's models, with the API's field names:
//
//	{"Contact":{...},"Emails":[...],"TextMessages":[...],"LandingPages":[...],"WebForms":[...],"Communications":12}
//
// Exit status: 0 on success, 1 when the API calls fail, 2 for bad usage.
package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/examples/internal/cli"
)

func main() { cli.Main("contact", run) }

// Demo data: how many contacts the fake holds and how many interactions each.
const (
	demoContacts   = 5
	demoPerContact = 12
)

// report is everything the program reads about the contact. With -output
// json it is printed as it is: the SDK's models carry the API's names.
type report struct {
	Contact        *which50.Contact
	Emails         []which50.ContactEmail
	TextMessages   []which50.ContactTextMessage
	LandingPages   []which50.ContactLandingPage
	WebForms       []which50.ContactWebForm
	Communications int // how many; examples/communications lists them
}

// run is the whole program, with its inputs and outputs passed in so that
// tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := cli.New("contact", "contact [flags]",
		"Prints one contact: its values, emails, text messages, landing pages and web\n"+
			"forms, and how many communications it has had.", stderr)
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
		which50.WithUserAgent("which50-contact-example"))
	if err != nil {
		return err
	}
	defer done()
	r, err := read(ctx, client, *contactID)
	if err != nil {
		return explain(err, *contactID, flags.Timeout)
	}
	if flags.Output == "json" {
		return cli.WriteJSON(stdout, r)
	}
	// The list's fields give the values their order; without them the
	// values are still printed, by name.
	var fields []which50.ContactSchemaField
	if r.Contact.ListID > 0 {
		if fields, err = client.ContactLists.Fields(ctx, r.Contact.ListID); err != nil {
			fmt.Fprintf(stderr, "contact: the fields of list %d: %v (values are listed by name)\n", r.Contact.ListID, err)
		}
	}
	return writeTable(stdout, r, fields)
}

// read makes the program's requests, one after the other.
func read(ctx context.Context, client *which50.Client, id string) (*report, error) {
	var r report
	var err error
	if r.Contact, err = client.Contacts.Get(ctx, id); err != nil {
		return nil, err
	}
	if r.Emails, err = client.Contacts.Emails(ctx, id); err != nil {
		return nil, err
	}
	if r.TextMessages, err = client.Contacts.TextMessages(ctx, id); err != nil {
		return nil, err
	}
	if r.LandingPages, err = client.Contacts.LandingPages(ctx, id); err != nil {
		return nil, err
	}
	if r.WebForms, err = client.Contacts.WebForms(ctx, id); err != nil {
		return nil, err
	}
	// Only the count is needed: stream the history rather than hold it.
	for _, err := range client.Contacts.CommunicationsSeq(ctx, id) {
		if err != nil {
			return nil, err
		}
		r.Communications++
	}
	return &r, nil
}

// explain turns the SDK's errors into advice, keeping the original error
// in the chain for errors.Is and errors.As.
func explain(err error, contactID string, timeout time.Duration) error {
	return cli.Explain(err, cli.Advice{
		Forbidden: "the credential may not read this contact",
		NotFound:  fmt.Sprintf("no contact with id %q (ids are the API's encrypted ids, passed exactly as given)", contactID),
		Timeout:   fmt.Sprintf("no answer within %s (raise -timeout)", timeout),
	})
}

// dateLayout prints a date as the platform recorded it, with its offset.
const dateLayout = "2006-01-02 15:04 -07:00"

// writeTable prints the report as titled sections.
func writeTable(w io.Writer, r *report, fields []which50.ContactSchemaField) error {
	c := r.Contact
	fmt.Fprintf(w, "Contact %s", c.EncContactID)
	if c.ListID != 0 {
		fmt.Fprintf(w, " in list %d", c.ListID)
	}
	fmt.Fprintf(w, ": %d communications\n", r.Communications)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\nValues (%d)\n", len(c.Values))
	for _, name := range valueOrder(c.Values, fields) {
		fmt.Fprintf(tw, "  %s\t%s\n", name, valueText(c.Values[name]))
	}
	for _, warning := range c.ValidationWarnings {
		fmt.Fprintf(tw, "  warning:\t%s\n", warning)
	}

	fmt.Fprintf(tw, "\nEmails (%d)\n", len(r.Emails))
	if len(r.Emails) > 0 {
		fmt.Fprintln(tw, "  SENT\tNAME\tDELIVERED\tOPENED\tREAD\tCLICKED")
	}
	for _, e := range r.Emails {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", date(e.Date), e.Name, yes(e.Delivered), yes(e.Open), yes(e.Read), yes(e.Link))
	}

	fmt.Fprintf(tw, "\nText messages (%d)\n", len(r.TextMessages))
	if len(r.TextMessages) > 0 {
		fmt.Fprintln(tw, "  SENT\tNAME\tDELIVERED")
	}
	for _, m := range r.TextMessages {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", date(m.Date), m.Name, yes(m.Delivered))
	}

	fmt.Fprintf(tw, "\nLanding pages (%d)\n", len(r.LandingPages))
	if len(r.LandingPages) > 0 {
		fmt.Fprintln(tw, "  VISITED\tNAME\tCLICKED\tSUBMITTED")
	}
	for _, p := range r.LandingPages {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", date(p.Date), p.Name, yes(p.Link), yes(p.Submission))
	}

	fmt.Fprintf(tw, "\nWeb forms (%d)\n", len(r.WebForms))
	if len(r.WebForms) > 0 {
		fmt.Fprintln(tw, "  USED\tNAME\tLANDING PAGE\tSUBMITTED")
	}
	for _, f := range r.WebForms {
		page := "-"
		if f.LandingPageID != 0 {
			page = fmt.Sprint(f.LandingPageID)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", date(f.Date), f.Name, page, yes(f.Submitted))
	}
	return tw.Flush()
}

// valueOrder returns the names of values in the order of the list's fields
// (by Position), then the names no field has, sorted.
func valueOrder(values map[string]any, fields []which50.ContactSchemaField) []string {
	fields = slices.Clone(fields)
	slices.SortStableFunc(fields, func(a, b which50.ContactSchemaField) int { return cmp.Compare(a.Position, b.Position) })
	var names []string
	seen := map[string]bool{}
	for _, f := range fields {
		if _, ok := values[f.Name]; ok && !seen[f.Name] {
			names = append(names, f.Name)
			seen[f.Name] = true
		}
	}
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if !seen[name] {
			names = append(names, name)
		}
	}
	return names
}

// valueText prints a value of Contact.Values: XML dates as RFC 3339, a
// missing value as "-", anything else as fmt does.
func valueText(v any) string {
	switch v := v.(type) {
	case nil:
		return "-"
	case time.Time:
		return v.Format(time.RFC3339)
	case string:
		return v
	}
	return fmt.Sprint(v)
}

func date(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(dateLayout)
}

// yes prints one of the API's integer flags.
func yes(flag int64) string {
	if flag != 0 {
		return "yes"
	}
	return "no"
}
