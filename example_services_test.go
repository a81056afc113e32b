package which50_test

import (
	"context"
	"fmt"
	"log"
	"slices"
	"time"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/which50test"
)

// The examples of the Contacts, ContactLists and Journeys services each
// give a which50test server the data they read, so that their output is
// fixed.

// membersList gives srv list 7, "Members", with three fields.
func membersList(srv *which50test.Server) {
	srv.SetContactList(which50.ContactList{ID: 7, Name: "Members"})
	srv.SetFields(7, []which50.ContactSchemaField{
		{ID: 71, Name: "Email", MapType: "Email", Position: 1},
		{ID: 72, Name: "Company", MapType: "Text", Position: 2},
		{ID: 73, Name: "Plan", MapType: "DropDown", DefaultValue: "Basic", Position: 3,
			ContactSchemaFieldValues: []which50.ContactSchemaFieldValue{
				{ID: 731, Value: "Basic", Order: 1, InUse: true},
				{ID: 732, Value: "Premium", Order: 2, InUse: true},
				{ID: 733, Value: "Legacy", Order: 3},
			}},
	})
}

func ExampleContactsService_Get() {
	srv := which50test.NewServer()
	defer srv.Close()
	membersList(srv)
	srv.SetContact(which50.Contact{
		EncContactID: "Y2FzZXk/", ListID: 7,
		Values:             map[string]any{"Email": "casey@example.com", "Plan": "Premium", "Age": 34},
		ValidationWarnings: []string{"Mobile is missing"},
	})
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	c, err := client.Contacts.Get(context.Background(), "Y2FzZXk/")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("list:", c.ListID)
	// Values is keyed by the list's field names; JSON numbers that are
	// whole come as int64.
	fmt.Println("email:", c.Values["Email"])
	fmt.Println("plan:", c.Values["Plan"])
	fmt.Printf("age: %v (%T)\n", c.Values["Age"], c.Values["Age"])
	fmt.Println("warnings:", c.ValidationWarnings)
	// Output:
	// list: 7
	// email: casey@example.com
	// plan: Premium
	// age: 34 (int64)
	// warnings: [Mobile is missing]
}

func ExampleContactsService_Emails() {
	srv := which50test.NewServer()
	defer srv.Close()
	sydney := time.FixedZone("", 10*60*60)
	srv.SetEmails("Y2FzZXk/", []which50.ContactEmail{
		{ID: 901, Name: "Welcome to Which50", Date: time.Date(2026, 10, 1, 9, 0, 0, 0, sydney), Delivered: 1, Open: 1, Read: 1, Link: 1},
		{ID: 902, Name: "Getting started: 3 tips", Date: time.Date(2026, 10, 8, 9, 0, 0, 0, sydney), Delivered: 1},
	})
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	emails, err := client.Contacts.Emails(context.Background(), "Y2FzZXk/")
	if err != nil {
		log.Fatal(err)
	}
	// The flags are integers: 1 for yes, 0 for no.
	for _, e := range emails {
		fmt.Printf("%s  %-24s delivered=%d opened=%d clicked=%d\n", e.Date.Format(layout), e.Name, e.Delivered, e.Open, e.Link)
	}
	// Output:
	// 2026-10-01 09:00:00.000 +10:00  Welcome to Which50       delivered=1 opened=1 clicked=1
	// 2026-10-08 09:00:00.000 +10:00  Getting started: 3 tips  delivered=1 opened=0 clicked=0
}

func ExampleContactListsService_Fields() {
	srv := which50test.NewServer()
	defer srv.Close()
	membersList(srv)
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	fields, err := client.ContactLists.Fields(context.Background(), 7)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range fields {
		fmt.Printf("%d %-8s %s\n", f.Position, f.Name, f.MapType)
		// A drop-down lists the values it offers.
		for _, v := range f.ContactSchemaFieldValues {
			if v.InUse {
				fmt.Println("    ", v.Value)
			}
		}
	}
	// Output:
	// 1 Email    Email
	// 2 Company  Text
	// 3 Plan     DropDown
	//      Basic
	//      Premium
}

