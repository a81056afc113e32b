package which50test

import (
	"strconv"
	"time"

	"github.com/which50-go/which50"
)

// Namespaces of the service's DataContract XML.
const (
	nsInstance      = "http://www.w3.org/2001/XMLSchema-instance"
	nsSchema        = "http://www.w3.org/2001/XMLSchema"
	nsArrays        = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"
	nsSerialization = "http://schemas.microsoft.com/2003/10/Serialization/"
	nsSystem        = "http://schemas.datacontract.org/2004/07/System"
	nsDTO           = "http://schemas.datacontract.org/2004/07/W50API.Models.DTO"
	nsContacts      = "http://schemas.datacontract.org/2004/07/W50API.Models.DTO.Contacts"
	nsCommon        = "http://schemas.datacontract.org/2004/07/W50Common.Model.DTO"
)

// The models other than ContactInteraction follow the service's null
// handling, as the captured answers show: Json.NET leaves null members out
// (NullValueHandling.Ignore) and DataContract writes them as i:nil. An
// empty Go string, a zero time and a nil slice or value are that null.
// Two integer flags are nullable too, and written as null when zero:
// ContactEmail.Link and ContactLandingPage.Submission, which the service
// only sets once a link was clicked or a form submitted.

// appendDateTime appends t the way both serializers write a .NET DateTime:
// yyyy-MM-ddTHH:mm:ss.FFFFFFF, followed by Z when t's location is UTC (a
// DateTime of kind Utc) and by nothing otherwise (kind Unspecified, written
// as t's clock time).
func appendDateTime(b []byte, t time.Time) []byte {
	b = appendClock(b, t)
	if t.Location() == time.UTC {
		b = append(b, 'Z')
	}
	return b
}

// xmlPrefix is the namespace prefix DataContractSerializer declares on an
// element at depth (the root being 0): d{depth+1}p1.
func xmlPrefix(depth int) string { return "d" + strconv.Itoa(depth+1) + "p1" }

// jsonObject appends a JSON object member by member, leaving null members
// out.
type jsonObject struct {
	b []byte
	n int
}

func (o *jsonObject) key(k string) {
	if o.n == 0 {
		o.b = append(o.b, '{')
	} else {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = append(o.b, '"')
	o.b = append(o.b, k...)
	o.b = append(o.b, '"', ':')
}

func (o *jsonObject) str(k, s string) {
	if s != "" {
		o.key(k)
		o.b = appendJSONString(o.b, s)
	}
}

func (o *jsonObject) int(k string, v int64) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, v, 10)
}

func (o *jsonObject) nullableInt(k string, v int64) {
	if v != 0 {
		o.int(k, v)
	}
}

func (o *jsonObject) bool(k string, v bool) {
	o.key(k)
	o.b = strconv.AppendBool(o.b, v)
}

// offsetDate writes a DateTimeOffset.
func (o *jsonObject) offsetDate(k string, t time.Time) {
	if !t.IsZero() {
		o.key(k)
		o.b = append(appendJSONDate(append(o.b, '"'), t), '"')
	}
}

// dateTime writes a DateTime.
func (o *jsonObject) dateTime(k string, t time.Time) {
	if !t.IsZero() {
		o.key(k)
		o.b = append(appendDateTime(append(o.b, '"'), t), '"')
	}
}

func (o *jsonObject) strings(k string, ss []string) {
	if ss != nil {
		o.key(k)
		o.b = appendJSONStrings(o.b, ss)
	}
}

func (o *jsonObject) value(k string, v any) {
	if v != nil {
		o.key(k)
		o.b = appendJSONValue(o.b, v)
	}
}

func (o *jsonObject) end() []byte {
	if o.n == 0 {
		o.b = append(o.b, '{')
	}
	return append(o.b, '}')
}

func appendJSONStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendJSONValue appends a wire value (see values.go) as Json.NET writes
// it.
func appendJSONValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendJSONString(b, x)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case long:
		return strconv.AppendInt(b, int64(x), 10)
	case float64:
		return appendJSONDouble(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case time.Time:
		return append(appendDateTime(append(b, '"'), x), '"')
	case []string:
		return appendJSONStrings(b, x)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONValue(b, e)
		}
		return append(b, ']')
	case rawJSON:
		return append(b, x...)
	}
	return appendJSONString(b, "")
}

// appendJSONDouble writes a double as Json.NET does: the round-trip text
// with ".0" added to whole numbers, and NaN and infinities as strings.
func appendJSONDouble(b []byte, f float64) []byte {
	start := len(b)
	b = appendDotNetDouble(b, f)
	text := string(b[start:])
	switch text {
	case "NaN":
		return append(b[:start], `"NaN"`...)
	case "INF":
		return append(b[:start], `"Infinity"`...)
	case "-INF":
		return append(b[:start], `"-Infinity"`...)
	}
	for _, c := range text {
		if c == '.' || c == 'E' {
			return b
		}
	}
	return append(b, ".0"...)
}

// appendXMLOpen appends the start tag of a model element: at the root with
// the instance and default namespaces, else bare.
func appendXMLOpen(b []byte, name, ns string, depth int) []byte {
	b = append(b, '<')
	b = append(b, name...)
	if depth == 0 {
		b = append(b, ` xmlns:i="`+nsInstance+`" xmlns="`...)
		b = append(b, ns...)
		b = append(b, '"')
	}
	return append(b, '>')
}

func appendXMLClose(b []byte, name string) []byte {
	b = append(b, '<', '/')
	b = append(b, name...)
	return append(b, '>')
}

func appendXMLNil(b []byte, name string) []byte {
	b = append(b, '<')
	b = append(b, name...)
	return append(b, ` i:nil="true" />`...)
}

func xmlStr(b []byte, name, s string) []byte { return appendXMLMember(b, name, s, emptyAsNull) }

func xmlInt(b []byte, name string, v int64) []byte {
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	b = strconv.AppendInt(b, v, 10)
	return appendXMLClose(b, name)
}

func xmlNullableInt(b []byte, name string, v int64) []byte {
	if v == 0 {
		return appendXMLNil(b, name)
	}
	return xmlInt(b, name, v)
}

func xmlBool(b []byte, name string, v bool) []byte {
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	b = strconv.AppendBool(b, v)
	return appendXMLClose(b, name)
}

// xmlDateTime writes a DateTime member.
func xmlDateTime(b []byte, name string, t time.Time) []byte {
	if t.IsZero() {
		return appendXMLNil(b, name)
	}
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	b = appendDateTime(b, t)
	return appendXMLClose(b, name)
}

// xmlOffsetDate writes a DateTimeOffset member at depth: the UTC DateTime
// and the OffsetMinutes in the System namespace.
func xmlOffsetDate(b []byte, name string, depth int, t time.Time) []byte {
	p := xmlPrefix(depth)
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, ` xmlns:`...)
	b = append(b, p...)
	b = append(b, `="`+nsSystem+`"`...)
	if t.IsZero() {
		return append(b, ` i:nil="true" />`...)
	}
	b = append(b, "><"...)
	b = append(b, p...)
	b = append(b, ":DateTime>"...)
	b = appendXMLDate(b, t)
	b = append(b, "</"...)
	b = append(b, p...)
	b = append(b, ":DateTime><"...)
	b = append(b, p...)
	b = append(b, ":OffsetMinutes>"...)
	b = strconv.AppendInt(b, int64(offsetMinutes(t)), 10)
	b = append(b, "</"...)
	b = append(b, p...)
	b = append(b, ":OffsetMinutes>"...)
	return appendXMLClose(b, name)
}

