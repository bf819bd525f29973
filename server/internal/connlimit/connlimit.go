// Package connlimit caps a server's open connections without locking new clients out.
//
// A Listener admits at most Max connections at once. When a new one arrives at the cap,
// the connection that has waited longest without a request in flight (idle between
// keep-alive requests, or accepted and still without a complete request header) is closed
// to make room; idle connections cost the server memory and a file descriptor, and are the
// ones an attacker holds by the thousand. Only when every connection has a request in
// flight is the new one refused: it gets Refusal (a complete HTTP/1.1 response, written
// before its request is read, inside TLS after RefuseOverTLS) and is closed.
//
// Idle connections alone would let a client that keeps many requests in flight (sending
// their bodies a byte at a time: a slow-body attack) hold the whole cap. PerClient gives
// each client (an address) a share of the cap: a client at its share that opens another
// connection has its own longest-idle connection closed for it, or, when every one of its
// connections is busy, the new one is refused with its own refusal; other clients are not
// affected. Many clients at their share could still fill the cap: CutSlow then lets a new
// client in by cutting the connection whose request has been in flight longest, past a time
// no request takes by itself, of the client holding the most connections (when it holds
// more than the new client would).
//
//	ln := connlimit.New(tcp, 4096, refusal)
//	ln.PerClient(512, clientOf, clientRefusal)
//	ln.CutSlow(3 * time.Second)
//	ln.RefuseOverTLS(tlsConfig) // when srv serves TLS on ln (srv.ServeTLS)
//	srv := &http.Server{ConnState: ln.ConnState, ...}
//	srv.Serve(ln)
package connlimit

import (
	"container/list"
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"time"
)

// Listener is a net.Listener that caps its open connections; its ConnState must be the
// http.Server's ConnState hook.
type Listener struct {
	net.Listener
	max     int
	refusal []byte

	// perClient is each client's share (0: none), clientOf names a connection's client
	// ("": one without a share), clientRefusal is written to a connection refused at its
	// client's share.
	perClient     int
	clientOf      func(net.Addr) string
	clientRefusal []byte
	// cutAfter is how long a request must have been in flight for its connection to be cut
	// for a new client at a full cap (0: never).
	cutAfter time.Duration

	mu sync.Mutex
	// conns are the open connections; idle lists those without a request in flight,
	// the one idle longest first.
	conns map[net.Conn]*entry
	idle  *list.List
	// clients are the clients with a share that hold connections.
	clients map[string]*client
	// Counters since start: connections closed to make room, refused at the cap, and
	// refused at their client's share.
	shed, refused, refusedClient, cut uint64
	// lingering bounds the refused connections read to their end at once (see refuse).
	lingering chan struct{}
	// tls, when set (RefuseOverTLS), is the TLS configuration refusals are written under.
	tls *tls.Config
}

type entry struct {
	// at is where the connection sits in idle (nil while a request is in flight), atClient
	// where it sits in its client's idle list, atBusy in its client's busy list (nil while
	// idle).
	at, atClient, atBusy *list.Element
	// since is when its request in flight started.
	since time.Time
	// client holds the connection (nil: a connection without a share).
	client *client
}

// client is one client's connections: its key, how many, those idle, the one idle longest
// first, and those with a request in flight, the one in flight longest first.
type client struct {
	key        string
	n          int
	idle, busy *list.List
}

// New caps ln at max open connections (max ≥ 1). refusal is written to a connection
// refused because every open one is busy.
func New(ln net.Listener, max int, refusal []byte) *Listener {
	return &Listener{Listener: ln, max: max, refusal: refusal, conns: map[net.Conn]*entry{}, idle: list.New(),
		clients: map[string]*client{}, lingering: make(chan struct{}, MaxLingering)}
}

// PerClient caps the connections of each client at n (n ≥ 1), clientOf naming a
// connection's client from its remote address ("" for a connection without a share, such
// as one from a reverse proxy that every client comes through). refusal is written to a
// connection refused because its client holds n connections, each with a request in
// flight. Call it before the first Accept.
func (l *Listener) PerClient(n int, clientOf func(net.Addr) string, refusal []byte) {
	l.perClient, l.clientOf, l.clientRefusal = n, clientOf, refusal
}

// CutSlow lets a new connection in at a full cap, when no connection is idle, by cutting
// the connection whose request has been in flight longest, if for more than after, of the
// client (PerClient) holding the most connections, if it holds more than the new
// connection's client plus one. Call it before the first Accept.
func (l *Listener) CutSlow(after time.Duration) { l.cutAfter = after }

// Accept waits for a connection and admits it, closing the longest-idle connection (of
// its client, at its client's share; of all, at the cap) when it must make room, or
// refusing the new one when every connection it could close is busy.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key := ""
		if l.perClient > 0 {
			key = l.clientOf(c.RemoteAddr())
		}
		refusal := l.admit(c, key)
		if refusal == nil {
			return c, nil
		}
		go l.refuse(c, refusal)
	}
}

