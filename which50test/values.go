package which50test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The fake keeps the values of contacts (Contact.Values) and the untyped
// members of journeys in a small set of wire types, so that each is written
// with the type the service's serializers would give it:
//
//	nil        JSON null, XML i:nil
//	string     xs:string
//	int64      a whole number set from Go: xs:int when it fits in 32 bits, else xs:long
//	long       a whole number read from a JSON request body: Json.NET reads
//	           every integer as Int64, so it is always xs:long
//	float64    xs:double
//	bool       xs:boolean
//	time.Time  xs:dateTime, in the DateTime form (see appendDateTime)
//	[]string   a list of strings (ArrayOfstring in XML)
//	[]any      a list of values of these types
//	rawJSON    a nested JSON object from a request body or a Go map or
//	           struct; written as is in JSON and as its JSON text in XML

// long is a whole number bound from a JSON request body.
type long int64

// rawJSON is compact JSON text of a nested object.
type rawJSON []byte

// field is one named value of a contact, in the order the contact holds it.
type field struct {
	key string
	val any
}

// values are a contact's values in order: the service's Dictionary keeps
// insertion order, and so does the fake. A nil values is a null Values.
type values []field

func (vs values) index(key string) int {
	for i := range vs {
		if vs[i].key == key {
			return i
		}
	}
	return -1
}

// set replaces the value of key in place, or appends it.
func (vs *values) set(key string, v any) {
	if i := vs.index(key); i >= 0 {
		(*vs)[i].val = v
		return
	}
	*vs = append(*vs, field{key, v})
}

func (vs values) clone() values {
	if vs == nil {
		return nil
	}
	return slices.Clone(vs)
}

// fromGo converts a Go value to the fake's wire types.
func fromGo(v any) any {
	switch x := v.(type) {
	case nil, string, bool, time.Time, float64, long:
		return x
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint:
		if uint64(x) <= math.MaxInt64 {
			return int64(x)
		}
		return float64(x)
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x)
		}
		return float64(x)
	case float32:
		return float64(x)
	case []string:
		if x == nil {
			return nil
		}
		return slices.Clone(x)
	case []any:
		if x == nil {
			return nil
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fromGo(e)
		}
		return out
	case rawJSON:
		return slices.Clone(x)
	case json.Number:
		return parseJSONValue([]byte(x))
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return parseJSONValue(b)
}

// toGo converts a wire value back to the types the SDK decodes values to:
// string, int64, float64, bool, time.Time, nil, []any and map[string]any.
func toGo(v any) any {
	switch x := v.(type) {
	case long:
		return int64(x)
	case []string:
		return slices.Clone(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toGo(e)
		}
		return out
	case rawJSON:
		dec := json.NewDecoder(bytes.NewReader(x))
		dec.UseNumber()
		var out any
		if dec.Decode(&out) != nil {
			return string(x)
		}
		return numbersToGo(out)
	}
	return v
}

func numbersToGo(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = numbersToGo(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = numbersToGo(x[k])
		}
	}
	return v
}

// parseJSONValue converts one JSON value of a request body to a wire value
// the way Json.NET binds an object member: integers as Int64 (long),
// other numbers as double, strings shaped like an ISO 8601 date as a
// DateTime (DateParseHandling.DateTime), objects and arrays kept as JSON.
func parseJSONValue(raw []byte) any {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	switch raw[0] {
	case 'n':
		return nil
	case 't':
		return true
	case 'f':
		return false
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return string(raw)
		}
		if t, ok := parseWireDateTime(s); ok {
			return t
		}
		return s
	case '{', '[':
		var b bytes.Buffer
		if json.Compact(&b, raw) != nil {
			return rawJSON(raw)
		}
		return rawJSON(b.Bytes())
	}
	s := string(raw)
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return long(i)
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return f
}

// parseWireDateTime parses yyyy-MM-ddTHH:mm:ss[.fffffff][Z]: with Z as a
// time in UTC, without as a time in an unnamed zero-offset zone, which the
// fake writes back without a suffix (a DateTime of kind Unspecified).
func parseWireDateTime(s string) (time.Time, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	utc := strings.HasSuffix(s, "Z")
	body := strings.TrimSuffix(s, "Z")
	if len(body) > 19 && (body[19] != '.' || len(body) == 20 || len(body) > 27) {
		return time.Time{}, false
	}
	for i := 0; i < len(body); i++ {
		switch i {
		case 4, 7, 10, 13, 16, 19:
			continue
		}
		if body[i] < '0' || body[i] > '9' {
			return time.Time{}, false
		}
	}
	loc := time.FixedZone("", 0)
	if utc {
		loc = time.UTC
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05.9999999", body, loc)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// parseValuesObject reads a JSON object into values, keeping the order of
// its members; a JSON null gives nil values.
func parseValuesObject(raw []byte) (values, error) {
	raw = bytes.TrimSpace(raw)
	if bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("values: want a JSON object")
	}
	vs := values{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		vs.set(key, parseJSONValue(v))
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return vs, nil
}

// valueText is the text a value is compared by when contacts are matched:
// the service compares in SQL, where every value is text.
func valueText(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case int64:
		return strconv.FormatInt(x, 10), true
	case long:
		return strconv.FormatInt(int64(x), 10), true
	case float64:
		return string(appendDotNetDouble(nil, x)), true
	case bool:
		return strconv.FormatBool(x), true
	case time.Time:
		return string(appendDateTime(nil, x)), true
	case rawJSON:
		return string(x), true
	}
	return fmt.Sprint(v), true
}

// sameValue reports whether a and b are equal as the service compares
// them: as text, case-insensitively (SQL Server's default collation). A
// null matches nothing.
func sameValue(a, b any) bool {
	ta, ok1 := valueText(a)
	tb, ok2 := valueText(b)
	return ok1 && ok2 && strings.EqualFold(ta, tb)
}

// appendDotNetDouble appends f as .NET formats a double for the wire
// ("R", shortest round-trip): fixed notation for decimal exponents from -4
// to 14, else d.dddE+dd.
func appendDotNetDouble(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "INF"...)
	case math.IsInf(f, -1):
		return append(b, "-INF"...)
	case f == 0:
		return append(b, '0')
	}
	e := strconv.AppendFloat(nil, f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(string(e), "e")
	x, _ := strconv.Atoi(exp)
	if x >= -4 && x < 15 {
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	b = append(b, mant...)
	b = append(b, 'E')
	if x < 0 {
		b = append(b, '-')
		x = -x
	} else {
		b = append(b, '+')
	}
	if x < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(x), 10)
}