// xmlStrings writes a List<string> member at depth: items in the Arrays
// namespace. attrs (such as a default namespace) follow the prefix
// declaration, as DataContractSerializer orders them.
func xmlStrings(b []byte, name string, depth int, ss []string, attrs string) []byte {
	p := xmlPrefix(depth)
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, ` xmlns:`...)
	b = append(b, p...)
	b = append(b, `="`+nsArrays+`"`...)
	if ss == nil {
		b = append(b, ` i:nil="true"`...)
	}
	b = append(b, attrs...)
	if len(ss) == 0 {
		return append(b, " />"...)
	}
	b = append(b, '>')
	for _, s := range ss {
		b = appendXMLMember(b, p+":string", s, emptyAsString)
	}
	return appendXMLClose(b, name)
}

// appendXMLValue writes an object-typed member (a Values entry's Value, a
// journey's untyped member) at depth: i:type names the value's schema
// type, in a prefix declared on the element itself.
func appendXMLValue(b []byte, name string, depth int, v any) []byte {
	p := xmlPrefix(depth)
	typed := func(b []byte, ns, typ string) []byte {
		b = append(b, '<')
		b = append(b, name...)
		b = append(b, " xmlns:"...)
		b = append(b, p...)
		b = append(b, `="`...)
		b = append(b, ns...)
		b = append(b, `" i:type="`...)
		b = append(b, p...)
		b = append(b, ':')
		b = append(b, typ...)
		return append(b, `">`...)
	}
	switch x := v.(type) {
	case nil:
		return appendXMLNil(b, name)
	case string:
		b = typed(b, nsSchema, "string")
		b = appendXMLText(b, x)
	case int64:
		if x >= -1<<31 && x < 1<<31 {
			b = typed(b, nsSchema, "int")
		} else {
			b = typed(b, nsSchema, "long")
		}
		b = strconv.AppendInt(b, x, 10)
	case long:
		b = typed(b, nsSchema, "long")
		b = strconv.AppendInt(b, int64(x), 10)
	case float64:
		b = typed(b, nsSchema, "double")
		b = appendDotNetDouble(b, x)
	case bool:
		b = typed(b, nsSchema, "boolean")
		b = strconv.AppendBool(b, x)
	case time.Time:
		b = typed(b, nsSchema, "dateTime")
		b = appendDateTime(b, x)
	case []string:
		b = typed(b, nsArrays, "ArrayOfstring")
		for _, s := range x {
			b = appendXMLMember(b, p+":string", s, emptyAsString)
		}
	case []any:
		allStrings := len(x) > 0
		for _, e := range x {
			if _, ok := e.(string); !ok {
				allStrings = false
			}
		}
		if allStrings {
			b = typed(b, nsArrays, "ArrayOfstring")
			for _, e := range x {
				b = appendXMLMember(b, p+":string", e.(string), emptyAsString)
			}
		} else {
			b = typed(b, nsArrays, "ArrayOfanyType")
			for _, e := range x {
				b = appendXMLValue(b, p+":anyType", depth+1, e)
			}
		}
	case rawJSON:
		b = typed(b, nsSchema, "string")
		b = appendXMLText(b, string(x))
	default:
		return appendXMLNil(b, name)
	}
	return appendXMLClose(b, name)
}

// storedContact is a contact as the fake holds it: its values in order and
// in wire types.
type storedContact struct {
	enc      string
	id       int64
	listID   int64
	warnings []string
	values   values
}

func (c *storedContact) clone() *storedContact {
	d := *c
	d.warnings = cloneStrings(c.warnings)
	d.values = c.values.clone()
	return &d
}

func cloneStrings(ss []string) []string {
	if ss == nil {
		return nil
	}
	return append([]string{}, ss...)
}

// export returns the contact as the SDK's model.
func (c *storedContact) export() which50.Contact {
	out := which50.Contact{
		ValidationWarnings: cloneStrings(c.warnings),
		EncContactID:       c.enc,
		ID:                 c.id,
		ListID:             c.listID,
	}
	if c.values != nil {
		out.Values = make(map[string]any, len(c.values))
		for _, f := range c.values {
			out.Values[f.key] = toGo(f.val)
		}
	}
	return out
}

