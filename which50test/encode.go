package which50test

import (
	"bufio"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/which50-go/which50"
)

// EncodeJSON writes items the way the Which50 service's Json.NET formatter
// does: a compact array, properties in declaration order (Id, Interaction,
// Name, Occurred, Status, CampaignId, CampaignName), and Occurred as the local
// clock time plus its ±hh:mm offset (never Z), with up to seven fraction
// digits, trailing zeros trimmed. A nil or empty slice is written as [].
//
// Strings are escaped as Json.NET escapes them: quote, backslash, control
// characters (\b \f \n \r \t or \u00xx), and U+0085, U+2028, U+2029. Invalid
// UTF-8 is written as U+FFFD. Offsets are whole minutes, as in .NET; seconds
// of an offset are dropped and the clock time adjusted so the instant is kept.
func EncodeJSON(w io.Writer, items []which50.ContactInteraction) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	var buf []byte
	for i := range items {
		buf = buf[:0]
		if i == 0 {
			buf = append(buf, '[')
		} else {
			buf = append(buf, ',')
		}
		buf = appendJSONItem(buf, &items[i], emptyAsString)
		if _, err := bw.Write(buf); err != nil {
			return wrapWriteErr(err)
		}
	}
	if len(items) == 0 {
		bw.WriteString("[]")
	} else {
		bw.WriteByte(']')
	}
	return wrapWriteErr(bw.Flush())
}

// EncodeXML writes items the way the Which50 service's DataContractSerializer
// does: no XML declaration, the ArrayOfContactInteraction root with its
// namespaces, members in ordinal-alphabetical order (CampaignId, CampaignName,
// Id, Interaction, Name, Occurred, Status), and Occurred as a nested
// DateTimeOffset: DateTime in UTC with Z and OffsetMinutes. An empty string is
// written as an empty element (<Name />), a nil or empty slice as the
// self-closing root.
//
// Text is escaped as .NET's XmlWriter escapes it (&amp; &lt; &gt;, other
// control characters, U+FFFE and U+FFFF as &#xN;), except that a carriage return is written as
// &#xD; so that every string survives a round trip; invalid UTF-8 is written
// as U+FFFD.
func EncodeXML(w io.Writer, items []which50.ContactInteraction) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	if len(items) == 0 {
		bw.WriteString(xmlRootOpen)
		bw.WriteString(" />")
		return wrapWriteErr(bw.Flush())
	}
	bw.WriteString(xmlRootOpen)
	bw.WriteByte('>')
	var buf []byte
	for i := range items {
		buf = appendXMLItem(buf[:0], &items[i], emptyAsString)
		if _, err := bw.Write(buf); err != nil {
			return wrapWriteErr(err)
		}
	}
	bw.WriteString(xmlRootClose)
	return wrapWriteErr(bw.Flush())
}

// emptyStrings says how the encoders write an empty Go string.
type emptyStrings int

const (
	emptyAsString    emptyStrings = iota // "" and <Name />
	emptyAsNull                          // null and <Name i:nil="true" />
	emptyOmitted                         // member left out
	emptyNullIgnored                     // left out of JSON, <Name i:nil="true" /> in XML
)

const (
	xmlRootOpen = `<ArrayOfContactInteraction xmlns:i="http://www.w3.org/2001/XMLSchema-instance" ` +
		`xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts"`
	xmlRootClose    = `</ArrayOfContactInteraction>`
	xmlOccurredOpen = `<Occurred xmlns:d3p1="http://schemas.datacontract.org/2004/07/System"><d3p1:DateTime>`
)

func wrapWriteErr(err error) error {
	if err == nil {
		return nil
	}
	return &writeError{err}
}

type writeError struct{ err error }

