package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/which50-go/which50"
	"github.com/which50-go/which50/examples/internal/cli"
	"github.com/which50-go/which50/examples/internal/clitest"
	"github.com/which50-go/which50/which50test"
)

var runMain = clitest.Runner(run)

// demoReport reads, through the SDK, what the demo holds for journey: what
// the program should print.
func demoReport(t *testing.T, journey int64, activities, emails, pages []int64) *report {
	t.Helper()
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SeedDemo(demoContacts, demoPerContact)
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	r, err := read(context.Background(), client, journey, activities, emails, pages)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDemoJSON(t *testing.T) {
	want := demoReport(t, demoJourney, demoActivities, demoEmails, demoLandingPages)
	if want.Contacts == 0 || want.EmailReports[0].Contacts[which50.EmailSent] == 0 || want.LandingPageReports[0].Contacts[which50.LandingPageTotalVisits] == 0 {
		t.Fatalf("the demo journey is empty: %+v", want)
	}
	for _, format := range []string{"json", "xml"} {
		stdout, stderr, err := runMain(t, []string{"-output", "json", "-format", format}, nil)
		if err != nil {
			t.Fatalf("run: %v\n%s", err, stderr)
		}
		for _, name := range []string{`"AccountId": 50`, `"CampaignId": 1042`, `"ContactsCountSms":`, `"EmailId": 104200`, `"LandingPageId": 104203`, `"SoftBounced": 0`} {
			if !strings.Contains(stdout, name) {
				t.Errorf("%s: output lacks %s", format, name)
			}
		}
		var got report
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, stdout)
		}
		// Untyped members come back from JSON as float64.
		got.Journey.Emails, got.Journey.LandingPages, got.Journey.TextMessages = want.Journey.Emails, want.Journey.LandingPages, want.Journey.TextMessages
		if diff := cmp.Diff(want, &got); diff != "" {
			t.Errorf("%s: -output json (-want +got):\n%s", format, diff)
		}
	}
}

func TestDemoTable(t *testing.T) {
	want := demoReport(t, demoJourney, demoActivities, demoEmails, demoLandingPages)
	stdout, stderr, err := runMain(t, nil, nil)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "demo: a fake Which50 API") {
		t.Errorf("stderr does not say it runs on demo data: %q", stderr)
	}
	if !strings.HasPrefix(stdout, "Journey 1042 \"Spring Sale 2026\": Finished\n") {
		t.Errorf("first line of:\n%s", stdout)
	}
	lines := []string{
		fmt.Sprintf("  Contacts       %d\n", want.Contacts),
		"  Channels       Email,SMS,LandingPage\n",
		"\nActivities (4)\n  ID      NAME  ",
		"\n  104201  Spring Sale – Week 2  ",
		"\n  104203  Spring Sale landing page  ",
		"\nEmail 104200: contacts per state\n  Sent  Delivered  Read  Opened  Clicked  Bounced  SoftBounced  HardBounced\n",
		fmt.Sprintf("%12d\n\nEmail 104201", want.EmailReports[0].Contacts[which50.EmailHardBounced]),
		"\nLanding page 104203: contacts per state\n  TotalVisits  KnownVisits  TotalClicks  KnownClicks  TotalSubmits  WebformSubmits  LinkDetails\n",
		fmt.Sprintf("\n  %11d  ", want.LandingPageReports[0].Contacts[which50.LandingPageTotalVisits]),
	}
	for _, l := range lines {
		if !strings.Contains(stdout, l) {
			t.Errorf("output lacks %q:\n%s", l, stdout)
		}
	}
}

// Another demo journey has no default ids: only what is given is shown.
func TestOtherDemoJourney(t *testing.T) {
	stdout, _, err := runMain(t, []string{"-journey", "1077"}, nil)
	if err != nil || !strings.HasPrefix(stdout, "Journey 1077 \"Roadshow – ANZ\": Active\n") ||
		!strings.Contains(stdout, "E-documents    roadshow-agenda.pdf, venue-map.pdf\n") {
		t.Fatalf("run: %v\n%s", err, stdout)
	}
	if strings.Contains(stdout, "Activities") || strings.Contains(stdout, "per state") {
		t.Errorf("sections without ids:\n%s", stdout)
	}
	// With the demo journey, a flag replaces its default.
	stdout, _, err = runMain(t, []string{"-email", "104201", "-activity", "104202", "-output", "json"}, nil)
	var got report
	if err != nil || json.Unmarshal([]byte(stdout), &got) != nil {
		t.Fatalf("run: %v\n%s", err, stdout)
	}
	if len(got.Activities) != 1 || got.Activities[0].ID != 104202 || len(got.EmailReports) != 1 || got.EmailReports[0].EmailID != 104201 ||
		len(got.LandingPageReports) != 1 {
		t.Errorf("-email 104201 -activity 104202 gave %+v", got)
	}
}

