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
	"github.com/which50-go/which50/examples/internal/clitest"
	"github.com/which50-go/which50/which50test"
)

var runMain = clitest.Runner(run)

// demoItems are the interactions the demo prints by default.
func demoItems() (string, []which50.ContactInteraction) {
	id := which50test.DemoContactIDs(1)[0]
	return id, which50test.DemoCommunications(id, demoPerContact, 0)
}

func TestDemoTable(t *testing.T) {
	for _, format := range []string{"json", "xml"} {
		t.Run(format, func(t *testing.T) {
			stdout, stderr, err := runMain(t, []string{"-format", format}, nil)
			if err != nil {
				t.Fatalf("run: %v\n%s", err, stderr)
			}
			if !strings.Contains(stderr, "demo: a fake Which50 API") {
				t.Errorf("stderr does not say it runs on demo data: %q", stderr)
			}
			id, items := demoItems()
			lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
			if want := "Contact " + id + ": 12 communications"; lines[0] != want {
				t.Errorf("first line %q, want %q", lines[0], want)
			}
			if len(lines) != 3+len(items) {
				t.Fatalf("%d lines, want title, blank, header and %d rows:\n%s", len(lines), len(items), stdout)
			}
			if fields := strings.Fields(lines[2]); strings.Join(fields, " ") != "OCCURRED INTERACTION NAME STATUS CAMPAIGN" {
				t.Errorf("header %q", lines[2])
			}
			nameCol := strings.Index(lines[2], "NAME")
			for i, it := range items {
				row := lines[3+i]
				when := it.Occurred.Format("2006-01-02 15:04 -07:00")
				if !strings.HasPrefix(row, when+"  ") || !strings.Contains(row, string(it.Interaction)) ||
					!strings.HasPrefix(row[nameCol:], it.Name) || !strings.Contains(row, it.Status) {
					t.Errorf("row %d = %q, want %s %s %q %s aligned under the header", i, row, when, it.Interaction, it.Name, it.Status)
				}
				campaign := "-"
				if it.CampaignName != "" {
					campaign = it.CampaignName + " (#"
				}
				if !strings.Contains(row, campaign) {
					t.Errorf("row %d = %q, want campaign %q", i, row, campaign)
				}
			}
		})
	}
}

