package bench

// What a user would write instead of the SDK: net/http, then a JSON
// library's streaming decoder on the response body (or encoding/xml), into
// a struct equivalent to which50.ContactInteraction.

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"time"

	"github.com/bytedance/sonic"
	jsonexp "github.com/go-json-experiment/json"
	goccy "github.com/goccy/go-json"
	segjson "github.com/segmentio/encoding/json"
)

// Interaction is the struct a user decoding by hand would declare: the
// wire members as Go fields of the SDK model's types, Occurred parsed by
// time.Time (the service's dates are RFC 3339 with a ±hh:mm offset, which
// every library here reads through time.Time's UnmarshalJSON or its own
// time support).
type Interaction struct {
	ID           int64     `json:"Id"`
	Interaction  string    `json:"Interaction"`
	Name         string    `json:"Name"`
	Occurred     time.Time `json:"Occurred"`
	Status       string    `json:"Status"`
	CampaignID   int64     `json:"CampaignId"`
	CampaignName string    `json:"CampaignName"`
}

// jsonLib is a JSON library as a user would call it: decode is its
// streaming decoder on a reader (its natural use on a response body), and
// unmarshal its decoding of a whole body held in memory.
type jsonLib struct {
	name      string
	decode    func(r io.Reader, v any) error
	unmarshal func(data []byte, v any) error
}

// jsonLibs are encoding/json and the third-party libraries, each with its
// defaults. sonic.ConfigDefault is sonic's fast configuration: strings may
// point into its read buffer (no CopyString) and UTF-8 is not validated.
// go-json-experiment/json's UnmarshalRead is its reader entry point (it
// mirrors encoding/json/v2, which Go 1.26 has only under
// GOEXPERIMENT=jsonv2).
var jsonLibs = []jsonLib{
	{"stdlib",
		func(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) },
		json.Unmarshal},
	{"sonic",
		func(r io.Reader, v any) error { return sonic.ConfigDefault.NewDecoder(r).Decode(v) },
		sonic.Unmarshal},
	{"goccy",
		func(r io.Reader, v any) error { return goccy.NewDecoder(r).Decode(v) },
		goccy.Unmarshal},
	{"segmentio",
		func(r io.Reader, v any) error { return segjson.NewDecoder(r).Decode(v) },
		segjson.Unmarshal},
	{"jsonexp",
		func(r io.Reader, v any) error { return jsonexp.UnmarshalRead(r, v) },
		func(data []byte, v any) error { return jsonexp.Unmarshal(data, v) }},
}

// getJSON is the hand-written call with a JSON library.
func getJSON(hc *http.Client, u string, lib jsonLib) ([]Interaction, error) {
	resp, err := get(hc, u, "application/json")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var items []Interaction
	if err := lib.decode(resp.Body, &items); err != nil {
		return nil, err
	}
	return items, nil
}

// xmlList is the DataContractSerializer shape as a user would declare it
// for encoding/xml: local names only, which match any namespace, and the
// DateTimeOffset as its two members.
type xmlList struct {
	Items []struct {
		CampaignID   int64  `xml:"CampaignId"`
		CampaignName string `xml:"CampaignName"`
		ID           int64  `xml:"Id"`
		Interaction  string `xml:"Interaction"`
		Name         string `xml:"Name"`
		Occurred     struct {
			DateTime      time.Time `xml:"DateTime"`
			OffsetMinutes int       `xml:"OffsetMinutes"`
		} `xml:"Occurred"`
		Status string `xml:"Status"`
	} `xml:"ContactInteraction"`
}

// items converts the decoded DataContract shape to Interactions, each
// DateTimeOffset (UTC time plus OffsetMinutes) made a time in its offset.
func (l *xmlList) items() []Interaction {
	out := make([]Interaction, len(l.Items))
	for i, x := range l.Items {
		out[i] = Interaction{
			ID: x.ID, Interaction: x.Interaction, Name: x.Name,
			Occurred: x.Occurred.DateTime.In(time.FixedZone("", x.Occurred.OffsetMinutes*60)),
			Status:   x.Status, CampaignID: x.CampaignID, CampaignName: x.CampaignName,
		}
	}
	return out
}

// getXML is the hand-written call with encoding/xml's streaming decoder.
func getXML(hc *http.Client, u string) ([]Interaction, error) {
	resp, err := get(hc, u, "application/xml")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var list xmlList
	if err := xml.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, err
	}
	return list.items(), nil
}

// unmarshalXML is encoding/xml on a body held in memory.
func unmarshalXML(data []byte) ([]Interaction, error) {
	var list xmlList
	if err := xml.Unmarshal(data, &list); err != nil {
		return nil, err
	}
	return list.items(), nil
}
