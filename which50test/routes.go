package which50test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/which50-go/which50"
)

// The texts of the service's HttpError bodies for the resources beyond
// contacts.
const (
	messageListNotFound     = "The specified Contact List was not found."
	messageFieldNotFound    = "The specified Field was not found."
	messageJourneyNotFound  = "The specified Journey was not found."
	messageActivityNotFound = "The specified Activity was not found."
	messageReportNotFound   = "The specified Report was not found."
	messageJobNotFound      = "The specified Import Job was not found."
	messageInvalidRequest   = "The request is invalid."
	messageBatchTooLarge    = "An import batch may hold at most 10000 contacts."
	messageJobNotCreated    = "The import job has already been run."
)

// maxBody bounds the request bodies the server reads: a full import batch
// of 10,000 contacts fits many times over.
const maxBody = 256 << 20

// call is one routed request.
type call struct {
	r         *http.Request
	f         format
	mediaType string
	params    []string // path parameters, unescaped, in order
	ids       []int64  // the integer parameters, in order
	body      []byte
}

func (c *call) ok(body []byte) response {
	return response{status: http.StatusOK, header: serviceHeader(c.mediaType), body: body}
}

func (c *call) fail(status int, message string) response {
	return httpError(status, c.f, c.mediaType, message)
}

// queryValue returns the query parameter name, matched case-insensitively
// as ASP.NET binds parameters.
func (c *call) queryValue(name string) (string, bool) {
	for k, v := range c.r.URL.Query() {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0], true
		}
	}
	return "", false
}

