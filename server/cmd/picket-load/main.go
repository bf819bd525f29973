// Command picket-load is a bounded load test of a running picket-server over loopback.
//
// For -duration (default 30 s) it runs -clients concurrent clients, each looping over a mix
// of requests: GET /v1/ping with the publishable key, GET /v1/ping with one of -keys secret
// keys it issued itself, and the OAuth 2.0 code flow with PKCE (authorize, token, validate).
// Meanwhile one more goroutine rolls those secret keys every -roll-every (with a -grace long
// enough that a client still holding the previous key is served), and the clients pick up
// each new key as soon as its roll returns.
//
// It reports requests per second and p50/p99 latency, overall and per kind of request, and
// the number of errors (any transport error or unexpected status). With -flood, an
// authorize flood follows (flood.go): codes requested and never redeemed, while the
// store's rows and bytes are sampled from the admin -metrics every second; it fails when
// the codes table outgrows what retention allows. Afterwards it checks that
// no write was lost: every key that a roll returned is in GET /v1/keys, and every rolled key
// still answers /v1/ping (the old ones are inside their grace). It exits 1 on any error or
// lost write.
//
//	PICKET_PK=pk_… PICKET_SK=sk_… picket-load -url http://127.0.0.1:8080 \
//	    -redirect http://localhost:3000/callback -duration 30s -clients 32
//
// The keys come from the environment, never from flags, so that they stay out of `ps`.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	cfg := config{
		pk: os.Getenv("PICKET_PK"),
		sk: os.Getenv("PICKET_SK"),
	}
	flag.StringVar(&cfg.base, "url", "http://127.0.0.1:8080", "server base URL")
	flag.StringVar(&cfg.redirect, "redirect", "http://localhost:3000/callback", "a redirect URI registered for the project")
	flag.DurationVar(&cfg.duration, "duration", 30*time.Second, "how long to run (bounded)")
	flag.IntVar(&cfg.clients, "clients", 32, "concurrent clients")
	flag.IntVar(&cfg.keys, "keys", 4, "secret keys issued for the run and rolled during it")
	flag.DurationVar(&cfg.rollEvery, "roll-every", 100*time.Millisecond, "interval between key rolls")
	flag.DurationVar(&cfg.grace, "grace", 10*time.Minute, "grace period of a rolled key")
	flag.StringVar(&cfg.label, "label", "", "a name for this run in the report (e.g. the store)")
	flag.DurationVar(&cfg.flood, "flood", 0, "after the run, an authorize flood this long (0: none); needs -metrics")
	flag.DurationVar(&cfg.floodWindow, "flood-window", 81*time.Second, "the server's code lifetime + 2 × its retention interval + 1s: the codes table may hold the codes issued within this window (and those of live tokens)")
	flag.StringVar(&cfg.metrics, "metrics", "", "the server's admin /metrics URL (for the flood)")
	flag.Parse()
	if cfg.pk == "" || cfg.sk == "" {
		fmt.Fprintln(os.Stderr, "picket-load: set PICKET_PK and PICKET_SK (the project's keys)")
		os.Exit(2)
	}
	if cfg.duration <= 0 || cfg.duration > time.Hour || cfg.clients < 1 || cfg.clients > 4096 ||
		cfg.keys < 1 || cfg.keys > 1000 || cfg.rollEvery <= 0 || cfg.grace < time.Second ||
		cfg.flood < 0 || cfg.flood > time.Hour || (cfg.flood > 0 && (cfg.metrics == "" || cfg.floodWindow <= 0)) {
		fmt.Fprintln(os.Stderr, "picket-load: a flag is out of range (duration (0,1h], clients [1,4096], keys [1,1000], grace >= 1s, flood [0,1h] with -metrics and -flood-window > 0)")
		os.Exit(2)
	}
	rep, err := run(context.Background(), cfg)
	if rep != nil {
		rep.print(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "picket-load:", err)
		os.Exit(1)
	}
}

type config struct {
	base, pk, sk, redirect, label, metrics         string
	duration, rollEvery, grace, flood, floodWindow time.Duration
	clients, keys                                  int
}
