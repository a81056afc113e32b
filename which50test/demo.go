package which50test

import (
	"encoding/base64"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/which50-go/which50"
)

// DemoCommunications returns n realistic, deterministic interactions for
// contactID: emails, SMS, landing pages, web forms, events and competitions
// with plausible names, statuses and campaigns, newest first, their times
// recorded at mixed offsets (+10:00, +11:00, +09:30, +08:00, +12:00, +00:00,
// -05:00) with 100 ns precision, and some without a campaign (an empty
// CampaignName and zero CampaignID). The same contactID, n and seed always
// give the same items.
func DemoCommunications(contactID string, n int, seed int64) []which50.ContactInteraction {
	if n <= 0 {
		return []which50.ContactInteraction{}
	}
	h := fnv.New64a()
	h.Write([]byte(contactID))
	rng := rand.New(rand.NewPCG(uint64(seed), h.Sum64()))

	items := make([]which50.ContactInteraction, n)
	// Newest first, from a fixed "now" so that output never depends on the clock.
	at := demoEpoch.Add(-time.Duration(rng.Int64N(int64(72 * time.Hour))))
	// Ids count down and times walk back; both steps shrink for long
	// histories, so that any n stays within ten years and positive ids.
	id := 900000 + rng.Int64N(100000)
	if lowest := id - 40*int64(n); lowest < 1 {
		id += 1 - lowest
	}
	maxGap := int64(9 * 24 * time.Hour / time.Second)
	if spread := 2 * int64(10*365*24*time.Hour/time.Second) / int64(n); spread < maxGap {
		maxGap = max(spread, 1)
	}
	for i := range items {
		msg := demoMessages[rng.IntN(len(demoMessages))]
		st := demoStatuses[msg.kind]
		zone := demoZones[weighted(rng, demoZoneWeights)]
		frac := time.Duration(rng.Int64N(10_000_000)) * 100 // whole 100 ns ticks
		if rng.IntN(8) == 0 {
			frac = 0 // some sources store whole seconds
		}
		items[i] = which50.ContactInteraction{
			ID:           id,
			Interaction:  msg.kind,
			Name:         msg.name,
			Occurred:     at.Truncate(time.Second).Add(frac).In(zone),
			Status:       st.statuses[weighted(rng, st.weights)],
			CampaignID:   msg.campaignID,
			CampaignName: msg.campaignName,
		}
		id -= 1 + rng.Int64N(40)
		at = at.Add(-time.Duration(1+rng.Int64N(maxGap)) * time.Second)
	}
	return items
}