// queryList returns a comma-separated query parameter as its items.
func (c *call) queryList(name string) []string {
	v, _ := c.queryValue(name)
	var out []string
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

type handler func(s *Server, c *call) response

// route is one of the API's routes: literal segments (lower case) and
// parameters, "{s}" for a string and "{n}" for an integer, which must parse
// for the route to match, as with ASP.NET's {id:long} constraint.
type route struct {
	segs    []string
	methods map[string]handler
}

func newRoutes() []route {
	r := func(path string, methods map[string]handler) route {
		return route{strings.Split(path, "/"), methods}
	}
	get := func(h handler) map[string]handler { return map[string]handler{http.MethodGet: h} }
	post := func(h handler) map[string]handler { return map[string]handler{http.MethodPost: h} }
	return []route{
		r("contacts/{s}", get((*Server).getContact)),
		r("contacts/{s}/communications", get((*Server).getCommunications)),
		r("contacts/{s}/journeyactivities/{n}", get((*Server).getContactJourney)),
		r("contacts/{s}/campaignactivities/{n}", get((*Server).getContactJourney)),
		r("contacts/{s}/emails", get((*Server).getEmails)),
		r("contacts/{s}/textmessages", get((*Server).getTextMessages)),
		r("contacts/{s}/landingpages", get((*Server).getLandingPages)),
		r("contacts/{s}/webforms", get((*Server).getWebForms)),
		r("contactlists", get((*Server).getLists)),
		r("contactlists/{n}", get((*Server).getList)),
		r("contactlists/{n}/fields", get((*Server).getFields)),
		r("contactlists/{n}/fields/{n}", get((*Server).getField)),
		r("contactlists/{n}/contact", map[string]handler{
			http.MethodPost:  (*Server).upsertContact,
			http.MethodPatch: (*Server).updateMatching,
		}),
		r("contactlists/{n}/import", post((*Server).createImport)),
		r("contactlists/{n}/import/{n}", map[string]handler{
			http.MethodGet:  (*Server).pollImport,
			http.MethodPost: (*Server).addImportBatch,
		}),
		r("contactlists/{n}/import/{n}/run", post((*Server).runImport)),
		r("journeys/{n}", get((*Server).getJourney)),
		r("journeys/{n}/contacts", get((*Server).getJourneyContacts)),
		r("journeys/{n}/activities/{n}", get((*Server).getActivity)),
		r("journeys/{n}/activities/{n}/contacts", get((*Server).getActivityContacts)),
		r("journeys/{n}/reports/emails/{n}/contacts/{s}", get((*Server).getEmailReport)),
		r("journeys/{n}/reports/landingpages/{n}/contacts/{s}", get((*Server).getLandingPageReport)),
	}
}

// match finds the route of an escaped path (case-insensitively and with an
// optional trailing slash, as ASP.NET routes). It returns the route and its
// parameters, and whether the path is under BasePath at all.
func (s *Server) match(escapedPath string) (rt *route, params []string, ids []int64, underBase bool) {
	rest, ok := cutPrefixFold(escapedPath, BasePath)
	if !ok || rest != "" && rest[0] != '/' {
		return nil, nil, nil, false
	}
	rest = strings.TrimSuffix(strings.TrimPrefix(rest, "/"), "/")
	parts := strings.Split(rest, "/")
next:
	for i := range s.routes {
		r := &s.routes[i]
		if len(r.segs) != len(parts) {
			continue
		}
		params, ids = params[:0], ids[:0]
		for j, seg := range r.segs {
			switch seg {
			case "{s}", "{n}":
				v, err := url.PathUnescape(parts[j])
				if err != nil || v == "" {
					continue next
				}
				if seg == "{n}" {
					n, err := strconv.ParseInt(v, 10, 64)
					if err != nil {
						continue next
					}
					ids = append(ids, n)
				}
				params = append(params, v)
			default:
				if !strings.EqualFold(seg, parts[j]) {
					continue next
				}
			}
		}
		return r, params, ids, true
	}
	return nil, nil, nil, true
}

func (s *Server) getCommunications(c *call) response {
	id := c.params[0]
	s.mu.Lock()
	cc := s.contacts[id]
	known := s.st.people[id] != nil
	empty := s.empty
	s.mu.Unlock()
	switch {
	case cc != nil:
		return c.ok(cc.body(c.f, empty))
	case known:
		return c.ok(encodeBody(c.f, nil, empty))
	}
	return c.fail(http.StatusNotFound, messageContactNotFound)
}

// knownPerson returns what the server knows of contact id, or nil when it
// knows nothing of it; s.mu must be held.
func (s *Server) knownPerson(id string) *person {
	if p := s.st.people[id]; p != nil {
		return p
	}
	if s.contacts[id] != nil {
		return &person{}
	}
	return nil
}

func (s *Server) getContact(c *call) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.people[c.params[0]]
	if p == nil || p.contact == nil {
		return c.fail(http.StatusNotFound, messageContactNotFound)
	}
	return c.ok(encodeOne(c.f, contactModel(), &p.contact))
}

func (s *Server) getContactJourney(c *call) response {
	s.mu.Lock()
	p := s.knownPerson(c.params[0])
	empty := s.empty
	var items []which50.ContactInteraction
	if p != nil {
		items = p.journey[c.ids[0]]
	}
	s.mu.Unlock()
	if p == nil {
		return c.fail(http.StatusNotFound, messageContactNotFound)
	}
	return c.ok(encodeBody(c.f, items, empty))
}

// personList answers one of a contact's histories.
func personList[T any](s *Server, c *call, m model[T], pick func(*person) []T) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.knownPerson(c.params[0])
	if p == nil {
		return c.fail(http.StatusNotFound, messageContactNotFound)
	}
	return c.ok(encodeList(c.f, m, pick(p)))
}

func (s *Server) getEmails(c *call) response {
	return personList(s, c, emailModel(), func(p *person) []which50.ContactEmail { return p.emails })
}

func (s *Server) getTextMessages(c *call) response {
	return personList(s, c, textModel(), func(p *person) []which50.ContactTextMessage { return p.texts })
}

func (s *Server) getLandingPages(c *call) response {
	return personList(s, c, pageModel(), func(p *person) []which50.ContactLandingPage { return p.pages })
}

