package which50

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// XML namespaces DataContractSerializer uses for the response.
const (
	nsContacts = "http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts"
	nsSystem   = "http://schemas.datacontract.org/2004/07/System"
	nsXSI      = "http://www.w3.org/2001/XMLSchema-instance"
)

// maxXMLDepth bounds element nesting; the schema needs 4 levels.
const maxXMLDepth = 64

// decodeXML decodes a DataContractSerializer ArrayOfContactInteraction read
// from r, calling yield for each item in order; it returns nil early if yield
// returns false.
//
// This first version decodes with encoding/xml tokens; the streaming scanner
// replaces it.
func decodeXML(r io.Reader, yield func(ContactInteraction) bool) error {
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
	s := &simpleXML{d: d, fail: fail}
	return s.document(yield)
}

type simpleXML struct {
	d      *xml.Decoder
	depth  int
	tokens int
	fail   func(int64, string) error
}

func (s *simpleXML) token() (xml.Token, error) {
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

func (s *simpleXML) document(yield func(ContactInteraction) bool) error {
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
			if t.Name.Space != nsContacts || t.Name.Local != "ArrayOfContactInteraction" {
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

func (s *simpleXML) epilogue() error {
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

func (s *simpleXML) isNil(t xml.StartElement) (bool, error) {
	for _, a := range t.Attr {
		if a.Name.Space == nsXSI && a.Name.Local == "nil" {
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
func (s *simpleXML) skip() error {
	target := s.depth - 1
	for s.depth > target {
		if _, err := s.token(); err != nil {
			return err
		}
	}
	return nil
}

func (s *simpleXML) root(yield func(ContactInteraction) bool) error {
	for {
		tok, err := s.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if t.Name.Space != nsContacts || t.Name.Local != "ContactInteraction" {
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

func (s *simpleXML) item() (ContactInteraction, error) {
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
			if t.Name.Space != nsContacts {
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

func (s *simpleXML) int64(text []byte, isNil bool) (int64, error) {
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
func (s *simpleXML) text() ([]byte, error) {
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
func (s *simpleXML) occurred() (time.Time, error) {
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
			occ, err := combineXMLDate(bytes.Trim(dateTime, " \t\r\n"), offset, hasOffset, nil)
			if err != nil {
				return time.Time{}, s.fail(s.d.InputOffset(), fmt.Sprintf("invalid date %q: %v", dateTime, err))
			}
			return occ, nil
		case xml.StartElement:
			if t.Name.Space != nsSystem || (t.Name.Local != "DateTime" && t.Name.Local != "OffsetMinutes") {
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
