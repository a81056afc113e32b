package which50

import "time"

// The models below mirror the API's resources. Go field names are the wire
// names with "Id" spelled "ID" and "Sms" spelled "SMS"; the json tags carry
// the wire names, so json.Marshal of a model writes what the API writes and
// a model read from the API can be stored or forwarded as it came. Integers
// are int64, dates time.Time; a member the server sent as null, or did not
// send, is the zero value. Dates keep the instant and the UTC offset the
// server sent; a date sent without any offset is read as UTC.

// ContactInteraction is one communication a contact has had with the platform:
// an email sent, an SMS delivered, a landing page visited, a web form submitted,
// and so on. It mirrors the API's ContactInteraction resource.
type ContactInteraction struct {
	// ID is the interaction's id ("Id" on the wire).
	ID int64 `json:"Id"`
	// Interaction is the kind of interaction, such as InteractionEmail.
	Interaction InteractionType `json:"Interaction"`
	// Name is the name of the email, SMS, web form, etc.
	Name string `json:"Name"`
	// Occurred is when the interaction happened. It holds both the instant and
	// the UTC offset the server sent, so Occurred.Zone() reports the offset
	// the platform recorded. Dates sent without an offset are read as UTC.
	Occurred time.Time `json:"Occurred,omitzero"`
	// Status is the last status of the interaction, as sent by the API.
	Status string `json:"Status"`
	// CampaignID is the id of the campaign (journey) the interaction belongs
	// to ("CampaignId" on the wire).
	CampaignID int64 `json:"CampaignId"`
	// CampaignName is the name of the campaign the interaction belongs to.
	CampaignName string `json:"CampaignName"`
}

// InteractionType is the kind of a ContactInteraction. The API documents the
// kinds below but may send others; unknown values are kept exactly as sent.
type InteractionType string

// The interaction kinds the API documents.
const (
	InteractionEmail       InteractionType = "Email"
	InteractionSMS         InteractionType = "SMS"
	InteractionLandingPage InteractionType = "LandingPage"
	InteractionEvent       InteractionType = "Event"
	InteractionWebForm     InteractionType = "WebForm"
	InteractionCompetition InteractionType = "Competition"
)

// String returns the interaction kind as sent on the wire.
func (t InteractionType) String() string { return string(t) }

// Contact is one contact of a contact list with its field values. It is
// what the API returns for a contact, and what UpsertContact and the import
// methods send.
type Contact struct {
	// ValidationWarnings lists what the server found wrong with the
	// contact's values, such as a missing mobile number.
	ValidationWarnings []string `json:"ValidationWarnings,omitempty"`
	// EncContactID is the contact's encrypted id, the id the Contacts
	// methods take ("EncContactId" on the wire).
	EncContactID string `json:"EncContactId,omitempty"`
	// ID is the contact's numeric id. Only XML answers carry it: the
	// service's JSON leaves it out.
	ID int64 `json:"Id,omitempty"`
	// ListID is the id of the contact list the contact belongs to.
	ListID int64 `json:"ListId,omitempty"`
	// Values holds the contact's field values by contact-list field name (see
	// ContactListsService.Fields). Values read from the API are string,
	// int64 (whole numbers that fit), float64 (other numbers), bool,
	// time.Time (XML dateTime values), nil, and in JSON map[string]any and
	// []any for nested objects and arrays.
	Values map[string]any `json:"Values"`
}

// ContactList is a contact list of the account (the API's ContactsList).
type ContactList struct {
	// ID is the list's id.
	ID int64 `json:"Id"`
	// Name is the list's name.
	Name string `json:"Name"`
	// Count is the number of contacts in the list.
	Count int64 `json:"Count"`
}

// ContactSchemaField is one field of a contact list's schema: the name
// under which contacts hold a value in Contact.Values, and its type.
type ContactSchemaField struct {
	// ID is the field's id.
	ID int64 `json:"Id"`
	// Name is the field's name, the key of its value in Contact.Values.
	Name string `json:"Name"`
	// DefaultValue is the value used when a contact has none.
	DefaultValue string `json:"DefaultValue"`
	// MapType is the field's type, such as "Email" or "DropDown", as the
	// server names it.
	MapType string `json:"MapType"`
	// Position is the field's place in the list's field order.
	Position int64 `json:"Position"`
	// ContactSchemaFieldValues lists the values a field such as a drop-down
	// offers.
	ContactSchemaFieldValues []ContactSchemaFieldValue `json:"ContactSchemaFieldValues"`
}

// ContactSchemaFieldValue is one value a ContactSchemaField offers.
type ContactSchemaFieldValue struct {
	// ID is the value's id.
	ID int64 `json:"Id"`
	// Value is the value's text.
	Value string `json:"Value"`
	// Order is the value's place in the field's list of values.
	Order int64 `json:"Order"`
	// InUse reports whether the value is in use.
	InUse bool `json:"InUse"`
}

