package which50

import (
	"context"
	"errors"
	"iter"
	"net/http"
)

// ContactsService reads contacts and what they received and did: their
// communications, emails, text messages, landing pages, web forms and
// journey activities. Reach it through Client.Contacts.
//
// Every method takes the API's encrypted contact id (Contact.EncContactID),
// sent as one escaped path segment whatever it holds; an empty id is an
// error, and no request is made. Transient failures are retried (see
// WithMaxRetries). Other failures are an *APIError matching ErrNotFound (an
// unknown contact), ErrUnauthorized, ErrForbidden, ErrInternalServerError or
// ErrRateLimited; a *DecodeError matching ErrInvalidResponse;
// ErrResponseTooLarge; or a network error. A list with no items is an
// empty, non-nil slice.
//
// Every method of the services takes options for that call only after its
// arguments, such as WithMaxRetries(0) or WithResponse(&resp) (see Option).
type ContactsService service

// errEmptyContactID is returned, without any request, for an empty id.
var errEmptyContactID = errors.New("which50: contact id is empty")

// Get returns the contact with its field values.
//
// API: GET contacts/{contactId}
func (s *ContactsService) Get(ctx context.Context, contactID string, opts ...Option) (*Contact, error) {
	if contactID == "" {
		return nil, errEmptyContactID
	}
	return oneOf[Contact](ctx, s.client, contactModel, get(path("contacts", contactID), opts), false)
}

// Communications returns every communication the contact has had with the
// platform: emails, SMS, landing pages, events, web forms, competitions.
//
// API: GET contacts/{contactId}/communications
func (s *ContactsService) Communications(ctx context.Context, contactID string, opts ...Option) ([]ContactInteraction, error) {
	if contactID == "" {
		return nil, errEmptyContactID
	}
	return listOf[ContactInteraction](ctx, s.client, interactionModel, get(path("contacts", contactID, "communications"), opts))
}

// CommunicationsSeq is the streaming twin of Communications: it yields each
// interaction as soon as it is decoded, so a history of any length is read in
// constant memory. An error is yielded once, with a zero interaction, and
// ends the sequence; breaking out of the loop closes the response at once.
// The request is made when iteration starts, again on each iteration.
//
// Retries apply until the first interaction has been yielded; after that a
// failure is yielded as an error. No body cap applies unless one was set with
// WithMaxResponseBytes. A Response given with WithResponse is filled when the
// iteration ends.
//
//	for it, err := range client.Contacts.CommunicationsSeq(ctx, id) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(it.Occurred, it.Name)
//	}
func (s *ContactsService) CommunicationsSeq(ctx context.Context, contactID string, opts ...Option) iter.Seq2[ContactInteraction, error] {
	return seqOf[ContactInteraction](ctx, s.client, interactionModel, func() (*request, error) {
		if contactID == "" {
			return nil, errEmptyContactID
		}
		return get(path("contacts", contactID, "communications"), opts), nil
	})
}

// JourneyActivities returns the contact's interactions within one journey.
//
// API: GET contacts/{contactId}/journeyactivities/{journeyId}
func (s *ContactsService) JourneyActivities(ctx context.Context, contactID string, journeyID int64, opts ...Option) ([]ContactInteraction, error) {
	req, err := journeyActivitiesRequest(contactID, journeyID, opts)
	if err != nil {
		return nil, err
	}
	return listOf[ContactInteraction](ctx, s.client, interactionModel, req)
}

// JourneyActivitiesSeq is the streaming twin of JourneyActivities, with the
// semantics of CommunicationsSeq.
func (s *ContactsService) JourneyActivitiesSeq(ctx context.Context, contactID string, journeyID int64, opts ...Option) iter.Seq2[ContactInteraction, error] {
	return seqOf[ContactInteraction](ctx, s.client, interactionModel, func() (*request, error) {
		return journeyActivitiesRequest(contactID, journeyID, opts)
	})
}

func journeyActivitiesRequest(contactID string, journeyID int64, opts []Option) (*request, error) {
	if contactID == "" {
		return nil, errEmptyContactID
	}
	if err := checkID("journey", journeyID); err != nil {
		return nil, err
	}
	return get(path("contacts", contactID, "journeyactivities", journeyID), opts), nil
}

// Emails returns the emails the contact was sent, with what the contact did
// with each.
//
// API: GET contacts/{contactId}/emails
func (s *ContactsService) Emails(ctx context.Context, contactID string, opts ...Option) ([]ContactEmail, error) {
	if contactID == "" {
		return nil, errEmptyContactID
	}
	return listOf[ContactEmail](ctx, s.client, emailModel, get(path("contacts", contactID, "emails"), opts))
}

// TextMessages returns the text messages (SMS) the contact was sent.
//
// API: GET contacts/{contactId}/textmessages
func (s *ContactsService) TextMessages(ctx context.Context, contactID string, opts ...Option) ([]ContactTextMessage, error) {
	if contactID == "" {
		return nil, errEmptyContactID
	}
	return listOf[ContactTextMessage](ctx, s.client, textMessageModel, get(path("contacts", contactID, "textmessages"), opts))
}

// LandingPages returns the landing pages the contact visited.
//
// API: GET contacts/{contactId}/landingpages
func (s *ContactsService) LandingPages(ctx context.Context, contactID string, opts ...Option) ([]ContactLandingPage, error) {
	if contactID == "" {
		return nil, errEmptyContactID
	}
	return listOf[ContactLandingPage](ctx, s.client, landingPageModel, get(path("contacts", contactID, "landingpages"), opts))
}

// WebForms returns the web forms the contact used.
//
// API: GET contacts/{contactId}/webforms
func (s *ContactsService) WebForms(ctx context.Context, contactID string, opts ...Option) ([]ContactWebForm, error) {
	if contactID == "" {
		return nil, errEmptyContactID
	}
	return listOf[ContactWebForm](ctx, s.client, webFormModel, get(path("contacts", contactID, "webforms"), opts))
}

// get is a GET request of ep, with the call's options.
func get(ep endpoint, opts []Option) *request {
	return &request{method: http.MethodGet, ep: ep, opts: opts}
}
