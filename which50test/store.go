package which50test

import (
	"cmp"
	"encoding/base64"
	"slices"
	"strconv"
	"time"

	"github.com/which50-go/which50"
)

// Ids the fake gives what it creates, as the captured service did: new
// contacts count from 90001 and import jobs from 5001, both always above
// any id already set.
const (
	firstContactID = 90001
	firstJobID     = 5001
)

// defaultImportStep is how many percent each status poll advances a
// running import job.
const defaultImportStep = 50

// state is everything the fake serves besides communications; Server.mu
// guards it.
type state struct {
	people           map[string]*person
	lists            map[int64]*contactList
	journeys         map[int64]*journeyRecord
	activities       map[[2]int64]which50.JourneyActivity
	journeyContacts  map[int64][]*storedContact
	activityContacts map[[2]int64][]*storedContact
	emailReports     map[[2]int64]map[string][]*storedContact
	pageReports      map[[2]int64]map[string][]*storedContact
	jobs             map[[2]int64]*importJob
	nextContactID    int64
	nextJobID        int64
	importStep       int64
	now              func() time.Time
}

func newState() state {
	return state{
		people:           make(map[string]*person),
		lists:            make(map[int64]*contactList),
		journeys:         make(map[int64]*journeyRecord),
		activities:       make(map[[2]int64]which50.JourneyActivity),
		journeyContacts:  make(map[int64][]*storedContact),
		activityContacts: make(map[[2]int64][]*storedContact),
		emailReports:     make(map[[2]int64]map[string][]*storedContact),
		pageReports:      make(map[[2]int64]map[string][]*storedContact),
		jobs:             make(map[[2]int64]*importJob),
		nextContactID:    firstContactID,
		nextJobID:        firstJobID,
		importStep:       defaultImportStep,
		now:              time.Now,
	}
}

// person is what the fake knows of one contact id.
type person struct {
	contact *storedContact // nil when only its history was set
	emails  []which50.ContactEmail
	texts   []which50.ContactTextMessage
	pages   []which50.ContactLandingPage
	forms   []which50.ContactWebForm
	journey map[int64][]which50.ContactInteraction
}

// contactList is a list, its fields and the contacts the fake holds in it.
type contactList struct {
	list     which50.ContactList
	declared bool     // set with SetContactList: only such lists are served
	extra    int64    // contacts counted but not held: Count minus len(members) when set
	members  []string // EncContactIds, oldest first
	fields   []which50.ContactSchemaField
}

func (l *contactList) snapshot() which50.ContactList {
	out := l.list
	out.Count = l.extra + int64(len(l.members))
	return out
}

// importJob is an import job and the contacts added to it.
type importJob struct {
	job      which50.ImportJob
	contacts []*storedContact // added, applied when the job finishes
	match    []string         // the run's match fields
}

func (st *state) person(id string) *person {
	p := st.people[id]
	if p == nil {
		p = &person{}
		st.people[id] = p
	}
	return p
}

// encContactID makes an encrypted id for a new contact, shaped like the
// service's: base64 text that ends in '/', so it needs escaping in a path.
func encContactID(listID, id int64) string {
	return base64.StdEncoding.EncodeToString([]byte("w50:" + strconv.FormatInt(listID, 10) + ":" + strconv.FormatInt(id, 10) + "?"))
}

