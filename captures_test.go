package which50_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/which50-go/which50"
)

// captureCase is one captured answer: the call that asks for it, and what
// it decodes to.
type captureCase struct {
	file   string // in testdata/captures, without .json or .xml
	method string
	path   string // below the base path, as the server sees it
	call   func(ctx context.Context, c *which50.Client) (any, error)
	want   func(f which50.Format) any
}

func utc(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
	return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
}

func zoned(y int, mo time.Month, d, h, mi, s, ns, offMinutes int) time.Time {
	return time.Date(y, mo, d, h, mi, s, ns, time.FixedZone("", offMinutes*60))
}

// byFormat picks the JSON or the XML value: the two captures of an endpoint
// were taken one after the other, so ids and times can differ.
func byFormat[T any](f which50.Format, j, x T) T {
	if f == which50.FormatXML {
		return x
	}
	return j
}

// captureContact is the contact Y2FwdHVyZQ== as every capture shows it; its
// numeric id is only in XML.
func captureContact(f which50.Format) which50.Contact {
	return which50.Contact{
		ValidationWarnings: []string{"Mobile is missing"},
		EncContactID:       "Y2FwdHVyZQ==",
		ID:                 byFormat[int64](f, 0, 9501),
		ListID:             9001,
		Values: map[string]any{
			"Email": "casey@example.com", "FirstName": "Casey", "Age": int64(30), "Big": int64(5000000000),
			"Score": 12.5, "Subscribed": true,
			// Json.NET writes a date in a Dictionary<string, object> as a
			// string; DataContract XML types it as dateTime.
			"Joined":   byFormat[any](f, "2024-01-02T03:04:05Z", utc(2024, 1, 2, 3, 4, 5, 0)),
			"Nickname": nil, "City": "Zürich",
		},
	}
}

func upsertedContact(f which50.Format, firstName string) *which50.Contact {
	return &which50.Contact{
		EncContactID: byFormat(f, "dzUwOjkwMDE6OTAwMDE/", "dzUwOjkwMDE6OTAwMDQ/"),
		ID:           byFormat[int64](f, 0, 90004),
		ListID:       9001,
		Values: map[string]any{
			"Email": byFormat(f, "new.json@example.com", "new.xml@example.com"), "FirstName": firstName,
			"Age": int64(41), "Score": 3.5, "Subscribed": false, "Nickname": nil, "City": "Zürich",
		},
	}
}

func importJob(f which50.Format, status string, percent int64, finished bool) *which50.ImportJob {
	j := &which50.ImportJob{
		ID: byFormat[int64](f, 5001, 5002), ContactListID: 9001, ProgressPercent: percent, CurrentStatus: status,
		StartDate: byFormat(f, utc(2026, 12, 2, 17, 43, 16, 241388000), utc(2026, 12, 2, 17, 43, 16, 260417000)),
	}
	if finished {
		j.FinishDate = byFormat(f, utc(2026, 12, 2, 17, 43, 16, 244651000), utc(2026, 12, 2, 17, 43, 16, 262157000))
		j.InsertedContacts, j.TotalContacts = 2, 2
	}
	return j
}