// ContactEmail is one email a contact was sent. The flags are integers on
// the wire, 1 for yes and 0 for no.
type ContactEmail struct {
	// ID is the email's id.
	ID int64 `json:"Id"`
	// Name is the email's name.
	Name string `json:"Name"`
	// Date is when the email was sent, with the offset the server recorded.
	Date time.Time `json:"Date,omitzero"`
	// Delivered is 1 when the email was delivered.
	Delivered int64 `json:"Delivered"`
	// Open is 1 when the email was opened.
	Open int64 `json:"Open"`
	// Read is 1 when the email was read.
	Read int64 `json:"Read"`
	// Link is 1 when a link in the email was clicked.
	Link int64 `json:"Link"`
}

// ContactTextMessage is one text message (SMS) a contact was sent.
type ContactTextMessage struct {
	// ID is the text message's id.
	ID int64 `json:"Id"`
	// Name is the text message's name.
	Name string `json:"Name"`
	// Date is when the message was sent, with the offset the server
	// recorded.
	Date time.Time `json:"Date,omitzero"`
	// Delivered is 1 when the message was delivered.
	Delivered int64 `json:"Delivered"`
}

// ContactLandingPage is one landing page a contact visited.
type ContactLandingPage struct {
	// ID is the landing page's id.
	ID int64 `json:"Id"`
	// Name is the landing page's name.
	Name string `json:"Name"`
	// Date is when the contact visited, with the offset the server recorded.
	Date time.Time `json:"Date,omitzero"`
	// Link is 1 when a link on the page was clicked.
	Link int64 `json:"Link"`
	// Submission is 1 when a web form on the page was submitted.
	Submission int64 `json:"Submission"`
}

// ContactWebForm is one web form a contact was shown or submitted.
type ContactWebForm struct {
	// ID is the web form's id.
	ID int64 `json:"Id"`
	// LandingPageID is the id of the landing page that holds the form.
	LandingPageID int64 `json:"LandingPageId"`
	// Name is the web form's name.
	Name string `json:"Name"`
	// Date is when the contact used the form, with the offset the server
	// recorded.
	Date time.Time `json:"Date,omitzero"`
	// Submitted is 1 when the form was submitted.
	Submitted int64 `json:"Submitted"`
}

// Journey is a journey of the account (the API's Campaign: journeys were
// called campaigns, and the models keep the old name).
type Journey struct {
	// ID is the journey's id.
	ID int64 `json:"Id"`
	// Name is the journey's name.
	Name string `json:"Name"`
	// AccountID is the id of the account that owns the journey.
	AccountID int64 `json:"AccountId"`
	// ListID is the id of the contact list the journey uses.
	ListID int64 `json:"ListId"`
	// StartDate and EndDate bound the journey. The service sends them
	// without an offset or in UTC; both are read as UTC.
	StartDate time.Time `json:"StartDate,omitzero"`
	EndDate   time.Time `json:"EndDate,omitzero"`
	// CmLink is a link to the journey in the platform.
	CmLink string `json:"CmLink"`
	// Comment is the journey's comment.
	Comment string `json:"Comment"`
	// Status is the journey's status, such as "Active", as the server names it.
	Status string `json:"Status"`
	// Reach, Interactions and Unsubscribes are the journey's counts.
	Reach        int64 `json:"Reach"`
	Interactions int64 `json:"Interactions"`
	Unsubscribes int64 `json:"Unsubscribes"`
	// ShowInAgentPortal reports whether the journey is shown in the agent
	// portal.
	ShowInAgentPortal bool `json:"ShowInAgentPortal"`
	// Tags are the journey's tags.
	Tags []string `json:"Tags"`
	// Emails, LandingPages, TextMessages and EDocuments are untyped in the
	// API's documentation. They hold what the server sent, decoded as
	// Contact.Values are: a string, a number, a list ([]any), and so on.
	Emails       any `json:"Emails"`
	LandingPages any `json:"LandingPages"`
	TextMessages any `json:"TextMessages"`
	EDocuments   any `json:"EDocuments"`
	// Channels lists the journey's channels, such as "Email,SMS".
	Channels string `json:"Channels"`
}

// JourneyActivity is one activity (step) of a journey (the API's
// CampaignActivity).
type JourneyActivity struct {
	// ID is the activity's id.
	ID int64 `json:"Id"`
	// Name is the activity's name.
	Name string `json:"Name"`
	// CampaignID is the id of the journey the activity belongs to.
	CampaignID int64 `json:"CampaignId"`
	// CreatedDate is when the activity was created, read as UTC when the
	// server sent no offset.
	CreatedDate time.Time `json:"CreatedDate,omitzero"`
	// TargetAtRuntime reports whether the target is evaluated when the
	// activity runs.
	TargetAtRuntime bool `json:"TargetAtRuntime"`
	// Target is the segment of the contact list the activity addresses.
	Target Target `json:"Target"`
}

