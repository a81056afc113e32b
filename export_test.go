package which50

import (
	"io"
	"unsafe"
)

// Test-only exports for the external test package (which50_test), which
// can import which50test and so round-trip decoded items through the fake
// server's encoders.
var (
	DecodeJSON    = decodeJSON
	DecodeXML     = decodeXML
	ParseJSONDate = parseJSONDate
	RefDecodeJSON = refDecodeJSON
	RefDecodeXML  = refDecodeXML
	RefParseDate  = refParseDate
)

// DecodeContacts decodes a list of contacts as the client does: each
// decoded item appended to the result.
func DecodeContacts(f Format, r io.Reader) ([]Contact, error) {
	var out []Contact
	var c Contact
	err := decodeList(f, r, contactModel, unsafe.Pointer(&c), func(int64) bool {
		out = append(out, c)
		return true
	})
	return out, err
}
