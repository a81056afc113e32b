// Package which50 is a typed client for the Which50 marketing platform's
// REST API: contacts and what they received and did (emails, SMS, landing
// pages, events, web forms, competitions), contact lists and their fields,
// journeys with their activities, contacts and reports, and writes: upserting
// a contact, updating every contact that matches, and bulk imports. It speaks
// JSON and XML, returns typed errors, retries what is safe to retry, and
// streams lists of any length.
//
// Create one [Client] with [NewClient] and share it; it is safe for
// concurrent use. Its services group the API's endpoints:
//
//   - [ContactsService] (client.Contacts): a contact ([ContactsService.Get])
//     and its communications, journey activities, emails, text messages,
//     landing pages and web forms.
//   - [ContactListsService] (client.ContactLists): contact lists, their
//     fields, and the writes: [ContactListsService.UpsertContact],
//     [ContactListsService.UpdateMatching] and the import jobs
//     ([ContactListsService.Import] runs a whole one).
//   - [JourneysService] (client.Journeys): a journey, its activities, its
//     contacts and its email and landing page reports.
//
// One contact's communications, for example:
//
//	client, err := which50.NewClient(which50.WithAuth(which50.BearerToken(token)))
//	if err != nil {
//		return err
//	}
//	items, err := client.Contacts.Communications(ctx, contactID)
//	if err != nil {
//		return err
//	}
//	for _, it := range items {
//		fmt.Println(it.Occurred.Format(time.RFC3339), it.Interaction, it.Name, it.Status)
//	}
//
// The contact id is the API's encrypted id (Contact.EncContactID), an
// opaque string that may hold '/', '+', '=' and spaces; the client sends it
// as one escaped path segment, so pass it exactly as the API gave it. Every
// other id is a positive integer. An empty contact id or a non-positive id
// is an error, and no request is made. The API's root is [DefaultBaseURL];
// [WithBaseURL] points the client elsewhere (a path prefix is kept).
//
// # Writing contacts
//
// A contact's field values are in Contact.Values, keyed by the names of its
// list's fields ([ContactListsService.Fields]). [WriteOptions] carries the
// API's two write parameters: Match names the fields that identify existing
// contacts (?match=), and CustomEvents names account-defined events to run
// on the written contacts (?customevents=).
//
//	// Create the contact, or update the one with this email.
//	c, err := client.ContactLists.UpsertContact(ctx, listID,
//		&which50.Contact{Values: map[string]any{"Email": "ada@example.com", "Plan": "Premium"}},
//		&which50.WriteOptions{Match: []string{"Email"}})
//
//	// Every contact with this account reference gets a new address.
//	err = client.ContactLists.UpdateMatching(ctx, listID,
//		map[string]string{"AccountRef": "A-17"}, map[string]any{"City": "Zürich"}, nil)
//
// Bulk writes go through import jobs: [ContactListsService.Import] creates
// one, adds the contacts in batches of up to [MaxImportBatch], runs it and
// polls its status until it has finished, reporting progress on the way.
// Request bodies are JSON whatever format answers are asked in.
//
// # Authentication
//
// An [Authenticator] adds credentials to each request. The package offers a
// bearer token ([BearerToken]), an API key in a header of your choice
// ([APIKeyHeader]), and basic authentication ([BasicAuth]); any other scheme is a type with an Authenticate method.
// Credentials are added to a clone of each request bound for the API's own
// host, and to nothing else: a redirect to another host never carries them.
// They never appear in error text, in logs, or when a Client is printed.
//
//	which50.WithAuth(which50.BearerToken(os.Getenv("WHICH50_TOKEN")))
//	which50.WithAuth(which50.APIKeyHeader("X-API-Key", key))
//	which50.WithAuth(which50.BasicAuth(user, password))
//
// An empty credential is an error from NewClient, not a silent anonymous
// client.
//
// # Formats
//
// The API speaks Json.NET JSON and DataContract XML. The client asks for
// JSON unless told otherwise, and decodes each response according to its
// Content-Type, whatever it asked for:
//
//	client, err := which50.NewClient(which50.WithFormat(which50.FormatXML))
//
// Both formats give the same ContactInteraction values. Occurred holds the
// instant and the UTC offset the server recorded, so Occurred.Zone() reports
// the platform's offset (+10:00, +09:30, -05:00...); every date form the
// service is known to send is read, including Microsoft "\/Date(ms)\/" dates
// and XML's DateTime plus OffsetMinutes. Null members read as zero values:
// CampaignID 0 and CampaignName "" mean the interaction has no campaign.
// Interaction kinds outside the documented constants (InteractionEmail...)
// are kept as sent.
//
// # Errors
//
// Every non-2xx response is an [*APIError]. Branch on the status with
// errors.Is and a sentinel, and read the details with errors.As:
//
//	items, err := client.Contacts.Communications(ctx, id)
//	switch {
//	case errors.Is(err, which50.ErrNotFound):
//		// no such contact
//	case errors.Is(err, which50.ErrUnauthorized), errors.Is(err, which50.ErrForbidden):
//		// fix the credentials or the permissions
//	case errors.Is(err, which50.ErrRateLimited):
//		var apiErr *which50.APIError
//		errors.As(err, &apiErr)
//		// come back after apiErr.RetryAfter
//	case err != nil:
//		return err
//	}
//
// The sentinels are [ErrUnauthorized] (401), [ErrForbidden] (403),
// [ErrNotFound] (404), [ErrInternalServerError] (500), [ErrRateLimited] (429)
// and [ErrBadRequest] (400, and the 417 the API uses for invalid
// parameters). APIError
// carries the status, the server's message, the Retry-After it asked for, a
// request id when the server sent one, a bounded body excerpt and the number
// of attempts. A successful status with a body that is not a list of
// interactions (an HTML maintenance page, a truncated document) is a
// [*DecodeError] matching [ErrInvalidResponse]; a body over the size limit
// matches [ErrResponseTooLarge]; a connection that could not be made is a
// network error that unwraps to the net package's error. Every error text
// starts with "which50: ".
//
// # Retries and rate limits
//
// Connection failures, transfers cut mid-body, and the statuses 429, 500,
// 502, 503 and 504 are retried, [DefaultMaxRetries] times by default, with
// exponential backoff and jitter between DefaultRetryWaitMin and
// DefaultRetryWaitMax. A Retry-After header (seconds or an HTTP date) sets
// the wait instead, unless it asks for longer than the maximum wait: then
// the call fails at once with RetryAfter set, so a bulk job can reschedule
// rather than sleep for an hour. Other 4xx statuses are never retried. The
// context cancels a wait at once.
//
// Writes (POST and PATCH) are retried only when the request surely did not
// reach the server: the connection could not be made, or the server
// answered 429 or 503 with a Retry-After before processing it. A write whose
// answer was lost (a cut connection, a 500, a timeout after the body was
// sent) is never sent again, since the server may have applied it.
//
//	client, err := which50.NewClient(
//		which50.WithMaxRetries(5),
//		which50.WithRetryWait(200*time.Millisecond, 10*time.Second),
//		which50.WithLogger(slog.Default()), // each attempt at debug level, give-ups at warn
//	)
//
// When retries run out the caller gets the *APIError of the last response.
//
// # Running in production
//
// Every method that sends a request takes options after its arguments,
// which apply to that call only ([Option]); the client-wide ones (such as
// [WithBaseURL]) fail the call with [ErrInvalidOption], unsent:
//
//	var resp which50.Response
//	c, err := client.Contacts.Get(ctx, id,
//		which50.WithMaxRetries(0), which50.WithHeader("X-Origin", "dashboard"), which50.WithResponse(&resp))
//
// [WithResponse] reports the call's status, headers, request id, attempts
// and duration, on failure too. A client-wide retry budget, on by default
// ([WithRetryBudget]: 20% of the recent first attempts plus 10 retries a
// second), keeps retries from multiplying the load on a failing server; a
// call it refuses a retry returns its last failure at once, matching
// [ErrRetryBudgetExhausted] too. [WithRateLimit] paces every attempt of the
// client, and a 429 or 503 with Retry-After pauses every call of the client
// until then (at most its maximum retry wait). [WithTransportWrapper] puts
// tracing or metrics middleware, such as otelhttp, where it sees one round
// trip per attempt and no credential, and every log record is written with
// the call's context, so trace ids reach the logs (examples/tracing).
//
// # Streaming
//
// List methods read the whole list into a slice, with the body capped at
// [DefaultMaxResponseBytes] (see [WithMaxResponseBytes]). The lists that can
// be huge have streaming twins named ...Seq: [ContactsService.CommunicationsSeq],
// [ContactsService.JourneyActivitiesSeq], [JourneysService.ContactsSeq],
// [JourneysService.ActivityContactsSeq], [JourneysService.EmailReportSeq] and
// [JourneysService.LandingPageReportSeq]. They yield each item as soon as it
// is decoded, so a list of any length is read in constant memory, and
// breaking out of the loop closes the response at once:
//
//	for it, err := range client.Contacts.CommunicationsSeq(ctx, id) {
//		if err != nil {
//			return err
//		}
//		if err := sink.Write(it); err != nil {
//			return err
//		}
//	}
//
// Retries apply until the first item has been yielded; a failure after
// that is yielded as the last error.
//
// # Not covered
//
// The API's documentation could not be read for these endpoints, so the
// SDK does not offer them: the webhooks (webhook/...), POST
// contactLists/contactForm, GET contacts/{contactId}/journeys, GET
// contacts/{contactId}/summary, GET contactLists/{contactListId}/contacts,
// GET contactLists/{contactListId}/journeys, and the Files section.
//
// # Testing with which50test
//
// Package [github.com/which50-go/which50/which50test] is a fake Which50 API on
// loopback, speaking the service's real wire formats, for your own tests and
// for examples that run without an account. It serves every endpoint the
// SDK covers from state you set, applies writes and runs import jobs. Seed
// it with data ([which50test.Server.SeedDemo] fills a whole demo account),
// require a credential, add latency or queue faults (a 503, a 429 with
// Retry-After, a connection cut mid-body), and point a client at its URL:
//
//	srv := which50test.NewServer()
//	defer srv.Close()
//	srv.SetCommunications("contact-1", []which50.ContactInteraction{{ID: 1, Interaction: which50.InteractionEmail, Name: "Welcome"}})
//	srv.QueueFaults(which50test.Fault{Status: http.StatusServiceUnavailable})
//
//	client, err := which50.NewClient(which50.WithBaseURL(srv.URL), which50.WithRetryWait(time.Millisecond, 10*time.Millisecond))
//	items, err := client.Contacts.Communications(ctx, "contact-1") // retried once, then succeeds
//
// The examples in this package all run against it.
//
// API documentation: https://app.which50.com/Which50API/documentation
package which50
