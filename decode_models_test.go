package which50

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Differential tests of every model: the decoders of json.go and xml.go,
// driven by the model descriptions, against the reference decoders of
// reference_models_test.go, on the captured answers of every endpoint, on
// every two-read split and every truncation of them, and on generated
// payloads (gen_models_test.go).

// decodeMode is how an endpoint's answer is decoded.
type decodeMode struct {
	m     *model // nil for a count
	list  bool
	count bool
}

// captureModes maps each capture in testdata/captures (without its
// extension) to how it is decoded.
var captureModes = map[string]decodeMode{
	"GET-contactLists-contactListId-fields-fieldId":                            {m: fieldModel},
	"GET-contactLists-contactListId-fields":                                    {m: fieldModel, list: true},
	"GET-contactLists-contactListId-import-importJobId.50":                     {m: importJobModel},
	"GET-contactLists-contactListId-import-importJobId":                        {m: importJobModel},
	"GET-contactLists-contactListId":                                           {m: contactListModel},
	"GET-contactLists":                                                         {m: contactListModel, list: true},
	"GET-contacts-contactId-campaignactivities-campaignId":                     {m: interactionModel, list: true},
	"GET-contacts-contactId-communications":                                    {m: interactionModel, list: true},
	"GET-contacts-contactId-emails":                                            {m: emailModel, list: true},
	"GET-contacts-contactId-journeyactivities-journeyId":                       {m: interactionModel, list: true},
	"GET-contacts-contactId-landingpages":                                      {m: landingPageModel, list: true},
	"GET-contacts-contactId-textmessages":                                      {m: textMessageModel, list: true},
	"GET-contacts-contactId-webforms":                                          {m: webFormModel, list: true},
	"GET-contacts-contactId":                                                   {m: contactModel},
	"GET-journeys-journeyId-activities-activityId-contacts":                    {m: contactModel, list: true},
	"GET-journeys-journeyId-activities-activityId":                             {m: activityModel},
	"GET-journeys-journeyId-contacts":                                          {m: contactModel, list: true},
	"GET-journeys-journeyId-reports-emails-emailId-contacts-state":             {m: contactModel, list: true},
	"GET-journeys-journeyId-reports-landingpages-landingpageId-contacts-state": {m: contactModel, list: true},
	"GET-journeys-journeyId":                                                   {m: journeyModel},
	"PATCH-contactLists-contactListId-contact":                                 {count: true},
	"POST-contactLists-contactListId-contact":                                  {m: contactModel},
	"POST-contactLists-contactListId-contact.update":                           {m: contactModel},
	"POST-contactLists-contactListId-import-importJobId-run":                   {m: importJobModel},
	"POST-contactLists-contactListId-import-importJobId":                       {m: importJobModel},
	"POST-contactLists-contactListId-import":                                   {m: importJobModel},
}

// sdkDecode decodes r with the package's decoders: []T (nil when the body
// holds none) for a list, *T (nil when none) for one item, int64 for a
// count. On error the result is nil: the client never returns part of a
// body.
func sdkDecode(f Format, r io.Reader, dm decodeMode) (any, error) {
	switch {
	case dm.count:
		n, err := decodeCount(f, r)
		if err != nil {
			return nil, err
		}
		return n, nil
	case dm.list:
		out := reflect.Zero(reflect.SliceOf(dm.m.typ))
		item := reflect.New(dm.m.typ)
		err := decodeList(f, r, dm.m, item.UnsafePointer(), func(int64) bool {
			out = reflect.Append(out, item.Elem())
			return true
		})
		if err != nil {
			return nil, err
		}
		return out.Interface(), nil
	}
	p := reflect.New(dm.m.typ)
	found, err := decodeOne(f, r, dm.m, p.UnsafePointer())
	if err != nil {
		return nil, err
	}
	if !found {
		return reflect.Zero(p.Type()).Interface(), nil
	}
	return p.Interface(), nil
}

