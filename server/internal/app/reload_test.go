// The registry's reloads: one per change, whoever asks for it.

package app

import (
	"bufio"
	"context"
	"crypto/rand"
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
	const series = `picket_registry_reloads_total{outcome="ok"}`
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
