// Command journey prints a Which50 journey: its details, how many contacts
// it holds, some of its activities with their targets, and how many
// contacts are in each state of its email and landing page reports.
//
// With no configuration it starts an in-process fake of the API
// (which50test) seeded with demo data, and prints the demo journey 1042
// ("Spring Sale 2026"):
//
//	go run ./examples/journey
//
// To call the real API, set a credential (and WHICH50_BASE_URL for another
// root than the SDK's DefaultBaseURL):
//
//	WHICH50_TOKEN=... go run ./examples/journey -journey 1042 -activity 104200,104201 -email 104200 -landing-page 104203
//
// The API has no route that lists a journey's activities, emails or landing
// pages (Journey.Emails and its siblings are counts or untyped lists), so
// their ids are flags. On the demo they default to those of journey 1042;
// for another journey, or the real API, the sections whose ids are not
// given are left out.
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
//	-journey ID           the journey (required with the real API; default: demo journey 1042)
//	-activity IDS         activities to show, comma-separated
//	-email IDS            emails whose report to count, comma-separated
//	-landing-page IDS     landing pages whose report to count, comma-separated
//	-format json|xml      the wire format to ask the API for (default json)
//	-output table|json    readable sections, or JSON for other programs (default table)
//	-timeout D            give up after D, retries included (default 30s)
//
// The contacts are counted as they stream in (Journeys.ContactsSeq), so a
// journey of any size is counted in constant memory. Each report is read
// once per state the SDK documents (the EmailState and LandingPageState
// constants). The JSON output is one object holding the SDK's Journey and
// JourneyActivity models, with the API's field names, and the counts:
//
//	{"Journey":{...},"Contacts":4,"Activities":[...],
//	 "EmailReports":[{"EmailId":104200,"Contacts":{"Sent":2,...}}],
//	 "LandingPageReports":[{"LandingPageId":104203,"Contacts":{"TotalVisits":1,...}}]}
//
// Exit status: 0 on success, 1 when the API calls fail, 2 for bad usage.
package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/examples/internal/cli"
	"github.com/which50-go/which50/which50test"
)

func main() { cli.Main("journey", run) }

// The demo: how many contacts, how many interactions each, and the ids of
// the journey it shows by default (the demo's "Spring Sale 2026": two
// emails, a text message and a landing page, each sent by an activity
// whose id is also the email's or the page's).
const (
	demoContacts   = 40
	demoPerContact = 12
	demoJourney    = 1042
)

var (
	demoActivities   = idList{104200, 104201, 104202, 104203}
	demoEmails       = idList{104200, 104201}
	demoLandingPages = idList{104203}
)

// The report states the API documents, in the SDK's order.
var (
	emailStates = []which50.EmailState{
		which50.EmailSent, which50.EmailDelivered, which50.EmailRead, which50.EmailOpened,
		which50.EmailClicked, which50.EmailBounced, which50.EmailSoftBounced, which50.EmailHardBounced,
	}
	landingPageStates = []which50.LandingPageState{
		which50.LandingPageTotalVisits, which50.LandingPageKnownVisits, which50.LandingPageTotalClicks,
		which50.LandingPageKnownClicks, which50.LandingPageTotalSubmits, which50.LandingPageWebformSubmits,
		which50.LandingPageLinkDetails,
	}
)

// report is everything the program reads. With -output json it is printed
// as it is.
type report struct {
	Journey            *which50.Journey
	Contacts           int
	Activities         []which50.JourneyActivity
	EmailReports       []emailReport
	LandingPageReports []landingPageReport
}

// emailReport counts the contacts of one email's report in each state.
type emailReport struct {
	EmailID  int64                      `json:"EmailId"`
	Contacts map[which50.EmailState]int `json:"Contacts"`
}

// landingPageReport counts the contacts of one landing page's report in
// each state.
type landingPageReport struct {
	LandingPageID int64                            `json:"LandingPageId"`
	Contacts      map[which50.LandingPageState]int `json:"Contacts"`
}

// idList is a flag of comma-separated positive ids.
type idList []int64