var captureCases = []captureCase{
	{"GET-contacts-contactId", "GET", "contacts/Y2FwdHVyZQ==",
		func(ctx context.Context, c *which50.Client) (any, error) { return c.Contacts.Get(ctx, "Y2FwdHVyZQ==") },
		func(f which50.Format) any { c := captureContact(f); return &c }},
	{"GET-contacts-contactId-communications", "GET", "contacts/Y2FwdHVyZQ==/communications",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return c.Contacts.Communications(ctx, "Y2FwdHVyZQ==")
		},
		func(which50.Format) any {
			return []which50.ContactInteraction{
				{ID: 9101, Interaction: which50.InteractionEmail, Name: "Capture newsletter", Occurred: zoned(2025, 1, 2, 10, 0, 0, 123456700, 600), Status: "Opened", CampaignID: 9301, CampaignName: "Capture journey"},
				{ID: 9102, Interaction: which50.InteractionSMS, Occurred: zoned(2025, 1, 3, 9, 0, 0, 0, -300)},
			}
		}},
	{"GET-contacts-contactId-journeyactivities-journeyId", "GET", "contacts/Y2FwdHVyZQ==/journeyactivities/9301",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return c.Contacts.JourneyActivities(ctx, "Y2FwdHVyZQ==", 9301)
		},
		func(which50.Format) any {
			return []which50.ContactInteraction{{ID: 9103, Interaction: which50.InteractionEmail, Name: "Capture welcome", Occurred: zoned(2025, 1, 2, 10, 0, 0, 0, 60), Status: "Delivered", CampaignID: 9301, CampaignName: "Capture journey"}}
		}},
	{"GET-contacts-contactId-emails", "GET", "contacts/Y2FwdHVyZQ==/emails",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return c.Contacts.Emails(ctx, "Y2FwdHVyZQ==")
		},
		func(which50.Format) any {
			return []which50.ContactEmail{{ID: 9201, Name: "Capture newsletter", Date: zoned(2025, 1, 2, 10, 0, 0, 123456700, 600), Delivered: 1, Open: 1}}
		}},
	{"GET-contacts-contactId-textmessages", "GET", "contacts/Y2FwdHVyZQ==/textmessages",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return c.Contacts.TextMessages(ctx, "Y2FwdHVyZQ==")
		},
		func(which50.Format) any {
			return []which50.ContactTextMessage{{ID: 9202, Name: "Capture reminder", Date: zoned(2025, 1, 3, 9, 0, 0, 0, -300), Delivered: 1}, {ID: 9203}}
		}},
	{"GET-contacts-contactId-landingpages", "GET", "contacts/Y2FwdHVyZQ==/landingpages",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return c.Contacts.LandingPages(ctx, "Y2FwdHVyZQ==")
		},
		func(which50.Format) any {
			return []which50.ContactLandingPage{{ID: 9204, Name: "Capture page", Date: zoned(2025, 1, 4, 12, 30, 0, 0, 570), Link: 1}}
		}},
	{"GET-contacts-contactId-webforms", "GET", "contacts/Y2FwdHVyZQ==/webforms",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return c.Contacts.WebForms(ctx, "Y2FwdHVyZQ==")
		},
		func(which50.Format) any {
			return []which50.ContactWebForm{{ID: 9205, LandingPageID: 9204, Name: "Capture form", Date: zoned(2025, 1, 4, 12, 31, 0, 0, 570), Submitted: 1}}
		}},
	{"GET-contactLists", "GET", "contactLists",
		func(ctx context.Context, c *which50.Client) (any, error) { return c.ContactLists.List(ctx) },
		func(which50.Format) any {
			return []which50.ContactList{{1001, "Members", 1234}, {1002, "Café Ünïcödé 日本 🎉", 0}, {1003, "Writes", 0}, {1004, "Imports", 0}, {9001, "Capture list", 3}}
		}},
	{"GET-contactLists-contactListId", "GET", "contactLists/9001",
		func(ctx context.Context, c *which50.Client) (any, error) { return c.ContactLists.Get(ctx, 9001) },
		func(which50.Format) any { return &which50.ContactList{ID: 9001, Name: "Capture list", Count: 3} }},
	{"GET-contactLists-contactListId-fields", "GET", "contactLists/9001/fields",
		func(ctx context.Context, c *which50.Client) (any, error) { return c.ContactLists.Fields(ctx, 9001) },
		func(which50.Format) any {
			return []which50.ContactSchemaField{
				{ID: 9011, Name: "Email", MapType: "Email", Position: 1, ContactSchemaFieldValues: []which50.ContactSchemaFieldValue{}},
				*planField(),
			}
		}},
	{"GET-contactLists-contactListId-fields-fieldId", "GET", "contactLists/9001/fields/9012",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return c.ContactLists.Field(ctx, 9001, 9012)
		},
		func(which50.Format) any { return planField() }},
	{"GET-contactLists-contactListId-import-importJobId.50", "GET", "contactLists/9001/import/{job}",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return c.ContactLists.ImportStatus(ctx, 9001, 5001)
		},
		func(f which50.Format) any { return importJob(f, "Processing", 50, false) }},
	{"GET-contactLists-contactListId-import-importJobId", "GET", "contactLists/9001/import/{job}",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return c.ContactLists.ImportStatus(ctx, 9001, 5001)
		},
		func(f which50.Format) any { return importJob(f, "Finished", 100, true) }},
	{"POST-contactLists-contactListId-import", "POST", "contactLists/9001/import",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return c.ContactLists.CreateImport(ctx, 9001, []string{"Email", "FirstName"})
		},
		func(f which50.Format) any {
			return &which50.ImportJob{ID: byFormat[int64](f, 5002, 5003), ContactListID: 9001, CurrentStatus: "Created"}
		}},
	{"POST-contactLists-contactListId-import-importJobId-run", "POST", "contactLists/9001/import/{job}/run",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return c.ContactLists.RunImport(ctx, 9001, 5001, nil)
		},
		func(f which50.Format) any { return importJob(f, "Running", 0, false) }},
	{"POST-contactLists-contactListId-contact", "POST", "contactLists/9001/contact",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return c.ContactLists.UpsertContact(ctx, 9001, &which50.Contact{Values: map[string]any{"Email": "new@example.com"}}, &which50.WriteOptions{Match: []string{"Email"}})
		},
		func(f which50.Format) any { return upsertedContact(f, "Robin") }},
	{"POST-contactLists-contactListId-contact.update", "POST", "contactLists/9001/contact",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return c.ContactLists.UpsertContact(ctx, 9001, &which50.Contact{Values: map[string]any{"FirstName": "Robin B"}}, &which50.WriteOptions{Match: []string{"Email"}})
		},
		func(f which50.Format) any { return upsertedContact(f, "Robin B") }},
	{"PATCH-contactLists-contactListId-contact", "PATCH", "contactLists/9001/contact",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return nil, c.ContactLists.UpdateMatching(ctx, 9001, map[string]string{"Email": "new@example.com"}, map[string]any{"Plan": "Premium"}, nil)
		},
		func(which50.Format) any { return nil }},
	{"POST-contactLists-contactListId-import-importJobId", "POST", "contactLists/9001/import/{job}",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return nil, c.ContactLists.AddToImport(ctx, 9001, 5001, []which50.Contact{{Values: map[string]any{"Email": "imp1@example.com"}}})
		},
		func(which50.Format) any { return nil }},
	{"GET-journeys-journeyId", "GET", "journeys/9301",
		func(ctx context.Context, c *which50.Client) (any, error) { return c.Journeys.Get(ctx, 9301) },
		func(f which50.Format) any {
			return &which50.Journey{
				ID: 9301, Name: "Capture journey", AccountID: 9, ListID: 9001,
				StartDate: utc(2025, 1, 1, 9, 0, 0, 0), EndDate: utc(2025, 12, 31, 23, 0, 0, 0),
				CmLink: "https://cm.example.com/j/9301", Status: "Active", Reach: 3, Interactions: 7,
				ShowInAgentPortal: true, Tags: []string{"capture"},
				Emails: "1 email", TextMessages: int64(1), EDocuments: []any{"capture.pdf"}, Channels: "Email,SMS",
			}
		}},
	{"GET-journeys-journeyId-activities-activityId", "GET", "journeys/9301/activities/9401",
		func(ctx context.Context, c *which50.Client) (any, error) { return c.Journeys.Activity(ctx, 9301, 9401) },
		func(which50.Format) any {
			return &which50.JourneyActivity{
				ID: 9401, Name: "Capture send", CampaignID: 9301, CreatedDate: utc(2024, 12, 30, 8, 15, 0, 0), TargetAtRuntime: true,
				Target: which50.Target{ID: 9402, Name: "Capture target", ContactListID: 9001, ContactsCount: 1, ContactsCountEmail: 1, ContactsCountEmailWithDuplicates: 1},
			}
		}},
	{"GET-journeys-journeyId-contacts", "GET", "journeys/9301/contacts",
		func(ctx context.Context, c *which50.Client) (any, error) { return c.Journeys.Contacts(ctx, 9301) },
		func(f which50.Format) any { return []which50.Contact{captureContact(f)} }},
	{"GET-journeys-journeyId-activities-activityId-contacts", "GET", "journeys/9301/activities/9401/contacts",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return c.Journeys.ActivityContacts(ctx, 9301, 9401)
		},
		func(f which50.Format) any { return []which50.Contact{captureContact(f)} }},
	{"GET-journeys-journeyId-reports-emails-emailId-contacts-state", "GET", "journeys/9301/reports/emails/9601/contacts/Sent",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return c.Journeys.EmailReport(ctx, 9301, 9601, which50.EmailSent)
		},
		func(f which50.Format) any { return []which50.Contact{captureContact(f)} }},
	{"GET-journeys-journeyId-reports-landingpages-landingpageId-contacts-state", "GET", "journeys/9301/reports/landingpages/9701/contacts/TotalVisits",
		func(ctx context.Context, c *which50.Client) (any, error) {
			return c.Journeys.LandingPageReport(ctx, 9301, 9701, which50.LandingPageTotalVisits)
		},
		func(f which50.Format) any { return []which50.Contact{captureContact(f)} }},
}