func (s *Server) getWebForms(c *call) response {
	return personList(s, c, formModel(), func(p *person) []which50.ContactWebForm { return p.forms })
}

// list returns list id when it was set with SetContactList; s.mu must be
// held.
func (s *Server) list(id int64) *contactList {
	if l := s.st.lists[id]; l != nil && l.declared {
		return l
	}
	return nil
}

func (s *Server) getLists(c *call) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []which50.ContactList
	for _, l := range s.st.lists {
		if l.declared {
			out = append(out, l.snapshot())
		}
	}
	slices.SortFunc(out, func(a, b which50.ContactList) int { return compareInt(a.ID, b.ID) })
	return c.ok(encodeList(c.f, listModel(), out))
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *Server) getList(c *call) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(c.ids[0])
	if l == nil {
		return c.fail(http.StatusNotFound, messageListNotFound)
	}
	snap := l.snapshot()
	return c.ok(encodeOne(c.f, listModel(), &snap))
}

func (s *Server) getFields(c *call) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(c.ids[0])
	if l == nil {
		return c.fail(http.StatusNotFound, messageListNotFound)
	}
	return c.ok(encodeList(c.f, fieldModel(), l.fields))
}

func (s *Server) getField(c *call) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(c.ids[0])
	if l == nil {
		return c.fail(http.StatusNotFound, messageListNotFound)
	}
	for i := range l.fields {
		if l.fields[i].ID == c.ids[1] {
			return c.ok(encodeOne(c.f, fieldModel(), &l.fields[i]))
		}
	}
	return c.fail(http.StatusNotFound, messageFieldNotFound)
}

// parseContactBody reads a Contact from a JSON request body: its Values,
// in the order sent, with member names matched case-insensitively as
// Json.NET binds them.
func parseContactBody(body []byte) (values, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil {
		return nil, err
	}
	if members == nil {
		return nil, errNullBody
	}
	for k, raw := range members {
		if strings.EqualFold(k, "Values") {
			return parseValuesObject(raw)
		}
	}
	return nil, nil
}

type bodyError string

func (e bodyError) Error() string { return string(e) }

const errNullBody = bodyError("which50test: the request body is null")

// lookupFold returns the value of key, matched case-insensitively as the
// service's SQL columns are.
func (vs values) lookupFold(key string) (any, bool) {
	for _, f := range vs {
		if strings.EqualFold(f.key, key) {
			return f.val, true
		}
	}
	return nil, false
}

// merge sets each of upd's values in vs, keeping the place (and spelling)
// of keys vs already holds.
func (vs values) merge(upd values) values {
	if vs == nil && upd != nil {
		vs = values{}
	}
	for _, f := range upd {
		replaced := false
		for i := range vs {
			if strings.EqualFold(vs[i].key, f.key) {
				vs[i].val = f.val
				replaced = true
				break
			}
		}
		if !replaced {
			vs = append(vs, f)
		}
	}
	return vs
}

// matches reports whether contact sc holds, for every field in match, the
// value want gives for it.
func matches(sc *storedContact, match []string, want func(string) (any, bool)) bool {
	for _, name := range match {
		w, ok := want(name)
		if !ok {
			return false
		}
		have, ok := sc.values.lookupFold(name)
		if !ok || !sameValue(have, w) {
			return false
		}
	}
	return len(match) > 0
}

// upsert writes vs to list l: it updates the first contact of the list
// that matches on the match fields, or creates a contact. It reports
// whether it created one. s.mu must be held.
func (s *Server) upsert(l *contactList, match []string, vs values) (sc *storedContact, created bool) {
	for _, enc := range l.members {
		old := s.st.people[enc].contact
		if matches(old, match, vs.lookupFold) {
			upd := old.clone()
			upd.values = upd.values.merge(vs)
			s.st.put(upd)
			return upd, false
		}
	}
	id := s.st.newContactID()
	sc = &storedContact{enc: encContactID(l.list.ID, id), id: id, listID: l.list.ID, values: vs.clone()}
	s.st.put(sc)
	return sc, true
}

