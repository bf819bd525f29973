// The issuer and RFC 8414 authorization server metadata.

package app

import (
	"net/http"
	"net/url"
	"strings"

	picket "github.com/picket-dev/picket/bindings/go"
)

// MetadataPath is where RFC 8414 §3 puts the metadata of an issuer without a path.
const MetadataPath = "/.well-known/oauth-authorization-server"

// ParseIssuer checks an issuer identifier (RFC 8414 §2): an absolute http(s) URL with a
// host and no userinfo, query or fragment. It returns it without a trailing slash. https is
// what RFC 8414 requires; http is accepted for a server on a developer's machine.
func ParseIssuer(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#") || u.Opaque != "" {
		return "", &usageError{"-issuer must be an http(s) URL with a host and no userinfo, query or fragment (https://auth.example.com)"}
	}
	return strings.TrimSuffix(s, "/"), nil
}

// SetIssuer sets the issuer identifier (a value ParseIssuer accepted): the base of every
// URL the metadata names, the iss of authorization responses (RFC 9207) and of
// introspection answers. It is the URL clients use, never derived from a request's Host or
// X-Forwarded-* headers, which a client chooses.
func (a *App) SetIssuer(issuer string) { a.issuer = issuer }

// Issuer returns the issuer identifier.
func (a *App) Issuer() string { return a.issuer }

// metadataPaths are the paths that serve the metadata: MetadataPath, and for an issuer with
// a path (https://example.com/auth) also MetadataPath + that path (RFC 8414 §3.1).
func (a *App) metadataPaths() []string {
	paths := []string{MetadataPath}
	if u, err := url.Parse(a.issuer); err == nil && u.Path != "" && u.Path != "/" {
		paths = append(paths, MetadataPath+u.Path)
	}
	return paths
}

// metadata is GET /.well-known/oauth-authorization-server (RFC 8414 §3.2).
// Public by nature, so any origin may read it (browser clients fetch it).
func (a *App) metadata(w http.ResponseWriter, _ *http.Request) {
	iss := a.issuer
	w.Header().Set("Access-Control-Allow-Origin", "*")
	picket.WriteJSON(w, http.StatusOK, map[string]any{
		"issuer":                           iss,
		"authorization_endpoint":           iss + "/oauth2/authorize",
		"token_endpoint":                   iss + "/oauth2/token",
		"introspection_endpoint":           iss + "/oauth2/introspect",
		"revocation_endpoint":              iss + "/oauth2/revoke",
		"response_types_supported":         []string{"code"},
		"response_modes_supported":         []string{"query"},
		"grant_types_supported":            []string{"authorization_code"},
		"code_challenge_methods_supported": []string{"S256"},
		// Public clients: the client_id (a publishable key) and PKCE, no client secret:
		// in the form (none) or as the username of HTTP Basic with an empty password.
		"token_endpoint_auth_methods_supported": []string{"none", "client_secret_basic"},
		// The project's secret key as the username of HTTP Basic, with an empty password.
		"introspection_endpoint_auth_methods_supported":  []string{"client_secret_basic"},
		"revocation_endpoint_auth_methods_supported":     []string{"client_secret_basic", "none"},
		"authorization_response_iss_parameter_supported": true,
	})
}
