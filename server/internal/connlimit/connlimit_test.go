package connlimit

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

const refusal = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbusy"

// serve starts an http.Server capped at max whose handler blocks while block is held.
func serve(t *testing.T, max int, block *sync.RWMutex) (*Listener, string) {
	t.Helper()
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := New(tcp, max, []byte(refusal))
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			block.RLock()
			block.RUnlock()
			io.WriteString(w, "ok")
		}),
		ConnState: ln.ConnState,
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln, tcp.Addr().String()
}

// request sends one keep-alive request on c and returns the status line.
func request(t *testing.T, c net.Conn, r *bufio.Reader) string {
	t.Helper()
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.Status
}

func dial(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, bufio.NewReader(c)
}

// closedByServer reports whether the server closed c (a read sees EOF at once).
func closedByServer(c net.Conn, r *bufio.Reader) bool {
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, err := r.ReadByte()
	return err == io.EOF
}

func waitStats(t *testing.T, ln *Listener, want func(Stats) bool) Stats {
	t.Helper()
	for i := 0; i < 200; i++ {
		if s := ln.Stats(); want(s) {
			return s
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("stats stayed %+v", ln.Stats())
	return Stats{}
}

// At the cap, a new client is served and the connection idle longest is closed for it.
func TestIdleConnectionsAreShedForNewClients(t *testing.T) {
	var block sync.RWMutex
	ln, addr := serve(t, 3, &block)
	type client struct {
		c net.Conn
		r *bufio.Reader
	}
	var idle []client
	for i := 0; i < 3; i++ {
		c, r := dial(t, addr)
		if st := request(t, c, r); st != "200 OK" {
			t.Fatal(st)
		}
		idle = append(idle, client{c, r})
		time.Sleep(20 * time.Millisecond) // an order of idleness
	}
	waitStats(t, ln, func(s Stats) bool { return s.Open == 3 })
	// A connection that never sends a request is as idle as one between requests.
	silent, silentR := dial(t, addr)
	waitStats(t, ln, func(s Stats) bool { return s.Shed == 1 })
	if !closedByServer(idle[0].c, idle[0].r) {
		t.Fatal("the connection idle longest was not the one closed")
	}
	newcomer, nr := dial(t, addr)
	if st := request(t, newcomer, nr); st != "200 OK" {
		t.Fatalf("a new client at the cap: %s", st)
	}
	if !closedByServer(idle[1].c, idle[1].r) {
		t.Fatal("the next idle connection was not closed for the newcomer")
	}
	// Then the last of the first three, then the silent one, in the order they went idle.
	for _, closed := range []client{idle[2], {silent, silentR}} {
		other, or := dial(t, addr)
		if st := request(t, other, or); st != "200 OK" {
			t.Fatalf("another client at the cap: %s", st)
		}
		if !closedByServer(closed.c, closed.r) {
			t.Fatal("the connection idle longest was not the one closed")
		}
	}
	if s := ln.Stats(); s.Open > 3 || s.Shed != 4 || s.Refused != 0 {
		t.Fatalf("stats %+v", s)
	}
}

// When every open connection has a request in flight, a new one is refused with the
// refusal, and the requests in flight complete.
func TestBusyConnectionsAreNeverShed(t *testing.T) {
	var block sync.RWMutex
	ln, addr := serve(t, 2, &block)
	block.Lock()
	var wg sync.WaitGroup
	statuses := make([]string, 2)
	for i := range statuses {
		c, r := dial(t, addr)
		wg.Add(1)
		go func() { defer wg.Done(); statuses[i] = request(t, c, r) }()
	}
	waitStats(t, ln, func(s Stats) bool { return s.Open == 2 && s.Idle == 0 })
	c, r := dial(t, addr)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, _ := io.ReadAll(r)
	if string(got) != refusal {
		t.Fatalf("a connection beyond the cap read %q", got)
	}
	block.Unlock()
	wg.Wait()
	if strings.Join(statuses, ",") != "200 OK,200 OK" {
		t.Fatalf("requests in flight: %v", statuses)
	}
	if s := ln.Stats(); s.Refused != 1 || s.Shed != 0 {
		t.Fatalf("stats %+v", s)
	}
}

// A client at its share: its own idle connection is closed for its new one, and once every
// one of its connections is busy a new one is refused with the client refusal, while other
// clients are served and a connection without a share (a proxy's) is not counted.
func TestAClientAtItsShareCannotLockOthersOut(t *testing.T) {
	const clientRefusal = "HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 4\r\n\r\nmany"
	release := make(chan struct{})
	ln, addr := serveSlow(t, 6, release, func(ln *Listener) {
		ln.PerClient(2, func(a net.Addr) string {
			ip := a.(*net.TCPAddr).IP.String()
			if ip == "127.0.0.9" {
				return "" // the proxy: no share
			}
			return ip
		}, []byte(clientRefusal))
	})
	from := func(ip string) (net.Conn, *bufio.Reader) { return dialFrom(t, addr, ip) }
	var wg sync.WaitGroup
	var mu sync.Mutex
	var slow []string
	inFlight := func(c net.Conn, r *bufio.Reader) {
		t.Helper()
		if _, err := io.WriteString(c, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(r, nil)
			st := "error"
			if err == nil {
				st = resp.Status
			}
			mu.Lock()
			slow = append(slow, st)
			mu.Unlock()
		}()
	}
	a1, a1r := from("127.0.0.2")
	if st := request(t, a1, a1r); st != "200 OK" {
		t.Fatal(st)
	}
	a2, a2r := from("127.0.0.2")
	inFlight(a2, a2r)
	waitStats(t, ln, func(s Stats) bool { return s.Open == 2 && s.Idle == 1 })
	a3, a3r := from("127.0.0.2") // at its share: its idle a1 is closed for it
	if !closedByServer(a1, a1r) {
		t.Fatal("the client's idle connection was not closed for its new one")
	}
	inFlight(a3, a3r)
	waitStats(t, ln, func(s Stats) bool { return s.Open == 2 && s.Idle == 0 })
	a4, a4r := from("127.0.0.2") // every one busy: refused, though the cap is far
	a4.SetReadDeadline(time.Now().Add(5 * time.Second))
	if got, _ := io.ReadAll(a4r); string(got) != clientRefusal {
		t.Fatalf("a connection beyond the client's share read %q", got)
	}
	// Another client is served at once; the proxy holds more than a share.
	b, br := from("127.0.0.3")
	if st := request(t, b, br); st != "200 OK" {
		t.Fatalf("another client: %s", st)
	}
	for i := 0; i < 3; i++ {
		p, pr := from("127.0.0.9")
		inFlight(p, pr)
	}
	waitStats(t, ln, func(s Stats) bool { return s.Open == 6 && s.Idle == 1 })
	close(release)
	wg.Wait()
	if strings.Join(slow, ",") != "200 OK,200 OK,200 OK,200 OK,200 OK" {
		t.Fatalf("requests in flight: %v", slow)
	}
	if s := ln.Stats(); s.RefusedClient != 1 || s.Refused != 0 || s.Shed != 1 {
		t.Fatalf("stats %+v", s)
	}
}

// At a full cap with every connection busy, a new client is let in by cutting the request
// in flight longest (past CutSlow's time) of the client holding the most connections; not
// before that time, and not when the new client would hold as many.
func TestCutSlowLetsANewClientIntoAFullCap(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	ln, addr := serveSlow(t, 4, release, func(ln *Listener) {
		ln.PerClient(4, func(a net.Addr) string { return a.(*net.TCPAddr).IP.String() }, []byte("unused"))
		ln.CutSlow(300 * time.Millisecond)
	})
	from := func(ip string) (net.Conn, *bufio.Reader) { return dialFrom(t, addr, ip) }
	slow := func(ip string) (net.Conn, *bufio.Reader) {
		t.Helper()
		c, r := from(ip)
		if _, err := io.WriteString(c, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		return c, r
	}
	// 127.0.0.2 holds 3 requests in flight, the first oldest; 127.0.0.3 one.
	a1, a1r := slow("127.0.0.2")
	time.Sleep(50 * time.Millisecond)
	slow("127.0.0.2")
	slow("127.0.0.2")
	slow("127.0.0.3")
	waitStats(t, ln, func(s Stats) bool { return s.Open == 4 && s.Idle == 0 })
	refused := func(ip string) bool {
		t.Helper()
		c, r := from(ip)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		got, _ := io.ReadAll(r)
		return string(got) == refusal
	}
	// Too soon: no request has been in flight for 300 ms.
	if !refused("127.0.0.4") {
		t.Fatal("a request in flight for less than CutSlow's time was cut")
	}
	time.Sleep(350 * time.Millisecond)
	// The biggest client itself gains nothing: refused (its share is the whole cap).
	if !refused("127.0.0.2") {
		t.Fatal("the biggest client was let in by cutting its own request")
	}
	// A new client: 127.0.0.2's oldest request is cut for it, and it is served.
	c, r := from("127.0.0.4")
	if st := request(t, c, r); st != "200 OK" {
		t.Fatalf("a new client at a full cap: %s", st)
	}
	if !closedByServer(a1, a1r) {
		t.Fatal("the biggest client's oldest request was not the one cut")
	}
	if s := ln.Stats(); s.Cut != 1 || s.Refused != 2 {
		t.Fatalf("stats %+v", s)
	}
}

// serveSlow starts an http.Server capped at max (set up further by setup before it serves)
// whose /slow requests wait until release is closed or their connection is.
func serveSlow(t *testing.T, max int, release chan struct{}, setup func(*Listener)) (*Listener, string) {
	t.Helper()
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := New(tcp, max, []byte(refusal))
	setup(ln)
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/slow" {
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}
			io.WriteString(w, "ok")
		}),
		ConnState: ln.ConnState,
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln, tcp.Addr().String()
}

// dialFrom connects to addr from the loopback address ip (Linux routes all of 127/8).
func dialFrom(t *testing.T, addr, ip string) (net.Conn, *bufio.Reader) {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, bufio.NewReader(c)
}
