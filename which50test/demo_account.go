package which50test

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/which50-go/which50"
)

// The demo account SeedDemo builds around its contacts' communications:
// the lists below, a journey for each campaign of the demo messages with
// an activity for each of its messages, and reports and histories derived
// from the interactions, so that every route agrees with the others.
const (
	demoMembersList = 1001 // holds the demo contacts
	demoFirstID     = 100001
	demoAccountID   = 50
)

// demoLists are the demo account's lists: the members, and empty lists to
// write and import into.
func demoLists() []which50.ContactList {
	return []which50.ContactList{
		{ID: demoMembersList, Name: "Members"},
		{ID: 1002, Name: "Café Ünïcödé 日本 🎉"},
		{ID: 1003, Name: "Writes"},
		{ID: 1004, Name: "Imports"},
	}
}

// demoFields is the schema of every demo list, with Plan a drop-down.
func demoFields(listID int64) []which50.ContactSchemaField {
	id := listID * 10
	return []which50.ContactSchemaField{
		{ID: id + 1, Name: "Email", MapType: "Email", Position: 1},
		{ID: id + 2, Name: "FirstName", MapType: "Text", Position: 2},
		{ID: id + 3, Name: "LastName", MapType: "Text", Position: 3},
		{ID: id + 4, Name: "Mobile", MapType: "Mobile", Position: 4},
		{ID: id + 5, Name: "Plan", DefaultValue: "Basic", MapType: "DropDown", Position: 5,
			ContactSchemaFieldValues: []which50.ContactSchemaFieldValue{
				{ID: id*10 + 51, Value: "Basic", Order: 1, InUse: true},
				{ID: id*10 + 52, Value: "Premium", Order: 2, InUse: true},
				{ID: id*10 + 53, Value: "Enterprise", Order: 3, InUse: true},
				{ID: id*10 + 54, Value: "Legacy", Order: 4},
			}},
		{ID: id + 6, Name: "Age", MapType: "Number", Position: 6},
		{ID: id + 7, Name: "Subscribed", MapType: "Boolean", Position: 7},
		{ID: id + 8, Name: "Joined", MapType: "Date", Position: 8},
	}
}

var (
	demoFirstNames = []string{"Olivia", "Jack", "Charlotte", "Noah", "Amelia", "William", "Isla", "Oliver", "Mia", "Leo", "Zoë", "Mateo", "Aroha", "Nguyễn", "Siobhán", "José"}
	demoLastNames  = []string{"Smith", "Nguyen", "Williams", "Brown", "Wilson", "Taylor", "O'Connor", "Müller", "Te Rangi", "García", "Kowalski", "Chen"}
	demoPlans      = []string{"Basic", "Basic", "Basic", "Premium", "Premium", "Enterprise"}
)

// demoContact is the i-th demo contact, of id: deterministic values, and
// a validation warning when it has no mobile number.
func demoContact(id string, i int) which50.Contact {
	h := fnv.New64a()
	h.Write([]byte(id))
	rng := rand.New(rand.NewPCG(uint64(i), h.Sum64()))
	first := demoFirstNames[rng.IntN(len(demoFirstNames))]
	last := demoLastNames[rng.IntN(len(demoLastNames))]
	local := strings.ToLower(strings.NewReplacer(" ", "", "'", "").Replace(first + "." + last))
	c := which50.Contact{
		EncContactID: id,
		ID:           demoFirstID + int64(i),
		ListID:       demoMembersList,
		Values: map[string]any{
			"Email":      fmt.Sprintf("%s%d@example.com", local, i),
			"FirstName":  first,
			"LastName":   last,
			"Plan":       demoPlans[rng.IntN(len(demoPlans))],
			"Age":        18 + rng.IntN(60),
			"Subscribed": rng.IntN(5) != 0,
			"Joined":     demoEpoch.AddDate(0, 0, -rng.IntN(5*365)).Truncate(24 * time.Hour),
		},
	}
	if rng.IntN(4) == 0 {
		c.ValidationWarnings = []string{"Mobile is missing"}
	} else {
		c.Values["Mobile"] = fmt.Sprintf("+614%08d", rng.IntN(100_000_000))
	}
	return c
}

// demoActivityID is the id of the activity (and of its email or landing
// page) that sends demo message m in its journey.
func demoActivityID(m int) int64 {
	return int64(demoMessages[m].campaignID)*100 + int64(m)
}

