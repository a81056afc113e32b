package which50

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// Fuzz targets for the models beyond the interaction: Contact lists (the
// hardest, with Values) in each format, and ContactSchemaField lists (a
// nested list) in both. On any input they check: no panic; the same result
// whatever the chunking (one byte at a time, or two reads split at a fuzzed
// offset); an error is a *syntaxError; and the same result as the
// reference decoder: both fail, or both succeed with equal values. The one
// exception is XML character references to control characters, which the
// fast decoder accepts (a documented leniency) and encoding/xml does not.
//
//	go test -run '^$' -fuzz '^FuzzDecodeContactsXML$' -fuzztime 60s .

func FuzzDecodeContactsJSON(f *testing.F) {
	addCaptureSeeds(f, "*contacts*.json")
	for _, s := range []string{
		`[{"Values":{"a":[1,2.5,-0,1e400,{"b":null}],"A":true}}]`,
		`[{"values":{"x":1},"VALUES":null,"Id":1,"id":2,"EncContactId":"\ud83d\ude00\u00e9"}]`,
		`[{"ValidationWarnings":[null,"a\"b"],"ListId":-9223372036854775808}]`,
		`[{"Values":{"n":123456789012345678901234567890,"f":-1.5E-3}},{}]`,
		`[{"Values":{}}, {"X":[[[{}]]]}]`,
	} {
		f.Add([]byte(s), uint16(len(s)/2))
	}
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		checkModelDecode(t, FormatJSON, data, int(split), decodeMode{m: contactModel, list: true})
	})
}

func FuzzDecodeContactsXML(f *testing.F) {
	addCaptureSeeds(f, "*contacts*.xml")
	const open = `<ArrayOfContact xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/W50API.Models.DTO">`
	const values = `<Values xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays" xmlns="http://schemas.datacontract.org/2004/07/W50Common.Model.DTO">`
	for _, s := range []string{
		open + `<Contact>` + values + `<a:KeyValueOfstringanyType><a:Key>k</a:Key><a:Value xmlns:x="http://www.w3.org/2001/XMLSchema" i:type="x:double">INF</a:Value></a:KeyValueOfstringanyType></Values></Contact></ArrayOfContact>`,
		open + `<Contact>` + values + `<a:KeyValueOfstringanyType><a:Key>k</a:Key><a:Value i:type="a:ArrayOfanyType"><a:anyType xmlns:s="http://schemas.datacontract.org/2004/07/System" i:type="s:DateTimeOffset"><s:DateTime>2024-01-02T03:04:05Z</s:DateTime><s:OffsetMinutes>-300</s:OffsetMinutes></a:anyType><a:anyType i:nil="true"/></a:Value></a:KeyValueOfstringanyType></Values></Contact></ArrayOfContact>`,
		open + `<Contact>` + values + `<a:KeyValueOfstringanyType><a:Key>k</a:Key><a:Value i:type="a:Unknown"><b>1</b></a:Value></a:KeyValueOfstringanyType><a:KeyValueOfstringanyType><a:Key>t</a:Key><a:Value>plain &amp; <![CDATA[<x>]]></a:Value></a:KeyValueOfstringanyType></Values></Contact></ArrayOfContact>`,
		open + `<Contact><Id xmlns="http://schemas.datacontract.org/2004/07/W50Common.Model.DTO">0012</Id><Id>7</Id></Contact><Contact/></ArrayOfContact>`,
	} {
		f.Add([]byte(s), uint16(len(s)/2))
	}
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		checkModelDecode(t, FormatXML, data, int(split), decodeMode{m: contactModel, list: true})
	})
}

// FuzzDecodeFields fuzzes lists of ContactSchemaField, whose values are a
// nested list, in JSON (isXML false) and XML.
func FuzzDecodeFields(f *testing.F) {
	for _, ext := range []string{"json", "xml"} {
		files, _ := filepath.Glob(filepath.Join("testdata", "captures", "*-fields*."+ext))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data, uint16(len(data)/2), ext == "xml")
		}
	}
	for _, s := range []string{
		`[{"ContactSchemaFieldValues":[{"Id":1},{"InUse":true,"inuse":false}],"contactschemafieldvalues":null}]`,
		`[{"ContactSchemaFieldValues":[]},{"ContactSchemaFieldValues":[{}],"Position":1.0}]`,
	} {
		f.Add([]byte(s), uint16(len(s)/2), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, split uint16, isXML bool) {
		format := FormatJSON
		if isXML {
			format = FormatXML
		}
		checkModelDecode(t, format, data, int(split), decodeMode{m: fieldModel, list: true})
	})
}

func addCaptureSeeds(f *testing.F, pattern string) {
	files, err := filepath.Glob(filepath.Join("testdata", "captures", pattern))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds for %s: %v", pattern, err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint16(len(data)/2))
	}
}

func checkModelDecode(t *testing.T, f Format, data []byte, split int, dm decodeMode) {
	got, err := sdkDecode(f, bytes.NewReader(data), dm)
	got1, err1 := sdkDecode(f, iotest.OneByteReader(bytes.NewReader(data)), dm)
	if (err == nil) != (err1 == nil) || !cmp.Equal(got, got1, cmpModels) {
		t.Fatalf("result depends on chunking (one byte reads): %v, %v", err, err1)
	}
	k := split % (len(data) + 1)
	got2, err2 := sdkDecode(f, io.MultiReader(bytes.NewReader(data[:k]), bytes.NewReader(data[k:])), dm)
	if (err == nil) != (err2 == nil) || !cmp.Equal(got, got2, cmpModels) {
		t.Fatalf("result depends on chunking (split at %d): %v, %v", k, err, err2)
	}
	if err != nil && !errors.As(err, new(*syntaxError)) {
		t.Fatalf("error %v is not a *syntaxError", err)
	}
	want, refErr := refDecode(f, data, dm)
	switch {
	case refErr == nil && err != nil:
		t.Fatalf("fast decoder rejects what the reference accepts: %v\nreference: %#v", err, want)
	case refErr != nil && err == nil:
		if f == FormatXML && strings.Contains(string(data), "&#") {
			return // possibly a reference to a control character
		}
		t.Fatalf("fast decoder accepts what the reference rejects (%v): %#v", refErr, got)
	case refErr == nil:
		if diff := cmp.Diff(want, got, cmpModels); diff != "" {
			t.Fatalf("fast vs reference (-reference +fast):\n%s", diff)
		}
	}
}
