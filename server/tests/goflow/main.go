// Command goflow drives the whole OAuth 2.0 code flow with PKCE against a running
// picket-server with Go's net/http client: authorize (302 with code and state), token,
// validate with the secret key, replay refused and the token revoked, a wrong verifier and
// another redirect_uri refused. Same checks as flow.mjs.
//
//	PICKET_URL=… PICKET_PK=pk_… PICKET_SK=sk_… PICKET_REDIRECT_A=… PICKET_REDIRECT_B=… go run ./tests/goflow
package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

type flow struct {
	base, pk, sk string
	client       *http.Client
}

func main() {
	f := flow{
		base: mustEnv("PICKET_URL"), pk: mustEnv("PICKET_PK"), sk: mustEnv("PICKET_SK"),
		client: &http.Client{
			Timeout: 10 * time.Second,
			// The 302 is the answer under test: never follow it.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	if err := f.run(mustEnv("PICKET_REDIRECT_A"), mustEnv("PICKET_REDIRECT_B")); err != nil {
		fmt.Fprintln(os.Stderr, "go flow:", err)
		os.Exit(1)
	}
	fmt.Println("go: PKCE flow OK (authorize, token, validate, replay revokes, wrong verifier, other redirect_uri)")
}

func mustEnv(name string) string {
	v := os.Getenv(name)
	if v == "" {
		fmt.Fprintf(os.Stderr, "go flow: %s is not set\n", name)
		os.Exit(2)
	}
	return v
}

func newVerifier() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func challengeOf(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (f *flow) authorize(redirectURI, challenge, state string) (string, error) {
	q := url.Values{
		"response_type": {"code"}, "client_id": {f.pk}, "redirect_uri": {redirectURI},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}, "state": {state},
	}
	res, err := f.client.Get(f.base + "/oauth2/authorize?" + q.Encode())
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		return "", fmt.Errorf("authorize: status %d: %s", res.StatusCode, body)
	}
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, redirectURI+"?") {
		return "", fmt.Errorf("authorize: redirected to %q, not %q", loc, redirectURI)
	}
	u, err := url.Parse(loc)
	if err != nil {
		return "", err
	}
	p := u.Query()
	if p.Has("error") || p.Get("state") != state || len(p.Get("code")) < 16 {
		return "", fmt.Errorf("authorize: bad redirect %q", loc)
	}
	return p.Get("code"), nil
}

type tokenBody struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Error       string `json:"error"`
}

func (f *flow) token(code, redirectURI, verifier string) (int, tokenBody, error) {
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI},
		"client_id": {f.pk}, "code_verifier": {verifier},
	}
	res, err := f.client.PostForm(f.base+"/oauth2/token", form)
	if err != nil {
		return 0, tokenBody{}, err
	}
	defer res.Body.Close()
	var t tokenBody
	if err := json.NewDecoder(res.Body).Decode(&t); err != nil {
		return res.StatusCode, t, fmt.Errorf("token: body: %w", err)
	}
	return res.StatusCode, t, nil
}

func (f *flow) validate(token string) (map[string]any, error) {
	body, _ := json.Marshal(map[string]string{"token": token})
	req, _ := http.NewRequest(http.MethodPost, f.base+"/v1/tokens/validate", bytes.NewReader(body))
	req.SetBasicAuth(f.sk, "")
	req.Header.Set("Content-Type", "application/json")
	res, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("validate: status %d", res.StatusCode)
	}
	var v map[string]any
	return v, json.NewDecoder(res.Body).Decode(&v)
}

func (f *flow) ping(key, kind string) error {
	req, _ := http.NewRequest(http.MethodGet, f.base+"/v1/ping", nil)
	req.SetBasicAuth(key, "")
	res, err := f.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var p struct {
		KeyKind string `json:"key_kind"`
	}
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil || res.StatusCode != 200 || p.KeyKind != kind {
		return fmt.Errorf("ping (%s): status %d, kind %q, %v", kind, res.StatusCode, p.KeyKind, err)
	}
	return nil
}

// refused asserts that the token request is answered 400 invalid_grant.
func (f *flow) refused(what, code, redirectURI, verifier string) error {
	status, t, err := f.token(code, redirectURI, verifier)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if status != http.StatusBadRequest || t.Error != "invalid_grant" || t.AccessToken != "" {
		return fmt.Errorf("%s: status %d, error %q (want 400 invalid_grant)", what, status, t.Error)
	}
	return nil
}

func (f *flow) run(a, b string) error {
	if err := f.ping(f.pk, "publishable"); err != nil {
		return err
	}
	if err := f.ping(f.sk, "secret"); err != nil {
		return err
	}

	verifier := newVerifier()
	state := "st-" + newVerifier()[:8]
	code, err := f.authorize(a, challengeOf(verifier), state)
	if err != nil {
		return err
	}
	status, t, err := f.token(code, a, verifier)
	if err != nil || status != http.StatusOK {
		return fmt.Errorf("token: status %d, error %q, %v", status, t.Error, err)
	}
	if t.TokenType != "Bearer" || len(t.AccessToken) < 16 || t.ExpiresIn <= 0 {
		return fmt.Errorf("token: bad body (type %q, expires_in %d)", t.TokenType, t.ExpiresIn)
	}
	v, err := f.validate(t.AccessToken)
	if err != nil {
		return err
	}
	if v["active"] != true || v["client_id"] != f.pk || v["project_id"] == nil || v["expires_at"] == nil {
		return fmt.Errorf("validate: %v", v)
	}

	if err := f.refused("replay", code, a, verifier); err != nil {
		return err
	}
	if v, err := f.validate(t.AccessToken); err != nil || len(v) != 1 || v["active"] != false {
		return fmt.Errorf("replay: token not revoked: %v %v", v, err)
	}

	v2 := newVerifier()
	code2, err := f.authorize(a, challengeOf(v2), "s2")
	if err != nil {
		return err
	}
	if err := f.refused("wrong verifier", code2, a, newVerifier()); err != nil {
		return err
	}

	v3 := newVerifier()
	code3, err := f.authorize(a, challengeOf(v3), "s3")
	if err != nil {
		return err
	}
	return f.refused("other redirect_uri", code3, b, v3)
}