// demoMessageIndex returns the index of the demo message an interaction
// is, or -1.
func demoMessageIndex(it *which50.ContactInteraction) int {
	return slices.IndexFunc(demoMessages, func(m demoMessage) bool {
		return m.kind == it.Interaction && m.name == it.Name && m.campaignID == it.CampaignID
	})
}

// seedDemoAccount stores the demo account around contacts and their
// communications (comms[i] of contacts[i]).
func (s *Server) seedDemoAccount(contacts []which50.Contact, comms [][]which50.ContactInteraction) {
	for _, l := range demoLists() {
		s.SetContactList(l)
		s.SetFields(l.ID, demoFields(l.ID))
	}
	for _, c := range contacts {
		s.SetContact(c)
	}

	type journeyStats struct {
		members  []which50.Contact
		byMsg    map[int][]int // message -> contacts (indexes) that got it
		statuses map[int]map[int]string
		first    time.Time
	}
	journeys := map[int64]*journeyStats{}
	for i, items := range comms {
		id := contacts[i].EncContactID
		var (
			emails []which50.ContactEmail
			texts  []which50.ContactTextMessage
			pages  []which50.ContactLandingPage
			forms  []which50.ContactWebForm
			byJrn  = map[int64][]which50.ContactInteraction{}
		)
		for k := range items {
			it := &items[k]
			switch it.Interaction {
			case which50.InteractionEmail:
				opened := flag(it.Status == "Opened" || it.Status == "Clicked")
				emails = append(emails, which50.ContactEmail{ID: it.ID, Name: it.Name, Date: it.Occurred,
					Delivered: flag(it.Status != "Sent" && it.Status != "Bounced"), Open: opened, Read: opened,
					Link: flag(it.Status == "Clicked")})
			case which50.InteractionSMS:
				texts = append(texts, which50.ContactTextMessage{ID: it.ID, Name: it.Name, Date: it.Occurred,
					Delivered: flag(it.Status == "Delivered" || it.Status == "Replied")})
			case which50.InteractionLandingPage:
				pages = append(pages, which50.ContactLandingPage{ID: it.ID, Name: it.Name, Date: it.Occurred,
					Link: flag(it.Status == "Converted"), Submission: flag(it.Status == "Converted")})
			case which50.InteractionWebForm:
				forms = append(forms, which50.ContactWebForm{ID: it.ID, Name: it.Name, Date: it.Occurred,
					Submitted: flag(it.Status == "Submitted")})
			}
			if it.CampaignID == 0 {
				continue
			}
			byJrn[it.CampaignID] = append(byJrn[it.CampaignID], *it)
			js := journeys[it.CampaignID]
			if js == nil {
				js = &journeyStats{byMsg: map[int][]int{}, statuses: map[int]map[int]string{}}
				journeys[it.CampaignID] = js
			}
			if js.first.IsZero() || it.Occurred.Before(js.first) {
				js.first = it.Occurred
			}
			if m := demoMessageIndex(it); m >= 0 {
				if !slices.Contains(js.byMsg[m], i) {
					js.byMsg[m] = append(js.byMsg[m], i)
				}
				if js.statuses[m] == nil {
					js.statuses[m] = map[int]string{}
				}
				js.statuses[m][i] = it.Status
			}
		}
		s.SetEmails(id, emails)
		s.SetTextMessages(id, texts)
		s.SetLandingPages(id, pages)
		s.SetWebForms(id, forms)
		for jid, its := range byJrn {
			s.SetJourneyActivities(id, jid, its)
		}
		for jid := range byJrn {
			journeys[jid].members = append(journeys[jid].members, contacts[i])
		}
	}

	for m, msg := range demoMessages {
		jid := int64(msg.campaignID)
		if jid == 0 {
			continue
		}
		js := journeys[jid]
		if js == nil {
			js = &journeyStats{byMsg: map[int][]int{}, statuses: map[int]map[int]string{}}
			journeys[jid] = js
		}
		if !s.hasJourney(jid) {
			s.SetJourney(demoJourney(jid, msg.campaignName, js.first, js.members, comms))
			s.SetJourneyContacts(jid, js.members)
		}
		got := js.byMsg[m]
		pick := func(keep func(status string) bool) []which50.Contact {
			out := []which50.Contact{}
			for _, i := range got {
				if keep(js.statuses[m][i]) {
					out = append(out, contacts[i])
				}
			}
			return out
		}
		all := pick(func(string) bool { return true })
		aid := demoActivityID(m)
		withEmail, withMobile := 0, 0
		for _, c := range all {
			withEmail++
			if _, ok := c.Values["Mobile"]; ok {
				withMobile++
			}
		}
		created := js.first
		if created.IsZero() {
			created = demoEpoch
		}
		s.SetActivity(jid, which50.JourneyActivity{
			ID: aid, Name: msg.name, CampaignID: jid,
			CreatedDate:     created.UTC().AddDate(0, 0, -7).Truncate(time.Minute),
			TargetAtRuntime: m%2 == 0,
			Target: which50.Target{ID: aid*10 + 1, Name: msg.campaignName + " audience", ContactListID: demoMembersList,
				ContactsCount: int64(len(all)), ContactsCountEmail: int64(withEmail), ContactsCountSMS: int64(withMobile),
				ContactsCountEmailWithDuplicates: int64(withEmail), ContactsCountSMSWithDuplicates: int64(withMobile)},
		})
		s.SetActivityContacts(jid, aid, all)
		is := func(statuses ...string) func(string) bool {
			return func(st string) bool { return slices.Contains(statuses, st) }
		}
		switch msg.kind {
		case which50.InteractionEmail:
			for state, keep := range map[which50.EmailState]func(string) bool{
				which50.EmailSent:        func(string) bool { return true },
				which50.EmailDelivered:   is("Delivered", "Opened", "Clicked", "Unsubscribed"),
				which50.EmailOpened:      is("Opened", "Clicked"),
				which50.EmailRead:        is("Opened", "Clicked"),
				which50.EmailClicked:     is("Clicked"),
				which50.EmailBounced:     is("Bounced"),
				which50.EmailHardBounced: is("Bounced"),
			} {
				s.SetEmailReport(jid, aid, state, pick(keep))
			}
		case which50.InteractionLandingPage:
			for state, keep := range map[which50.LandingPageState]func(string) bool{
				which50.LandingPageTotalVisits:    func(string) bool { return true },
				which50.LandingPageKnownVisits:    func(string) bool { return true },
				which50.LandingPageTotalClicks:    is("Converted"),
				which50.LandingPageKnownClicks:    is("Converted"),
				which50.LandingPageTotalSubmits:   is("Converted"),
				which50.LandingPageWebformSubmits: is("Converted"),
			} {
				s.SetLandingPageReport(jid, aid, state, pick(keep))
			}
		}
	}
}

