package which50

import (
	"errors"
	"time"
)

// The date forms the API sends (see docs/wire-format.md):
//
//	2024-12-27T18:06:00.6960966+10:00   Json.NET DateTimeOffset (0-7 fraction digits)
//	2024-12-27T18:06:00Z                 Json.NET DateTime, kind Utc
//	2017-03-15T02:27:20                  Json.NET DateTime, kind Unspecified: read as UTC
//	/Date(1735286760696+1000)/           Microsoft format with an offset (±hhmm)
//	/Date(1735286760696)/                Microsoft format, UTC
//
// XML sends <DateTime> (ISO, normally with Z) and <OffsetMinutes> side by side;
// decodeXML combines them with combineXMLDate.
//
// The parsers below are hand-written because they sit on the decoders' hot
// path: time.Parse costs several times more and allocates for fixed zones.

// maxOffsetMinutes bounds a UTC offset: ±14:00, the widest a .NET
// DateTimeOffset can hold, so no service can send more.
const maxOffsetMinutes = 14 * 60

// Range of .NET's DateTime (years 0001-9999) in Unix milliseconds, the bounds
// of a Microsoft /Date(ms)/ value.
const (
	minUnixMilli = -62135596800000
	maxUnixMilli = 253402300799999
)

var (
	errDateSyntax = errors.New("malformed date")
	errDateRange  = errors.New("date field out of range")
)

// parseJSONDate parses the unescaped content of a JSON date string in any
// form the API sends: ISO 8601 with 0-9 fraction digits and a ±hh:mm offset,
// a Z, or no suffix at all (read as UTC), and the Microsoft forms
// /Date(ms)/ and /Date(ms±hhmm)/. The result carries the offset that was
// sent: time.UTC for none, Z or a zero offset, else a fixed zone.
func parseJSONDate(b []byte) (time.Time, error) {
	return parseDate(b, nil)
}

// zoneCache hands out one *time.Location per UTC offset within one decode,
// because time.FixedZone allocates. A nil *zoneCache allocates every time.
type zoneCache struct {
	// recent holds the last zones handed out: a history has a few
	// offsets, which it finds here without a map lookup.
	recent [4]recentZone
	next   int
	locs   map[int]*time.Location
}

type recentZone struct {
	off int
	loc *time.Location
}

// location returns time.UTC for a zero offset and a cached fixed zone
// otherwise; off is in seconds east of UTC.
func (c *zoneCache) location(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	if c == nil {
		return time.FixedZone("", off)
	}
	for i := range c.recent {
		if r := &c.recent[i]; r.loc != nil && r.off == off {
			return r.loc
		}
	}
	loc := c.locs[off]
	if loc == nil {
		if c.locs == nil {
			c.locs = make(map[int]*time.Location, 4)
		}
		loc = time.FixedZone("", off)
		c.locs[off] = loc
	}
	c.recent[c.next] = recentZone{off, loc}
	c.next = (c.next + 1) % len(c.recent)
	return loc
}

// parseDate parses a JSON date string's content, taking zones from zc.
func parseDate(b []byte, zc *zoneCache) (time.Time, error) {
	if len(b) > 0 && b[0] == '/' {
		return parseMSDate(b, zc)
	}
	return parseISODate(b, zc)
}

// parseISODate parses yyyy-mm-ddThh:mm:ss[.f{1,9}][Z|±hh:mm].
func parseISODate(b []byte, zc *zoneCache) (time.Time, error) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, errDateSyntax
	}
	century, ok0 := two(b, 0)
	year, ok1 := two(b, 2)
	month, ok2 := two(b, 5)
	day, ok3 := two(b, 8)
	hour, ok4 := two(b, 11)
	minute, ok5 := two(b, 14)
	sec, ok6 := two(b, 17)
	if !(ok0 && ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, errDateSyntax
	}
	year += century * 100
	i, nsec := 19, 0
	if i < len(b) && b[i] == '.' {
		i++
		start := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		n := i - start
		if n == 0 || n > 9 {
			return time.Time{}, errDateSyntax
		}
		nsec, _ = digits(b[start:i])
		for ; n < 9; n++ {
			nsec *= 10
		}
	}
	off := 0
	switch {
	case i == len(b):
	case b[i] == 'Z' && i+1 == len(b):
	case (b[i] == '+' || b[i] == '-') && len(b)-i == 6 && b[i+3] == ':':
		hh, ok1 := two(b, i+1)
		mm, ok2 := two(b, i+4)
		if !ok1 || !ok2 {
			return time.Time{}, errDateSyntax
		}
		if mm > 59 || hh*60+mm > maxOffsetMinutes {
			return time.Time{}, errDateRange
		}
		off = (hh*60 + mm) * 60
		if b[i] == '-' {
			off = -off
		}
	default:
		return time.Time{}, errDateSyntax
	}
	if year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, errDateRange
	}
	unix := unixDays(year, month, day)*86400 + int64(hour*3600+minute*60+sec-off)
	if unix < minUnixMilli/1000 || unix > maxUnixMilli/1000 { // .NET keeps the UTC instant in range too
		return time.Time{}, errDateRange
	}
	return time.Unix(unix, int64(nsec)).In(zc.location(off)), nil
}

