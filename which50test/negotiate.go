package which50test

import (
	"sort"
	"strconv"
	"strings"
)

// format is a response format the service can write.
type format int

const (
	formatJSON format = iota
	formatXML
)

// formatters are the service's formatters in registration order, each with
// its supported media types in order, as ASP.NET Web API holds them: the
// JSON formatter (with application/csp-report registered on it), then XML.
var formatters = [...]struct {
	format     format
	mediaTypes []string
}{
	{formatJSON, []string{"application/json", "text/json", "application/csp-report"}},
	{formatXML, []string{"application/xml", "text/xml"}},
}

// Match rankings of ASP.NET's DefaultContentNegotiator, best first.
const (
	matchLiteral      = iota // Accept: application/xml
	matchSubtypeRange        // Accept: text/*
	matchAllRange            // Accept: */*
	matchNone
)

type acceptValue struct {
	mediaType string // lower case, without parameters
	quality   float64
}

// negotiate picks the response format and media type for the request's
// Accept header values the way ASP.NET Web API's DefaultContentNegotiator
// does: Accept entries are ordered by quality, then specificity; each
// formatter, in order, takes its first supported media type matched by the
// first entry that matches any; the best literal match wins, unless a range
// match has a strictly higher quality; ties go to the earlier formatter
// (JSON). With no match it falls back to JSON's application/json. The media
// type always carries "; charset=utf-8".
func negotiate(acceptHeaders []string) (format, string) {
	accepts := parseAccept(acceptHeaders)

	type match struct {
		format    format
		mediaType string
		quality   float64
	}
	var best [matchNone]*match
	for _, fm := range formatters {
		m, rank := matchFormatter(accepts, fm.mediaTypes)
		if rank == matchNone {
			continue
		}
		// Only a strictly better quality replaces an earlier formatter's match.
		if best[rank] == nil || m.quality > best[rank].quality {
			best[rank] = &match{fm.format, m.mediaType, m.quality}
		}
	}
	var chosen *match
	for rank := range matchNone {
		if m := best[rank]; m != nil && (chosen == nil || m.quality > chosen.quality) {
			chosen = m
		}
	}
	if chosen == nil {
		return formatJSON, "application/json; charset=utf-8"
	}
	return chosen.format, chosen.mediaType + "; charset=utf-8"
}

// matchFormatter returns the first of supported that the best-ordered
// Accept entry matching any of them matches, with that entry's quality and
// the kind of match.
func matchFormatter(accepts []acceptValue, supported []string) (acceptValue, int) {
	for _, a := range accepts {
		if a.quality == 0 {
			continue
		}
		for _, mt := range supported {
			switch {
			case a.mediaType == "*/*":
				return acceptValue{mt, a.quality}, matchAllRange
			case strings.HasSuffix(a.mediaType, "/*"):
				if strings.HasPrefix(mt, a.mediaType[:len(a.mediaType)-1]) {
					return acceptValue{mt, a.quality}, matchSubtypeRange
				}
			case a.mediaType == mt:
				return acceptValue{mt, a.quality}, matchLiteral
			}
		}
	}
	return acceptValue{}, matchNone
}

// parseAccept parses Accept header values into entries ordered by quality,
// then by specificity (type/subtype before type/* before */*), keeping the
// header's order otherwise. Malformed entries are skipped.
func parseAccept(headers []string) []acceptValue {
	var out []acceptValue
	for _, h := range headers {
		for entry := range strings.SplitSeq(h, ",") {
			params := strings.Split(entry, ";")
			mt := strings.ToLower(strings.TrimSpace(params[0]))
			slash := strings.IndexByte(mt, '/')
			if slash <= 0 || slash == len(mt)-1 || strings.ContainsAny(mt, " \t") || mt[:slash] == "*" && mt != "*/*" {
				continue
			}
			q := 1.0
			valid := true
			for _, p := range params[1:] {
				k, v, _ := strings.Cut(p, "=")
				if !strings.EqualFold(strings.TrimSpace(k), "q") {
					continue
				}
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					valid = false
				}
				q = f
			}
			if valid {
				out = append(out, acceptValue{mt, q})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].quality != out[j].quality {
			return out[i].quality > out[j].quality
		}
		return specificity(out[i].mediaType) > specificity(out[j].mediaType)
	})
	return out
}

func specificity(mediaType string) int {
	switch {
	case mediaType == "*/*":
		return 0
	case strings.HasSuffix(mediaType, "/*"):
		return 1
	}
	return 2
}
