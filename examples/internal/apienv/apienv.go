// Package apienv is the environment handling the example programs share:
// whether to call the real Which50 API or run on a demo server, where the
// API is, and which credential to send. One rule for every program:
//
//   - WHICH50_TOKEN or WHICH50_API_KEY set: the real API, at
//     WHICH50_BASE_URL or, when that is unset, which50.DefaultBaseURL. A
//     credential never falls back to the demo.
//   - WHICH50_BASE_URL set alone: the API at that URL without a credential
//     (a warning says so), for a server that needs none.
//   - None of the three: the program's embedded demo server.
//
// WHICH50_TOKEN is sent as a bearer token. Otherwise WHICH50_API_KEY is sent
// in the header WHICH50_API_KEY_HEADER, X-API-Key by default.
package apienv

import (
	"io"
	"text/tabwriter"

	"github.com/which50-go/which50"
)

// The variables the programs read.
const (
	BaseURL      = "WHICH50_BASE_URL"
	Token        = "WHICH50_TOKEN"
	APIKey       = "WHICH50_API_KEY"
	APIKeyHeader = "WHICH50_API_KEY_HEADER"
)

// DefaultAPIKeyHeader is the header WHICH50_API_KEY goes in unless
// WHICH50_API_KEY_HEADER names another.
const DefaultAPIKeyHeader = "X-API-Key"

// API is the real API as the environment configures it.
type API struct {
	// BaseURL is the API's root.
	BaseURL string
	// Auth is the credential, nil when none is set.
	Auth which50.Authenticator
}

// FromEnv reads the variables through getenv (os.Getenv in the programs).
// It reports false when none of WHICH50_BASE_URL, WHICH50_TOKEN and
// WHICH50_API_KEY is set: the program then runs on its demo server.
func FromEnv(getenv func(string) string) (API, bool) {
	base, token, key := getenv(BaseURL), getenv(Token), getenv(APIKey)
	if base == "" && token == "" && key == "" {
		return API{}, false
	}
	api := API{BaseURL: base}
	if api.BaseURL == "" {
		api.BaseURL = which50.DefaultBaseURL
	}
	switch {
	case token != "":
		api.Auth = which50.BearerToken(token)
	case key != "":
		header := getenv(APIKeyHeader)
		if header == "" {
			header = DefaultAPIKeyHeader
		}
		api.Auth = which50.APIKeyHeader(header, key)
	}
	return api, true
}

// Options returns the client options that point a client at the API.
func (a API) Options() []which50.Option {
	opts := []which50.Option{which50.WithBaseURL(a.BaseURL)}
	if a.Auth != nil {
		opts = append(opts, which50.WithAuth(a.Auth))
	}
	return opts
}

// NoCredential is the warning a program prints when it calls the API
// without a credential.
const NoCredential = "warning: neither " + Token + " nor " + APIKey + " is set; requests are anonymous"

// WriteHelp writes the environment section of a program's -h text.
func WriteHelp(w io.Writer) {
	io.WriteString(w, "\nenvironment:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, line := range [][2]string{
		{BaseURL, "the API's root; default " + which50.DefaultBaseURL + " when a credential is set"},
		{Token, "a bearer token"},
		{APIKey, "an API key, used when " + Token + " is not set"},
		{APIKeyHeader, "the header the API key goes in (default " + DefaultAPIKeyHeader + ")"},
	} {
		io.WriteString(tw, "  "+line[0]+"\t"+line[1]+"\n")
	}
	tw.Flush()
	io.WriteString(w, "With none of "+BaseURL+", "+Token+" and "+APIKey+" set, the program runs on an\n"+
		"embedded demo server (which50test) and needs no account.\n")
}
