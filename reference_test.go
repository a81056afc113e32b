package which50

// Reference decoders: the simple, obviously-correct way to decode the same
// payloads with encoding/json and encoding/xml. The differential and fuzz
// tests hold the fast scanners in json.go and xml.go to them.

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// refDecodeJSON is the reference for decodeJSON: encoding/json with
// reflection, the whole body in memory, dates through refParseDate.
func refDecodeJSON(r io.Reader, yield func(ContactInteraction) bool) error {
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
	var items []*refJSONItem
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

type refJSONItem struct {
	ID           int64 `json:"Id"`
	Interaction  string
	Name         string
	Occurred     refJSONDate
	Status       string
	CampaignID   int64 `json:"CampaignId"`
	CampaignName string
}

type refJSONDate struct{ t time.Time }

func (d *refJSONDate) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := refParseDate(s, true)
	if err != nil {
		return fmt.Errorf("invalid date %q: %w", s, err)
	}
	d.t = t
	return nil
}

// refDecodeXML is the reference for decodeXML: encoding/xml tokens, the
// whole body in memory, dates through refParseDate.
func refDecodeXML(r io.Reader, yield func(ContactInteraction) bool) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("which50: reading XML body: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte(utf8BOM))
	if len(bytes.Trim(data, " \t\r\n")) == 0 {
		return nil
	}
	fail := func(off int64, msg string) error {
		return &syntaxError{Format: "XML", Offset: off, Msg: msg, Near: excerpt(data, int(off))}
	}
	if !validUTF8(data) {
		return fail(0, "invalid UTF-8")
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil } // the bytes win
	s := &refXML{d: d, fail: fail}
	return s.document(yield)
}

type refXML struct {
	d      *xml.Decoder
	depth  int
	tokens int
	fail   func(int64, string) error
}

func (s *refXML) token() (xml.Token, error) {
	tok, err := s.d.Token()
	if err != nil {
		if err == io.EOF {
			return nil, s.fail(s.d.InputOffset(), "unexpected end of input")
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, s.fail(s.d.InputOffset(), se.Msg)
		}
		return nil, s.fail(s.d.InputOffset(), err.Error())
	}
	switch t := tok.(type) {
	case xml.StartElement:
		s.depth++
		if s.depth > maxXMLDepth {
			return nil, s.fail(s.d.InputOffset(), "elements nested too deep")
		}
	case xml.EndElement:
		s.depth--
	case xml.Directive:
		return nil, s.fail(s.d.InputOffset(), "DTDs and directives are not allowed")
	case xml.ProcInst:
		if t.Target == "xml" && s.tokens > 0 {
			// encoding/xml accepts a declaration anywhere; XML does not.
			return nil, s.fail(s.d.InputOffset(), "misplaced XML declaration")
		}
	}
	s.tokens++
	return tok, nil
}

func (s *refXML) document(yield func(ContactInteraction) bool) error {
	for {
		tok, err := s.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.Trim(t, " \t\r\n")) != 0 {
				return s.fail(s.d.InputOffset(), "text outside the root element")
			}
		case xml.StartElement:
			if t.Name.Space != namespaceURIs[nsContacts] || t.Name.Local != "ArrayOfContactInteraction" {
				return s.fail(s.d.InputOffset(), "root element is not ArrayOfContactInteraction")
			}
			nilRoot, err := s.isNil(t)
			if err != nil {
				return err
			}
			if nilRoot {
				if err := s.skip(); err != nil {
					return err
				}
			} else if err := s.root(yield); err != nil || s.depth > 0 {
				return err // stopped early by yield when depth > 0
			}
			return s.epilogue()
		case xml.EndElement:
			return s.fail(s.d.InputOffset(), "unexpected end tag")
		}
	}
}

func (s *refXML) epilogue() error {
	for {
		tok, err := s.d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return s.fail(s.d.InputOffset(), err.Error())
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.Trim(t, " \t\r\n")) != 0 {
				return s.fail(s.d.InputOffset(), "text after the root element")
			}
		case xml.Comment:
		case xml.ProcInst:
			if t.Target == "xml" {
				return s.fail(s.d.InputOffset(), "misplaced XML declaration")
			}
		default:
			return s.fail(s.d.InputOffset(), "content after the root element")
		}
	}
}