func appendJSONContact(b []byte, c *storedContact) []byte {
	o := jsonObject{b: b}
	o.strings("ValidationWarnings", c.warnings)
	o.str("EncContactId", c.enc)
	// Id is not written: the service's JSON contract ignores it.
	o.int("ListId", c.listID)
	if c.values != nil {
		o.key("Values")
		o.b = append(o.b, '{')
		for i, f := range c.values {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = appendJSONString(o.b, f.key)
			o.b = append(o.b, ':')
			o.b = appendJSONValue(o.b, f.val)
		}
		o.b = append(o.b, '}')
	}
	return o.end()
}

// appendXMLContact writes a Contact at depth. Its members belong to its
// base class, so each declares that class's namespace.
func appendXMLContact(b []byte, c *storedContact, depth int) []byte {
	const common = ` xmlns="` + nsCommon + `"`
	b = appendXMLOpen(b, "Contact", nsDTO, depth)
	if c.enc == "" {
		b = append(b, `<EncContactId i:nil="true"`+common+` />`...)
	} else {
		b = append(b, `<EncContactId`+common+`>`...)
		b = appendXMLText(b, c.enc)
		b = append(b, `</EncContactId>`...)
	}
	b = append(b, `<Id`+common+`>`...)
	b = strconv.AppendInt(b, c.id, 10)
	b = append(b, `</Id><ListId`+common+`>`...)
	b = strconv.AppendInt(b, c.listID, 10)
	b = append(b, `</ListId>`...)
	b = xmlStrings(b, "ValidationWarnings", depth+1, c.warnings, common)
	p := xmlPrefix(depth + 1)
	b = append(b, `<Values xmlns:`...)
	b = append(b, p...)
	b = append(b, `="`+nsArrays+`"`...)
	switch {
	case c.values == nil:
		b = append(b, ` i:nil="true"`+common+` />`...)
	case len(c.values) == 0:
		b = append(b, common+` />`...)
	default:
		b = append(b, common+`>`...)
		kv := p + ":KeyValueOfstringanyType"
		for _, f := range c.values {
			b = appendXMLOpen(b, kv, "", 1)
			b = appendXMLMember(b, p+":Key", f.key, emptyAsString)
			b = appendXMLValue(b, p+":Value", depth+3, f.val)
			b = appendXMLClose(b, kv)
		}
		b = append(b, `</Values>`...)
	}
	return appendXMLClose(b, "Contact")
}

func appendJSONContactList(b []byte, l *which50.ContactList) []byte {
	o := jsonObject{b: b}
	o.int("Id", l.ID)
	o.str("Name", l.Name)
	o.int("Count", l.Count)
	return o.end()
}

func appendXMLContactList(b []byte, l *which50.ContactList, depth int) []byte {
	b = appendXMLOpen(b, "ContactsList", nsDTO, depth)
	b = xmlInt(b, "Count", l.Count)
	b = xmlInt(b, "Id", l.ID)
	b = xmlStr(b, "Name", l.Name)
	return appendXMLClose(b, "ContactsList")
}

func appendJSONField(b []byte, f *which50.ContactSchemaField) []byte {
	o := jsonObject{b: b}
	o.int("Id", f.ID)
	o.str("Name", f.Name)
	o.str("DefaultValue", f.DefaultValue)
	o.str("MapType", f.MapType)
	o.int("Position", f.Position)
	// The service always sends the list of values, empty for most fields.
	o.key("ContactSchemaFieldValues")
	o.b = append(o.b, '[')
	for i := range f.ContactSchemaFieldValues {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		v := &f.ContactSchemaFieldValues[i]
		vo := jsonObject{b: o.b}
		vo.int("Id", v.ID)
		vo.str("Value", v.Value)
		vo.int("Order", v.Order)
		vo.bool("InUse", v.InUse)
		o.b = vo.end()
	}
	o.b = append(o.b, ']')
	return o.end()
}

