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

// record is one line of JSON output: the SDK's model, whose json tags are
// the API's field names, after the id of the contact it belongs to.
type record struct {
	ContactID string `json:"ContactId"`
	which50.ContactInteraction
}

type jsonlEncoder struct{ buf bytes.Buffer }

func (*jsonlEncoder) begin(io.Writer) error { return nil }

func (e *jsonlEncoder) appendContact(buf []byte, contactID string, items []which50.ContactInteraction) []byte {
	e.buf.Reset()
	enc := json.NewEncoder(&e.buf)
	enc.SetEscapeHTML(false)
	for _, it := range items {
		it.Occurred = encodable(it.Occurred)
		// A record of strings, integers and a time of a four-digit year
		// always encodes (invalid UTF-8 becomes U+FFFD), and Encode ends it
		// with a newline.
		_ = enc.Encode(&record{contactID, it})
	}
	return append(buf, e.buf.Bytes()...)
}

// encodable returns t, or its instant in UTC when its own clock reads a
// year RFC 3339 cannot write (time.Time's MarshalJSON fails on it): an
// instant at the edge of .NET's range, years 1-9999 in UTC, shifted out of
// it by its offset.
func encodable(t time.Time) time.Time {
	if y := t.Year(); y < 0 || y > 9999 {
		return t.UTC()
	}
	return t
}

// formatOccurred writes t as the JSON output does (time.Time's MarshalJSON:
// RFC 3339, Z for UTC, trailing zeros of the fraction trimmed), and "" for
// the zero time, which the JSON output leaves out.
func formatOccurred(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return encodable(t).Format(time.RFC3339Nano)
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
		e.row = append(e.row[:0],
			contactID,
			strconv.FormatInt(it.ID, 10),
			string(it.Interaction),
			it.Name,
			formatOccurred(it.Occurred),
			it.Status,
			strconv.FormatInt(it.CampaignID, 10),
			it.CampaignName,
		)
		cw.Write(e.row) // writes to a bytes.Buffer cannot fail
	}
	cw.Flush()
	return append(buf, e.buf.Bytes()...)
}