func (s *refXML) isNil(t xml.StartElement) (bool, error) {
	for _, a := range t.Attr {
		if a.Name.Space == namespaceURIs[nsXSI] && a.Name.Local == "nil" {
			switch string(bytes.Trim([]byte(a.Value), " \t\r\n")) {
			case "true", "1":
				return true, nil
			case "false", "0":
				return false, nil
			}
			return false, s.fail(s.d.InputOffset(), "invalid i:nil value")
		}
	}
	return false, nil
}

// skip consumes the rest of the current element.
func (s *refXML) skip() error {
	target := s.depth - 1
	for s.depth > target {
		if _, err := s.token(); err != nil {
			return err
		}
	}
	return nil
}

func (s *refXML) root(yield func(ContactInteraction) bool) error {
	for {
		tok, err := s.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if t.Name.Space != namespaceURIs[nsContacts] || t.Name.Local != "ContactInteraction" {
				if err := s.skip(); err != nil {
					return err
				}
				continue
			}
			isNil, err := s.isNil(t)
			if err != nil {
				return err
			}
			if isNil {
				return s.fail(s.d.InputOffset(), "nil ContactInteraction")
			}
			it, err := s.item()
			if err != nil {
				return err
			}
			if !yield(it) {
				return nil
			}
		}
	}
}

func (s *refXML) item() (ContactInteraction, error) {
	var it ContactInteraction
	for {
		tok, err := s.token()
		if err != nil {
			return it, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return it, nil
		case xml.StartElement:
			if t.Name.Space != namespaceURIs[nsContacts] {
				if err := s.skip(); err != nil {
					return it, err
				}
				continue
			}
			isNil, err := s.isNil(t)
			if err != nil {
				return it, err
			}
			if t.Name.Local == "Occurred" {
				it.Occurred = time.Time{}
				if isNil {
					if err := s.skip(); err != nil {
						return it, err
					}
					continue
				}
				if it.Occurred, err = s.occurred(); err != nil {
					return it, err
				}
				continue
			}
			switch t.Name.Local {
			case "Id", "CampaignId", "Interaction", "Name", "Status", "CampaignName":
			default:
				if err := s.skip(); err != nil {
					return it, err
				}
				continue
			}
			var text []byte
			if isNil {
				err = s.skip()
			} else {
				text, err = s.text()
			}
			if err != nil {
				return it, err
			}
			switch t.Name.Local {
			case "Id":
				it.ID, err = s.int64(text, isNil)
			case "CampaignId":
				it.CampaignID, err = s.int64(text, isNil)
			case "Interaction":
				it.Interaction = InteractionType(text)
			case "Name":
				it.Name = string(text)
			case "Status":
				it.Status = string(text)
			case "CampaignName":
				it.CampaignName = string(text)
			}
			if err != nil {
				return it, err
			}
		}
	}
}

func (s *refXML) int64(text []byte, isNil bool) (int64, error) {
	if isNil {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(bytes.Trim(text, " \t\r\n")), 10, 64)
	if err != nil {
		return 0, s.fail(s.d.InputOffset(), fmt.Sprintf("invalid integer %q", text))
	}
	return n, nil
}

// text reads the character data of a leaf element up to its end tag.
func (s *refXML) text() ([]byte, error) {
	var text []byte
	for {
		tok, err := s.token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			text = append(text, t...)
		case xml.StartElement:
			return nil, s.fail(s.d.InputOffset(), "unexpected element inside a value")
		case xml.EndElement:
			return text, nil
		}
	}
}

// occurred reads the children of <Occurred>: DateTime and OffsetMinutes.
func (s *refXML) occurred() (time.Time, error) {
	var dateTime []byte
	var offset int64
	hasDate, hasOffset := false, false
	for {
		tok, err := s.token()
		if err != nil {
			return time.Time{}, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if !hasDate {
				return time.Time{}, s.fail(s.d.InputOffset(), "Occurred without DateTime")
			}
			occ, err := refCombine(string(bytes.Trim(dateTime, " \t\r\n")), offset, hasOffset)
			if err != nil {
				return time.Time{}, s.fail(s.d.InputOffset(), fmt.Sprintf("invalid date %q: %v", dateTime, err))
			}
			return occ, nil
		case xml.StartElement:
			if t.Name.Space != namespaceURIs[nsSystem] || (t.Name.Local != "DateTime" && t.Name.Local != "OffsetMinutes") {
				if err := s.skip(); err != nil {
					return time.Time{}, err
				}
				continue
			}
			isNil, err := s.isNil(t)
			if err != nil {
				return time.Time{}, err
			}
			if isNil {
				return time.Time{}, s.fail(s.d.InputOffset(), "nil "+t.Name.Local)
			}
			text, err := s.text()
			if err != nil {
				return time.Time{}, err
			}
			if t.Name.Local == "DateTime" {
				dateTime, hasDate = text, true
			} else {
				if offset, err = s.int64(text, false); err != nil {
					return time.Time{}, err
				}
				hasOffset = true
			}
		}
	}
}