func appendXMLField(b []byte, f *which50.ContactSchemaField, depth int) []byte {
	b = appendXMLOpen(b, "ContactSchemaField", nsDTO, depth)
	if len(f.ContactSchemaFieldValues) == 0 {
		b = append(b, "<ContactSchemaFieldValues />"...)
	} else {
		b = append(b, "<ContactSchemaFieldValues>"...)
		for i := range f.ContactSchemaFieldValues {
			v := &f.ContactSchemaFieldValues[i]
			b = append(b, "<ContactSchemaFieldValue>"...)
			b = xmlInt(b, "Id", v.ID)
			b = xmlBool(b, "InUse", v.InUse)
			b = xmlInt(b, "Order", v.Order)
			b = xmlStr(b, "Value", v.Value)
			b = append(b, "</ContactSchemaFieldValue>"...)
		}
		b = append(b, "</ContactSchemaFieldValues>"...)
	}
	b = xmlStr(b, "DefaultValue", f.DefaultValue)
	b = xmlInt(b, "Id", f.ID)
	b = xmlStr(b, "MapType", f.MapType)
	b = xmlStr(b, "Name", f.Name)
	b = xmlInt(b, "Position", f.Position)
	return appendXMLClose(b, "ContactSchemaField")
}

func appendJSONEmail(b []byte, e *which50.ContactEmail) []byte {
	o := jsonObject{b: b}
	o.int("Id", e.ID)
	o.str("Name", e.Name)
	o.offsetDate("Date", e.Date)
	o.int("Delivered", e.Delivered)
	o.int("Open", e.Open)
	o.int("Read", e.Read)
	o.nullableInt("Link", e.Link)
	return o.end()
}

func appendXMLEmail(b []byte, e *which50.ContactEmail, depth int) []byte {
	b = appendXMLOpen(b, "ContactEmail", nsContacts, depth)
	b = xmlOffsetDate(b, "Date", depth+1, e.Date)
	b = xmlInt(b, "Delivered", e.Delivered)
	b = xmlInt(b, "Id", e.ID)
	b = xmlNullableInt(b, "Link", e.Link)
	b = xmlStr(b, "Name", e.Name)
	b = xmlInt(b, "Open", e.Open)
	b = xmlInt(b, "Read", e.Read)
	return appendXMLClose(b, "ContactEmail")
}

func appendJSONTextMessage(b []byte, m *which50.ContactTextMessage) []byte {
	o := jsonObject{b: b}
	o.int("Id", m.ID)
	o.str("Name", m.Name)
	o.offsetDate("Date", m.Date)
	o.int("Delivered", m.Delivered)
	return o.end()
}

func appendXMLTextMessage(b []byte, m *which50.ContactTextMessage, depth int) []byte {
	b = appendXMLOpen(b, "ContactTextMessage", nsContacts, depth)
	b = xmlOffsetDate(b, "Date", depth+1, m.Date)
	b = xmlInt(b, "Delivered", m.Delivered)
	b = xmlInt(b, "Id", m.ID)
	b = xmlStr(b, "Name", m.Name)
	return appendXMLClose(b, "ContactTextMessage")
}

func appendJSONLandingPage(b []byte, p *which50.ContactLandingPage) []byte {
	o := jsonObject{b: b}
	o.int("Id", p.ID)
	o.str("Name", p.Name)
	o.offsetDate("Date", p.Date)
	o.int("Link", p.Link)
	o.nullableInt("Submission", p.Submission)
	return o.end()
}

func appendXMLLandingPage(b []byte, p *which50.ContactLandingPage, depth int) []byte {
	b = appendXMLOpen(b, "ContactLandingPage", nsContacts, depth)
	b = xmlOffsetDate(b, "Date", depth+1, p.Date)
	b = xmlInt(b, "Id", p.ID)
	b = xmlInt(b, "Link", p.Link)
	b = xmlStr(b, "Name", p.Name)
	b = xmlNullableInt(b, "Submission", p.Submission)
	return appendXMLClose(b, "ContactLandingPage")
}