func ExampleContactListsService_UpsertContact() {
	srv := which50test.NewServer()
	defer srv.Close()
	membersList(srv)
	srv.SetContact(which50.Contact{EncContactID: "a", ListID: 7, Values: map[string]any{"Email": "ann@example.com", "Plan": "Basic"}})
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	byEmail := &which50.WriteOptions{Match: []string{"Email"}}

	// Ann is in the list: matched on Email, she is updated.
	ann, err := client.ContactLists.UpsertContact(ctx, 7, &which50.Contact{
		Values: map[string]any{"Email": "ann@example.com", "Plan": "Premium"},
	}, byEmail)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ann.EncContactID, ann.Values["Email"], ann.Values["Plan"])

	// Bob is not: he is created.
	bob, err := client.ContactLists.UpsertContact(ctx, 7, &which50.Contact{
		Values: map[string]any{"Email": "bob@example.com", "Plan": "Basic"},
	}, byEmail)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(bob.EncContactID != "", bob.Values["Email"], bob.Values["Plan"])

	list, err := client.ContactLists.Get(ctx, 7)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(list.Name, "holds", list.Count, "contacts")
	// Output:
	// a ann@example.com Premium
	// true bob@example.com Basic
	// Members holds 2 contacts
}

func ExampleContactListsService_UpdateMatching() {
	srv := which50test.NewServer()
	defer srv.Close()
	membersList(srv)
	for i, email := range []string{"ann@acme.example", "bob@acme.example", "cat@example.com"} {
		company := "Acme"
		if i == 2 {
			company = "Globex"
		}
		srv.SetContact(which50.Contact{EncContactID: fmt.Sprint("c", i), ListID: 7,
			Values: map[string]any{"Email": email, "Company": company, "Plan": "Basic"}})
	}
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Move everyone at Acme to Premium.
	err = client.ContactLists.UpdateMatching(ctx, 7, map[string]string{"Company": "Acme"}, map[string]any{"Plan": "Premium"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, id := range []string{"c0", "c1", "c2"} {
		c, err := client.Contacts.Get(ctx, id)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(c.Values["Email"], c.Values["Plan"])
	}
	// Output:
	// ann@acme.example Premium
	// bob@acme.example Premium
	// cat@example.com Basic
}

func ExampleContactListsService_Import() {
	srv := which50test.NewServer()
	defer srv.Close()
	membersList(srv)
	srv.SetContact(which50.Contact{EncContactID: "a", ListID: 7, Values: map[string]any{"Email": "ann@example.com", "Plan": "Basic"}})
	srv.SetClock(func() time.Time { return time.Date(2026, 12, 2, 17, 43, 16, 0, time.UTC) })
	srv.SetImportStep(50) // each status poll advances the job by half
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	// Any iter.Seq[Contact] will do: rows read from a file, a database
	// cursor... Import sends them in batches as it reads them.
	contacts := slices.Values([]which50.Contact{
		{Values: map[string]any{"Email": "ann@example.com", "Plan": "Premium"}},
		{Values: map[string]any{"Email": "bob@example.com", "Plan": "Basic"}},
		{Values: map[string]any{"Email": "cat@example.com", "Plan": "Basic"}},
	})
	job, err := client.ContactLists.Import(context.Background(), 7, []string{"Email", "Plan"}, contacts, &which50.ImportOptions{
		WriteOptions: which50.WriteOptions{Match: []string{"Email"}}, // update the contacts whose Email is known
		BatchSize:    2,
		PollInterval: time.Millisecond, // the real API takes seconds; the default is 2s
		Progress: func(p which50.ImportProgress) {
			if p.Job == nil {
				fmt.Printf("sent %d contacts in %d batches\n", p.Added, p.Batches)
			} else {
				fmt.Printf("job %d: %s %d%%\n", p.Job.ID, p.Job.CurrentStatus, p.Job.ProgressPercent)
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("inserted %d, updated %d, total %d, finished %s\n",
		job.InsertedContacts, job.UpdatedContacts, job.TotalContacts, job.FinishDate.Format(time.RFC3339))
	// Output:
	// sent 2 contacts in 1 batches
	// sent 3 contacts in 2 batches
	// job 5001: Running 0%
	// job 5001: Processing 50%
	// job 5001: Finished 100%
	// inserted 2, updated 1, total 3, finished 2026-12-02T17:43:16Z
}

func ExampleJourneysService_Get() {
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SetJourney(which50.Journey{
		ID: 1043, Name: "Customer Onboarding", ListID: 7, Status: "Active",
		StartDate: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
		Reach:     1250, Interactions: 4310, Unsubscribes: 12,
		Channels: "Email,WebForm", Tags: []string{"onboarding"},
		Emails: 2, // untyped in the API: here a count
	})
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	j, err := client.Journeys.Get(context.Background(), 1043)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s (%s) on list %d since %s\n", j.Name, j.Status, j.ListID, j.StartDate.Format(time.DateOnly))
	fmt.Printf("reach %d, interactions %d, unsubscribes %d\n", j.Reach, j.Interactions, j.Unsubscribes)
	fmt.Printf("channels %s, tags %v, emails %v (%T)\n", j.Channels, j.Tags, j.Emails, j.Emails)
	// Output:
	// Customer Onboarding (Active) on list 7 since 2026-09-01
	// reach 1250, interactions 4310, unsubscribes 12
	// channels Email,WebForm, tags [onboarding], emails 2 (int64)
}

func ExampleJourneysService_ContactsSeq() {
	srv := which50test.NewServer()
	defer srv.Close()
	// A journey of 10,000 contacts, one in four on the Premium plan.
	contacts := make([]which50.Contact, 10000)
	for i := range contacts {
		plan := "Basic"
		if i%4 == 0 {
			plan = "Premium"
		}
		contacts[i] = which50.Contact{EncContactID: fmt.Sprint("c", i), Values: map[string]any{"Plan": plan}}
	}
	srv.SetJourney(which50.Journey{ID: 1043, Name: "Customer Onboarding"})
	srv.SetJourneyContacts(1043, contacts)
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	// Count the contacts by plan, holding one contact at a time.
	byPlan := map[string]int{}
	for c, err := range client.Journeys.ContactsSeq(context.Background(), 1043) {
		if err != nil {
			log.Fatal(err)
		}
		byPlan[fmt.Sprint(c.Values["Plan"])]++
	}
	fmt.Println(byPlan)
	// Output:
	// map[Basic:7500 Premium:2500]
}

func ExampleJourneysService_EmailReport() {
	srv := which50test.NewServer()
	defer srv.Close()
	ann := which50.Contact{EncContactID: "a", Values: map[string]any{"Email": "ann@example.com"}}
	bob := which50.Contact{EncContactID: "b", Values: map[string]any{"Email": "bob@example.com"}}
	cat := which50.Contact{EncContactID: "c", Values: map[string]any{"Email": "cat@example.com"}}
	// The report of email 104300 of journey 1043.
	srv.SetEmailReport(1043, 104300, which50.EmailSent, []which50.Contact{ann, bob, cat})
	srv.SetEmailReport(1043, 104300, which50.EmailDelivered, []which50.Contact{ann, bob})
	srv.SetEmailReport(1043, 104300, which50.EmailOpened, []which50.Contact{ann, bob})
	srv.SetEmailReport(1043, 104300, which50.EmailClicked, []which50.Contact{bob})
	srv.SetEmailReport(1043, 104300, which50.EmailHardBounced, []which50.Contact{cat})
	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	for _, state := range []which50.EmailState{which50.EmailSent, which50.EmailOpened, which50.EmailClicked, which50.EmailSoftBounced, which50.EmailHardBounced} {
		contacts, err := client.Journeys.EmailReport(ctx, 1043, 104300, state)
		if err != nil {
			log.Fatal(err)
		}
		var emails []any
		for _, c := range contacts {
			emails = append(emails, c.Values["Email"])
		}
		fmt.Printf("%-11s %d %v\n", state, len(contacts), emails)
	}
	// Output:
	// Sent        3 [ann@example.com bob@example.com cat@example.com]
	// Opened      2 [ann@example.com bob@example.com]
	// Clicked     1 [bob@example.com]
	// SoftBounced 0 []
	// HardBounced 1 [cat@example.com]
}