// refDecode is sdkDecode's reference.
func refDecode(f Format, data []byte, dm decodeMode) (any, error) {
	var v any
	var err error
	switch {
	case dm.count && f == FormatXML:
		v, err = refCountXML(data)
	case dm.count:
		v, err = refCountJSON(data)
	case f == FormatXML:
		v, err = refModelXML(data, dm.m.typ, dm.list)
	default:
		v, err = refModelJSON(data, dm.m.typ, dm.list)
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// cmpModels compares decoded models: times by instant and zone, NaN equal
// to NaN (an XML double may be NaN).
var cmpModels = cmp.Options{sameTime, cmpopts.EquateNaNs()}

type captureFile struct {
	path string
	f    Format
	dm   decodeMode
	data []byte
}

// captureFiles returns every capture with its format and mode; a capture
// missing from captureModes fails the test.
func captureFiles(t testing.TB) []captureFile {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "captures", "*.*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []captureFile
	for _, p := range paths {
		ext := filepath.Ext(p)
		f := FormatJSON
		switch ext {
		case ".xml":
			f = FormatXML
		case ".json":
		default:
			continue
		}
		dm, ok := captureModes[strings.TrimSuffix(filepath.Base(p), ext)]
		if !ok {
			t.Fatalf("%s: no decode mode in captureModes", p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, captureFile{p, f, dm, data})
	}
	if len(out) < 2*len(captureModes) {
		t.Fatalf("%d captures for %d modes", len(out), len(captureModes))
	}
	return out
}

// TestModelsCapturesDifferential decodes every capture with the package's
// decoders, in every chunking, and with the reference: they must agree.
func TestModelsCapturesDifferential(t *testing.T) {
	for _, c := range captureFiles(t) {
		want, err := refDecode(c.f, c.data, c.dm)
		if err != nil {
			t.Fatalf("%s: reference: %v", c.path, err)
		}
		for rname, rd := range readers {
			got, err := sdkDecode(c.f, rd(c.data), c.dm)
			if err != nil {
				t.Errorf("%s, %s reader: %v", c.path, rname, err)
				continue
			}
			if diff := cmp.Diff(want, got, cmpModels); diff != "" {
				t.Errorf("%s, %s reader (-reference +fast):\n%s", c.path, rname, diff)
			}
		}
	}
}

// TestModelsCapturesEverySplit feeds every capture in two reads, split at
// every byte.
func TestModelsCapturesEverySplit(t *testing.T) {
	for _, c := range captureFiles(t) {
		want, err := sdkDecode(c.f, bytes.NewReader(c.data), c.dm)
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		for k := 0; k <= len(c.data); k++ {
			got, err := sdkDecode(c.f, io.MultiReader(bytes.NewReader(c.data[:k]), bytes.NewReader(c.data[k:])), c.dm)
			if err != nil {
				t.Fatalf("%s split at %d: %v", c.path, k, err)
			}
			if diff := cmp.Diff(want, got, cmpModels); diff != "" {
				t.Fatalf("%s split at %d (-whole +split):\n%s", c.path, k, diff)
			}
		}
	}
}

// TestModelsCapturesTruncated cuts every capture at every byte before the
// end of its top-level value: each cut must fail with a syntax error, as
// the reference does, never give a result.
func TestModelsCapturesTruncated(t *testing.T) {
	for _, c := range captureFiles(t) {
		end := len(bytes.TrimRight(c.data, " \t\r\n"))
		if c.f == FormatXML {
			end = bytes.LastIndexByte(c.data, '>') + 1
		}
		if c.dm.count && c.f == FormatJSON {
			continue // a cut number is a smaller number
		}
		for cut := 1; cut < end; cut++ {
			prefix := c.data[:cut]
			if len(bytes.Trim(prefix, " \t\r\n")) == 0 {
				continue
			}
			got, err := sdkDecode(c.f, bytes.NewReader(prefix), c.dm)
			if err == nil {
				t.Errorf("%s cut at byte %d of %d decoded to %+v", c.path, cut, len(c.data), got)
			} else if !errors.As(err, new(*syntaxError)) {
				t.Errorf("%s cut at byte %d: %v is not a *syntaxError", c.path, cut, err)
			}
			if _, err := refDecode(c.f, prefix, c.dm); err == nil {
				t.Errorf("%s cut at byte %d: the reference accepts it", c.path, cut)
			}
		}
	}
}