func TestDemoJSONOutputKeepsInstantsAndOffsets(t *testing.T) {
	for _, format := range []string{"json", "xml"} {
		stdout, stderr, err := runMain(t, []string{"-output", "json", "-format", format}, nil)
		if err != nil {
			t.Fatalf("run: %v\n%s", err, stderr)
		}
		// The SDK's own model, with the API's field names.
		for _, name := range []string{`"Id":`, `"Interaction":`, `"Occurred":`, `"CampaignId":`, `"CampaignName":`} {
			if !strings.Contains(stdout, name) {
				t.Errorf("%s: output lacks %s:\n%s", format, name, stdout)
			}
		}
		var got []which50.ContactInteraction
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, stdout)
		}
		_, items := demoItems()
		if diff := cmp.Diff(items, got, sameTime); diff != "" {
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

func TestOtherDemoContact(t *testing.T) {
	id := which50test.DemoContactIDs(3)[2]
	stdout, _, err := runMain(t, []string{"-contact", id}, nil)
	if err != nil || !strings.HasPrefix(stdout, "Contact "+id+": 12 communications") {
		t.Errorf("run -contact %s: %v\n%s", id, err, stdout)
	}
}

func TestRealAPIMode(t *testing.T) {
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SetCommunications("QmFy/Zm9v+==", which50test.DemoCommunications("x", 3, 1))
	srv.RequireAPIKey("X-Which50-Key", "k-1")

	vars := map[string]string{"WHICH50_BASE_URL": srv.URL, "WHICH50_API_KEY": "k-1", "WHICH50_API_KEY_HEADER": "X-Which50-Key"}
	stdout, stderr, err := runMain(t, []string{"-contact", "QmFy/Zm9v+=="}, vars)
	if err != nil || !strings.HasPrefix(stdout, "Contact QmFy/Zm9v+==: 3 communications") || strings.Contains(stderr, "demo") {
		t.Fatalf("run: %v\nstdout %s\nstderr %s", err, stdout, stderr)
	}
	r, _ := srv.LastRequest()
	if r.ContactID != "QmFy/Zm9v+==" || r.Header.Get("X-Which50-Key") != "k-1" || !strings.Contains(r.Header.Get("User-Agent"), "which50-communications-example") {
		t.Errorf("request %+v", r)
	}

	srv.RequireBearerToken("t-1")
	_, _, err = runMain(t, []string{"-contact", "QmFy/Zm9v+=="}, map[string]string{"WHICH50_BASE_URL": srv.URL, "WHICH50_TOKEN": "t-1"})
	if err != nil {
		t.Errorf("bearer token: %v", err)
	}
}

func TestFriendlyErrors(t *testing.T) {
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SetCommunications("c", nil)
	srv.RequireBearerToken("right")
	base := map[string]string{"WHICH50_BASE_URL": srv.URL, "WHICH50_TOKEN": "right"}
	wrong := map[string]string{"WHICH50_BASE_URL": srv.URL, "WHICH50_TOKEN": "wrong"}

	tests := []struct {
		name     string
		args     []string
		vars     map[string]string
		fault    *which50test.Fault
		sentinel error
		text     string
	}{
		{"wrong token", []string{"-contact", "c"}, wrong, nil, which50.ErrUnauthorized, "check WHICH50_TOKEN"},
		{"forbidden", []string{"-contact", "c"}, base, &which50test.Fault{Status: 403}, which50.ErrForbidden, "may not read"},
		{"unknown contact", []string{"-contact", "nobody"}, base, nil, which50.ErrNotFound, `no contact with id "nobody"`},
		{"unknown demo contact", []string{"-contact", "nobody"}, nil, nil, which50.ErrNotFound, `no contact with id "nobody"`},
		{"timeout", []string{"-contact", "c", "-timeout", "20ms"}, base, &which50test.Fault{Delay: time.Hour}, context.DeadlineExceeded, "raise -timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault != nil {
				srv.QueueFaults(*tt.fault)
			}
			_, _, err := runMain(t, tt.args, tt.vars)
			if !errors.Is(err, tt.sentinel) || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("err = %v, want %v with %q", err, tt.sentinel, tt.text)
			}
			if err != nil && strings.Contains(err.Error(), "right") {
				t.Errorf("error text holds the token: %v", err)
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
		{[]string{"-nope"}, nil, "flag provided but not defined"},
		{[]string{"-timeout", "soon"}, nil, "invalid value"},
		{[]string{"extra"}, nil, "unexpected argument"},
		{nil, map[string]string{"WHICH50_BASE_URL": "http://127.0.0.1:1/Which50API", "WHICH50_TOKEN": "t"}, "-contact is required"},
		// A credential alone means the real API, never the demo.
		{nil, map[string]string{"WHICH50_TOKEN": "t"}, "-contact is required"},
		{nil, map[string]string{"WHICH50_API_KEY": "k"}, "-contact is required"},
	}
	for _, tt := range tests {
		stdout, stderr, err := runMain(t, tt.args, tt.vars)
		clitest.WantUsageError(t, "communications", tt.args, stdout, stderr, err, tt.text)
	}
}

func TestHelpListsTheEnvironment(t *testing.T) {
	_, stderr, err := runMain(t, []string{"-h"}, nil)
	clitest.WantHelp(t, "communications", stderr, err, "-format", "-output", "-timeout", "-contact")
}

// WHICH50_BASE_URL alone calls that API without a credential, and says so.
func TestBaseURLWithoutCredential(t *testing.T) {
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SetCommunications("c", which50test.DemoCommunications("c", 2, 1))
	stdout, stderr, err := runMain(t, []string{"-contact", "c"}, map[string]string{"WHICH50_BASE_URL": srv.URL})
	if err != nil || !strings.HasPrefix(stdout, "Contact c: 2 communications") {
		t.Fatalf("run: %v\nstdout %s\nstderr %s", err, stdout, stderr)
	}
	if !strings.Contains(stderr, "requests are anonymous") || strings.Contains(stderr, "demo") {
		t.Errorf("stderr %q, want the no-credential warning and no demo", stderr)
	}
	if r, _ := srv.LastRequest(); r.Header.Get("Authorization") != "" {
		t.Errorf("request sent a credential: %v", r.Header)
	}
}
