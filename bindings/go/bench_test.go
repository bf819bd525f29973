package picket

// Benchmarks of issue 6: the binding against the standard-library idiom a Go server would
// write by hand, on the same 1,000 keys and the same cycle of requests.
//
//	go test -bench . -run '^$' -benchmem        (bench.sh runs them properly and prints the ratio)

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// cpuClock measures the CPU time the process spends, next to the wall time the testing
// package reports: on a machine shared with other work, ns/op also counts the time the
// benchmark waited for a CPU, and cpu-ns/op does not. It counts every thread, so the
// garbage collector's work for the allocations of a benchmark is charged to it.
type cpuClock struct{ start time.Duration }

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// startCPU resets the benchmark timer and starts the CPU clock.
func startCPU(b *testing.B) cpuClock {
	b.ResetTimer()
	return cpuClock{start: cpuNow()}
}

// report adds the cpu-ns/op metric.
func (c cpuClock) report(b *testing.B) {
	b.ReportMetric(float64(cpuNow()-c.start)/float64(b.N), "cpu-ns/op")
}

const benchKeys = 1000

// benchSet is the shared workload: 1,000 keys (half publishable, half secret) over 10
// projects, and for each key the header a client sends. Even keys use the form of
// `curl -u KEY:` and Go's SetBasicAuth, odd keys the JS SDK's (`Basic  base64(KEY)`).
type benchSet struct {
	reg     *Registry
	headers []string
	// idiomHeaders are the same keys, all in the form http.Request.BasicAuth accepts
	// (it rejects the JS SDK's form: the idiom gets the easy one).
	idiomHeaders [][]string
	idiom        map[[32]byte]idiomEntry
	now          time.Time
}

// idiomEntry is what a hand-written Go server keeps per key.
type idiomEntry struct {
	digest    [32]byte
	project   uint64
	kind      KeyKind
	expiresAt int64
}

func newBenchSet(b *testing.B) *benchSet {
	b.Helper()
	s := &benchSet{idiom: make(map[[32]byte]idiomEntry, benchKeys), now: time.Now()}
	builder := NewRegistryBuilder()
	for p := uint64(1); p <= 10; p++ {
		if err := builder.AddProject(p, Production, 0); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < benchKeys; i++ {
		kind := Publishable
		if i%2 == 1 {
			kind = Secret
		}
		key, err := GenerateKey(kind)
		if err != nil {
			b.Fatal(err)
		}
		d, err := key.Digest()
		if err != nil {
			b.Fatal(err)
		}
		project := uint64(1 + i%10)
		if err := builder.AddKey(d, project, kind, time.Time{}); err != nil {
			b.Fatal(err)
		}
		if i%2 == 0 {
			s.headers = append(s.headers, basic(key.Expose()))
		} else {
			s.headers = append(s.headers, jsSDK(key.Expose()))
		}
		s.idiomHeaders = append(s.idiomHeaders, []string{basic(key.Expose())})
		sum := sha256.Sum256([]byte(key.Expose()))
		s.idiom[sum] = idiomEntry{digest: sum, project: project, kind: kind, expiresAt: 1<<63 - 1}
	}
	reg, err := builder.Build()
	if err != nil {
		b.Fatal(err)
	}
	s.reg = reg
	b.Cleanup(func() { reg.Close() })
	return s
}

var sinkProject uint64

// BenchmarkAuthenticate is the binding: one Registry.Authenticate per request.
func BenchmarkAuthenticate(b *testing.B) {
	s := newBenchSet(b)
	b.ReportAllocs()
	clock := startCPU(b)
	for i := 0; i < b.N; i++ {
		a, err := s.reg.Authenticate(s.headers[i%benchKeys], s.now, RequireAny)
		if err != nil {
			b.Fatal(err)
		}
		sinkProject += a.Project
	}
	clock.report(b)
}

// BenchmarkIdiom is what a Go server writes with the standard library: Request.BasicAuth
// (base64 and the username/password split), sha256.Sum256, a map keyed by digest, and
// subtle.ConstantTimeCompare, then the expiry check.
func BenchmarkIdiom(b *testing.B) {
	s := newBenchSet(b)
	req, err := http.NewRequest("GET", "http://127.0.0.1/v1/ping", nil)
	if err != nil {
		b.Fatal(err)
	}
	nowUnix := s.now.Unix()
	b.ReportAllocs()
	clock := startCPU(b)
	for i := 0; i < b.N; i++ {
		req.Header["Authorization"] = s.idiomHeaders[i%benchKeys]
		user, password, ok := req.BasicAuth()
		if !ok || password != "" || user == "" {
			b.Fatal("BasicAuth refused the header")
		}
		sum := sha256.Sum256([]byte(user))
		e, found := s.idiom[sum]
		if !found || subtle.ConstantTimeCompare(e.digest[:], sum[:]) != 1 || nowUnix >= e.expiresAt {
			b.Fatal("unknown key")
		}
		sinkProject += e.project
	}
	clock.report(b)
}

// BenchmarkCgoOverhead is one trivial call through cgo (picket_auth_http_status): the
// fixed cost every binding call pays.
func BenchmarkCgoOverhead(b *testing.B) {
	b.ReportAllocs()
	sum := 0
	clock := startCPU(b)
	for i := 0; i < b.N; i++ {
		sum += authHTTPStatus(CodeAuthWrongKind)
	}
	clock.report(b)
	if sum != 403*b.N {
		b.Fatal("wrong status")
	}
}

// BenchmarkAuthenticateUnknownKey is the rejection path: a well-formed key that no project
// has. It reads the detailed message in the same cgo call and builds the *Error.
func BenchmarkAuthenticateUnknownKey(b *testing.B) {
	s := newBenchSet(b)
	unknown, err := GenerateKey(Secret)
	if err != nil {
		b.Fatal(err)
	}
	header := basic(unknown.Expose())
	b.ReportAllocs()
	clock := startCPU(b)
	for i := 0; i < b.N; i++ {
		if _, err := s.reg.Authenticate(header, s.now, RequireAny); err == nil {
			b.Fatal("authenticated an unknown key")
		}
	}
	clock.report(b)
}

// BenchmarkAuthenticateParallel is the binding from GOMAXPROCS goroutines at once, on one
// registry.
func BenchmarkAuthenticateParallel(b *testing.B) {
	s := newBenchSet(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := s.reg.Authenticate(s.headers[i%benchKeys], s.now, RequireAny); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkAuthenticateNoLock is BenchmarkAuthenticate's C call without the registry's
// read lock (which makes a Close racing an Authenticate safe): the difference between the
// two is what that safety costs per request. Not a way to call the library.
func BenchmarkAuthenticateNoLock(b *testing.B) {
	s := newBenchSet(b)
	h := s.reg.s.h
	now := unixSeconds(s.now)
	b.ReportAllocs()
	clock := startCPU(b)
	for i := 0; i < b.N; i++ {
		a, err := cRegistryAuthenticate(h, s.headers[i%benchKeys], now, RequireAny)
		if err != nil {
			b.Fatal(err)
		}
		sinkProject += a.Project
	}
	clock.report(b)
}

// BenchmarkAuthenticateParallelNoLock is BenchmarkAuthenticateParallel without the read
// lock: the lock's cost when every CPU takes it at once.
func BenchmarkAuthenticateParallelNoLock(b *testing.B) {
	s := newBenchSet(b)
	h := s.reg.s.h
	now := unixSeconds(s.now)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := cRegistryAuthenticate(h, s.headers[i%benchKeys], now, RequireAny); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
