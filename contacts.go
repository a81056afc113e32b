package which50

import (
	"context"
	"errors"
	"iter"
	"net/url"
	"strings"
)

// ContactsService reads contacts' data. Reach it through Client.Contacts.
type ContactsService service

// errEmptyContactID is returned, without any request, for an empty id.
var errEmptyContactID = errors.New("which50: contact id is empty")

// Communications returns every communication the contact has had with the
// platform: emails, SMS, landing pages, events, web forms, competitions.
// contactID is the API's encrypted contact id, sent as one escaped path
// segment whatever it holds.
//
// Transient failures are retried (see WithMaxRetries). Other failures are an
// *APIError matching ErrUnauthorized, ErrForbidden, ErrNotFound,
// ErrInternalServerError or ErrRateLimited; a *DecodeError matching
// ErrInvalidResponse; ErrResponseTooLarge; or a network error. A contact with
// no communications gives an empty, non-nil slice.
//
// API: GET contacts/{contactId}/communications
func (s *ContactsService) Communications(ctx context.Context, contactID string) ([]ContactInteraction, error) {
	if contactID == "" {
		return nil, errEmptyContactID
	}
	items := []ContactInteraction{}
	cl := &call{
		reset: func() { items = items[:0] },
		grow: func(n int) {
			if n > cap(items) {
				items = make([]ContactInteraction, 0, n)
			}
		},
		emit: func(it ContactInteraction) bool {
			items = append(items, it)
			return true
		},
		maxBody: s.client.maxBody,
	}
	if err := s.client.get(ctx, communicationsPath(contactID), cl); err != nil {
		return nil, err
	}
	return items, nil
}

// CommunicationsSeq is the streaming twin of Communications: it yields each
// interaction as soon as it is decoded, so a history of any length is read in
// constant memory. An error is yielded once, with a zero interaction, and
// ends the sequence; breaking out of the loop closes the response at once.
// The request is made when iteration starts, again on each iteration.
//
// Retries apply until the first interaction has been yielded; after that a
// failure is yielded as an error. No body cap applies unless one was set with
// WithMaxResponseBytes.
//
//	for it, err := range client.Contacts.CommunicationsSeq(ctx, id) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(it.Occurred, it.Name)
//	}
func (s *ContactsService) CommunicationsSeq(ctx context.Context, contactID string) iter.Seq2[ContactInteraction, error] {
	return func(yield func(ContactInteraction, error) bool) {
		if contactID == "" {
			yield(ContactInteraction{}, errEmptyContactID)
			return
		}
		stopped := false
		cl := &call{stream: true}
		if s.client.maxBodySet {
			cl.maxBody = s.client.maxBody
		}
		cl.emit = func(it ContactInteraction) bool {
			if !yield(it, nil) {
				stopped = true
				return false
			}
			return true
		}
		if err := s.client.get(ctx, communicationsPath(contactID), cl); err != nil && !stopped {
			yield(ContactInteraction{}, err)
		}
	}
}

// communicationsPath returns the endpoint's path below the base URL, raw and
// escaped. The id is escaped as one path segment; "+" is escaped too, as
// some ASP.NET hosts read a literal "+" in a path as a space.
func communicationsPath(contactID string) endpoint {
	esc := strings.ReplaceAll(url.PathEscape(contactID), "+", "%2B")
	return endpoint{
		raw:     "contacts/" + contactID + "/communications",
		escaped: "contacts/" + esc + "/communications",
	}
}