func (s *Server) hasJourney(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.journeys[id] != nil
}

// demoJourney is the journey of a demo campaign, its counts taken from
// the members' communications.
func demoJourney(id int64, name string, first time.Time, members []which50.Contact, comms [][]which50.ContactInteraction) which50.Journey {
	var emails, texts, pages int
	channels := map[which50.InteractionType]bool{}
	for _, m := range demoMessages {
		if int64(m.campaignID) != id {
			continue
		}
		channels[m.kind] = true
		switch m.kind {
		case which50.InteractionEmail:
			emails++
		case which50.InteractionSMS:
			texts++
		case which50.InteractionLandingPage:
			pages++
		}
	}
	var interactions int64
	for _, items := range comms {
		for k := range items {
			if items[k].CampaignID == id {
				interactions++
			}
		}
	}
	var chans []string
	for _, k := range []which50.InteractionType{which50.InteractionEmail, which50.InteractionSMS, which50.InteractionLandingPage, which50.InteractionWebForm} {
		if channels[k] {
			chans = append(chans, string(k))
		}
	}
	if first.IsZero() {
		first = demoEpoch.AddDate(0, -1, 0)
	}
	start := first.UTC().Truncate(24 * time.Hour)
	j := which50.Journey{
		ID: id, Name: name, AccountID: demoAccountID, ListID: demoMembersList,
		StartDate:    start,
		CmLink:       fmt.Sprintf("https://app.which50.com/journeys/%d", id),
		Status:       "Active",
		Reach:        int64(len(members)),
		Interactions: interactions,
		Unsubscribes: int64(len(members) / 25),
		Tags:         []string{strings.ToLower(strings.Fields(name)[0])},
		Emails:       emails,
		TextMessages: texts,
		Channels:     strings.Join(chans, ","),

		ShowInAgentPortal: id%2 == 0,
	}
	if pages > 0 {
		j.LandingPages = pages
	}
	if id == 1077 {
		j.EDocuments = []string{"roadshow-agenda.pdf", "venue-map.pdf"}
		j.Comment = "Invitations go out four weeks before each event."
	}
	if id == 1042 || id == 1051 {
		j.EndDate = start.AddDate(0, 1, 0)
		j.Status = "Finished"
	}
	return j
}

func flag(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
