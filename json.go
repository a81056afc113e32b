package which50

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// decodeJSON decodes a JSON array of ContactInteraction read from r, calling
// yield for each item in order; it returns nil early if yield returns false.
//
// This first version decodes with encoding/json; the streaming scanner
// replaces it.
func decodeJSON(r io.Reader, yield func(ContactInteraction) bool) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("which50: reading JSON body: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte(utf8BOM))
	if len(bytes.Trim(data, " \t\r\n")) == 0 {
		return nil
	}
	if !validUTF8(data) {
		return &syntaxError{Format: "JSON", Msg: "invalid UTF-8", Near: excerpt(data, 0)}
	}
	var items []*simpleJSONItem
	if err := json.Unmarshal(data, &items); err != nil {
		se := &syntaxError{Format: "JSON", Msg: err.Error()}
		var jse *json.SyntaxError
		var ute *json.UnmarshalTypeError
		switch {
		case errors.As(err, &jse):
			se.Offset = jse.Offset
		case errors.As(err, &ute):
			se.Offset = ute.Offset
		}
		se.Near = excerpt(data, int(se.Offset))
		return se
	}
	for _, it := range items {
		if it == nil {
			return &syntaxError{Format: "JSON", Msg: "null item in array", Near: excerpt(data, 0)}
		}
		if !yield(ContactInteraction{
			ID:           it.ID,
			Interaction:  InteractionType(it.Interaction),
			Name:         it.Name,
			Occurred:     it.Occurred.t,
			Status:       it.Status,
			CampaignID:   it.CampaignID,
			CampaignName: it.CampaignName,
		}) {
			return nil
		}
	}
	return nil
}

type simpleJSONItem struct {
	ID           int64 `json:"Id"`
	Interaction  string
	Name         string
	Occurred     simpleJSONDate
	Status       string
	CampaignID   int64 `json:"CampaignId"`
	CampaignName string
}

type simpleJSONDate struct{ t time.Time }

func (d *simpleJSONDate) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := parseJSONDate([]byte(s))
	if err != nil {
		return fmt.Errorf("invalid date %q: %w", s, err)
	}
	d.t = t
	return nil
}
