package which50

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// ContactListsService reads contact lists and their fields, and writes
// contacts: one at a time (UpsertContact), every contact that matches
// (UpdateMatching), or in bulk through the API's import jobs (Import).
// Reach it through Client.ContactLists.
//
// Ids must be positive: otherwise the method returns an error without any
// request. Failures are typed as for ContactsService; an unknown list,
// field or import job is an *APIError matching ErrNotFound, a request the
// server rejects one matching ErrBadRequest.
//
// Writes are POST and PATCH requests with a JSON body, whatever format the
// answers are asked in. They are retried only when the request surely did
// not reach the server: the connection could not be made, or the server
// answered 429 or 503 with Retry-After before processing it. A write cut off
// after it was sent is never sent again, since the server may have applied
// it; the caller gets the error and decides.
type ContactListsService service

// List returns the account's contact lists.
//
// API: GET contactLists
func (s *ContactListsService) List(ctx context.Context, opts ...Option) ([]ContactList, error) {
	return listOf[ContactList](ctx, s.client, contactListModel, get(path("contactLists"), opts))
}

// Get returns one contact list.
//
// API: GET contactLists/{contactListId}
func (s *ContactListsService) Get(ctx context.Context, listID int64, opts ...Option) (*ContactList, error) {
	if err := checkID("contact list", listID); err != nil {
		return nil, err
	}
	return oneOf[ContactList](ctx, s.client, contactListModel, get(path("contactLists", listID), opts), false)
}

// Fields returns the fields (the schema) of a contact list: the names under
// which its contacts hold values in Contact.Values.
//
// API: GET contactLists/{contactListId}/fields
func (s *ContactListsService) Fields(ctx context.Context, listID int64, opts ...Option) ([]ContactSchemaField, error) {
	if err := checkID("contact list", listID); err != nil {
		return nil, err
	}
	return listOf[ContactSchemaField](ctx, s.client, fieldModel, get(path("contactLists", listID, "fields"), opts))
}

// Field returns one field of a contact list.
//
// API: GET contactLists/{contactListId}/fields/{fieldId}
func (s *ContactListsService) Field(ctx context.Context, listID, fieldID int64, opts ...Option) (*ContactSchemaField, error) {
	if err := checkIDs("contact list", listID, "field", fieldID); err != nil {
		return nil, err
	}
	return oneOf[ContactSchemaField](ctx, s.client, fieldModel, get(path("contactLists", listID, "fields", fieldID), opts), false)
}

// UpsertContact creates a contact in the list, or, when wo.Match names
// fields, updates the contact whose values for those fields equal c.Values'.
// It returns the contact as the server stored it, or nil when the answer
// carries none. c must not be nil; wo may be.
//
// API: POST contactLists/{contactListId}/contact?match=...&customevents=...
func (s *ContactListsService) UpsertContact(ctx context.Context, listID int64, c *Contact, wo *WriteOptions, opts ...Option) (*Contact, error) {
	if err := checkID("contact list", listID); err != nil {
		return nil, err
	}
	if c == nil {
		return nil, errors.New("which50: nil contact")
	}
	req, err := write(http.MethodPost, path("contactLists", listID, "contact"), wo, c, opts)
	if err != nil {
		return nil, err
	}
	return oneOf[Contact](ctx, s.client, contactModel, req, true)
}