func planField() *which50.ContactSchemaField {
	return &which50.ContactSchemaField{ID: 9012, Name: "Plan", DefaultValue: "Basic", MapType: "DropDown", Position: 2,
		ContactSchemaFieldValues: []which50.ContactSchemaFieldValue{{ID: 90121, Value: "Basic", Order: 1, InUse: true}, {ID: 90122, Value: "Premium", Order: 2}}}
}

// TestCaptures calls every endpoint against a server that answers with the
// captured body, in JSON and in XML, and compares the result with what the
// capture holds: the real shapes of every model decode, through the real
// request pipeline.
func TestCaptures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "captures", "*.json"))
	covered := map[string]bool{}
	for _, tc := range captureCases {
		covered[tc.file] = true
	}
	for _, f := range files {
		if name := strings.TrimSuffix(filepath.Base(f), ".json"); !covered[name] && !strings.HasPrefix(name, "GET-contacts-contactId-campaignactivities") {
			t.Errorf("capture %s has no test case", name)
		}
	}
	for _, tc := range captureCases {
		for _, format := range []which50.Format{which50.FormatJSON, which50.FormatXML} {
			t.Run(tc.file+"."+format.String(), func(t *testing.T) {
				body, err := os.ReadFile(filepath.Join("testdata", "captures", tc.file+"."+format.String()))
				if err != nil {
					t.Fatal(err)
				}
				c, mux := setup(t, which50.WithFormat(format))
				pattern := tc.method + " /" + tc.path
				var gotQuery string
				var gotBody []byte
				mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
					gotQuery = r.URL.RawQuery
					gotBody, _ = io.ReadAll(r.Body)
					if len(body) > 0 {
						w.Header().Set("Content-Type", "application/"+format.String()+"; charset=utf-8")
					}
					w.Write(body)
				})
				got, err := tc.call(context.Background(), c)
				if err != nil {
					t.Fatalf("call: %v", err)
				}
				if diff := cmp.Diff(tc.want(format), got); got != nil && diff != "" {
					t.Errorf("decoded %s (-want +got):\n%s", tc.file, diff)
				}
				if tc.method != "GET" {
					checkWriteRequest(t, tc, gotQuery, gotBody)
				}
			})
		}
	}
}

// checkWriteRequest checks the query and the JSON body a write sent.
func checkWriteRequest(t *testing.T, tc captureCase, query string, body []byte) {
	t.Helper()
	wantQuery := map[string]string{
		"POST-contactLists-contactListId-contact":        "match=Email",
		"POST-contactLists-contactListId-contact.update": "match=Email",
		"PATCH-contactLists-contactListId-contact":       "Email=new%40example.com&match=Email",
	}[tc.file]
	if query != wantQuery {
		t.Errorf("query = %q, want %q", query, wantQuery)
	}
	if strings.HasSuffix(tc.path, "/run") {
		if len(body) != 0 {
			t.Errorf("run sent a body: %s", body)
		}
		return
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Errorf("request body is not JSON: %v: %q", err, body)
	}
	if slices.Contains([]string{"POST-contactLists-contactListId-import"}, tc.file) && string(body) != `{"FieldNames":["Email","FirstName"]}` {
		t.Errorf("body = %s", body)
	}
}
