// Command picket-changes measures what a change to one project costs the others, at scale:
// side by side, picket-server replacing only the changed project in its registry
// (-registry-updates projects, the default) and rebuilding the whole registry on every
// change (-registry-updates full, what it did before).
//
//	picket-changes -server ./picket-server -data DIR      # SQLite
//	picket-changes -server ./picket-server -db postgres://...
//
// It fills an empty store with -projects projects of -keys-per-project keys each (a
// redirect URI each), then, for each mode, starts two server processes on it, A and B (a
// second process of the same deployment; on SQLite it learns of changes by its 250-ms
// poll, on PostgreSQL by LISTEN/NOTIFY), and runs -clients clients that send GET /v1/ping
// to A with random keys of every project but the changing one, from a shared pool of
// keep-alive connections. First for -baseline without changes, then for -duration while one
// tenant issues a key through A's API every -change-every. For each change it records the
// change-to-effect time on A (from sending the POST until the new key is accepted: A
// answers the POST after its registry has the key) and on B (until B accepts it). It
// prints, per mode, the other tenants' request latency without and during changes, the
// change-to-effect times, the changes made, and A's registry reloads by kind.
//
// It exits 1 when a request failed, no change was made, a mode's reloads were not of its
// kind, or A reloaded more often than it was changed (one reload per change, or fewer). Run it alone on the machine (under flock /work/tools/bench.lock when shared):
// server/bench-changes.sh builds everything and runs it on both stores.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

type config struct {
	server, data, db          string
	projects, keysPerProject  int
	clients                   int
	baseline, duration, every time.Duration
	modes                     []string
}

func main() {
	var cfg config
	var modes string
	flag.StringVar(&cfg.server, "server", "", "the picket-server binary")
	flag.StringVar(&cfg.data, "data", "", "an empty data directory (SQLite)")
	flag.StringVar(&cfg.db, "db", "", "an empty PostgreSQL database (postgres://...)")
	flag.IntVar(&cfg.projects, "projects", 10_000, "projects in the store")
	flag.IntVar(&cfg.keysPerProject, "keys-per-project", 10, "keys of each project (one secret, the rest publishable)")
	flag.IntVar(&cfg.clients, "clients", 8, "concurrent clients of the other tenants")
	flag.DurationVar(&cfg.baseline, "baseline", 10*time.Second, "how long the clients run without changes, per mode")
	flag.DurationVar(&cfg.duration, "duration", 20*time.Second, "how long the clients run with changes, per mode")
	flag.DurationVar(&cfg.every, "change-every", 100*time.Millisecond, "interval between two changes (a change waits for the one before)")
	flag.StringVar(&modes, "modes", "projects,full", "the -registry-updates modes to compare, in order")
	flag.Parse()
	cfg.modes = strings.Split(modes, ",")
	if cfg.server == "" || (cfg.data == "") == (cfg.db == "") || cfg.projects < 2 || cfg.keysPerProject < 1 ||
		cfg.clients < 1 || cfg.baseline <= 0 || cfg.duration <= 0 || cfg.every <= 0 {
		fmt.Fprintln(os.Stderr, "picket-changes: give -server and one of -data or -db; sizes and durations must be positive (-projects >= 2)")
		os.Exit(2)
	}
	ctx := context.Background()
	tenants, err := seed(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "picket-changes: seeding the store:", err)
		os.Exit(1)
	}
	var results []result
	for _, mode := range cfg.modes {
		r, err := measure(ctx, cfg, mode, tenants)
		if err != nil {
			fmt.Fprintln(os.Stderr, "picket-changes:", mode+":", err)
			os.Exit(1)
		}
		results = append(results, r)
	}
	store := "SQLite"
	if cfg.db != "" {
		store = "PostgreSQL"
	}
	printResults(os.Stdout, cfg, store, results)
	// A run is only worth its figures when nothing failed and each mode did what it says.
	for _, r := range results {
		if r.errors > 0 || len(r.effectA) == 0 || !strings.Contains(r.reloads, `kind="`+r.mode+`",outcome="ok"`) ||
			strings.Contains(r.reloads, `outcome="error"`) || (r.mode == "projects" && strings.Contains(r.reloads, `kind="full"`)) ||
			reloadCount(r.reloads, r.mode) > len(r.effectA) {
			fmt.Fprintf(os.Stderr, "picket-changes: %s: %d errors, %d changes, reloads %s\n", r.mode, r.errors, len(r.effectA), r.reloads)
			os.Exit(1)
		}
	}
}
