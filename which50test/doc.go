// Package which50test provides a fake Which50 API for tests: a real HTTP
// server on loopback, in the spirit of net/http/httptest, that serves
//
//	GET {URL}/contacts/{contactId}/communications
//
// with the wire formats of the real ASP.NET Web API service: Json.NET JSON
// (Occurred as local time plus offset), DataContractSerializer XML (the
// namespaced ArrayOfContactInteraction, DateTime in UTC plus OffsetMinutes),
// content negotiation like ASP.NET's DefaultContentNegotiator, and HttpError
// bodies for 401, 404 and 405. [Server.URL] includes the API's base path
// (/Which50API), so a client that drops the base path gets a 404; paths
// outside it get IIS's HTML 404 page.
//
// Create a server, give it data, point a client at its URL:
//
//	srv := which50test.NewServer()
//	defer srv.Close()
//	srv.SetCommunications("abc+/=", items)          // or srv.SeedDemo(10, 50)
//	client, err := which50.NewClient(which50.WithBaseURL(srv.URL))
//
// # Faults and credentials
//
// To test retry and error handling, script what the next requests get with
// [Server.QueueFaults]: statuses with HttpError bodies, Retry-After headers,
// HTTP.sys's HTML 503 ([HTTPSysUnavailable]), delays, bodies cut short,
// connections dropped or reset. [Server.SetLatency] delays every answer.
// [Server.RequireBearerToken], [Server.RequireAPIKey] and [Server.RequireBasicAuth]
// make the server answer 401 to requests without the credential. Every
// request is counted ([Server.RequestCount]) and logged ([Server.Requests]) for
// assertions.
//
// # Encoders
//
// [EncodeJSON] and [EncodeXML] write a list of interactions exactly as the
// service does, for tests that stub a transport instead of running a server.
// [DemoCommunications] and [DemoContactIDs] make realistic, deterministic data.
//
// [Server.SetEmptyStrings] switches empty strings to nulls (JSON null, XML
// i:nil) or leaves them out, as some service configurations do.
//
// All Server methods are safe for concurrent use.
package which50test
