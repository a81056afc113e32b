package which50_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/which50test"
)

// fakeClient starts a which50test server and a client for it.
func fakeClient(t *testing.T, opts ...which50.Option) (*which50test.Server, *which50.Client) {
	t.Helper()
	srv := which50test.NewServer()
	t.Cleanup(srv.Close)
	c, err := which50.NewClient(append([]which50.Option{
		which50.WithBaseURL(srv.URL),
		which50.WithRetryWait(time.Millisecond, 5*time.Millisecond),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

var bothFormats = []which50.Format{which50.FormatJSON, which50.FormatXML}

// TestEveryReadAgainstTheFake sets data in which50test and reads it back
// through every read method, in JSON and XML: what the fake stores is what
// the SDK returns.
func TestEveryReadAgainstTheFake(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 3, 4, 5, 6, 7, 800000000, time.FixedZone("", 600*60))
	day := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	fields := []which50.ContactSchemaField{
		{ID: 11, Name: "Email", MapType: "Email", Position: 1, ContactSchemaFieldValues: []which50.ContactSchemaFieldValue{}},
		{ID: 12, Name: "Plan", DefaultValue: "Basic", MapType: "DropDown", Position: 2, ContactSchemaFieldValues: []which50.ContactSchemaFieldValue{
			{ID: 121, Value: "Basic", Order: 1, InUse: true}, {ID: 122, Value: "Premium", Order: 2}}},
	}
	contact := which50.Contact{
		ValidationWarnings: []string{"Mobile is missing"}, EncContactID: "a/b+c=", ID: 77, ListID: 5,
		Values: map[string]any{"Email": "ada@example.com", "Plan": "Premium", "Age": int64(36), "Score": 2.5, "VIP": true, "Nick": nil},
	}
	other := which50.Contact{EncContactID: "zz", ID: 78, ListID: 5, Values: map[string]any{"Email": "zoe@example.com"}}
	journey := which50.Journey{ID: 9, Name: "Welcome", AccountID: 3, ListID: 5, StartDate: day, EndDate: day.AddDate(0, 6, 0),
		CmLink: "https://cm.example.com/j/9", Status: "Active", Reach: 2, Interactions: 4, ShowInAgentPortal: true,
		Tags: []string{"onboarding", "2025"}, Emails: "2 emails", TextMessages: int64(1), EDocuments: []any{"terms.pdf"}, Channels: "Email,SMS"}
	activity := which50.JourneyActivity{ID: 91, Name: "Send welcome", CampaignID: 9, CreatedDate: day, TargetAtRuntime: true,
		Target: which50.Target{ID: 92, Name: "Everyone", ContactListID: 5, ContactsCount: 2, ContactsCountEmail: 2, ContactsCountEmailWithDuplicates: 2}}
	interactions := []which50.ContactInteraction{{ID: 1, Interaction: which50.InteractionEmail, Name: "Welcome", Occurred: at, Status: "Opened", CampaignID: 9, CampaignName: "Welcome"}}
	emails := []which50.ContactEmail{{ID: 2, Name: "Welcome", Date: at, Delivered: 1, Open: 1, Read: 1, Link: 1}}
	texts := []which50.ContactTextMessage{{ID: 3, Name: "Reminder", Date: at, Delivered: 1}}
	pages := []which50.ContactLandingPage{{ID: 4, Name: "Offer", Date: at, Link: 1, Submission: 1}}
	forms := []which50.ContactWebForm{{ID: 5, LandingPageID: 4, Name: "Sign up", Date: at, Submitted: 1}}

	srv, _ := fakeClient(t)
	srv.SetContactList(which50.ContactList{ID: 5, Name: "Members"})
	srv.SetFields(5, fields)
	srv.SetContact(contact)
	srv.SetContact(other)
	srv.SetCommunications(contact.EncContactID, interactions)
	srv.SetJourneyActivities(contact.EncContactID, 9, interactions)
	srv.SetEmails(contact.EncContactID, emails)
	srv.SetTextMessages(contact.EncContactID, texts)
	srv.SetLandingPages(contact.EncContactID, pages)
	srv.SetWebForms(contact.EncContactID, forms)
	srv.SetJourney(journey)
	srv.SetActivity(9, activity)
	srv.SetJourneyContacts(9, []which50.Contact{contact, other})
	srv.SetActivityContacts(9, 91, []which50.Contact{other})
	srv.SetEmailReport(9, 2, which50.EmailOpened, []which50.Contact{contact})
	srv.SetLandingPageReport(9, 4, which50.LandingPageWebformSubmits, []which50.Contact{other})

	for _, format := range bothFormats {
		t.Run(format.String(), func(t *testing.T) {
			c, err := which50.NewClient(which50.WithBaseURL(srv.URL), which50.WithFormat(format))
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			// Contact.ID is only in XML answers.
			noID := func(cs ...which50.Contact) []which50.Contact {
				out := slices.Clone(cs)
				for i := range out {
					if format == which50.FormatJSON {
						out[i].ID = 0
					}
				}
				return out
			}
			check := func(name string, want, got any, err error) {
				t.Helper()
				if err != nil {
					t.Errorf("%s: %v", name, err)
					return
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", name, diff)
				}
			}
			id := contact.EncContactID
			got1, err := c.Contacts.Get(ctx, id)
			check("Contacts.Get", &noID(contact)[0], got1, err)
			got2, err := c.Contacts.Communications(ctx, id)
			check("Contacts.Communications", interactions, got2, err)
			got3, err := c.Contacts.JourneyActivities(ctx, id, 9)
			check("Contacts.JourneyActivities", interactions, got3, err)
			got4, err := c.Contacts.Emails(ctx, id)
			check("Contacts.Emails", emails, got4, err)
			got5, err := c.Contacts.TextMessages(ctx, id)
			check("Contacts.TextMessages", texts, got5, err)
			got6, err := c.Contacts.LandingPages(ctx, id)
			check("Contacts.LandingPages", pages, got6, err)
			got7, err := c.Contacts.WebForms(ctx, id)
			check("Contacts.WebForms", forms, got7, err)
			got8, err := c.ContactLists.List(ctx)
			check("ContactLists.List", []which50.ContactList{{ID: 5, Name: "Members", Count: 2}}, got8, err)
			got9, err := c.ContactLists.Get(ctx, 5)
			check("ContactLists.Get", &which50.ContactList{ID: 5, Name: "Members", Count: 2}, got9, err)
			got10, err := c.ContactLists.Fields(ctx, 5)
			check("ContactLists.Fields", fields, got10, err)
			got11, err := c.ContactLists.Field(ctx, 5, 12)
			check("ContactLists.Field", &fields[1], got11, err)
			got12, err := c.Journeys.Get(ctx, 9)
			check("Journeys.Get", &journey, got12, err)
			got13, err := c.Journeys.Contacts(ctx, 9)
			check("Journeys.Contacts", noID(contact, other), got13, err)
			got14, err := c.Journeys.Activity(ctx, 9, 91)
			check("Journeys.Activity", &activity, got14, err)
			got15, err := c.Journeys.ActivityContacts(ctx, 9, 91)
			check("Journeys.ActivityContacts", noID(other), got15, err)
			got16, err := c.Journeys.EmailReport(ctx, 9, 2, which50.EmailOpened)
			check("Journeys.EmailReport", noID(contact), got16, err)
			got17, err := c.Journeys.LandingPageReport(ctx, 9, 4, which50.LandingPageWebformSubmits)
			check("Journeys.LandingPageReport", noID(other), got17, err)
			check("Journeys.ContactsSeq", noID(contact, other), collectSeq(t, c.Journeys.ContactsSeq(ctx, 9)), nil)
			check("Journeys.ActivityContactsSeq", noID(other), collectSeq(t, c.Journeys.ActivityContactsSeq(ctx, 9, 91)), nil)
			check("Contacts.JourneyActivitiesSeq", interactions, collectSeq(t, c.Contacts.JourneyActivitiesSeq(ctx, id, 9)), nil)
			check("Journeys.EmailReportSeq", noID(contact), collectSeq(t, c.Journeys.EmailReportSeq(ctx, 9, 2, which50.EmailOpened)), nil)
			check("Journeys.LandingPageReportSeq", noID(other), collectSeq(t, c.Journeys.LandingPageReportSeq(ctx, 9, 4, which50.LandingPageWebformSubmits)), nil)

			// What the fake does not know is a typed error.
			if _, err := c.Journeys.EmailReport(ctx, 9, 2, "Forwarded"); !errors.Is(err, which50.ErrBadRequest) {
				t.Errorf("unknown report state: %v, want ErrBadRequest", err)
			}
			if _, err := c.Journeys.Get(ctx, 404); !errors.Is(err, which50.ErrNotFound) {
				t.Errorf("unknown journey: %v, want ErrNotFound", err)
			}
			if _, err := c.ContactLists.Field(ctx, 5, 404); !errors.Is(err, which50.ErrNotFound) {
				t.Errorf("unknown field: %v, want ErrNotFound", err)
			}
		})
	}
}

func collectSeq[T any](t *testing.T, seq func(func(T, error) bool)) []T {
	t.Helper()
	out := []T{}
	for v, err := range seq {
		if err != nil {
			t.Errorf("sequence: %v", err)
			return out
		}
		out = append(out, v)
	}
	return out
}

// TestWritesAgainstTheFake upserts, updates by match and imports through
// the fake, in JSON and XML, and reads the list back.
func TestWritesAgainstTheFake(t *testing.T) {
	t.Parallel()
	for _, format := range bothFormats {
		t.Run(format.String(), func(t *testing.T) {
			t.Parallel()
			srv, c := fakeClient(t, which50.WithFormat(format))
			srv.SetContactList(which50.ContactList{ID: 5, Name: "Members"})
			srv.SetImportStep(40)
			ctx := context.Background()
			match := &which50.WriteOptions{Match: []string{"Email"}}

			created, err := c.ContactLists.UpsertContact(ctx, 5, &which50.Contact{Values: map[string]any{"Email": "ada@example.com", "Plan": "Basic"}}, match)
			if err != nil {
				t.Fatal(err)
			}
			if created == nil || created.EncContactID == "" || created.ListID != 5 || created.Values["Plan"] != "Basic" {
				t.Fatalf("created = %+v", created)
			}
			updated, err := c.ContactLists.UpsertContact(ctx, 5, &which50.Contact{Values: map[string]any{"Email": "ada@example.com", "Plan": "Premium"}}, match)
			if err != nil {
				t.Fatal(err)
			}
			if updated.EncContactID != created.EncContactID || updated.Values["Plan"] != "Premium" {
				t.Errorf("update by match gave %+v, want the same contact with Plan Premium", updated)
			}
			if err := c.ContactLists.UpdateMatching(ctx, 5, map[string]string{"Email": "ada@example.com"}, map[string]any{"City": "Zürich"}, nil); err != nil {
				t.Fatal(err)
			}
			got, err := c.Contacts.Get(ctx, created.EncContactID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Values["City"] != "Zürich" || got.Values["Plan"] != "Premium" {
				t.Errorf("after PATCH: %v", got.Values)
			}

			// Import 25 contacts in batches of 10, one of them already in the list.
			contacts := func(yield func(which50.Contact) bool) {
				for i := range 25 {
					email := "imp" + string(rune('a'+i)) + "@example.com"
					if i == 0 {
						email = "ada@example.com"
					}
					if !yield(which50.Contact{Values: map[string]any{"Email": email, "Plan": "Trial"}}) {
						return
					}
				}
			}
			var progress []which50.ImportProgress
			job, err := c.ContactLists.Import(ctx, 5, []string{"Email", "Plan"}, contacts, &which50.ImportOptions{
				WriteOptions: *match, BatchSize: 10, PollInterval: time.Millisecond,
				Progress: func(p which50.ImportProgress) { progress = append(progress, p) },
			})
			if err != nil {
				t.Fatal(err)
			}
			if !job.Finished() || job.InsertedContacts != 24 || job.UpdatedContacts != 1 || job.TotalContacts != 25 || job.CurrentStatus != "Finished" {
				t.Errorf("job = %+v", job)
			}
			var batches []int
			for _, p := range progress {
				if p.Job == nil {
					batches = append(batches, p.Added)
				}
			}
			if !slices.Equal(batches, []int{10, 20, 25}) {
				t.Errorf("progress after batches: %v, want 10, 20, 25", batches)
			}
			last := progress[len(progress)-1]
			if last.Batches != 3 || last.Added != 25 || !last.Job.Finished() {
				t.Errorf("last progress = %+v", last)
			}
			// Run, then polls at 40, 80, 100 percent.
			if n := len(progress); n != 3+1+3 {
				t.Errorf("%d progress reports, want 7", n)
			}
			if list := srv.ListContacts(5); len(list) != 25 {
				t.Errorf("list holds %d contacts, want 25", len(list))
			}
		})
	}
}