// Target is the segment of a contact list a JourneyActivity addresses.
type Target struct {
	// ID is the target's id.
	ID int64 `json:"Id"`
	// Name is the target's name.
	Name string `json:"Name"`
	// Notes are free-text notes.
	Notes string `json:"Notes"`
	// ContactListID is the id of the contact list the target segments.
	ContactListID int64 `json:"ContactListId"`
	// ContactsCount is the number of contacts in the target;
	// ContactsCountEmail and ContactsCountSMS those reachable by email and by
	// SMS, and the WithDuplicates counts include duplicates.
	ContactsCount                    int64 `json:"ContactsCount"`
	ContactsCountEmail               int64 `json:"ContactsCountEmail"`
	ContactsCountSMS                 int64 `json:"ContactsCountSms"`
	ContactsCountEmailWithDuplicates int64 `json:"ContactsCountEmailWithDuplicates"`
	ContactsCountSMSWithDuplicates   int64 `json:"ContactsCountSmsWithDuplicates"`
}

// ImportJob is a bulk import of contacts into a contact list, and its
// progress.
type ImportJob struct {
	// ID is the job's id.
	ID int64 `json:"Id"`
	// ContactListID is the id of the contact list the job imports into.
	ContactListID int64 `json:"ContactListId"`
	// InvalidEmailCount and InvalidSMSCount count the invalid email
	// addresses and mobile numbers the job found.
	InvalidEmailCount int64 `json:"InvalidEmailCount"`
	InvalidSMSCount   int64 `json:"InvalidSmsCount"`
	// ProgressPercent is the job's completion, from 0 to 100.
	ProgressPercent int64 `json:"ProgressPercent"`
	// CurrentStatus is the job's state as the server names it, such as
	// "Created", "Processing" or "Finished".
	CurrentStatus string `json:"CurrentStatus"`
	// StartDate and FinishDate are when the job started and finished; zero
	// until then.
	StartDate  time.Time `json:"StartDate,omitzero"`
	FinishDate time.Time `json:"FinishDate,omitzero"`
	// InsertedContacts, UpdatedContacts, DroppedContacts and
	// NotUpdatedContacts count what the job did to new and existing
	// contacts; TotalContacts is how many it inserted or updated in all.
	InsertedContacts   int64 `json:"InsertedContacts"`
	UpdatedContacts    int64 `json:"UpdatedContacts"`
	DroppedContacts    int64 `json:"DroppedContacts"`
	NotUpdatedContacts int64 `json:"NotUpdatedContacts"`
	TotalContacts      int64 `json:"TotalContacts"`
}

// Finished reports whether the job has finished: it has a FinishDate, or
// its progress reached 100 percent.
func (j *ImportJob) Finished() bool {
	return j != nil && (!j.FinishDate.IsZero() || j.ProgressPercent >= 100)
}

// EmailState selects the contacts of an email report by what they did with
// the email. Other values than the constants are sent as given; the server
// answers 400 (ErrBadRequest) for a state it does not know.
type EmailState string

// The email report states the API documents.
const (
	EmailSent        EmailState = "Sent"
	EmailDelivered   EmailState = "Delivered"
	EmailRead        EmailState = "Read"
	EmailOpened      EmailState = "Opened"
	EmailClicked     EmailState = "Clicked"
	EmailBounced     EmailState = "Bounced"
	EmailSoftBounced EmailState = "SoftBounced"
	EmailHardBounced EmailState = "HardBounced"
)

// LandingPageState selects the contacts of a landing page report by what
// they did on the page. Other values than the constants are sent as given;
// the server answers 400 (ErrBadRequest) for a state it does not know.
type LandingPageState string

// The landing page report states the API documents.
const (
	LandingPageTotalVisits    LandingPageState = "TotalVisits"
	LandingPageKnownVisits    LandingPageState = "KnownVisits"
	LandingPageTotalClicks    LandingPageState = "TotalClicks"
	LandingPageKnownClicks    LandingPageState = "KnownClicks"
	LandingPageTotalSubmits   LandingPageState = "TotalSubmits"
	LandingPageWebformSubmits LandingPageState = "WebformSubmits"
	LandingPageLinkDetails    LandingPageState = "LinkDetails"
)

// WriteOptions are the query parameters of the API's contact writes.
type WriteOptions struct {
	// Match names the contact-list fields that identify the existing
	// contact(s) to update (?match=). UpsertContact takes their values from
	// the contact's Values; UpdateMatching from its match argument. With no
	// Match, UpsertContact creates a contact.
	Match []string
	// CustomEvents names account-defined custom events to run on the
	// written contacts (?customevents=).
	CustomEvents []string
}

// MaxImportBatch is the most contacts one request may add to an import job.
const MaxImportBatch = 10000

// ImportOptions configure ContactListsService.Import.
type ImportOptions struct {
	WriteOptions
	// BatchSize is how many contacts each request adds to the job; 0 means
	// MaxImportBatch, which is also the maximum.
	BatchSize int
	// PollInterval is the wait between status polls once the job runs; 0
	// means 2 seconds.
	PollInterval time.Duration
	// Progress, when set, is called after each batch is added and after
	// each status poll, from the goroutine that called Import.
	Progress func(ImportProgress)
}

// ImportProgress reports how far an Import has come.
type ImportProgress struct {
	// Added is the number of contacts sent so far.
	Added int
	// Batches is the number of batches sent so far.
	Batches int
	// Job is the latest status of the job, nil until the job has run.
	Job *ImportJob
}
