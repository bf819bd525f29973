package dashboard

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/picket-dev/picket/server/internal/accounts"
	"github.com/picket-dev/picket/server/internal/app"
	"github.com/picket-dev/picket/server/internal/store"
	"github.com/picket-dev/picket/server/internal/storetest"
)

const password = "correct horse battery staple"

// serve runs the API and the dashboard on a fresh SQLite store.
func serve(t *testing.T, cfg app.UIConfig) (*httptest.Server, *app.App) {
	return serveOn(t, t.TempDir(), "", cfg, io.Discard)
}

// serveOn runs the API and the dashboard on a fresh store (SQLite in dataDir, or the
// PostgreSQL of dbURL), logging to logs, with cheap argon2id parameters (the real ones are
// tested in package accounts).
func serveOn(t *testing.T, dataDir, dbURL string, cfg app.UIConfig, logs io.Writer) (*httptest.Server, *app.App) {
	t.Helper()
	st, err := store.Open(context.Background(), dataDir, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(st, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	h, err := accounts.NewHasher(accounts.Params{Time: 1, Memory: 64, Threads: 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	a.SetPasswords(h)
	ui, err := New(a, cfg)
	if err != nil {
		t.Fatal(err)
	}
	a.SetUI(ui)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() { srv.Close(); a.Close(); st.Close() })
	return srv, a
}

// eachStore runs test on SQLite, and on PostgreSQL when PICKET_TEST_POSTGRES_URL is set.
func eachStore(t *testing.T, test func(t *testing.T, dataDir, dbURL string)) {
	t.Run("sqlite", func(t *testing.T) { test(t, t.TempDir(), "") })
	if base := storetest.PostgresURL(); base != "" {
		t.Run("postgres", func(t *testing.T) { test(t, "", storetest.SchemaURL(t, base)) })
	}
}

type browser struct {
	t      *testing.T
	base   string
	client *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get returns the page and its first form's CSRF token.
func (b *browser) get(path string) (*http.Response, string, string) {
	b.t.Helper()
	resp, err := b.client.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	token := ""
	if m := csrfField.FindStringSubmatch(string(body)); m != nil {
		token = m[1]
	}
	return resp, string(body), token
}

func (b *browser) post(path string, form url.Values, header map[string]string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// signUp signs email up, then logs in for the first time: the answer that shows My First
// Project's keys.
func (b *browser) signUp(email string) (*http.Response, string) {
	b.t.Helper()
	_, _, token := b.get("/dashboard/signup")
	resp, body := b.post("/dashboard/signup", url.Values{"email": {email}, "password": {password}, "csrf": {token}}, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard/login?notice=signed_up" {
		b.t.Fatalf("sign-up: %s %s", resp.Status, ruleOf(body))
	}
	return b.logIn(email, password)
}

// logIn posts the log-in form.
func (b *browser) logIn(email, pw string) (*http.Response, string) {
	b.t.Helper()
	_, _, token := b.get("/dashboard/login")
	return b.post("/dashboard/login", url.Values{"email": {email}, "password": {pw}, "csrf": {token}}, nil)
}

func ruleOf(body string) string {
	m := regexp.MustCompile(`data-rule="([a-z_]+)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// Log-in failures are limited per email, and a known and an unknown email are answered
// alike, attempt by attempt.
func TestLoginLimitsAndNoEnumeration(t *testing.T) {
	srv, a := serve(t, app.DefaultUIConfig)
	if _, _, err := a.CreateAccount(context.Background(), "known@example.com", password); err != nil {
		t.Fatal(err)
	}
	answers := map[string][]string{}
	for _, email := range []string{"known@example.com", "unknown@example.com"} {
		b := newBrowser(t, srv.URL)
		for i := 0; i <= LoginPerAccount.Burst; i++ {
			_, _, token := b.get("/dashboard/login")
			resp, body := b.post("/dashboard/login", url.Values{"email": {email}, "password": {"wrong password, long enough"}, "csrf": {token}}, nil)
			answers[email] = append(answers[email], resp.Status+" "+ruleOf(body)+" "+resp.Header.Get("Retry-After"))
		}
	}
	want := strings.Repeat("401 Unauthorized login_failed |", LoginPerAccount.Burst) + "429 Too Many Requests rate_limited 60|"
	for email, got := range answers {
		if strings.Join(got, "|")+"|" != want {
			t.Errorf("%s: %v\nwant %s", email, got, want)
		}
	}
	// The right password is also refused while the email is limited.
	b := newBrowser(t, srv.URL)
	_, _, token := b.get("/dashboard/login")
	if resp, _ := b.post("/dashboard/login", url.Values{"email": {"known@example.com"}, "password": {password}, "csrf": {token}}, nil); resp.StatusCode != 429 {
		t.Fatalf("a limited account logged in: %s", resp.Status)
	}
}

// Per client address, log-in failures (each to another email, so that no account's limit
// counts) and sign-ups stop after their burst, for one refill period: 6 s and 6 min.
func TestLimitsPerClientAddress(t *testing.T) {
	srv, _ := serve(t, app.DefaultUIConfig)
	b := newBrowser(t, srv.URL)
	answers := func(path string, n int, pw string) []string {
		var out []string
		for i := 0; i < n; i++ {
			_, _, token := b.get(path)
			email := path[len("/dashboard/"):] + strconv.Itoa(i) + "@example.com"
			resp, body := b.post(path, url.Values{"email": {email}, "password": {pw}, "csrf": {token}}, nil)
			out = append(out, strconv.Itoa(resp.StatusCode)+" "+ruleOf(body)+" "+resp.Header.Get("Retry-After"))
		}
		return out
	}
	check := func(got []string, ok string, burst int, retry string) {
		t.Helper()
		want := append(slices.Repeat([]string{ok}, burst), "429 rate_limited "+retry)
		if !slices.Equal(got, want) {
			t.Errorf("%v\nwant %v", got, want)
		}
	}
	check(answers("/dashboard/login", LoginPerClient.Burst+1, "wrong password, long enough"), "401 login_failed ", LoginPerClient.Burst, "6")
	check(answers("/dashboard/signup", SignupPerClient.Burst+1, password), "303  ", SignupPerClient.Burst, "360")
}

// A form must carry its session's token and come from the dashboard's origin.
func TestCSRFChecks(t *testing.T) {
	srv, _ := serve(t, app.DefaultUIConfig)
	b := newBrowser(t, srv.URL)
	if resp, body := b.signUp("ada@example.com"); resp.StatusCode != 200 || !strings.Contains(body, "sk_") {
		t.Fatalf("sign-up and first log-in: %s %s", resp.Status, ruleOf(body))
	}
	_, _, token := b.get("/dashboard/projects")
	create := url.Values{"name": {"X"}, "csrf": {token}}
	for name, h := range map[string]map[string]string{
		"another origin":         {"Origin": "http://evil.example"},
		"Origin null":            {"Origin": "null"},
		"cross-site fetch":       {"Sec-Fetch-Site": "cross-site"},
		"same-site (not origin)": {"Sec-Fetch-Site": "same-site"},
	} {
		if resp, body := b.post("/dashboard/projects", create, h); resp.StatusCode != 403 || ruleOf(body) != "csrf_refused" {
			t.Errorf("%s: %s %s", name, resp.Status, ruleOf(body))
		}
	}
	if resp, body := b.post("/dashboard/projects", url.Values{"name": {"X"}, "csrf": {token, token}}, nil); resp.StatusCode != 403 {
		t.Errorf("two tokens: %s %s", resp.Status, ruleOf(body))
	}
	if resp, _ := b.post("/dashboard/projects", create, map[string]string{"Origin": srv.URL, "Sec-Fetch-Site": "same-origin"}); resp.StatusCode != 201 {
		t.Errorf("the dashboard's own form: %s", resp.Status)
	}
}

// Behind TLS (-public-url https://...), cookies are Secure and __Host- prefixed, and the
// one accepted origin is the public one.
func TestPublicHTTPS(t *testing.T) {
	cfg := app.DefaultUIConfig
	cfg.PublicURL = "https://picket.example"
	srv, _ := serve(t, cfg)
	resp, err := http.Get(srv.URL + "/dashboard/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Strict-Transport-Security") != "max-age=31536000" {
		t.Fatal("no HSTS behind a TLS origin")
	}
	c := resp.Header.Get("Set-Cookie")
	if !strings.HasPrefix(c, "__Host-picket_pre=") || !strings.Contains(c, "; Secure") || !strings.Contains(c, "; HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
		t.Fatalf("cookie %q", c)
	}
}

func TestSignupClosed(t *testing.T) {
	cfg := app.DefaultUIConfig
	cfg.Signup = false
	srv, _ := serve(t, cfg)
	b := newBrowser(t, srv.URL)
	_, page, token := b.get("/dashboard/signup")
	if strings.Contains(page, `action="/dashboard/signup"`) {
		t.Fatal("a closed sign-up shows its form")
	}
	_, _, token = b.get("/dashboard/login")
	if resp, body := b.post("/dashboard/signup", url.Values{"email": {"ada@example.com"}, "password": {password}, "csrf": {token}}, nil); resp.StatusCode != 403 || ruleOf(body) != "signup_closed" {
		t.Fatalf("%s %s", resp.Status, ruleOf(body))
	}
}

// A password far past the limit costs no argon2id work: a 1 MB form is refused unread
// (413 body_too_large), a 60 KiB password by its rule at sign-up; at log-in only its first
// accounts.MaxPasswordBytes are hashed, so it is a wrong password like any other.
func TestHugePasswords(t *testing.T) {
	srv, _ := serve(t, app.DefaultUIConfig)
	b := newBrowser(t, srv.URL)
	huge, long := strings.Repeat("x", 1<<20), strings.Repeat("x", 60<<10)
	for _, form := range []string{"signup", "login"} {
		_, _, token := b.get("/dashboard/" + form)
		resp, body := b.post("/dashboard/"+form, url.Values{"email": {"ada@example.com"}, "password": {huge}, "csrf": {token}}, nil)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || ruleOf(body) != "body_too_large" || !strings.Contains(body, "256 bytes") {
			t.Errorf("%s, 1 MB password: %s %s", form, resp.Status, ruleOf(body))
		}
	}
	_, _, token := b.get("/dashboard/signup")
	if resp, body := b.post("/dashboard/signup", url.Values{"email": {"ada@example.com"}, "password": {long}, "csrf": {token}}, nil); resp.StatusCode != 400 || ruleOf(body) != "password_too_long" {
		t.Errorf("sign-up, 60 KiB password: %s %s", resp.Status, ruleOf(body))
	}
	if resp, body := b.logIn("ada@example.com", long); resp.StatusCode != 401 || ruleOf(body) != "login_failed" {
		t.Errorf("log-in, 60 KiB password: %s %s", resp.Status, ruleOf(body))
	}
}

// A browser that logged in to an account before keeps logging in while failures from
// elsewhere have spent the account's bucket; its own failures are limited by a bucket of
// its own; a forged device cookie, or one of another account, counts for nothing.
func TestKnownDeviceNotLockedOut(t *testing.T) {
	srv, a := serve(t, app.DefaultUIConfig)
	for _, e := range []string{"ada@example.com", "eve@example.com"} {
		if _, _, err := a.CreateAccount(context.Background(), e, password); err != nil {
			t.Fatal(err)
		}
	}
	owner, attacker := newBrowser(t, srv.URL), newBrowser(t, srv.URL)
	if resp, _ := owner.logIn("ada@example.com", password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first log-in: %s", resp.Status)
	}
	// The attacker holds a device cookie of their own account (eve's) and a forged one.
	if resp, _ := attacker.logIn("eve@example.com", password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("eve's log-in: %s", resp.Status)
	}
	u, _ := url.Parse(srv.URL)
	var eveDevice string
	for _, c := range attacker.client.Jar.Cookies(u) {
		if c.Name == deviceCookie {
			eveDevice = c.Value
		}
	}
	if eveDevice == "" {
		t.Fatal("no device cookie after a log-in")
	}
	forged := strings.Repeat("A", 22) + "." + strings.Repeat("B", 43)
	for _, dev := range []string{eveDevice, forged} {
		attacker.client.Jar.SetCookies(u, []*http.Cookie{{Name: deviceCookie, Value: dev, Path: "/"}})
		for i := 0; i < LoginPerAccount.Burst; i++ {
			attacker.logIn("ada@example.com", "wrong password, long enough")
		}
	}
	if resp, _ := attacker.logIn("ada@example.com", password); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the account's bucket is not spent: %s", resp.Status)
	}
	// The owner's browser: the right password works; then its own failures stop it too.
	if resp, body := owner.logIn("ada@example.com", password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the owner is locked out: %s %s", resp.Status, ruleOf(body))
	}
	var got []int
	for i := 0; i <= LoginPerDevice.Burst; i++ {
		resp, _ := owner.logIn("ada@example.com", "wrong password, long enough")
		got = append(got, resp.StatusCode)
	}
	want := append(slices.Repeat([]int{401}, LoginPerDevice.Burst), 429)
	if !slices.Equal(got, want) {
		t.Fatalf("the device's own failures: %v, want %v", got, want)
	}
}

// The admin address (-metrics-addr) serves /metrics only: never the dashboard, which
// would take passwords there in plain HTTP even when the public address has TLS.
func TestNotOnAdminAddress(t *testing.T) {
	_, a := serve(t, app.DefaultUIConfig)
	admin := httptest.NewServer(a.AdminHandler())
	defer admin.Close()
	for _, path := range []string{"/dashboard/login", "/dashboard/", "/"} {
		resp, err := http.Get(admin.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("admin %s: %s", path, resp.Status)
		}
	}
}