// UpdateMatching sets values on every contact of the list whose values
// equal match, a map of field names to values (such as an account
// reference). wo may name custom events to run; the fields to match on
// are match's keys, so wo.Match must be empty.
//
// API: PATCH contactLists/{contactListId}/contact?match=K1,K2&K1=v1&K2=v2
func (s *ContactListsService) UpdateMatching(ctx context.Context, listID int64, match map[string]string, values map[string]any, wo *WriteOptions, opts ...Option) error {
	if err := checkID("contact list", listID); err != nil {
		return err
	}
	if len(match) == 0 {
		return errors.New("which50: update matching: no fields to match")
	}
	if wo != nil && len(wo.Match) > 0 {
		return errors.New("which50: update matching: the fields to match are match's keys; leave WriteOptions.Match empty")
	}
	keys := make([]string, 0, len(match))
	for k := range match {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	w := WriteOptions{Match: keys}
	if wo != nil {
		w.CustomEvents = wo.CustomEvents
	}
	req, err := write(http.MethodPatch, path("contactLists", listID, "contact"), &w, &Contact{Values: values}, opts)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if reservedQuery(k) {
			return fmt.Errorf("which50: update matching: field name %q collides with a query parameter of the API", k)
		}
		req.query.Set(k, match[k])
	}
	req.decode = func(f Format, body io.Reader, _ int64) error {
		_, err := decodeCount(f, body) // how many were updated
		return err
	}
	return s.client.do(ctx, req)
}

// CreateImport creates an import job for the list, naming the fields its
// contacts will carry. Add contacts with AddToImport, then start it with
// RunImport; Import does all of it.
//
// API: POST contactLists/{contactListId}/import
func (s *ContactListsService) CreateImport(ctx context.Context, listID int64, fieldNames []string, opts ...Option) (*ImportJob, error) {
	if err := checkID("contact list", listID); err != nil {
		return nil, err
	}
	if len(fieldNames) == 0 {
		return nil, errors.New("which50: create import: no field names")
	}
	req, err := write(http.MethodPost, path("contactLists", listID, "import"), nil, struct {
		FieldNames []string `json:"FieldNames"`
	}{fieldNames}, opts)
	if err != nil {
		return nil, err
	}
	return oneOf[ImportJob](ctx, s.client, importJobModel, req, false)
}

// AddToImport adds a batch of at most MaxImportBatch contacts to an import
// job. More, or none, is an error and no request is made.
//
// API: POST contactLists/{contactListId}/import/{importJobId}
func (s *ContactListsService) AddToImport(ctx context.Context, listID, jobID int64, contacts []Contact, opts ...Option) error {
	if err := checkIDs("contact list", listID, "import job", jobID); err != nil {
		return err
	}
	switch {
	case len(contacts) == 0:
		return errors.New("which50: add to import: no contacts")
	case len(contacts) > MaxImportBatch:
		return fmt.Errorf("which50: add to import: %d contacts, more than the %d one request may add", len(contacts), MaxImportBatch)
	}
	req, err := write(http.MethodPost, path("contactLists", listID, "import", jobID), nil, contacts, opts)
	if err != nil {
		return err
	}
	return s.client.do(ctx, req) // the answer has no body
}

// RunImport starts an import job: the server begins inserting and updating
// the contacts added to it, matching existing contacts on wo.Match and
// running wo.CustomEvents. Follow it with ImportStatus.
//
// API: POST contactLists/{contactListId}/import/{importJobId}/run
func (s *ContactListsService) RunImport(ctx context.Context, listID, jobID int64, wo *WriteOptions, opts ...Option) (*ImportJob, error) {
	if err := checkIDs("contact list", listID, "import job", jobID); err != nil {
		return nil, err
	}
	req, err := write(http.MethodPost, path("contactLists", listID, "import", jobID, "run"), wo, nil, opts)
	if err != nil {
		return nil, err
	}
	return oneOf[ImportJob](ctx, s.client, importJobModel, req, false)
}

// ImportStatus returns an import job's progress.
//
// API: GET contactLists/{contactListId}/import/{importJobId}
func (s *ContactListsService) ImportStatus(ctx context.Context, listID, jobID int64, opts ...Option) (*ImportJob, error) {
	if err := checkIDs("contact list", listID, "import job", jobID); err != nil {
		return nil, err
	}
	return oneOf[ImportJob](ctx, s.client, importJobModel, get(path("contactLists", listID, "import", jobID), opts), false)
}

