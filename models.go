package which50

import "time"

// ContactInteraction is one communication a contact has had with the platform:
// an email sent, an SMS delivered, a landing page visited, a web form submitted,
// and so on. It mirrors the API's ContactInteraction resource.
type ContactInteraction struct {
	// ID is the interaction's id ("Id" on the wire).
	ID int64
	// Interaction is the kind of interaction, such as InteractionEmail.
	Interaction InteractionType
	// Name is the name of the email, SMS, web form, etc.
	Name string
	// Occurred is when the interaction happened. It holds both the instant and
	// the UTC offset the server sent, so Occurred.Zone() reports the offset
	// the platform recorded. Dates sent without an offset are read as UTC.
	Occurred time.Time
	// Status is the last status of the interaction, as sent by the API.
	Status string
	// CampaignID is the id of the campaign the interaction belongs to
	// ("CampaignId" on the wire).
	CampaignID int64
	// CampaignName is the name of the campaign the interaction belongs to.
	CampaignName string
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