// unixDays returns the number of days from 1970-01-01 to the given date of
// the proleptic Gregorian calendar, for years from 1 (H. Hinnant's
// days_from_civil): cheaper than time.Date, which normalizes.
func unixDays(year, month, day int) int64 {
	if month <= 2 {
		year--
	}
	era := year / 400 // year >= 0
	yoe := year - era*400
	doy := (153*((month+9)%12)+2)/5 + day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097 + doe - 719468)
}

// parseMSDate parses /Date(ms)/ and /Date(ms±hhmm)/: ms is Unix time in
// milliseconds (the instant), the optional offset the zone to show it in.
func parseMSDate(b []byte, zc *zoneCache) (time.Time, error) {
	const prefix, suffix = "/Date(", ")/"
	if len(b) < len(prefix)+len(suffix)+1 || string(b[:len(prefix)]) != prefix ||
		string(b[len(b)-len(suffix):]) != suffix {
		return time.Time{}, errDateSyntax
	}
	b = b[len(prefix) : len(b)-len(suffix)]
	neg := false
	if b[0] == '-' {
		neg = true
		b = b[1:]
	}
	i := 0
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	if i == 0 || i > 15 { // 15 digits cover year 9999; more cannot be in range
		return time.Time{}, errDateSyntax
	}
	ms, _ := digits(b[:i])
	if neg {
		ms = -ms
	}
	off := 0
	if rest := b[i:]; len(rest) > 0 {
		if len(rest) != 5 || (rest[0] != '+' && rest[0] != '-') {
			return time.Time{}, errDateSyntax
		}
		hh, ok1 := digits(rest[1:3])
		mm, ok2 := digits(rest[3:5])
		if !ok1 || !ok2 {
			return time.Time{}, errDateSyntax
		}
		if mm > 59 || hh*60+mm > maxOffsetMinutes {
			return time.Time{}, errDateRange
		}
		off = (hh*60 + mm) * 60
		if rest[0] == '-' {
			off = -off
		}
	}
	if ms < minUnixMilli || ms > maxUnixMilli {
		return time.Time{}, errDateRange
	}
	return time.UnixMilli(int64(ms)).In(zc.location(off)), nil
}

// combineXMLDate builds the DateTimeOffset DataContractSerializer sends as
// <DateTime> and <OffsetMinutes>. The service writes DateTime in UTC with a
// Z: the instant comes from it, the zone from OffsetMinutes. A DateTime
// without a zone suffix is a clock time, which DataContractSerializer reads
// as the clock time at OffsetMinutes; so does this.
func combineXMLDate(dateTime []byte, offsetMinutes int64, hasOffset bool, zc *zoneCache) (time.Time, error) {
	t, err := parseISODate(dateTime, zc)
	if err != nil || !hasOffset {
		return t, err
	}
	if offsetMinutes < -maxOffsetMinutes || offsetMinutes > maxOffsetMinutes {
		return time.Time{}, errDateRange
	}
	off := time.Duration(offsetMinutes) * time.Minute
	if !hasZoneSuffix(dateTime) {
		t = t.Add(-off) // the clock time read as UTC, moved to its instant
		if u := t.Unix(); u < minUnixMilli/1000 || u > maxUnixMilli/1000 {
			return time.Time{}, errDateRange
		}
	}
	return t.In(zc.location(int(off / time.Second))), nil
}

// hasZoneSuffix reports whether an ISO date ends in Z or ±hh:mm.
func hasZoneSuffix(b []byte) bool {
	n := len(b)
	return n > 0 && b[n-1] == 'Z' || n > 19 && (b[n-6] == '+' || b[n-6] == '-') && b[n-3] == ':'
}

// two parses the two decimal digits at b[i:i+2].
func two(b []byte, i int) (int, bool) {
	hi, lo := b[i]-'0', b[i+1]-'0' // a non-digit wraps to more than 9
	return int(hi)*10 + int(lo), hi <= 9 && lo <= 9
}

// digits parses b as an unsigned decimal of at most 18 digits.
func digits(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// daysIn returns the number of days in month m of year y.
func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