func appendJSONWebForm(b []byte, w *which50.ContactWebForm) []byte {
	o := jsonObject{b: b}
	o.int("Id", w.ID)
	o.int("LandingPageId", w.LandingPageID)
	o.str("Name", w.Name)
	o.offsetDate("Date", w.Date)
	o.int("Submitted", w.Submitted)
	return o.end()
}

func appendXMLWebForm(b []byte, w *which50.ContactWebForm, depth int) []byte {
	b = appendXMLOpen(b, "ContactWebForm", nsContacts, depth)
	b = xmlOffsetDate(b, "Date", depth+1, w.Date)
	b = xmlInt(b, "Id", w.ID)
	b = xmlInt(b, "LandingPageId", w.LandingPageID)
	b = xmlStr(b, "Name", w.Name)
	b = xmlInt(b, "Submitted", w.Submitted)
	return appendXMLClose(b, "ContactWebForm")
}

// journeyRecord is a journey with its untyped members in wire types.
type journeyRecord struct {
	which50.Journey
	emails, landingPages, textMessages, eDocuments any
}

func appendJSONJourney(b []byte, j *journeyRecord) []byte {
	o := jsonObject{b: b}
	o.int("Id", j.ID)
	o.str("Name", j.Name)
	o.int("AccountId", j.AccountID)
	o.int("ListId", j.ListID)
	o.dateTime("StartDate", j.StartDate)
	o.dateTime("EndDate", j.EndDate)
	o.str("CmLink", j.CmLink)
	o.str("Comment", j.Comment)
	o.str("Status", j.Status)
	o.int("Reach", j.Reach)
	o.int("Interactions", j.Interactions)
	o.int("Unsubscribes", j.Unsubscribes)
	o.bool("ShowInAgentPortal", j.ShowInAgentPortal)
	o.strings("Tags", j.Tags)
	o.value("Emails", j.emails)
	o.value("LandingPages", j.landingPages)
	o.value("TextMessages", j.textMessages)
	o.value("EDocuments", j.eDocuments)
	o.str("Channels", j.Channels)
	return o.end()
}

func appendXMLJourney(b []byte, j *journeyRecord, depth int) []byte {
	b = appendXMLOpen(b, "Campaign", nsDTO, depth)
	b = xmlInt(b, "AccountId", j.AccountID)
	b = xmlStr(b, "Channels", j.Channels)
	b = xmlStr(b, "CmLink", j.CmLink)
	b = xmlStr(b, "Comment", j.Comment)
	b = appendXMLValue(b, "EDocuments", depth+1, j.eDocuments)
	b = appendXMLValue(b, "Emails", depth+1, j.emails)
	b = xmlDateTime(b, "EndDate", j.EndDate)
	b = xmlInt(b, "Id", j.ID)
	b = xmlInt(b, "Interactions", j.Interactions)
	b = appendXMLValue(b, "LandingPages", depth+1, j.landingPages)
	b = xmlInt(b, "ListId", j.ListID)
	b = xmlStr(b, "Name", j.Name)
	b = xmlInt(b, "Reach", j.Reach)
	b = xmlBool(b, "ShowInAgentPortal", j.ShowInAgentPortal)
	b = xmlDateTime(b, "StartDate", j.StartDate)
	b = xmlStr(b, "Status", j.Status)
	b = xmlStrings(b, "Tags", depth+1, j.Tags, "")
	b = appendXMLValue(b, "TextMessages", depth+1, j.textMessages)
	b = xmlInt(b, "Unsubscribes", j.Unsubscribes)
	return appendXMLClose(b, "Campaign")
}

