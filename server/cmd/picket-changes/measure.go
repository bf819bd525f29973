// One mode's run: two servers on the seeded store, the other tenants' clients, the
// changing tenant's changes, and what they measured.

package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var stderr io.Writer = os.Stderr

// result is one mode's measurements.
type result struct {
	mode               string
	baseline, changing []time.Duration // the other tenants' requests
	effectA, effectB   []time.Duration // change to effect, each change
	errors             int64
	reloads            string // A's picket_registry_reloads_total, by kind
}

// server is a running picket-server.
type server struct {
	cmd         *exec.Cmd
	base, admin string
}

func startServer(cfg config, mode string) (*server, error) {
	args := []string{"serve", "-addr", "127.0.0.1:0", "-metrics-addr", "127.0.0.1:0",
		"-registry-updates", mode, "-log-level", "warn",
		"-max-keys-per-project", "0", "-rate-management-per-project", "0", "-rate-auth-failures-per-address", "0"}
	if cfg.db != "" {
		args = append(args, "-db", cfg.db)
	} else {
		args = append(args, "-data", cfg.data)
	}
	cmd := exec.Command(cfg.server, args...)
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd}
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		line := lines.Text()
		if rest, ok := strings.CutPrefix(line, "metrics on "); ok {
			s.admin = rest
		}
		if rest, ok := strings.CutPrefix(line, "listening on "); ok {
			s.base = rest
			go io.Copy(io.Discard, out)
			return s, nil
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	return nil, errors.New("the server ended before listening")
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
}

func basic(key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"))
}

var client = &http.Client{
	Timeout:   30 * time.Second,
	Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256},
}

// ping answers GET /v1/ping's status with key (0 on a transport error).
func ping(base, key string) int {
	req, _ := http.NewRequest("GET", base+"/v1/ping", nil)
	req.Header.Set("Authorization", basic(key))
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// issue issues a publishable key to the tenant whose secret key is sk, through base's API.
func issue(base, sk string) (string, error) {
	req, _ := http.NewRequest("POST", base+"/v1/keys", strings.NewReader(`{"kind":"publishable"}`))
	req.Header.Set("Authorization", basic(sk))
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var body struct {
		Key string `json:"key"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 201 {
		return "", fmt.Errorf("issue: %d %v", resp.StatusCode, err)
	}
	return body.Key, nil
}

// until polls base with key until it is accepted, and returns when (zero after 30 s).
func until(base, key string, start time.Time) time.Duration {
	for time.Since(start) < 30*time.Second {
		if ping(base, key) == 200 {
			return time.Since(start)
		}
		time.Sleep(time.Millisecond)
	}
	return 0
}

// reloads reads A's reload counters from its admin address.
func reloads(admin string) string {
	resp, err := client.Get(admin)
	if err != nil {
		return "?"
	}
	defer resp.Body.Close()
	var out []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "picket_registry_reloads_total{"); ok {
			out = append(out, rest)
		}
	}
	return strings.Join(out, "; ")
}

// reloadCount is the count of kind's successful reloads in what reloads returned (-1 when
// it is not there).
func reloadCount(reloads, kind string) int {
	_, rest, ok := strings.Cut(reloads, `kind="`+kind+`",outcome="ok"} `)
	if !ok {
		return -1
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(strings.SplitN(rest, ";", 2)[0]), 64)
	if err != nil {
		return -1
	}
	return int(n)
}

const (
	warmup = iota
	baseline
	changing
	done
)

func measure(ctx context.Context, cfg config, mode string, tenants []tenant) (result, error) {
	r := result{mode: mode}
	a, err := startServer(cfg, mode)
	if err != nil {
		return r, err
	}
	defer a.stop()
	b, err := startServer(cfg, mode)
	if err != nil {
		return r, err
	}
	defer b.stop()
	fmt.Fprintf(stderr, "%s: servers A %s and B %s\n", mode, a.base, b.base)

	var phase atomic.Int32
	var errs atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	changer := tenants[0]
	for c := 0; c < cfg.clients; c++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 7))
			var mine [done][]time.Duration
			for p := phase.Load(); p != done; p = phase.Load() {
				t := tenants[1+rng.IntN(len(tenants)-1)]
				key := t.keys[rng.IntN(len(t.keys))]
				t0 := time.Now()
				if ping(a.base, key) != 200 {
					errs.Add(1)
				}
				mine[p] = append(mine[p], time.Since(t0))
			}
			mu.Lock()
			r.baseline = append(r.baseline, mine[baseline]...)
			r.changing = append(r.changing, mine[changing]...)
			mu.Unlock()
		}(uint64(c))
	}
	time.Sleep(2 * time.Second)
	phase.Store(baseline)
	time.Sleep(cfg.baseline)
	phase.Store(changing)
	end := time.Now().Add(cfg.duration)
	var pollers sync.WaitGroup
	for time.Now().Before(end) {
		tick := time.Now()
		key, err := issue(a.base, changer.keys[0])
		if err != nil {
			errs.Add(1)
			continue
		}
		ea := until(a.base, key, tick)
		pollers.Add(1)
		go func() {
			defer pollers.Done()
			eb := until(b.base, key, tick)
			mu.Lock()
			r.effectB = append(r.effectB, eb)
			mu.Unlock()
		}()
		mu.Lock()
		r.effectA = append(r.effectA, ea)
		mu.Unlock()
		time.Sleep(time.Until(tick.Add(cfg.every)))
	}
	pollers.Wait()
	phase.Store(done)
	wg.Wait()
	r.errors = errs.Load()
	r.reloads = reloads(a.admin)
	return r, nil
}