// admit records c, of client key, making room for it if it must; the refusal to answer
// it with when there is none to make.
func (l *Listener) admit(c net.Conn, key string) []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	if cl := l.clients[key]; key != "" && cl != nil && cl.n >= l.perClient {
		front := cl.idle.Front()
		if front == nil {
			l.refusedClient++
			return l.clientRefusal
		}
		l.shedLocked(front.Value.(net.Conn))
	}
	if len(l.conns) >= l.max {
		if front := l.idle.Front(); front != nil {
			l.shedLocked(front.Value.(net.Conn))
		} else if slow := l.slowest(key); slow != nil {
			l.forget(slow)
			l.cut++
			slow.Close() // the request's read or write fails: the client gets no answer
		} else {
			l.refused++
			return l.refusal
		}
	}
	e := &entry{}
	e.at = l.idle.PushBack(c)
	if key != "" {
		cl := l.clients[key] // after the sheds, which may have removed it
		if cl == nil {
			cl = &client{key: key, idle: list.New(), busy: list.New()}
			l.clients[key] = cl
		}
		cl.n++
		e.client = cl
		e.atClient = cl.idle.PushBack(c)
	}
	l.conns[c] = e
	return nil
}

// slowest is the connection CutSlow cuts for a new one of client key (with l.mu held):
// the one in flight longest, if for more than cutAfter, of the client holding the most
// connections, if it holds more than key's client plus one; nil when there is none.
func (l *Listener) slowest(key string) net.Conn {
	if l.cutAfter == 0 {
		return nil
	}
	mine := 0
	if cl := l.clients[key]; key != "" && cl != nil {
		mine = cl.n
	}
	var most *client
	for _, cl := range l.clients { // at most max clients, and only at a full cap
		if most == nil || cl.n > most.n {
			most = cl
		}
	}
	if most == nil || most.n <= mine+1 {
		return nil
	}
	front := most.busy.Front()
	if front == nil {
		return nil
	}
	c := front.Value.(net.Conn)
	if time.Since(l.conns[c].since) <= l.cutAfter {
		return nil
	}
	return c
}

// shedLocked closes victim, an idle connection, to make room (with l.mu held). The
// server's goroutine for victim sees its read fail and ends it; a client that was idle on a
// keep-alive connection opens a new one for its next request.
func (l *Listener) shedLocked(victim net.Conn) {
	l.forget(victim)
	l.shed++
	victim.Close()
}

// forget removes c from the books (with l.mu held).
func (l *Listener) forget(c net.Conn) {
	e, ok := l.conns[c]
	if !ok {
		return
	}
	l.unidle(e)
	l.unbusy(e)
	if cl := e.client; cl != nil {
		cl.n--
		if cl.n == 0 {
			delete(l.clients, cl.key)
		}
	}
	delete(l.conns, c)
}

// unbusy takes e off its client's busy list (with l.mu held).
func (l *Listener) unbusy(e *entry) {
	if e.atBusy != nil {
		e.client.busy.Remove(e.atBusy)
		e.atBusy = nil
	}
}

// unidle takes e off the idle lists (with l.mu held).
func (l *Listener) unidle(e *entry) {
	if e.at != nil {
		l.idle.Remove(e.at)
		e.at = nil
	}
	if e.atClient != nil {
		e.client.idle.Remove(e.atClient)
		e.atClient = nil
	}
}

// ConnState is the http.Server's ConnState hook: it tells the Listener which connections
// have a request in flight.
func (l *Listener) ConnState(c net.Conn, state http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.conns[c]
	if !ok {
		return // shed already, or not one of ours
	}
	switch state {
	case http.StateActive:
		l.unidle(e)
		if e.client != nil && e.atBusy == nil {
			e.since = time.Now()
			e.atBusy = e.client.busy.PushBack(c)
		}
	case http.StateIdle:
		// At the back of the idle lists: the one idle most recently.
		l.unidle(e)
		l.unbusy(e)
		e.at = l.idle.PushBack(c)
		if e.client != nil {
			e.atClient = e.client.idle.PushBack(c)
		}
	case http.StateClosed, http.StateHijacked:
		l.forget(c)
	}
}

// Stats are a Listener's counts.
type Stats struct {
	// Open connections now, and how many of them have no request in flight; Shed: closed
	// to make room since start; Refused: refused since start because every open
	// connection was busy; RefusedClient: refused since start because every connection of
	// their client, at its share, was busy; Cut: connections with a request in flight cut
	// for a new one since start (CutSlow).
	Open, Idle                        int
	Shed, Refused, RefusedClient, Cut uint64
}

// Stats returns the counts.
func (l *Listener) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return Stats{Open: len(l.conns), Idle: l.idle.Len(), Shed: l.shed, Refused: l.refused, RefusedClient: l.refusedClient, Cut: l.cut}
}
