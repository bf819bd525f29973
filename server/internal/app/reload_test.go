// The registry's reloads: one per change, whoever asks for it.

package app

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/store"
)

// metric reads one sample of the admin address's /metrics (0 when absent).
func (e *env) metric(series string) float64 {
	e.t.Helper()
	resp, err := http.Get(e.admin.URL + "/metrics")
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				e.t.Fatal(err)
			}
			return f
		}
	}
	return 0
}

// bigProject adds a project of n keys (random digests) straight to the store.
func (e *env) bigProject(n int) {
	e.t.Helper()
	news := make([]store.NewKey, n)
	for i := range news {
		news[i].Kind = picket.Secret
		if _, err := rand.Read(news[i].Digest[:]); err != nil {
			e.t.Fatal(err)
		}
	}
	if _, _, err := e.st.CreateProject(context.Background(), store.NewProject{Name: "big", Mode: picket.Development, Keys: news}, time.Now()); err != nil {
		e.t.Fatal(err)
	}
}

// One reload per change: with a registry whose rebuild outlasts many version polls, each
// change made through the API is rebuilt once, though both the change's own reload and the
// poll (which sees the new version while that rebuild runs) ask for it.
func TestOneReloadPerChange(t *testing.T) { eachStore(t, testOneReloadPerChange) }

func testOneReloadPerChange(t *testing.T, e *env) {
	e.bigProject(3_000) // a rebuild of some milliseconds: many 1-ms polls see each change first
	if err := e.app.Reload(); err != nil {
		t.Fatal(err)
	}
	const series = `picket_registry_reloads_total{kind="projects",outcome="ok"}`
	before := e.metric(series)
	ctx, cancel := context.WithCancel(context.Background())
	var watching sync.WaitGroup
	watching.Add(1)
	go func() { defer watching.Done(); e.app.WatchChanges(ctx, time.Millisecond) }()
	const changes = 8
	for i := 0; i < changes; i++ {
		status, body := e.api("POST", "/v1/keys", e.sk, `{"kind":"publishable"}`)
		wantStatus(t, "issue", status, 201, body)
		key, _ := body["key"].(string)
		if status, body := e.api("GET", "/v1/ping", key, ""); status != 200 {
			t.Fatalf("a key issued is not accepted at once: %d %v", status, body)
		}
	}
	time.Sleep(100 * time.Millisecond) // polls that would rebuild again, if any
	cancel()
	watching.Wait()
	if got := e.metric(series) - before; got != changes {
		t.Fatalf("%d changes made %v reloads, want one each", changes, got)
	}
}

// Changes of every kind, made by this process and by another one on the same store, each
// followed by the incremental update of the first: after each, the first's registry
// answers every key and redirect URI exactly as a registry built whole from the store
// does, and only the start was a full rebuild.
func TestProjectUpdatesAnswerAsAFullRebuild(t *testing.T) { eachStore(t, testProjectUpdates) }

func testProjectUpdates(t *testing.T, e *env) {
	ctx := context.Background()
	other, err := New(e.st, e.app.log) // another process (the CLI) on the same store
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.Quotas = Quotas{}
	e.app.Quotas = Quotas{}
	var keys []string // every key ever issued
	issue := func(a *App, project int64, kind picket.KeyKind, life time.Duration) IssuedKey {
		t.Helper()
		k, err := a.IssueKey(ctx, project, kind, life)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.Secret)
		return k
	}
	projects := []int64{1}
	for i := 0; i < 3; i++ {
		np, err := other.CreateProject(ctx, 0, "p")
		if err != nil {
			t.Fatal(err)
		}
		projects = append(projects, np.Project.ID)
		for _, k := range np.Keys {
			keys = append(keys, k.Secret)
		}
	}
	uris := []string{"https://a.example/cb", "https://b.example/cb", "http://localhost:3000/x"}
	// compare checks e.app against a registry built whole from the store now.
	compare := func(what string) {
		t.Helper()
		if err := e.app.Reload(); err != nil {
			t.Fatal(err)
		}
		fresh, err := New(e.st, e.app.log)
		if err != nil {
			t.Fatal(err)
		}
		defer fresh.Close()
		now := time.Now()
		for _, k := range keys {
			h := basic(k)
			a1, err1 := e.app.holder.Authenticate(h, now, picket.RequireAny)
			a2, err2 := fresh.holder.Authenticate(h, now, picket.RequireAny)
			if a1 != a2 || fmt.Sprint(err1) != fmt.Sprint(err2) {
				t.Fatalf("%s: key %d: updated %v %v, rebuilt %v %v", what, len(keys), a1, err1, a2, err2)
			}
			for _, u := range append(uris, "http://localhost:3000/callback") {
				p1, err1 := e.app.holder.AuthorizeRedirect(k, u, now)
				p2, err2 := fresh.holder.AuthorizeRedirect(k, u, now)
				if p1 != p2 || fmt.Sprint(err1) != fmt.Sprint(err2) {
					t.Fatalf("%s: authorize %s: updated %d %v, rebuilt %d %v", what, u, p1, err1, p2, err2)
				}
			}
		}
		for _, p := range projects {
			for _, u := range uris {
				o := originOf(u)
				if e.app.origins.allowed(uint64(p), o) != fresh.origins.allowed(uint64(p), o) {
					t.Fatalf("%s: CORS origin %s of project %d differs", what, o, p)
				}
			}
		}
	}
	compare("start")
	for i := 0; i < 24; i++ {
		a := e.app
		if i%2 == 1 {
			a = other // a change behind this process's back
		}
		p := projects[i%len(projects)]
		switch i % 6 {
		case 0:
			issue(a, p, picket.Publishable, 0)
			issue(a, p, picket.Secret, time.Hour)
		case 1:
			if err := a.AddRedirectURI(ctx, p, uris[i%len(uris)]); err != nil && !errors.Is(err, store.ErrExists) {
				var pe *picket.Error
				if !errors.As(err, &pe) {
					t.Fatal(err)
				}
			}
		case 2:
			k := issue(a, p, picket.Secret, 0)
			r, err := a.RollKey(ctx, k.ID, store.Actor{}, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, r.Secret)
		case 3:
			k := issue(a, p, picket.Publishable, 0)
			if _, err := a.RevokeKey(ctx, k.ID, store.Actor{Force: true}); err != nil {
				t.Fatal(err)
			}
		case 4:
			_ = a.RemoveRedirectURI(ctx, p, uris[(i+2)%len(uris)])
		case 5:
			mode := picket.Production
			if i%4 == 1 {
				mode = picket.Development
			}
			_, _ = a.SetMode(ctx, p, mode) // refused while a URI is not production's
		}
		compare(fmt.Sprintf("change %d", i))
	}
	if full := e.metric(`picket_registry_reloads_total{kind="full",outcome="ok"}`); full != 0 {
		t.Fatalf("%v full rebuilds after the start", full)
	}
	if n := e.metric(`picket_registry_reloads_total{kind="projects",outcome="ok"}`); n < 24 {
		t.Fatalf("%v project updates for 24 changes and more", n)
	}
}