func appendJSONActivity(b []byte, a *which50.JourneyActivity) []byte {
	o := jsonObject{b: b}
	o.int("Id", a.ID)
	o.str("Name", a.Name)
	o.int("CampaignId", a.CampaignID)
	o.dateTime("CreatedDate", a.CreatedDate)
	o.bool("TargetAtRuntime", a.TargetAtRuntime)
	o.key("Target")
	t := &a.Target
	to := jsonObject{b: o.b}
	to.int("Id", t.ID)
	to.str("Name", t.Name)
	to.str("Notes", t.Notes)
	to.int("ContactListId", t.ContactListID)
	to.int("ContactsCount", t.ContactsCount)
	to.int("ContactsCountEmail", t.ContactsCountEmail)
	to.int("ContactsCountSms", t.ContactsCountSMS)
	to.int("ContactsCountEmailWithDuplicates", t.ContactsCountEmailWithDuplicates)
	to.int("ContactsCountSmsWithDuplicates", t.ContactsCountSMSWithDuplicates)
	o.b = to.end()
	return o.end()
}

func appendXMLActivity(b []byte, a *which50.JourneyActivity, depth int) []byte {
	b = appendXMLOpen(b, "CampaignActivity", nsDTO, depth)
	b = xmlInt(b, "CampaignId", a.CampaignID)
	b = xmlDateTime(b, "CreatedDate", a.CreatedDate)
	b = xmlInt(b, "Id", a.ID)
	b = xmlStr(b, "Name", a.Name)
	t := &a.Target
	b = append(b, "<Target>"...)
	b = xmlInt(b, "ContactListId", t.ContactListID)
	b = xmlInt(b, "ContactsCount", t.ContactsCount)
	b = xmlInt(b, "ContactsCountEmail", t.ContactsCountEmail)
	b = xmlInt(b, "ContactsCountEmailWithDuplicates", t.ContactsCountEmailWithDuplicates)
	b = xmlInt(b, "ContactsCountSms", t.ContactsCountSMS)
	b = xmlInt(b, "ContactsCountSmsWithDuplicates", t.ContactsCountSMSWithDuplicates)
	b = xmlInt(b, "Id", t.ID)
	b = xmlStr(b, "Name", t.Name)
	b = xmlStr(b, "Notes", t.Notes)
	b = append(b, "</Target>"...)
	b = xmlBool(b, "TargetAtRuntime", a.TargetAtRuntime)
	return appendXMLClose(b, "CampaignActivity")
}

func appendJSONImportJob(b []byte, j *which50.ImportJob) []byte {
	o := jsonObject{b: b}
	o.int("Id", j.ID)
	o.int("ContactListId", j.ContactListID)
	o.int("InvalidEmailCount", j.InvalidEmailCount)
	o.int("InvalidSmsCount", j.InvalidSMSCount)
	o.int("ProgressPercent", j.ProgressPercent)
	o.str("CurrentStatus", j.CurrentStatus)
	o.dateTime("StartDate", j.StartDate)
	o.dateTime("FinishDate", j.FinishDate)
	o.int("InsertedContacts", j.InsertedContacts)
	o.int("UpdatedContacts", j.UpdatedContacts)
	o.int("DroppedContacts", j.DroppedContacts)
	o.int("NotUpdatedContacts", j.NotUpdatedContacts)
	o.int("TotalContacts", j.TotalContacts)
	return o.end()
}

func appendXMLImportJob(b []byte, j *which50.ImportJob, depth int) []byte {
	b = appendXMLOpen(b, "ImportJob", nsDTO, depth)
	b = xmlInt(b, "ContactListId", j.ContactListID)
	b = xmlStr(b, "CurrentStatus", j.CurrentStatus)
	b = xmlInt(b, "DroppedContacts", j.DroppedContacts)
	b = xmlDateTime(b, "FinishDate", j.FinishDate)
	b = xmlInt(b, "Id", j.ID)
	b = xmlInt(b, "InsertedContacts", j.InsertedContacts)
	b = xmlInt(b, "InvalidEmailCount", j.InvalidEmailCount)
	b = xmlInt(b, "InvalidSmsCount", j.InvalidSMSCount)
	b = xmlInt(b, "NotUpdatedContacts", j.NotUpdatedContacts)
	b = xmlInt(b, "ProgressPercent", j.ProgressPercent)
	b = xmlDateTime(b, "StartDate", j.StartDate)
	b = xmlInt(b, "TotalContacts", j.TotalContacts)
	b = xmlInt(b, "UpdatedContacts", j.UpdatedContacts)
	return appendXMLClose(b, "ImportJob")
}

