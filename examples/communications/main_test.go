package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/which50test"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func runMain(t *testing.T, args []string, vars map[string]string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, env(vars), &out, &errOut)
	return out.String(), errOut.String(), err
}

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
		var got []jsonItem
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, stdout)
		}
		_, items := demoItems()
		if len(got) != len(items) {
			t.Fatalf("%d items, want %d", len(got), len(items))
		}
		for i, it := range items {
			when, err := time.Parse(time.RFC3339Nano, got[i].Occurred)
			_, gotOff := when.Zone()
			_, wantOff := it.Occurred.Zone()
			if err != nil || !when.Equal(it.Occurred) || gotOff != wantOff {
				t.Errorf("%s item %d occurred %q, want %v with its offset", format, i, got[i].Occurred, it.Occurred)
			}
			if got[i].ID != it.ID || got[i].Name != it.Name || got[i].Interaction != string(it.Interaction) ||
				got[i].Status != it.Status || got[i].CampaignID != it.CampaignID || got[i].CampaignName != it.CampaignName {
				t.Errorf("%s item %d = %+v, want %+v", format, i, got[i], it)
			}
		}
	}
}

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
		{[]string{"-nope"}, nil, "flag provided but not defined"},
		{[]string{"extra"}, nil, "unexpected argument"},
		{[]string{"-contact", "c"}, map[string]string{"WHICH50_BASE_URL": "http://127.0.0.1:1/Which50API"}, "no credential"},
		{nil, map[string]string{"WHICH50_BASE_URL": "http://127.0.0.1:1/Which50API", "WHICH50_TOKEN": "t"}, "-contact is required"},
	}
	for _, tt := range tests {
		_, _, err := runMain(t, tt.args, tt.vars)
		if !errors.As(err, new(usageError)) || !strings.Contains(err.Error(), tt.text) {
			t.Errorf("run %q: err = %v, want a usage error with %q", tt.args, err, tt.text)
		}
	}
}