// DemoContactIDs returns n distinct, deterministic contact ids shaped like
// the service's encrypted ids (24 base64 characters ending in "=="). The
// first always holds both '/' and '+'.
func DemoContactIDs(n int) []string {
	rng := rand.New(rand.NewPCG(0x5A17, 0x3750))
	ids := make([]string, 0, max(n, 0))
	seen := make(map[string]bool, max(n, 0))
	var raw [16]byte
	for len(ids) < n {
		for i := 0; i < len(raw); i += 8 {
			v := rng.Uint64()
			for j := range 8 {
				raw[i+j] = byte(v >> (8 * j))
			}
		}
		id := base64.StdEncoding.EncodeToString(raw[:])
		if seen[id] || len(ids) == 0 && !strings.Contains(id, "/") || len(ids) == 0 && !strings.Contains(id, "+") {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	return ids
}

// demoEpoch is the fixed "now" of the demo data.
var demoEpoch = time.Date(2026, 11, 20, 3, 15, 0, 0, time.UTC)

// demoMessage is one communication the demo platform sends, in its campaign.
type demoMessage struct {
	kind         which50.InteractionType
	name         string
	campaignID   int64 // 0 and "" for transactional messages (null on the service)
	campaignName string
}

// demoMessages holds each message once; emails are most of them, as on a
// real marketing platform. Names include &, <, quotes and non-ASCII text.
var demoMessages = []demoMessage{
	{which50.InteractionEmail, "Spring Sale – Week 1", 1042, "Spring Sale 2026"},
	{which50.InteractionEmail, "Spring Sale – Week 2", 1042, "Spring Sale 2026"},
	{which50.InteractionSMS, "Spring Sale: last day!", 1042, "Spring Sale 2026"},
	{which50.InteractionLandingPage, "Spring Sale landing page", 1042, "Spring Sale 2026"},
	{which50.InteractionEmail, "Welcome to Which50", 1043, "Customer Onboarding"},
	{which50.InteractionEmail, "Getting started: 3 tips", 1043, "Customer Onboarding"},
	{which50.InteractionWebForm, "Preference centre", 1043, "Customer Onboarding"},
	{which50.InteractionEmail, "Black Friday: 40% off", 1051, "Black Friday & Cyber Monday"},
	{which50.InteractionEmail, "Cyber Monday <24h only>", 1051, "Black Friday & Cyber Monday"},
	{which50.InteractionSMS, "Flash sale SMS", 1051, "Black Friday & Cyber Monday"},
	{which50.InteractionLandingPage, "Black Friday deals", 1051, "Black Friday & Cyber Monday"},
	{which50.InteractionEmail, "Newsletter #41: what's new", 1060, "Newsletter"},
	{which50.InteractionEmail, "Newsletter #40", 1060, "Newsletter"},
	{which50.InteractionEmail, "Newsletter #39", 1060, "Newsletter"},
	{which50.InteractionWebForm, "Newsletter sign-up", 1060, "Newsletter"},
	{which50.InteractionEmail, "Event reminder: Sydney Roadshow", 1077, "Roadshow – ANZ"},
	{which50.InteractionLandingPage, "Roadshow registration", 1077, "Roadshow – ANZ"},
	{which50.InteractionEvent, "Sydney Roadshow 2026", 1077, "Roadshow – ANZ"},
	{which50.InteractionEvent, "Auckland Partner Summit", 1077, "Roadshow – ANZ"},
	{which50.InteractionEmail, "We miss you!", 1080, "Win-back"},
	{which50.InteractionEmail, "Mother's Day & Gifts", 1080, "Win-back"},
	{which50.InteractionCompetition, "Win a trip to Ōtautahi", 1080, "Win-back"},
	{which50.InteractionEmail, "Café rewards – Père Noël special", 1091, "Summer Giveaway"},
	{which50.InteractionCompetition, `Summer giveaway "Beat the heat"`, 1091, "Summer Giveaway"},
	{which50.InteractionEmail, "Order confirmation", 0, ""},
	{which50.InteractionEmail, "Your account summary", 0, ""},
	{which50.InteractionEmail, "Password reset", 0, ""},
	{which50.InteractionSMS, "Appointment reminder", 0, ""},
	{which50.InteractionSMS, "Delivery update", 0, ""},
	{which50.InteractionSMS, "Verification code", 0, ""},
	{which50.InteractionWebForm, "Contact us", 0, ""},
	{which50.InteractionWebForm, "Request a quote", 0, ""},
}

// demoStatuses are the statuses of each kind, with their weights.
var demoStatuses = map[which50.InteractionType]struct {
	statuses []string
	weights  []int
}{
	which50.InteractionEmail:       {[]string{"Sent", "Delivered", "Opened", "Clicked", "Bounced", "Unsubscribed"}, []int{10, 30, 30, 15, 4, 1}},
	which50.InteractionSMS:         {[]string{"Sent", "Delivered", "Failed", "Replied"}, []int{10, 70, 5, 5}},
	which50.InteractionLandingPage: {[]string{"Visited", "Converted"}, []int{80, 20}},
	which50.InteractionWebForm:     {[]string{"Submitted", "Started", "Abandoned"}, []int{60, 25, 15}},
	which50.InteractionEvent:       {[]string{"Invited", "Registered", "Attended", "No-show"}, []int{30, 35, 25, 10}},
	which50.InteractionCompetition: {[]string{"Entered", "Won"}, []int{95, 5}},
}

var demoZones = []*time.Location{
	time.FixedZone("AEST", 10*3600),
	time.FixedZone("AEDT", 11*3600),
	time.FixedZone("ACST", 9*3600+1800),
	time.FixedZone("AWST", 8*3600),
	time.FixedZone("NZST", 12*3600),
	time.UTC,
	time.FixedZone("EST", -5*3600),
}

var demoZoneWeights = []int{40, 25, 8, 7, 6, 8, 6}

// weighted picks an index with probability proportional to its weight.
func weighted(rng *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}
