// Command memory checks that a Go program's memory stays flat while it rebuilds its
// registry.
//
//	go run . KEYS REBUILDS THREADS BOUND_MB
//
// The same steps as tests/memory/rebuild.c, through the Go binding and a picket.Holder, as
// picket-server does: a registry of KEYS keys over KEYS / 10 projects (each with a redirect
// URI), reloaded REBUILDS more times, each reload on the next of THREADS goroutines locked
// to OS threads of their own (cgo calls run on whatever thread the goroutine is on; a
// server's reloads run on many). Holder.Reload swaps the new registry in and frees the old.
// Prints the resident set (RSS, /proc/self/statm) after the first build, the largest after
// any reload and the last; exits 1 when the largest exceeds the first by more than BOUND_MB
// megabytes, 2 on a usage or picket error. Linux only.
package main

import (
	"encoding/base64"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
)

func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		fail(err)
	}
	f := strings.Fields(string(b))
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		fail(err)
	}
	return float64(pages*int64(os.Getpagesize())) / (1 << 20)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "memory:", err)
	os.Exit(2)
}

func main() {
	args := make([]float64, 0, 4)
	for _, a := range os.Args[1:] {
		v, err := strconv.ParseFloat(a, 64)
		if err != nil {
			break
		}
		args = append(args, v)
	}
	if len(args) != 4 || len(os.Args) != 5 || args[0] < 1 || args[1] < 0 || args[2] < 1 || args[2] > 64 || args[3] <= 0 {
		fmt.Fprintln(os.Stderr, "usage: memory KEYS REBUILDS THREADS(1-64) BOUND_MB")
		os.Exit(2)
	}
	keys, rebuilds, threads, bound := int(args[0]), int(args[1]), int(args[2]), args[3]
	projects := max(keys/10, 1)
	// Key i is sk_ (odd i) or pk_ (even i) and i in 32 hex digits.
	keyText := func(i int) string {
		prefix := "pk"
		if i%2 == 1 {
			prefix = "sk"
		}
		return fmt.Sprintf("%s_%032x", prefix, i)
	}
	digests := make([]picket.KeyDigest, keys)
	for i := range digests {
		d, err := picket.Digest(keyText(i))
		if err != nil {
			fail(err)
		}
		digests[i] = d
	}
	load := func() (*picket.Registry, error) {
		b := picket.NewRegistryBuilder()
		defer b.Close()
		for p := 1; p <= projects; p++ {
			if err := b.AddProject(uint64(p), picket.Production, 0); err != nil {
				return nil, err
			}
			if err := b.AddRedirectURI(uint64(p), "https://app.example/callback"); err != nil {
				return nil, err
			}
		}
		for i, d := range digests {
			kind := picket.Publishable
			if i%2 == 1 {
				kind = picket.Secret
			}
			if err := b.AddKey(d, uint64(1+i%projects), kind, time.Time{}); err != nil {
				return nil, err
			}
		}
		return b.Build()
	}

	holder, err := picket.NewHolder(load)
	if err != nil {
		fail(err)
	}
	first := rssMB()
	largest, last := first, first

	// Each worker goroutine holds an OS thread of its own; reload i runs on worker
	// i % THREADS, and answers with the RSS after it.
	turns := make([]chan struct{}, threads)
	sizes := make(chan float64)
	errs := make(chan error, 1)
	for w := range turns {
		turns[w] = make(chan struct{})
		go func(turn chan struct{}) {
			runtime.LockOSThread()
			for range turn {
				if err := holder.Reload(); err != nil {
					errs <- err
					return
				}
				sizes <- rssMB()
			}
		}(turns[w])
	}
	for i := 0; i < rebuilds; i++ {
		turns[i%threads] <- struct{}{}
		select {
		case last = <-sizes:
		case err := <-errs:
			fail(err)
		}
		largest = max(largest, last)
	}
	for _, t := range turns {
		close(t)
	}
	// The last registry holds every key (the last one, with curl's header).
	header := "Basic " + base64.StdEncoding.EncodeToString([]byte(keyText(keys-1)+":"))
	if au, err := holder.Authenticate(header, time.Now(), picket.RequireAny); err != nil || au.Project != uint64(1+(keys-1)%projects) {
		fail(fmt.Errorf("the last registry answers %+v, %v for key %d", au, err, keys-1))
	}
	holder.Close()
	fmt.Printf("Go: %d keys, %d rebuilds on %d threads: RSS after the first build %.1f MB, largest %.1f MB (+%.1f MB), last %.1f MB; bound +%.0f MB\n",
		keys, rebuilds, threads, first, largest, largest-first, last, bound)
	if largest-first > bound {
		fmt.Printf("FAILED: the RSS grew by %.1f MB, more than %.0f MB\n", largest-first, bound)
		os.Exit(1)
	}
}