var refISODate = regexp.MustCompile(`^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))?$`)

// refParseDate is the reference for parseJSONDate, built on time.Parse and
// strconv; msForm allows the Microsoft /Date(...)/ forms.
func refParseDate(s string, msForm bool) (time.Time, error) {
	if msForm && strings.HasPrefix(s, "/Date(") && strings.HasSuffix(s, ")/") {
		inner := s[len("/Date(") : len(s)-len(")/")]
		ms, zone := inner, ""
		if k := strings.LastIndexAny(inner, "+-"); k > 0 {
			ms, zone = inner[:k], inner[k:]
		}
		digits := strings.TrimPrefix(ms, "-")
		if len(digits) == 0 || len(digits) > 15 || strings.Trim(digits, "0123456789") != "" {
			return time.Time{}, fmt.Errorf("bad milliseconds %q", ms)
		}
		n, err := strconv.ParseInt(ms, 10, 64)
		if err != nil {
			return time.Time{}, err
		}
		off := 0
		if zone != "" {
			if len(zone) != 5 || strings.Trim(zone[1:], "0123456789") != "" {
				return time.Time{}, fmt.Errorf("bad offset %q", zone)
			}
			hh, _ := strconv.Atoi(zone[1:3])
			mm, _ := strconv.Atoi(zone[3:5])
			if hh > 23 || mm > 59 || hh*60+mm > 14*60 {
				return time.Time{}, fmt.Errorf("offset out of range %q", zone)
			}
			off = (hh*60 + mm) * 60
			if zone[0] == '-' {
				off = -off
			}
		}
		t := time.UnixMilli(n)
		if t.Year() < 1 || t.Year() > 9999 {
			return time.Time{}, errors.New("year out of range")
		}
		return t.In(refZone(off)), nil
	}
	m := refISODate.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("bad date %q", s)
	}
	if m[1] == "0000" {
		return time.Time{}, errors.New("year 0")
	}
	layout, value := "2006-01-02T15:04:05Z07:00", s
	if m[3] == "" {
		value += "Z"
	}
	if m[4] != "" {
		hh, _ := strconv.Atoi(m[4])
		mm, _ := strconv.Atoi(m[5])
		if hh > 23 || mm > 59 || hh*60+mm > 14*60 {
			return time.Time{}, errors.New("offset out of range")
		}
	}
	t, err := time.Parse(layout, value)
	if err != nil {
		return time.Time{}, err
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return time.Time{}, errors.New("instant out of range")
	}
	_, off := t.Zone()
	return t.In(refZone(off)), nil
}

// refZone applies the decoders' zone rule: time.UTC for offset 0, else an
// unnamed fixed zone.
func refZone(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	return time.FixedZone("", off)
}

// refCombine is the reference for a DataContract DateTimeOffset: the
// DateTime's instant shown at OffsetMinutes, or, for a DateTime without a
// zone, its clock time at OffsetMinutes.
func refCombine(dateTime string, offset int64, hasOffset bool) (time.Time, error) {
	t, err := refParseDate(dateTime, false)
	if err != nil || !hasOffset {
		return t, err
	}
	if offset < -14*60 || offset > 14*60 {
		return time.Time{}, errors.New("offset out of range")
	}
	zone := refZone(int(offset) * 60)
	if m := refISODate.FindStringSubmatch(dateTime); m != nil && m[3] == "" {
		t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), zone)
		if y := t.UTC().Year(); y < 1 || y > 9999 {
			return time.Time{}, errors.New("instant out of range")
		}
		return t, nil
	}
	return t.In(zone), nil
}