// Import runs a whole import: it creates a job for fieldNames, adds the
// contacts in batches (iopts.BatchSize, at most MaxImportBatch), runs the
// job, and polls its status every iopts.PollInterval until it has finished
// (ImportJob.Finished), reporting progress to iopts.Progress. It returns the
// finished job. iopts may be nil. The call's options apply to each of its
// requests; WithResponse describes the last one.
//
// On failure it returns the error with the job's latest known state (nil
// if no job was created), so the caller can tell how far it came: contacts
// sent in a batch whose request failed may or may not have been added,
// since a write is not sent twice. Import stops when ctx ends.
func (s *ContactListsService) Import(ctx context.Context, listID int64, fieldNames []string, contacts iter.Seq[Contact], iopts *ImportOptions, opts ...Option) (*ImportJob, error) {
	var o ImportOptions
	if iopts != nil {
		o = *iopts
	}
	switch {
	case o.BatchSize < 0 || o.BatchSize > MaxImportBatch:
		return nil, fmt.Errorf("which50: import: batch size %d is not between 1 and %d", o.BatchSize, MaxImportBatch)
	case o.PollInterval < 0:
		return nil, fmt.Errorf("which50: import: negative poll interval %s", o.PollInterval)
	case contacts == nil:
		return nil, errors.New("which50: import: nil contacts")
	}
	if o.BatchSize == 0 {
		o.BatchSize = MaxImportBatch
	}
	if o.PollInterval == 0 {
		o.PollInterval = 2 * time.Second
	}
	progress := func(p ImportProgress) {
		if o.Progress != nil {
			o.Progress(p)
		}
	}

	job, err := s.CreateImport(ctx, listID, fieldNames, opts...)
	if err != nil {
		return nil, err
	}
	var p ImportProgress
	batch := make([]Contact, 0, min(o.BatchSize, 1024))
	send := func() error {
		if err := s.AddToImport(ctx, listID, job.ID, batch, opts...); err != nil {
			return err
		}
		p.Added += len(batch)
		p.Batches++
		batch = batch[:0]
		progress(p)
		return nil
	}
	for c := range contacts {
		batch = append(batch, c)
		if len(batch) == o.BatchSize {
			if err := send(); err != nil {
				return job, err
			}
		}
	}
	if len(batch) > 0 {
		if err := send(); err != nil {
			return job, err
		}
	}
	run, err := s.RunImport(ctx, listID, job.ID, &o.WriteOptions, opts...)
	if err != nil {
		return job, err
	}
	job = run
	p.Job = job
	progress(p)
	t := time.NewTimer(o.PollInterval)
	defer t.Stop()
	for !job.Finished() {
		select {
		case <-ctx.Done():
			return job, fmt.Errorf("which50: import job %d: %w", job.ID, ctx.Err())
		case <-t.C:
		}
		status, err := s.ImportStatus(ctx, listID, job.ID, opts...)
		if err != nil {
			return job, err
		}
		job = status
		p.Job = job
		progress(p)
		t.Reset(o.PollInterval)
	}
	return job, nil
}

// write builds a write request: method on ep with wo's query parameters,
// body encoded as JSON (nil for none) and the call's options.
func write(method string, ep endpoint, wo *WriteOptions, body any, opts []Option) (*request, error) {
	req := &request{method: method, ep: ep, query: url.Values{}, opts: opts}
	if wo != nil {
		for _, f := range wo.Match {
			if f == "" || strings.Contains(f, ",") {
				return nil, fmt.Errorf("which50: invalid match field %q", f)
			}
		}
		for _, e := range wo.CustomEvents {
			if e == "" || strings.Contains(e, ",") {
				return nil, fmt.Errorf("which50: invalid custom event %q", e)
			}
		}
		if len(wo.Match) > 0 {
			req.query.Set("match", strings.Join(wo.Match, ","))
		}
		if len(wo.CustomEvents) > 0 {
			req.query.Set("customevents", strings.Join(wo.CustomEvents, ","))
		}
	}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("which50: encode request body: %w", err)
		}
		req.body = b
	}
	return req, nil
}

// reservedQuery reports a field name that would collide with one of the
// API's own query parameters.
func reservedQuery(name string) bool {
	return strings.EqualFold(name, "match") || strings.EqualFold(name, "customevents")
}
