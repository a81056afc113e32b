package which50

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
