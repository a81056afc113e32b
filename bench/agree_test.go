package bench

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/which50-go/which50"
)

// sameInstant compares times by instant and UTC offset, so that
// time.Location values that differ only in name compare equal.
var sameInstant = cmp.Comparer(func(a, b time.Time) bool {
	_, aOff := a.Zone()
	_, bOff := b.Zone()
	return a.Equal(b) && aOff == bOff
})

// fromSDK converts the SDK's items to Interactions, to compare with what
// the hand-written implementations decode.
func fromSDK(items []which50.ContactInteraction) []Interaction {
	out := make([]Interaction, len(items))
	for i, it := range items {
		out[i] = Interaction{it.ID, string(it.Interaction), it.Name, it.Occurred, it.Status, it.CampaignID, it.CampaignName}
	}
	return out
}

// TestImplsAgree checks that the comparison is honest: on every payload
// of BenchmarkCommunications, each implementation, over loopback and from
// memory, decodes the same values as the SDK (offsets included), and the
// SDK decodes the values the payload was made from.
func TestImplsAgree(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, names := range nameModes {
		key := e.srv.list(t, commItems, names)
		want := fromSDK(interactions(commItems, names == "unique"))
		for _, f := range formats {
			for _, length := range lengthModes {
				t.Run(f.String()+"/"+names+"/"+length, func(t *testing.T) {
					check := func(impl string, got []Interaction) {
						t.Helper()
						if diff := cmp.Diff(want, got, sameInstant); diff != "" {
							t.Errorf("impl=%s (-generated +decoded):\n%s", impl, diff)
						}
					}
					sdk, err := e.sdk[f].Contacts.Communications(ctx, commID(length, key))
					if err != nil {
						t.Fatal(err)
					}
					check("sdk", fromSDK(sdk))
					u := e.srv.commURL(length, key)
					payload := e.srv.lists[key][f]
					if f == which50.FormatXML {
						got, err := getXML(e.hc, u)
						if err != nil {
							t.Fatal(err)
						}
						check("stdlib", got)
						if got, err = unmarshalXML(payload); err != nil {
							t.Fatal(err)
						}
						check("stdlib from memory", got)
						return
					}
					for _, lib := range jsonLibs {
						got, err := getJSON(e.hc, u, lib)
						if err != nil {
							t.Fatalf("%s: %v", lib.name, err)
						}
						check(lib.name, got)
						got = nil
						if err := lib.unmarshal(payload, &got); err != nil {
							t.Fatalf("%s from memory: %v", lib.name, err)
						}
						check(lib.name+" from memory", got)
					}
				})
			}
		}
	}
}

// TestPayloadShape checks that the payloads are what the benchmarks say:
// the service's nulls for a missing campaign, every name distinct under
// names=unique, and a body sent with a Content-Length or chunked.
func TestPayloadShape(t *testing.T) {
	e := newEnv(t)
	for _, names := range nameModes {
		key := e.srv.list(t, commItems, names)
		b := e.srv.lists[key]
		if !bytes.Contains(b[which50.FormatXML], []byte(`<CampaignName i:nil="true" />`)) {
			t.Errorf("%s: the XML body has no null CampaignName", names)
		}
		if n := bytes.Count(b[which50.FormatJSON], []byte(`"CampaignName"`)); n == 0 || n == commItems {
			t.Errorf("%s: %d of %d JSON items have a CampaignName; want some, not all (null members are left out)", names, n, commItems)
		}
		seen := map[string]bool{}
		for _, it := range interactions(commItems, names == "unique") {
			seen[it.Name] = true
		}
		if names == "unique" && len(seen) != commItems || names == "repeated" && len(seen) > 64 {
			t.Errorf("%s: %d distinct names in %d items", names, len(seen), commItems)
		}
		for _, length := range lengthModes {
			resp, err := get(e.hc, e.srv.commURL(length, key), "application/json")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			chunked := len(resp.TransferEncoding) == 1 && resp.TransferEncoding[0] == "chunked"
			if length == "chunked" && (!chunked || resp.ContentLength != -1) ||
				length == "content-length" && (chunked || resp.ContentLength != int64(len(b[which50.FormatJSON]))) {
				t.Errorf("length=%s: Transfer-Encoding %q, Content-Length %d", length, resp.TransferEncoding, resp.ContentLength)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
		}
	}
	resp, err := e.hc.Get(e.srv.ts.URL + "/contacts/nobody/communications")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown contact: %s; want 404", resp.Status)
	}
}