func (l *idList) String() string {
	s := make([]string, len(*l))
	for i, id := range *l {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

func (l *idList) Set(v string) error {
	*l = nil
	for f := range strings.SplitSeq(v, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("%q is not a positive id", f)
		}
		*l = append(*l, id)
	}
	return nil
}

// run is the whole program, with its inputs and outputs passed in so that
// tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := cli.New("journey", "journey [flags]",
		"Prints a journey, its contact count, the activities given, and the contacts\n"+
			"in each state of the email and landing page reports given.", stderr)
	journeyID := cmd.Int64("journey", 0, "the journey's `id` (required with the real API; default: demo journey 1042)")
	var activities, emails, pages idList
	cmd.Var(&activities, "activity", "`ids` of activities to show, comma-separated (on the demo journey: 104200,104201,104202,104203)")
	cmd.Var(&emails, "email", "`ids` of emails whose report to count, comma-separated (on the demo journey: 104200,104201)")
	cmd.Var(&pages, "landing-page", "`ids` of landing pages whose report to count, comma-separated (on the demo journey: 104203)")
	flags := cmd.ReportFlags(30*time.Second, cli.FlagHelp{})
	if err := cmd.Parse(args, "-journey ID"); err != nil {
		return err
	}
	if cmd.Given("journey") && *journeyID <= 0 {
		return cmd.Bad("-journey %d: must be positive", *journeyID)
	}
	if err := flags.Validate(); err != nil {
		return err
	}

	ctx, client, done, err := flags.Client(ctx, getenv,
		func() error { return cmd.Required("journey", *journeyID == 0) },
		func(srv *which50test.Server) string {
			srv.SeedDemo(demoContacts, demoPerContact)
			if *journeyID == 0 || *journeyID == demoJourney {
				*journeyID = demoJourney
				for name, ids := range map[string]struct{ flag, demo *idList }{
					"activity": {&activities, &demoActivities}, "email": {&emails, &demoEmails}, "landing-page": {&pages, &demoLandingPages},
				} {
					if !cmd.Given(name) {
						*ids.flag = *ids.demo
					}
				}
			}
			return fmt.Sprintf("%d contacts", demoContacts)
		},
		which50.WithUserAgent("which50-journey-example"))
	if err != nil {
		return err
	}
	defer done()
	r, err := read(ctx, client, *journeyID, activities, emails, pages)
	if err != nil {
		return explain(err, flags.Timeout)
	}
	if flags.Output == "json" {
		return cli.WriteJSON(stdout, r)
	}
	return writeTable(stdout, r)
}

// read makes the program's requests, one after the other. Its errors say
// which read failed.
func read(ctx context.Context, client *which50.Client, journeyID int64, activities, emails, pages []int64) (*report, error) {
	j, err := client.Journeys.Get(ctx, journeyID)
	if err != nil {
		return nil, fmt.Errorf("journey %d: %w", journeyID, err)
	}
	r := &report{Journey: j, Activities: []which50.JourneyActivity{}, EmailReports: []emailReport{}, LandingPageReports: []landingPageReport{}}
	for _, err := range client.Journeys.ContactsSeq(ctx, journeyID) {
		if err != nil {
			return nil, fmt.Errorf("contacts of journey %d: %w", journeyID, err)
		}
		r.Contacts++
	}
	for _, id := range activities {
		a, err := client.Journeys.Activity(ctx, journeyID, id)
		if err != nil {
			return nil, fmt.Errorf("activity %d of journey %d: %w", id, journeyID, err)
		}
		r.Activities = append(r.Activities, *a)
	}
	for _, id := range emails {
		er := emailReport{EmailID: id, Contacts: map[which50.EmailState]int{}}
		for _, state := range emailStates {
			cs, err := client.Journeys.EmailReport(ctx, journeyID, id, state)
			if err != nil {
				return nil, fmt.Errorf("report of email %d of journey %d, %s: %w", id, journeyID, state, err)
			}
			er.Contacts[state] = len(cs)
		}
		r.EmailReports = append(r.EmailReports, er)
	}
	for _, id := range pages {
		pr := landingPageReport{LandingPageID: id, Contacts: map[which50.LandingPageState]int{}}
		for _, state := range landingPageStates {
			cs, err := client.Journeys.LandingPageReport(ctx, journeyID, id, state)
			if err != nil {
				return nil, fmt.Errorf("report of landing page %d of journey %d, %s: %w", id, journeyID, state, err)
			}
			pr.Contacts[state] = len(cs)
		}
		r.LandingPageReports = append(r.LandingPageReports, pr)
	}
	return r, nil
}