func (s *Server) upsertContact(c *call) response {
	vs, err := parseContactBody(c.body)
	if err != nil {
		return c.fail(http.StatusBadRequest, messageInvalidRequest)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(c.ids[0])
	if l == nil {
		return c.fail(http.StatusNotFound, messageListNotFound)
	}
	sc, _ := s.upsert(l, c.queryList("match"), vs)
	return c.ok(encodeOne(c.f, contactModel(), &sc))
}

func (s *Server) updateMatching(c *call) response {
	vs, err := parseContactBody(c.body)
	match := c.queryList("match")
	if err != nil || len(match) == 0 {
		return c.fail(http.StatusBadRequest, messageInvalidRequest)
	}
	want := make(map[string]string, len(match))
	for _, name := range match {
		v, ok := c.queryValue(name)
		if !ok {
			return c.fail(http.StatusBadRequest, messageInvalidRequest)
		}
		want[name] = v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(c.ids[0])
	if l == nil {
		return c.fail(http.StatusNotFound, messageListNotFound)
	}
	var n int64
	for _, enc := range slices.Clone(l.members) {
		old := s.st.people[enc].contact
		if matches(old, match, func(name string) (any, bool) { v, ok := want[name]; return v, ok }) {
			upd := old.clone()
			upd.values = upd.values.merge(vs)
			s.st.put(upd)
			n++
		}
	}
	return c.ok(encodeCount(c.f, n))
}

func (s *Server) createImport(c *call) response {
	var req struct{ FieldNames []string }
	if err := json.Unmarshal(c.body, &req); err != nil || bytes.Equal(bytes.TrimSpace(c.body), []byte("null")) {
		return c.fail(http.StatusBadRequest, messageInvalidRequest)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(c.ids[0])
	if l == nil {
		return c.fail(http.StatusNotFound, messageListNotFound)
	}
	id := s.st.nextJobID
	s.st.nextJobID++
	j := &importJob{job: which50.ImportJob{ID: id, ContactListID: l.list.ID, CurrentStatus: "Created"}}
	s.st.jobs[[2]int64{l.list.ID, id}] = j
	return c.ok(encodeOne(c.f, jobModel(), &j.job))
}

// job returns import job ids[1] of list ids[0]; s.mu must be held.
func (s *Server) job(c *call) *importJob {
	if s.list(c.ids[0]) == nil {
		return nil
	}
	return s.st.jobs[[2]int64{c.ids[0], c.ids[1]}]
}

func (s *Server) addImportBatch(c *call) response {
	var raws []json.RawMessage
	if err := json.Unmarshal(c.body, &raws); err != nil {
		return c.fail(http.StatusBadRequest, messageInvalidRequest)
	}
	batch := make([]values, len(raws))
	for i, raw := range raws {
		vs, err := parseContactBody(raw)
		if err != nil {
			return c.fail(http.StatusBadRequest, messageInvalidRequest)
		}
		batch[i] = vs
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.job(c)
	switch {
	case j == nil:
		return c.fail(http.StatusNotFound, messageJobNotFound)
	case len(batch) > which50.MaxImportBatch:
		return c.fail(http.StatusBadRequest, messageBatchTooLarge)
	case j.job.CurrentStatus != "Created":
		return c.fail(http.StatusBadRequest, messageJobNotCreated)
	}
	for _, vs := range batch {
		j.contacts = append(j.contacts, &storedContact{values: vs})
	}
	// The service answers an empty 200, without a Content-Type.
	h := serviceHeader("")
	h.Del("Content-Type")
	return response{status: http.StatusOK, header: h}
}

func (s *Server) runImport(c *call) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.job(c)
	if j == nil {
		return c.fail(http.StatusNotFound, messageJobNotFound)
	}
	if j.job.CurrentStatus != "Created" {
		return c.fail(http.StatusBadRequest, messageJobNotCreated)
	}
	j.match = c.queryList("match")
	j.job.CurrentStatus = "Running"
	j.job.StartDate = s.st.now().UTC()
	return c.ok(encodeOne(c.f, jobModel(), &j.job))
}

// pollImport answers a job's status. Each poll of a running job advances
// it by the import step; the poll that reaches 100 percent applies the
// job's contacts to the list, as upserts on the run's match fields.
func (s *Server) pollImport(c *call) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.job(c)
	if j == nil {
		return c.fail(http.StatusNotFound, messageJobNotFound)
	}
	if st := j.job.CurrentStatus; st == "Running" || st == "Processing" {
		j.job.ProgressPercent = min(j.job.ProgressPercent+s.st.importStep, 100)
		j.job.CurrentStatus = "Processing"
		if j.job.ProgressPercent == 100 {
			l := s.st.lists[j.job.ContactListID]
			for _, sc := range j.contacts {
				if _, created := s.upsert(l, j.match, sc.values); created {
					j.job.InsertedContacts++
				} else {
					j.job.UpdatedContacts++
				}
			}
			j.contacts = nil
			j.job.TotalContacts = j.job.InsertedContacts + j.job.UpdatedContacts
			j.job.FinishDate = s.st.now().UTC()
			j.job.CurrentStatus = "Finished"
		}
	}
	return c.ok(encodeOne(c.f, jobModel(), &j.job))
}

func (s *Server) getJourney(c *call) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.st.journeys[c.ids[0]]
	if j == nil {
		return c.fail(http.StatusNotFound, messageJourneyNotFound)
	}
	return c.ok(encodeOne(c.f, journeyModel(), j))
}

func (s *Server) getJourneyContacts(c *call) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, ok := s.st.journeyContacts[c.ids[0]]
	if !ok && s.st.journeys[c.ids[0]] == nil {
		return c.fail(http.StatusNotFound, messageJourneyNotFound)
	}
	return c.ok(encodeList(c.f, contactModel(), cs))
}

