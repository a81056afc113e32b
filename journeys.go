package which50

import (
	"context"
	"errors"
	"iter"
)

// JourneysService reads journeys (the API's campaigns), their activities,
// their contacts and their reports. Reach it through Client.Journeys.
//
// Ids must be positive, and a report state must not be empty: otherwise
// the method returns an error without any request. Failures are typed as
// for ContactsService; an unknown journey, activity, email or landing page
// is an *APIError matching ErrNotFound, a report state the server does not
// know one matching ErrBadRequest.
type JourneysService service

// Get returns the journey.
//
// API: GET journeys/{journeyId}
func (s *JourneysService) Get(ctx context.Context, journeyID int64, opts ...Option) (*Journey, error) {
	if err := checkID("journey", journeyID); err != nil {
		return nil, err
	}
	return oneOf[Journey](ctx, s.client, journeyModel, get(path("journeys", journeyID), opts), false)
}

// Contacts returns the contacts of the journey, with their field values.
//
// API: GET journeys/{journeyId}/contacts
func (s *JourneysService) Contacts(ctx context.Context, journeyID int64, opts ...Option) ([]Contact, error) {
	req, err := journeyContactsRequest(journeyID, opts)
	if err != nil {
		return nil, err
	}
	return listOf[Contact](ctx, s.client, contactModel, req)
}

// ContactsSeq is the streaming twin of Contacts: it yields each contact as
// soon as it is decoded, in constant memory, with the semantics of
// ContactsService.CommunicationsSeq.
func (s *JourneysService) ContactsSeq(ctx context.Context, journeyID int64, opts ...Option) iter.Seq2[Contact, error] {
	return seqOf[Contact](ctx, s.client, contactModel, func() (*request, error) {
		return journeyContactsRequest(journeyID, opts)
	})
}

func journeyContactsRequest(journeyID int64, opts []Option) (*request, error) {
	if err := checkID("journey", journeyID); err != nil {
		return nil, err
	}
	return get(path("journeys", journeyID, "contacts"), opts), nil
}

// Activity returns one activity of the journey, with its target.
//
// API: GET journeys/{journeyId}/activities/{activityId}
func (s *JourneysService) Activity(ctx context.Context, journeyID, activityID int64, opts ...Option) (*JourneyActivity, error) {
	if err := checkIDs("journey", journeyID, "activity", activityID); err != nil {
		return nil, err
	}
	return oneOf[JourneyActivity](ctx, s.client, activityModel, get(path("journeys", journeyID, "activities", activityID), opts), false)
}

// ActivityContacts returns the contacts that took part in one activity of
// the journey.
//
// API: GET journeys/{journeyId}/activities/{activityId}/contacts
func (s *JourneysService) ActivityContacts(ctx context.Context, journeyID, activityID int64, opts ...Option) ([]Contact, error) {
	req, err := activityContactsRequest(journeyID, activityID, opts)
	if err != nil {
		return nil, err
	}
	return listOf[Contact](ctx, s.client, contactModel, req)
}

// ActivityContactsSeq is the streaming twin of ActivityContacts, with the
// semantics of ContactsSeq.
func (s *JourneysService) ActivityContactsSeq(ctx context.Context, journeyID, activityID int64, opts ...Option) iter.Seq2[Contact, error] {
	return seqOf[Contact](ctx, s.client, contactModel, func() (*request, error) {
		return activityContactsRequest(journeyID, activityID, opts)
	})
}

func activityContactsRequest(journeyID, activityID int64, opts []Option) (*request, error) {
	if err := checkIDs("journey", journeyID, "activity", activityID); err != nil {
		return nil, err
	}
	return get(path("journeys", journeyID, "activities", activityID, "contacts"), opts), nil
}

// errEmptyState is returned, without any request, for an empty report state.
var errEmptyState = errors.New("which50: report state is empty")

// EmailReport returns the contacts of the journey that were sent the email
// and are in the given state for it, such as EmailOpened.
//
// API: GET journeys/{journeyId}/reports/emails/{emailId}/contacts/{state}
func (s *JourneysService) EmailReport(ctx context.Context, journeyID, emailID int64, state EmailState, opts ...Option) ([]Contact, error) {
	req, err := reportRequest("emails", journeyID, "email", emailID, string(state), opts)
	if err != nil {
		return nil, err
	}
	return listOf[Contact](ctx, s.client, contactModel, req)
}

// EmailReportSeq is the streaming twin of EmailReport, with the semantics
// of ContactsSeq: a report on a large journey can hold every contact.
func (s *JourneysService) EmailReportSeq(ctx context.Context, journeyID, emailID int64, state EmailState, opts ...Option) iter.Seq2[Contact, error] {
	return seqOf[Contact](ctx, s.client, contactModel, func() (*request, error) {
		return reportRequest("emails", journeyID, "email", emailID, string(state), opts)
	})
}

// LandingPageReport returns the contacts of the journey that visited the
// landing page, by their state in its workflow, such as
// LandingPageWebformSubmits.
//
// API: GET journeys/{journeyId}/reports/landingpages/{landingpageId}/contacts/{state}
func (s *JourneysService) LandingPageReport(ctx context.Context, journeyID, landingPageID int64, state LandingPageState, opts ...Option) ([]Contact, error) {
	req, err := reportRequest("landingpages", journeyID, "landing page", landingPageID, string(state), opts)
	if err != nil {
		return nil, err
	}
	return listOf[Contact](ctx, s.client, contactModel, req)
}

// LandingPageReportSeq is the streaming twin of LandingPageReport, with the
// semantics of ContactsSeq.
func (s *JourneysService) LandingPageReportSeq(ctx context.Context, journeyID, landingPageID int64, state LandingPageState, opts ...Option) iter.Seq2[Contact, error] {
	return seqOf[Contact](ctx, s.client, contactModel, func() (*request, error) {
		return reportRequest("landingpages", journeyID, "landing page", landingPageID, string(state), opts)
	})
}

// reportRequest builds the request of a report: kind is its route segment,
// what the name of the id for errors.
func reportRequest(kind string, journeyID int64, what string, id int64, state string, opts []Option) (*request, error) {
	if err := checkIDs("journey", journeyID, what, id); err != nil {
		return nil, err
	}
	if state == "" {
		return nil, errEmptyState
	}
	return get(path("journeys", journeyID, "reports", kind, id, "contacts", state), opts), nil
}