// model is how one kind of model is written: its XML element name and
// namespace, and its two encoders.
type model[T any] struct {
	name string
	ns   string
	json func([]byte, *T) []byte
	xml  func([]byte, *T, int) []byte
}

// encodeOne writes one model as the root of an answer.
func encodeOne[T any](f format, m model[T], v *T) []byte {
	if f == formatXML {
		return m.xml(nil, v, 0)
	}
	return m.json(nil, v)
}

// encodeList writes a list of models: a JSON array, or XML's ArrayOf root.
func encodeList[T any](f format, m model[T], vs []T) []byte {
	var b []byte
	if f == formatXML {
		b = append(b, `<ArrayOf`+m.name+` xmlns:i="`+nsInstance+`" xmlns="`+m.ns+`"`...)
		if len(vs) == 0 {
			return append(b, " />"...)
		}
		b = append(b, '>')
		for i := range vs {
			b = m.xml(b, &vs[i], 1)
		}
		return append(b, "</ArrayOf"+m.name+">"...)
	}
	b = append(b, '[')
	for i := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = m.json(b, &vs[i])
	}
	return append(b, ']')
}

func contactModel() model[*storedContact] {
	return model[*storedContact]{"Contact", nsDTO,
		func(b []byte, c **storedContact) []byte { return appendJSONContact(b, *c) },
		func(b []byte, c **storedContact, d int) []byte { return appendXMLContact(b, *c, d) }}
}

// The models of the API's other resources.
func listModel() model[which50.ContactList] {
	return model[which50.ContactList]{"ContactsList", nsDTO, appendJSONContactList, appendXMLContactList}
}

func fieldModel() model[which50.ContactSchemaField] {
	return model[which50.ContactSchemaField]{"ContactSchemaField", nsDTO, appendJSONField, appendXMLField}
}

func emailModel() model[which50.ContactEmail] {
	return model[which50.ContactEmail]{"ContactEmail", nsContacts, appendJSONEmail, appendXMLEmail}
}

func textModel() model[which50.ContactTextMessage] {
	return model[which50.ContactTextMessage]{"ContactTextMessage", nsContacts, appendJSONTextMessage, appendXMLTextMessage}
}

func pageModel() model[which50.ContactLandingPage] {
	return model[which50.ContactLandingPage]{"ContactLandingPage", nsContacts, appendJSONLandingPage, appendXMLLandingPage}
}

func formModel() model[which50.ContactWebForm] {
	return model[which50.ContactWebForm]{"ContactWebForm", nsContacts, appendJSONWebForm, appendXMLWebForm}
}

func journeyModel() model[journeyRecord] {
	return model[journeyRecord]{"Campaign", nsDTO, appendJSONJourney, appendXMLJourney}
}

func activityModel() model[which50.JourneyActivity] {
	return model[which50.JourneyActivity]{"CampaignActivity", nsDTO, appendJSONActivity, appendXMLActivity}
}

func jobModel() model[which50.ImportJob] {
	return model[which50.ImportJob]{"ImportJob", nsDTO, appendJSONImportJob, appendXMLImportJob}
}

// encodeCount writes the answer of a PATCH: the number of contacts updated.
func encodeCount(f format, n int64) []byte {
	if f == formatXML {
		b := []byte(`<int xmlns="` + nsSerialization + `">`)
		b = strconv.AppendInt(b, n, 10)
		return append(b, "</int>"...)
	}
	return strconv.AppendInt(nil, n, 10)
}