// orderedValues converts a Go map to values in the order of the list's
// fields (by Position, then as set), then the other keys sorted, so that
// the same contact always gives the same bytes.
func (st *state) orderedValues(listID int64, m map[string]any) values {
	if m == nil {
		return nil
	}
	vs := make(values, 0, len(m))
	if l := st.lists[listID]; l != nil {
		byPosition := func(a, b which50.ContactSchemaField) int { return cmp.Compare(a.Position, b.Position) }
		fields := l.fields
		if !slices.IsSortedFunc(fields, byPosition) {
			fields = slices.Clone(fields)
			slices.SortStableFunc(fields, byPosition)
		}
		for _, f := range fields {
			if v, ok := m[f.Name]; ok && vs.index(f.Name) < 0 {
				vs = append(vs, field{f.Name, fromGo(v)})
			}
		}
	}
	rest := make([]string, 0, len(m))
	for k := range m {
		if vs.index(k) < 0 {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		vs = append(vs, field{k, fromGo(m[k])})
	}
	return vs
}

// store converts c, giving it an id and an encrypted id when it has none.
func (st *state) store(c which50.Contact) *storedContact {
	sc := &storedContact{
		enc:      c.EncContactID,
		id:       c.ID,
		listID:   c.ListID,
		warnings: cloneStrings(c.ValidationWarnings),
		values:   st.orderedValues(c.ListID, c.Values),
	}
	if sc.id == 0 {
		sc.id = st.newContactID()
	} else if sc.id >= st.nextContactID {
		st.nextContactID = sc.id + 1
	}
	if sc.enc == "" {
		sc.enc = encContactID(sc.listID, sc.id)
	}
	return sc
}

func (st *state) newContactID() int64 {
	id := st.nextContactID
	st.nextContactID++
	return id
}

func (st *state) storeAll(cs []which50.Contact) []*storedContact {
	out := make([]*storedContact, len(cs))
	for i, c := range cs {
		out[i] = st.store(c)
	}
	return out
}

// put holds sc as the contact of its EncContactId, moving it into its list.
func (st *state) put(sc *storedContact) {
	p := st.person(sc.enc)
	if old := p.contact; old != nil && old.listID != sc.listID {
		st.leave(old)
	}
	if p.contact == nil || p.contact.listID != sc.listID {
		if l := st.listFor(sc.listID); !slices.Contains(l.members, sc.enc) {
			l.members = append(l.members, sc.enc)
		}
	}
	p.contact = sc
}

// leave takes sc out of its list's members.
func (st *state) leave(sc *storedContact) {
	if l := st.lists[sc.listID]; l != nil {
		if i := slices.Index(l.members, sc.enc); i >= 0 {
			l.members = slices.Delete(l.members, i, i+1)
		}
	}
}

// listFor returns the list id, creating an unnamed one to hold contacts
// set before their list.
func (st *state) listFor(id int64) *contactList {
	l := st.lists[id]
	if l == nil {
		l = &contactList{list: which50.ContactList{ID: id}}
		st.lists[id] = l
	}
	return l
}

// SetContact stores c under its EncContactID, replacing any contact of that
// id, and adds it to the list of its ListID, whose Count grows by one when
// the contact is new to it. A contact with no ID is given a new one, and one
// with no EncContactID an encrypted id made from its list and id. Values
// are written in the order of the list's fields (set them first with
// SetFields), then the other keys sorted; integers are written as the
// service writes a .NET int (i:type int) when they fit in 32 bits, else as
// a long. The server keeps its own copy of c.
func (s *Server) SetContact(c which50.Contact) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.st.people[c.EncContactID]; c.ID == 0 && c.EncContactID != "" && p != nil && p.contact != nil {
		c.ID = p.contact.id // a replaced contact keeps its id
	}
	s.st.put(s.st.store(c))
}

// Contact returns the contact stored under encContactID and true, or false
// when there is none. Whole numbers come back as int64, as the SDK decodes
// them.
func (s *Server) Contact(encContactID string) (which50.Contact, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.people[encContactID]
	if p == nil || p.contact == nil {
		return which50.Contact{}, false
	}
	return p.contact.export(), true
}

// ListContacts returns the contacts the server holds in list listID, in
// the order they were added, or nil.
func (s *Server) ListContacts(listID int64) []which50.Contact {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.st.lists[listID]
	if l == nil {
		return nil
	}
	out := make([]which50.Contact, 0, len(l.members))
	for _, enc := range l.members {
		out = append(out, s.st.people[enc].contact.export())
	}
	return out
}

// SetContactList stores list l, replacing any list of its ID (its fields
// and contacts stay). l.Count is the count the list answers with now; each
// contact later added to the list through the server (SetContact, an
// upsert, an import) adds one to it, and DeleteContact takes one off.
func (s *Server) SetContactList(l which50.ContactList) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cl := s.st.listFor(l.ID)
	cl.list = l
	cl.declared = true
	cl.extra = l.Count - int64(len(cl.members))
}

// SetFields sets the fields of list listID, in the order given, replacing
// any earlier ones. The server keeps its own copy. Like every route of a
// list, the fields are served once the list is set with SetContactList.
func (s *Server) SetFields(listID int64, fields []which50.ContactSchemaField) {
	cp := make([]which50.ContactSchemaField, len(fields))
	for i, f := range fields {
		f.ContactSchemaFieldValues = slices.Clone(f.ContactSchemaFieldValues)
		cp[i] = f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.listFor(listID).fields = cp
}

// SetJourney stores journey j, replacing any journey of its ID. Its
// untyped members (Emails, LandingPages, TextMessages, EDocuments) may
// hold a string, a whole number, a float64, a bool, a time.Time, a
// []string or a []any of those, or nil; in XML a whole number is an int or
// a long, and a list of strings an ArrayOfstring, as the service writes
// them.
func (s *Server) SetJourney(j which50.Journey) {
	r := &journeyRecord{
		Journey:      j,
		emails:       fromGo(j.Emails),
		landingPages: fromGo(j.LandingPages),
		textMessages: fromGo(j.TextMessages),
		eDocuments:   fromGo(j.EDocuments),
	}
	r.Tags = cloneStrings(j.Tags)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.journeys[j.ID] = r
}

// SetActivity stores activity a of journey journeyID, replacing any
// activity of its ID there.
func (s *Server) SetActivity(journeyID int64, a which50.JourneyActivity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.activities[[2]int64{journeyID, a.ID}] = a
}

// SetJourneyContacts sets the contacts GET journeys/{journeyID}/contacts
// answers with. Like every list of contacts below, they are a snapshot:
// they are not stored as contacts of their lists, and later changes to
// those do not show here.
func (s *Server) SetJourneyContacts(journeyID int64, contacts []which50.Contact) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.journeyContacts[journeyID] = s.st.storeAll(contacts)
}