func (s *Server) getActivity(c *call) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.st.activities[[2]int64{c.ids[0], c.ids[1]}]
	if !ok {
		return c.fail(http.StatusNotFound, messageActivityNotFound)
	}
	return c.ok(encodeOne(c.f, activityModel(), &a))
}

func (s *Server) getActivityContacts(c *call) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := [2]int64{c.ids[0], c.ids[1]}
	cs, ok := s.st.activityContacts[key]
	if _, known := s.st.activities[key]; !ok && !known {
		return c.fail(http.StatusNotFound, messageActivityNotFound)
	}
	return c.ok(encodeList(c.f, contactModel(), cs))
}

// report answers a report's contacts in a state, which is bound like an
// enum: case-insensitively, 400 when it is not one of states.
func (s *Server) report(c *call, reports map[[2]int64]map[string][]*storedContact, states []string) response {
	i := slices.IndexFunc(states, func(st string) bool { return strings.EqualFold(st, c.params[2]) })
	if i < 0 {
		return c.fail(http.StatusBadRequest, messageInvalidRequest)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := reports[[2]int64{c.ids[0], c.ids[1]}]
	if r == nil {
		return c.fail(http.StatusNotFound, messageReportNotFound)
	}
	return c.ok(encodeList(c.f, contactModel(), r[states[i]]))
}

func (s *Server) getEmailReport(c *call) response {
	return s.report(c, s.st.emailReports, []string{"Sent", "Delivered", "Read", "Opened", "Clicked", "Bounced", "SoftBounced", "HardBounced"})
}

func (s *Server) getLandingPageReport(c *call) response {
	return s.report(c, s.st.pageReports, []string{"TotalVisits", "KnownVisits", "TotalClicks", "KnownClicks", "TotalSubmits", "WebformSubmits", "LinkDetails"})
}
