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
	id := 900000 + rng.Int64N(100000)
	for i := range items {
		kind := demoKinds[weighted(rng, demoKindWeights)]
		camp := demoCampaigns[rng.IntN(len(demoCampaigns))]
		zone := demoZones[weighted(rng, demoZoneWeights)]
		frac := time.Duration(rng.Int64N(10_000_000)) * 100 // whole 100 ns ticks
		if rng.IntN(8) == 0 {
			frac = 0 // some sources store whole seconds
		}
		items[i] = which50.ContactInteraction{
			ID:           id,
			Interaction:  kind.kind,
			Name:         kind.names[rng.IntN(len(kind.names))],
			Occurred:     at.Truncate(time.Second).Add(frac).In(zone),
			Status:       kind.statuses[weighted(rng, kind.statusWeights)],
			CampaignID:   camp.id,
			CampaignName: camp.name,
		}
		id -= 1 + rng.Int64N(40)
		at = at.Add(-time.Duration(1+rng.Int64N(int64(9*24*time.Hour/time.Second))) * time.Second)
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

type demoKind struct {
	kind          which50.InteractionType
	names         []string
	statuses      []string
	statusWeights []int
}

var demoKinds = []demoKind{
	{which50.InteractionEmail, []string{
		"Welcome to Which50", "Spring Sale – Week 2", "Your November Newsletter", "Mother's Day & Gifts",
		"We miss you!", "Order confirmation", "Black Friday: 40% off", "Your account summary",
		"Event reminder: Sydney Roadshow", "Café rewards – Père Noël special",
	}, []string{"Sent", "Delivered", "Opened", "Clicked", "Bounced", "Unsubscribed"}, []int{10, 30, 30, 15, 4, 1}},
	{which50.InteractionSMS, []string{
		"Flash sale SMS", "Appointment reminder", "Delivery update", "Verification code",
	}, []string{"Sent", "Delivered", "Failed", "Replied"}, []int{10, 70, 5, 5}},
	{which50.InteractionLandingPage, []string{
		"Spring Sale landing page", "Product launch: Aurora", "Webinar registration page", "Pricing <beta>",
	}, []string{"Visited", "Converted"}, []int{80, 20}},
	{which50.InteractionWebForm, []string{
		"Contact us", "Newsletter sign-up", "Request a quote", "Preference centre",
	}, []string{"Submitted", "Started", "Abandoned"}, []int{60, 25, 15}},
	{which50.InteractionEvent, []string{
		"Sydney Roadshow 2026", "Melbourne Customer Day", "Auckland Partner Summit",
	}, []string{"Invited", "Registered", "Attended", "No-show"}, []int{30, 35, 25, 10}},
	{which50.InteractionCompetition, []string{
		"Win a trip to Ōtautahi", "Summer giveaway \"Beat the heat\"",
	}, []string{"Entered", "Won"}, []int{95, 5}},
}

var demoKindWeights = []int{60, 15, 10, 7, 5, 3}

var demoCampaigns = []struct {
	id   int64
	name string
}{
	{1042, "Spring Sale 2026"},
	{1043, "Customer Onboarding"},
	{1051, "Black Friday & Cyber Monday"},
	{1060, "Newsletter"},
	{1077, "Roadshow – ANZ"},
	{1080, "Win-back"},
	{0, ""}, // transactional: no campaign (null on the real service)
	{0, ""},
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