// SetActivityContacts sets the contacts of activity activityID of journey
// journeyID.
func (s *Server) SetActivityContacts(journeyID, activityID int64, contacts []which50.Contact) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.activityContacts[[2]int64{journeyID, activityID}] = s.st.storeAll(contacts)
}

// SetEmailReport sets the contacts of the report of email emailID of
// journey journeyID in state. A report with at least one state set is
// known: its other valid states answer an empty list, and the server
// answers 404 for a report with none.
func (s *Server) SetEmailReport(journeyID, emailID int64, state which50.EmailState, contacts []which50.Contact) {
	s.mu.Lock()
	defer s.mu.Unlock()
	setReport(s.st.emailReports, [2]int64{journeyID, emailID}, string(state), s.st.storeAll(contacts))
}

// SetLandingPageReport sets the contacts of the report of landing page
// landingPageID of journey journeyID in state, like SetEmailReport.
func (s *Server) SetLandingPageReport(journeyID, landingPageID int64, state which50.LandingPageState, contacts []which50.Contact) {
	s.mu.Lock()
	defer s.mu.Unlock()
	setReport(s.st.pageReports, [2]int64{journeyID, landingPageID}, string(state), s.st.storeAll(contacts))
}

func setReport(reports map[[2]int64]map[string][]*storedContact, key [2]int64, state string, cs []*storedContact) {
	r := reports[key]
	if r == nil {
		r = make(map[string][]*storedContact)
		reports[key] = r
	}
	r[state] = cs
}

// SetEmails sets the emails of contactID, replacing earlier ones. Setting
// any history of a contact (emails, text messages, landing pages, web
// forms, journey activities) makes it known to the routes that list one:
// the others answer an empty list rather than 404.
func (s *Server) SetEmails(contactID string, emails []which50.ContactEmail) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.person(contactID).emails = append([]which50.ContactEmail{}, emails...)
}

// SetTextMessages sets the text messages of contactID, replacing earlier
// ones.
func (s *Server) SetTextMessages(contactID string, messages []which50.ContactTextMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.person(contactID).texts = append([]which50.ContactTextMessage{}, messages...)
}

// SetLandingPages sets the landing pages contactID visited, replacing
// earlier ones.
func (s *Server) SetLandingPages(contactID string, pages []which50.ContactLandingPage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.person(contactID).pages = append([]which50.ContactLandingPage{}, pages...)
}

// SetWebForms sets the web forms of contactID, replacing earlier ones.
func (s *Server) SetWebForms(contactID string, forms []which50.ContactWebForm) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.person(contactID).forms = append([]which50.ContactWebForm{}, forms...)
}

// SetJourneyActivities sets the interactions of contactID in journey
// journeyID, served by contacts/{contactID}/journeyactivities/{journeyID}
// (and its older spelling campaignactivities). A journey with none set
// answers an empty list.
func (s *Server) SetJourneyActivities(contactID string, journeyID int64, items []which50.ContactInteraction) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.person(contactID)
	if p.journey == nil {
		p.journey = make(map[int64][]which50.ContactInteraction)
	}
	p.journey[journeyID] = append([]which50.ContactInteraction{}, items...)
}

// ImportJob returns import job jobID of list listID and true, or false
// when there is none.
func (s *Server) ImportJob(listID, jobID int64) (which50.ImportJob, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.st.jobs[[2]int64{listID, jobID}]
	if j == nil {
		return which50.ImportJob{}, false
	}
	return j.job, true
}

// SetImportStep sets how many percent each status poll of a running
// import job advances it (50 by default, so a job finishes on its second
// poll); 100 finishes a job on its first poll. Values outside 1 to 100 are
// taken as the nearest of them.
func (s *Server) SetImportStep(percent int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.importStep = int64(min(max(percent, 1), 100))
}

// SetClock sets the clock the server dates import jobs by (time.Now by
// default), so that tests can expect exact dates. Dates are kept in UTC,
// as the service's DateTime.UtcNow.
func (s *Server) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.now = now
}
