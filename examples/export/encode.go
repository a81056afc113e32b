package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/which50-go/which50"
)

// occurredLayout is RFC 3339 as Json.NET writes a DateTimeOffset: the
// offset as ±hh:mm (+00:00, never Z), the fraction with trailing zeros
// trimmed and no dot when it is zero.
const occurredLayout = "2006-01-02T15:04:05.999999999-07:00"

// columns are the output's fields: the wire field names plus ContactId.
var columns = []string{"ContactId", "Id", "Interaction", "Name", "Occurred", "Status", "CampaignId", "CampaignName"}

// encoder turns a contact's interactions into output bytes: whole lines
// (or whole CSV records) only, so that output cut after any contact is
// valid.
type encoder interface {
	// begin writes what comes before the first contact, if anything.
	begin(w io.Writer) error
	// appendContact appends the records of one contact's interactions.
	appendContact(buf []byte, contactID string, items []which50.ContactInteraction) []byte
}

func newEncoder(format string) encoder {
	if format == "csv" {
		return &csvEncoder{}
	}
	return &jsonlEncoder{}
}

// record is one line of JSON output.
type record struct {
	ContactID    string  `json:"ContactId"`
	ID           int64   `json:"Id"`
	Interaction  string  `json:"Interaction"`
	Name         string  `json:"Name"`
	Occurred     *string `json:"Occurred"` // null when the API sent none
	Status       string  `json:"Status"`
	CampaignID   int64   `json:"CampaignId"`
	CampaignName string  `json:"CampaignName"`
}

type jsonlEncoder struct{ buf bytes.Buffer }

func (*jsonlEncoder) begin(io.Writer) error { return nil }

func (e *jsonlEncoder) appendContact(buf []byte, contactID string, items []which50.ContactInteraction) []byte {
	e.buf.Reset()
	enc := json.NewEncoder(&e.buf)
	enc.SetEscapeHTML(false)
	for _, it := range items {
		r := record{
			ContactID:    contactID,
			ID:           it.ID,
			Interaction:  string(it.Interaction),
			Name:         it.Name,
			Occurred:     formatOccurred(it.Occurred),
			Status:       it.Status,
			CampaignID:   it.CampaignID,
			CampaignName: it.CampaignName,
		}
		// A record of strings and integers always encodes (invalid UTF-8
		// becomes U+FFFD), and Encode ends it with a newline.
		_ = enc.Encode(&r)
	}
	return append(buf, e.buf.Bytes()...)
}

func formatOccurred(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(occurredLayout)
	return &s
}

type csvEncoder struct {
	buf bytes.Buffer
	row []string
}

func (e *csvEncoder) begin(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(columns)
	cw.Flush()
	return cw.Error()
}

func (e *csvEncoder) appendContact(buf []byte, contactID string, items []which50.ContactInteraction) []byte {
	e.buf.Reset()
	cw := csv.NewWriter(&e.buf)
	for _, it := range items {
		occurred := ""
		if p := formatOccurred(it.Occurred); p != nil {
			occurred = *p
		}
		e.row = append(e.row[:0],
			contactID,
			strconv.FormatInt(it.ID, 10),
			string(it.Interaction),
			it.Name,
			occurred,
			it.Status,
			strconv.FormatInt(it.CampaignID, 10),
			it.CampaignName,
		)
		cw.Write(e.row) // writes to a bytes.Buffer cannot fail
	}
	cw.Flush()
	return append(buf, e.buf.Bytes()...)
}