// realAPI is a fake standing for the real API, with one small journey.
func realAPI(t *testing.T) *which50test.Server {
	srv := which50test.NewServer()
	t.Cleanup(srv.Close)
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	srv.SetJourney(which50.Journey{ID: 7, Name: "Welcome", ListID: 3, StartDate: day(1), Status: "Active",
		Reach: 3, Channels: "Email", Emails: []string{"Hello", "Tips"}, Tags: []string{"onboarding", "2026"}})
	ann := which50.Contact{EncContactID: "a", Values: map[string]any{"Email": "ann@example.com"}}
	bob := which50.Contact{EncContactID: "b", Values: map[string]any{"Email": "bob@example.com"}}
	cat := which50.Contact{EncContactID: "c", Values: map[string]any{"Email": "cat@example.com"}}
	srv.SetJourneyContacts(7, []which50.Contact{ann, bob, cat})
	srv.SetActivity(7, which50.JourneyActivity{ID: 70, Name: "Send Hello", CampaignID: 7, CreatedDate: day(1).Add(9 * time.Hour),
		Target: which50.Target{Name: "Everyone", ContactsCount: 3, ContactsCountEmail: 3}})
	srv.SetEmailReport(7, 71, which50.EmailSent, []which50.Contact{ann, bob, cat})
	srv.SetEmailReport(7, 71, which50.EmailOpened, []which50.Contact{bob})
	return srv
}

func TestRealAPIMode(t *testing.T) {
	srv := realAPI(t)
	srv.RequireBearerToken("t-1")
	vars := map[string]string{"WHICH50_BASE_URL": srv.URL, "WHICH50_TOKEN": "t-1"}
	stdout, stderr, err := runMain(t, []string{"-journey", "7", "-activity", "70", "-email", "71", "-format", "xml"}, vars)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	want := `Journey 7 "Welcome": Active

  List           3
  Dates          2026-03-01 to -
  Channels       Email
  Contacts       3
  Reach          3
  Interactions   0
  Unsubscribes   0
  Emails         Hello, Tips
  Text messages  -
  Landing pages  -
  E-documents    -
  Tags           onboarding, 2026
  Comment        -
  Link           -

Activities (1)
  ID  NAME        CREATED           TARGET    CONTACTS  BY EMAIL  BY SMS
  70  Send Hello  2026-03-01 09:00  Everyone  3         3         0

Email 71: contacts per state
  Sent  Delivered  Read  Opened  Clicked  Bounced  SoftBounced  HardBounced
     3          0     0       1        0        0            0            0
`
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	if stderr != "" {
		t.Errorf("stderr %q", stderr)
	}
	// The journey, its contacts, the activity, and the email's report in
	// each of the eight states.
	if n := srv.RequestCount(); n != 1+1+1+8 {
		t.Errorf("%d requests, want 11", n)
	}
}

func TestFriendlyErrors(t *testing.T) {
	srv := realAPI(t)
	base := map[string]string{"WHICH50_BASE_URL": srv.URL, "WHICH50_TOKEN": "t"}
	tests := []struct {
		name     string
		args     []string
		sentinel error
		text     string
	}{
		{"unknown journey", []string{"-journey", "8"}, which50.ErrNotFound, "check the ids given: journey 8: "},
		{"unknown activity", []string{"-journey", "7", "-activity", "70,79"}, which50.ErrNotFound, "activity 79 of journey 7: "},
		{"unknown landing page", []string{"-journey", "7", "-landing-page", "72"}, which50.ErrNotFound, "report of landing page 72 of journey 7, TotalVisits: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := runMain(t, tt.args, base)
			if !errors.Is(err, tt.sentinel) || !strings.Contains(err.Error(), tt.text) || cli.ExitCode(err) != 1 {
				t.Errorf("err = %v (exit %d), want %v with %q, exit 1", err, cli.ExitCode(err), tt.sentinel, tt.text)
			}
			if stdout != "" {
				t.Errorf("stdout %q after a failure", stdout)
			}
		})
	}
	srv.QueueFaults(which50test.Fault{Delay: time.Hour})
	_, _, err := runMain(t, []string{"-journey", "7", "-timeout", "20ms"}, base)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "raise -timeout") {
		t.Errorf("timeout: %v", err)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		vars map[string]string
		text string
	}{
		{[]string{"-format", "yaml"}, nil, "want json or xml"},
		{[]string{"-output", "csv"}, nil, "want table or json"},
		{[]string{"-timeout", "-1s"}, nil, "-timeout -1s: must be positive"},
		{[]string{"-journey", "-3"}, nil, "-journey -3: must be positive"},
		{[]string{"-activity", "1,x"}, nil, `"x" is not a positive id`},
		{[]string{"-email", "0"}, nil, `"0" is not a positive id`},
		{[]string{"-nope"}, nil, "flag provided but not defined: -nope"},
		{[]string{"1042"}, nil, "unexpected argument"},
		{nil, map[string]string{"WHICH50_TOKEN": "t"}, "-journey is required"},
	}
	for _, tt := range tests {
		stdout, stderr, err := runMain(t, tt.args, tt.vars)
		clitest.WantUsageError(t, "journey", tt.args, stdout, stderr, err, tt.text)
	}
}

func TestHelpListsTheEnvironment(t *testing.T) {
	_, stderr, err := runMain(t, []string{"-h"}, nil)
	clitest.WantHelp(t, "journey", stderr, err, "-journey", "-activity", "-email", "-landing-page", "-format", "-output", "-timeout")
}
