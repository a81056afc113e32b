package main

import (
	"context"
	"encoding/json"
	"errors"
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

// demoReport reads, through the SDK, what the demo holds for its first
// contact: what the program should print.
func demoReport(t *testing.T) *report {
	t.Helper()
	srv := which50test.NewServer()
	defer srv.Close()
	ids := srv.SeedDemo(demoContacts, demoPerContact)
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	r, err := read(context.Background(), client, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDemoTable(t *testing.T) {
	want := demoReport(t)
	for _, format := range []string{"json", "xml"} {
		t.Run(format, func(t *testing.T) {
			stdout, stderr, err := runMain(t, []string{"-format", format}, nil)
			if err != nil {
				t.Fatalf("run: %v\n%s", err, stderr)
			}
			if !strings.Contains(stderr, "demo: a fake Which50 API") {
				t.Errorf("stderr does not say it runs on demo data: %q", stderr)
			}
			lines := strings.Split(stdout, "\n")
			if first := "Contact " + want.Contact.EncContactID + " in list 1001: 12 communications"; lines[0] != first {
				t.Errorf("first line %q, want %q", lines[0], first)
			}
			// The values come in the order of the list's fields.
			values := section(t, stdout, "Values (8)")
			var names []string
			for _, l := range values {
				names = append(names, strings.Fields(l)[0])
			}
			if got := strings.Join(names, " "); got != "Email FirstName LastName Mobile Plan Age Subscribed Joined" {
				t.Errorf("values in order %s\n%s", got, stdout)
			}
			if !strings.Contains(values[0], want.Contact.Values["Email"].(string)) || !strings.HasSuffix(values[7], "2026-09-15T00:00:00Z") {
				t.Errorf("values:\n%s", strings.Join(values, "\n"))
			}

			emails := section(t, stdout, "Emails (5)")
			if len(emails) != 1+len(want.Emails) || strings.Join(strings.Fields(emails[0]), " ") != "SENT NAME DELIVERED OPENED READ CLICKED" {
				t.Fatalf("emails:\n%s", strings.Join(emails, "\n"))
			}
			for i, e := range want.Emails {
				row := emails[1+i]
				if !strings.HasPrefix(row, "  "+e.Date.Format("2006-01-02 15:04 -07:00")+"  "+e.Name) {
					t.Errorf("email row %q, want %s %s", row, e.Date, e.Name)
				}
			}
			if rows := section(t, stdout, "Text messages (1)"); len(rows) != 2 || !strings.Contains(rows[1], want.TextMessages[0].Name) {
				t.Errorf("text messages:\n%s", strings.Join(rows, "\n"))
			}
			if rows := section(t, stdout, "Landing pages (2)"); len(rows) != 3 || !strings.Contains(rows[2], "Spring Sale landing page") {
				t.Errorf("landing pages:\n%s", strings.Join(rows, "\n"))
			}
			if rows := section(t, stdout, "Web forms (2)"); len(rows) != 3 || !strings.HasSuffix(rows[2], "Request a quote    -             no") {
				t.Errorf("web forms:\n%s", strings.Join(rows, "\n"))
			}
		})
	}
}

// section returns the lines under a section's title, up to the blank line
// that ends it.
func section(t *testing.T, out, title string) []string {
	t.Helper()
	_, rest, ok := strings.Cut(out, "\n"+title+"\n")
	if !ok {
		t.Fatalf("no section %q in:\n%s", title, out)
	}
	body, _, _ := strings.Cut(rest, "\n\n")
	return strings.Split(strings.TrimSuffix(body, "\n"), "\n")
}

func TestDemoJSONIsTheSDKModels(t *testing.T) {
	want := demoReport(t)
	for _, format := range []string{"json", "xml"} {
		stdout, stderr, err := runMain(t, []string{"-output", "json", "-format", format}, nil)
		if err != nil {
			t.Fatalf("run: %v\n%s", err, stderr)
		}
		for _, name := range []string{`"EncContactId":`, `"ListId":`, `"Values":`, `"TextMessages":`, `"LandingPageId":`, `"Communications": 12`} {
			if !strings.Contains(stdout, name) {
				t.Errorf("%s: output lacks %s", format, name)
			}
		}
		var got report
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, stdout)
		}
		// Only XML carries the numeric id, and XML dates in Values are
		// times; the JSON output writes both as JSON does.
		got.Contact.ID, want.Contact.ID = 0, 0
		got.Contact.Values["Joined"] = want.Contact.Values["Joined"]
		got.Contact.Values["Age"] = int64(got.Contact.Values["Age"].(float64))
		if diff := cmp.Diff(want, &got, sameTime); diff != "" {
			t.Errorf("%s: -output json (-want +got):\n%s", format, diff)
		}
	}
}

// sameTime compares times by instant and by the offset they carry.
var sameTime = cmp.Comparer(func(a, b time.Time) bool {
	_, ao := a.Zone()
	_, bo := b.Zone()
	return a.Equal(b) && ao == bo
})

// realAPI is a fake standing for the real API: one contact, in a list the
// server does not know, with a warning and one email.
func realAPI(t *testing.T) *which50test.Server {
	srv := which50test.NewServer()
	t.Cleanup(srv.Close)
	srv.SetContact(which50.Contact{
		EncContactID: "QmFy/Zm9v+==", ListID: 77, ValidationWarnings: []string{"Mobile is missing"},
		Values: map[string]any{"Zone": "ANZ", "Email": "kim@example.com"},
	})
	srv.SetEmails("QmFy/Zm9v+==", []which50.ContactEmail{{ID: 5, Name: "Hello", Delivered: 1,
		Date: time.Date(2026, 5, 1, 9, 0, 0, 0, time.FixedZone("", 10*3600))}})
	return srv
}

func TestRealAPIMode(t *testing.T) {
	srv := realAPI(t)
	srv.RequireAPIKey("X-Which50-Key", "k-1")
	vars := map[string]string{"WHICH50_BASE_URL": srv.URL, "WHICH50_API_KEY": "k-1", "WHICH50_API_KEY_HEADER": "X-Which50-Key"}
	stdout, stderr, err := runMain(t, []string{"-contact", "QmFy/Zm9v+=="}, vars)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	if strings.Contains(stderr, "demo") {
		t.Errorf("stderr mentions the demo: %s", stderr)
	}
	// List 77 has no fields on this server: a warning, and values by name.
	if !strings.Contains(stderr, "the fields of list 77") {
		t.Errorf("stderr %q, want a note about the list's fields", stderr)
	}
	want := "Contact QmFy/Zm9v+== in list 77: 0 communications\n\n" +
		"Values (2)\n" +
		"  Email     kim@example.com\n" +
		"  Zone      ANZ\n" +
		"  warning:  Mobile is missing\n\n" +
		"Emails (1)\n" +
		"  SENT                     NAME   DELIVERED  OPENED  READ  CLICKED\n" +
		"  2026-05-01 09:00 +10:00  Hello  yes        no      no    no\n\n" +
		"Text messages (0)\n\nLanding pages (0)\n\nWeb forms (0)\n"
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	for _, r := range srv.Requests() {
		if r.Header.Get("X-Which50-Key") != "k-1" || !strings.Contains(r.Header.Get("User-Agent"), "which50-contact-example") {
			t.Errorf("request %s %s: headers %v", r.Method, r.Path, r.Header)
		}
	}
}

func TestFriendlyErrors(t *testing.T) {
	srv := realAPI(t)
	srv.RequireBearerToken("right")
	base := map[string]string{"WHICH50_BASE_URL": srv.URL, "WHICH50_TOKEN": "right"}
	tests := []struct {
		name     string
		args     []string
		vars     map[string]string
		fault    *which50test.Fault
		sentinel error
		text     string
	}{
		{"wrong token", []string{"-contact", "QmFy/Zm9v+=="}, map[string]string{"WHICH50_BASE_URL": srv.URL, "WHICH50_TOKEN": "wrong"}, nil, which50.ErrUnauthorized, "check WHICH50_TOKEN"},
		{"unknown contact", []string{"-contact", "nobody"}, base, nil, which50.ErrNotFound, `no contact with id "nobody"`},
		{"unknown demo contact", []string{"-contact", "nobody"}, nil, nil, which50.ErrNotFound, `no contact with id "nobody"`},
		{"timeout", []string{"-contact", "QmFy/Zm9v+==", "-timeout", "20ms"}, base, &which50test.Fault{Delay: time.Hour}, context.DeadlineExceeded, "raise -timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault != nil {
				srv.QueueFaults(*tt.fault)
			}
			stdout, _, err := runMain(t, tt.args, tt.vars)
			if !errors.Is(err, tt.sentinel) || !strings.Contains(err.Error(), tt.text) || cli.ExitCode(err) != 1 {
				t.Errorf("err = %v (exit %d), want %v with %q, exit 1", err, cli.ExitCode(err), tt.sentinel, tt.text)
			}
			if stdout != "" {
				t.Errorf("stdout %q after a failure", stdout)
			}
		})
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
		{[]string{"-timeout", "0"}, nil, "-timeout 0s: must be positive"},
		{[]string{"-nope"}, nil, "flag provided but not defined: -nope"},
		{[]string{"-timeout", "soon"}, nil, "invalid value"},
		{[]string{"extra"}, nil, "unexpected argument"},
		{nil, map[string]string{"WHICH50_TOKEN": "t"}, "-contact is required"},
		{nil, map[string]string{"WHICH50_API_KEY": "k"}, "-contact is required"},
	}
	for _, tt := range tests {
		stdout, stderr, err := runMain(t, tt.args, tt.vars)
		clitest.WantUsageError(t, "contact", tt.args, stdout, stderr, err, tt.text)
	}
}

func TestHelpListsTheEnvironment(t *testing.T) {
	_, stderr, err := runMain(t, []string{"-h"}, nil)
	clitest.WantHelp(t, "contact", stderr, err, "-contact", "-format", "-output", "-timeout")
}
