// Package which50test provides a fake Which50 API for tests: a real HTTP
// server on loopback, in the spirit of net/http/httptest, that serves the
// API's routes with the wire formats of the real ASP.NET Web API service:
// Json.NET JSON, DataContractSerializer XML, content negotiation like
// ASP.NET's DefaultContentNegotiator, and HttpError bodies for 400, 401,
// 404 and 405. [Server.URL] includes the API's base path (/Which50API), so a
// client that drops the base path gets a 404; paths outside it get IIS's
// HTML 404 page.
//
// # Routes
//
// Under [Server.URL], matched case-insensitively, with an optional trailing
// slash; an id that must be an integer and is not gives the 404 of an
// unknown route, and another method on a known route gives 405:
//
//	GET   contacts/{contactId}                             (SetContact)
//	GET   contacts/{contactId}/communications              (SetCommunications)
//	GET   contacts/{contactId}/journeyactivities/{journeyId} (SetJourneyActivities;
//	      also spelled campaignactivities/{campaignId})
//	GET   contacts/{contactId}/emails                      (SetEmails)
//	GET   contacts/{contactId}/textmessages                (SetTextMessages)
//	GET   contacts/{contactId}/landingpages                (SetLandingPages)
//	GET   contacts/{contactId}/webforms                    (SetWebForms)
//	GET   contactLists                                     (SetContactList)
//	GET   contactLists/{id}
//	GET   contactLists/{id}/fields                         (SetFields)
//	GET   contactLists/{id}/fields/{fieldId}
//	POST  contactLists/{id}/contact[?match=F1,F2][&customevents=E1,E2]
//	PATCH contactLists/{id}/contact?match=F1,F2&F1=v1&F2=v2
//	POST  contactLists/{id}/import                         create an import job
//	POST  contactLists/{id}/import/{jobId}                 add a batch of contacts
//	POST  contactLists/{id}/import/{jobId}/run[?match=...]
//	GET   contactLists/{id}/import/{jobId}                 the job's status
//	GET   journeys/{id}                                    (SetJourney)
//	GET   journeys/{id}/contacts                           (SetJourneyContacts)
//	GET   journeys/{id}/activities/{activityId}            (SetActivity)
//	GET   journeys/{id}/activities/{activityId}/contacts   (SetActivityContacts)
//	GET   journeys/{id}/reports/emails/{emailId}/contacts/{state}             (SetEmailReport)
//	GET   journeys/{id}/reports/landingpages/{landingPageId}/contacts/{state} (SetLandingPageReport)
//
// Each answers 404 with the service's HttpError for what it does not know
// (a contact, list, field, journey, activity, report or import job), and
// 400 for a report state the API does not define, a request body that is
// not JSON, or an import batch of more than 10,000 contacts.
//
// # Writes
//
// POST contactLists/{id}/contact takes {"Values":{...}}: with match, the
// first contact of the list whose values equal the body's for every match
// field is updated (the body's values merged into its own), else a contact
// is created with a new id and encrypted id; the answer is the stored
// contact. PATCH updates every contact of the list whose values equal the
// query's and answers their number. Values are compared as text,
// case-insensitively, as the service's SQL does.
//
// An import job is created with {"FieldNames":[...]} (status "Created"),
// takes batches of contacts, and runs (status "Running", with a StartDate).
// Each status poll then advances it by [Server.SetImportStep] percent (50
// by default) with status "Processing"; the poll that reaches 100 upserts
// its contacts into the list on the run's match fields and reports
// "Finished", the inserted, updated and total counts and a FinishDate.
// [Server.SetClock] makes its dates predictable. Written contacts can be
// read back with [Server.ListContacts] and [Server.Contact], jobs with
// [Server.ImportJob].
//
// # Wire shapes
//
// JSON members come in declaration order and XML members in ordinal
// alphabetical order, as the serializers write them. Besides interactions
// (see [Server.SetEmptyStrings]), an empty string, zero time or nil value is
// a null: left out of JSON, i:nil="true" in XML; so are the flags
// ContactEmail.Link and ContactLandingPage.Submission when zero, as the
// service leaves them unset until a link is clicked or a form submitted.
// Dates of interactions,
// emails, text messages, landing pages and web forms are DateTimeOffsets:
// in JSON the local clock time and its offset, in XML the UTC DateTime and
// OffsetMinutes. Dates of journeys, activities and import jobs are
// DateTimes: a time whose Location is time.UTC is written with a Z, any
// other as its clock time with no suffix.
//
// A contact's Values are written in order: a contact set from Go holds them
// in the order of its list's fields (by Position), then the other keys
// sorted; a contact written through the API keeps the order of the request
// body, with new keys of later writes appended. In XML a whole number set
// from Go is an int when it fits in 32 bits and a long otherwise, while
// one read from a request body is always a long, as Json.NET reads it.
//
// Create a server, give it data, point a client at its URL:
//
//	srv := which50test.NewServer()
//	defer srv.Close()
//	srv.SetCommunications("abc+/=", items)          // or srv.SeedDemo(10, 50)
//	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
//
// # Faults and credentials
//
// To test retry and error handling, script what the next requests get with
// [Server.QueueFaults]: statuses with HttpError bodies, Retry-After headers,
// HTTP.sys's HTML 503 ([HTTPSysUnavailable]), delays, bodies cut short,
// connections dropped or reset. Faults can be aimed at one contact
// ([Server.QueueFaultsFor]: this contact is rate limited while the others
// succeed) or at one path ([Server.QueueFaultsOn]); a Fault with only a
// Header adds it to a normal answer. [Server.SetLatency] delays every answer.
// [Server.RequireBearerToken], [Server.RequireAPIKey] and [Server.RequireBasicAuth]
// make the server answer 401 to requests without the credential. Faults
// and credentials apply to every route. Every request is counted
// ([Server.RequestCount]) and logged with its method, path, query, headers
// and body ([Server.Requests]) for assertions.
//
// # Encoders
//
// [EncodeJSON] and [EncodeXML] write a list of interactions exactly as the
// service does, for tests that stub a transport instead of running a server.
// [DemoCommunications] and [DemoContactIDs] make realistic, deterministic data,
// and [Server.SeedDemo] a whole demo account.
//
// [Server.SetEmptyStrings] switches the empty strings of interactions to
// nulls (JSON null, XML i:nil), leaves them out, or does both as the
// service does ([EmptyAsIgnoredNull]).
//
// All Server methods are safe for concurrent use.
package which50test