func (e *writeError) Error() string { return "which50test: write payload: " + e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

func appendJSONItem(b []byte, it *which50.ContactInteraction, empty emptyStrings) []byte {
	b = append(b, `{"Id":`...)
	b = strconv.AppendInt(b, it.ID, 10)
	b = appendJSONMember(b, `,"Interaction":`, string(it.Interaction), empty)
	b = appendJSONMember(b, `,"Name":`, it.Name, empty)
	b = append(b, `,"Occurred":"`...)
	b = appendJSONDate(b, it.Occurred)
	b = append(b, '"')
	b = appendJSONMember(b, `,"Status":`, it.Status, empty)
	b = append(b, `,"CampaignId":`...)
	b = strconv.AppendInt(b, it.CampaignID, 10)
	b = appendJSONMember(b, `,"CampaignName":`, it.CampaignName, empty)
	return append(b, '}')
}

func appendJSONMember(b []byte, key, s string, empty emptyStrings) []byte {
	if s == "" {
		switch empty {
		case emptyAsNull:
			return append(append(b, key...), "null"...)
		case emptyOmitted, emptyNullIgnored:
			return b
		}
	}
	return appendJSONString(append(b, key...), s)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted and escaped like Json.NET's default
// StringEscapeHandling (lower-case hex in \u escapes).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, "\uFFFD"...)
		case r == '\u0085' || r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', hexDigits[r>>12], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendJSONDate appends t in Json.NET's DateTimeOffset form,
// yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz.
func appendJSONDate(b []byte, t time.Time) []byte {
	_, offset := t.Zone()
	offMin := offset / 60
	local := t.UTC().Add(time.Duration(offMin) * time.Minute)
	b = appendClock(b, local)
	sign := byte('+')
	if offMin < 0 {
		sign = '-'
		offMin = -offMin
	}
	b = append(b, sign)
	b = append2(b, offMin/60)
	b = append(b, ':')
	return append2(b, offMin%60)
}

// appendXMLDate appends the UTC instant of t as DataContractSerializer writes
// a DateTimeOffset's DateTime member: yyyy-MM-ddTHH:mm:ss.FFFFFFFZ.
func appendXMLDate(b []byte, t time.Time) []byte {
	return append(appendClock(b, t.UTC()), 'Z')
}

// offsetMinutes is the whole-minute offset .NET keeps for t.
func offsetMinutes(t time.Time) int {
	_, offset := t.Zone()
	return offset / 60
}

// appendClock appends t's wall clock as yyyy-MM-ddTHH:mm:ss with a trimmed
// seven-digit (100 ns tick) fraction; the dot is dropped when it is zero.
func appendClock(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	if year < 0 {
		b = append(b, '-')
		year = -year
	}
	if year < 1000 {
		b = append(b, '0'+byte(year/1000), '0'+byte(year/100%10), '0'+byte(year/10%10), '0'+byte(year%10))
	} else {
		b = strconv.AppendInt(b, int64(year), 10)
	}
	b = append(b, '-')
	b = append2(b, int(month))
	b = append(b, '-')
	b = append2(b, day)
	b = append(b, 'T')
	b = append2(b, hour)
	b = append(b, ':')
	b = append2(b, minute)
	b = append(b, ':')
	b = append2(b, sec)
	ticks := t.Nanosecond() / 100
	if ticks == 0 {
		return b
	}
	var digits [7]byte
	for i := 6; i >= 0; i-- {
		digits[i] = '0' + byte(ticks%10)
		ticks /= 10
	}
	n := 7
	for digits[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, digits[:n]...)
}

func append2(b []byte, v int) []byte {
	return append(b, '0'+byte(v/10%10), '0'+byte(v%10))
}

func appendXMLItem(b []byte, it *which50.ContactInteraction, empty emptyStrings) []byte {
	b = append(b, "<ContactInteraction><CampaignId>"...)
	b = strconv.AppendInt(b, it.CampaignID, 10)
	b = append(b, "</CampaignId>"...)
	b = appendXMLMember(b, "CampaignName", it.CampaignName, empty)
	b = append(b, "<Id>"...)
	b = strconv.AppendInt(b, it.ID, 10)
	b = append(b, "</Id>"...)
	b = appendXMLMember(b, "Interaction", string(it.Interaction), empty)
	b = appendXMLMember(b, "Name", it.Name, empty)
	b = append(b, xmlOccurredOpen...)
	b = appendXMLDate(b, it.Occurred)
	b = append(b, "</d3p1:DateTime><d3p1:OffsetMinutes>"...)
	b = strconv.AppendInt(b, int64(offsetMinutes(it.Occurred)), 10)
	b = append(b, "</d3p1:OffsetMinutes></Occurred>"...)
	b = appendXMLMember(b, "Status", it.Status, empty)
	return append(b, "</ContactInteraction>"...)
}

func appendXMLMember(b []byte, name, s string, empty emptyStrings) []byte {
	if s == "" {
		switch empty {
		case emptyAsNull, emptyNullIgnored:
			return append(append(append(b, '<'), name...), ` i:nil="true" />`...)
		case emptyOmitted:
			return b
		default:
			return append(append(append(b, '<'), name...), " />"...)
		}
	}
	b = append(append(append(b, '<'), name...), '>')
	b = appendXMLText(b, s)
	return append(append(append(b, '<', '/'), name...), '>')
}

// appendXMLText appends s as XML character data, escaped like .NET's
// XmlWriter with CheckCharacters off (control characters as character
// references), but with \r as &#xD; so that it is not normalized away.
func appendXMLText(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			var esc string
			switch {
			case c == '&':
				esc = "&amp;"
			case c == '<':
				esc = "&lt;"
			case c == '>':
				esc = "&gt;"
			case c == '\t' || c == '\n' || c >= 0x20:
				i++
				continue
			}
			b = append(b, s[start:i]...)
			if esc != "" {
				b = append(b, esc...)
			} else {
				b = append(b, '&', '#', 'x')
				if c >= 0x10 {
					b = append(b, "0123456789ABCDEF"[c>>4])
				}
				b = append(b, "0123456789ABCDEF"[c&0xF], ';')
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, "\uFFFD"...)
		case r == '\uFFFE' || r == '\uFFFF':
			b = append(b, s[start:i]...)
			b = append(b, "&#x"...)
			b = append(b, "0123456789ABCDEF"[r>>12&0xF], "0123456789ABCDEF"[r>>8&0xF], "0123456789ABCDEF"[r>>4&0xF], "0123456789ABCDEF"[r&0xF], ';')
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(b, s[start:]...)
}
