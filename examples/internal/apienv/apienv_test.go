package apienv

import (
	"context"
	"strings"
	"testing"

	"github.com/which50-go/which50"
	"github.com/which50-go/which50/which50test"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name     string
		vars     map[string]string
		ok       bool
		base     string
		wantAuth bool
	}{
		{"nothing: demo", nil, false, "", false},
		{"key header alone: demo", map[string]string{APIKeyHeader: "X-K"}, false, "", false},
		{"token alone: default URL", map[string]string{Token: "t"}, true, which50.DefaultBaseURL, true},
		{"key alone: default URL", map[string]string{APIKey: "k"}, true, which50.DefaultBaseURL, true},
		{"URL alone: anonymous", map[string]string{BaseURL: "http://127.0.0.1:1/x/"}, true, "http://127.0.0.1:1/x/", false},
		{"URL and token", map[string]string{BaseURL: "http://127.0.0.1:1/x/", Token: "t"}, true, "http://127.0.0.1:1/x/", true},
	}
	for _, tt := range tests {
		api, ok := FromEnv(env(tt.vars))
		if ok != tt.ok || api.BaseURL != tt.base || (api.Auth != nil) != tt.wantAuth {
			t.Errorf("%s: FromEnv = %+v, %v; want base %q, auth %v, ok %v", tt.name, api, ok, tt.base, tt.wantAuth, tt.ok)
		}
	}
}

// The credential FromEnv picks is the one the server sees: the token before
// the API key, the key in the named header.
func TestCredentialReachesTheServer(t *testing.T) {
	srv := which50test.NewServer()
	defer srv.Close()
	srv.SetCommunications("c", nil)
	for _, tt := range []struct {
		vars    map[string]string
		require func()
	}{
		{map[string]string{Token: "t-1", APIKey: "ignored"}, func() { srv.RequireBearerToken("t-1") }},
		{map[string]string{APIKey: "k-1"}, func() { srv.RequireAPIKey(DefaultAPIKeyHeader, "k-1") }},
		{map[string]string{APIKey: "k-2", APIKeyHeader: "X-Which50-Key"}, func() { srv.RequireAPIKey("X-Which50-Key", "k-2") }},
	} {
		tt.require()
		tt.vars[BaseURL] = srv.URL
		api, _ := FromEnv(env(tt.vars))
		client, err := which50.NewClient(api.Options()...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.Contacts.Communications(context.Background(), "c"); err != nil {
			t.Errorf("%v: %v", tt.vars, err)
		}
	}
}

func TestWriteHelpListsEveryVariable(t *testing.T) {
	var b strings.Builder
	WriteHelp(&b)
	for _, v := range []string{BaseURL, Token, APIKey, APIKeyHeader, which50.DefaultBaseURL, "demo"} {
		if !strings.Contains(b.String(), v) {
			t.Errorf("help does not mention %s:\n%s", v, b.String())
		}
	}
}