// explain adds advice to the SDK's errors, keeping the original error in
// the chain for errors.Is and errors.As.
func explain(err error, timeout time.Duration) error {
	return cli.Explain(err, cli.Advice{
		Forbidden: "the credential may not read this journey",
		NotFound:  "not found; check the ids given",
		Timeout:   fmt.Sprintf("no answer within %s (raise -timeout)", timeout),
	})
}

// writeTable prints the report as titled sections.
func writeTable(w io.Writer, r *report) error {
	j := r.Journey
	fmt.Fprintf(w, "Journey %d %q: %s\n\n", j.ID, j.Name, j.Status)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, kv := range [][2]string{
		{"List", fmt.Sprint(j.ListID)},
		{"Dates", day(j.StartDate) + " to " + day(j.EndDate)},
		{"Channels", orDash(j.Channels)},
		{"Contacts", fmt.Sprint(r.Contacts)},
		{"Reach", fmt.Sprint(j.Reach)},
		{"Interactions", fmt.Sprint(j.Interactions)},
		{"Unsubscribes", fmt.Sprint(j.Unsubscribes)},
		{"Emails", untyped(j.Emails)},
		{"Text messages", untyped(j.TextMessages)},
		{"Landing pages", untyped(j.LandingPages)},
		{"E-documents", untyped(j.EDocuments)},
		{"Tags", orDash(strings.Join(j.Tags, ", "))},
		{"Comment", orDash(j.Comment)},
		{"Link", orDash(j.CmLink)},
	} {
		fmt.Fprintf(tw, "  %s\t%s\n", kv[0], kv[1])
	}

	if len(r.Activities) > 0 {
		fmt.Fprintf(tw, "\nActivities (%d)\n", len(r.Activities))
		fmt.Fprintln(tw, "  ID\tNAME\tCREATED\tTARGET\tCONTACTS\tBY EMAIL\tBY SMS")
		for _, a := range r.Activities {
			target := a.Target.Name
			if a.TargetAtRuntime {
				target += " (at run time)"
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%d\t%d\t%d\n", a.ID, a.Name, a.CreatedDate.Format("2006-01-02 15:04"), target,
				a.Target.ContactsCount, a.Target.ContactsCountEmail, a.Target.ContactsCountSMS)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	for _, er := range r.EmailReports {
		if err := writeCounts(w, "Email", er.EmailID, emailStates, er.Contacts); err != nil {
			return err
		}
	}
	for _, pr := range r.LandingPageReports {
		if err := writeCounts(w, "Landing page", pr.LandingPageID, landingPageStates, pr.Contacts); err != nil {
			return err
		}
	}
	return nil
}

// writeCounts prints the report of one email or landing page: the number
// of contacts in each state, right-aligned.
func writeCounts[S ~string](w io.Writer, what string, id int64, states []S, counts map[S]int) error {
	fmt.Fprintf(w, "\n%s %d: contacts per state\n", what, id)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	var names, values strings.Builder
	for _, s := range states {
		fmt.Fprintf(&names, "%s\t", s)
		fmt.Fprintf(&values, "%d\t", counts[s])
	}
	fmt.Fprintf(tw, "%s\n%s\n", names.String(), values.String())
	return tw.Flush()
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// untyped prints one of Journey's untyped members: a count, a list, or
// whatever else the server sent.
func untyped(v any) string {
	switch v := v.(type) {
	case nil:
		return "-"
	case []any:
		s := make([]string, len(v))
		for i, e := range v {
			s[i] = fmt.Sprint(e)
		}
		return strings.Join(s, ", ")
	}
	return fmt.Sprint(v)
}
