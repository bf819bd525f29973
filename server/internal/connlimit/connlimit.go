// Package connlimit caps a server's open connections without locking new clients out.
//
// A Listener admits at most Max connections at once. When a new one arrives at the cap,
// the connection that has waited longest without a request in flight (idle between
// keep-alive requests, or accepted and still without a complete request header) is closed
// to make room; idle connections cost the server memory and a file descriptor, and are the
// ones an attacker holds by the thousand. Only when every connection has a request in
// flight is the new one refused: it gets Refusal (a complete HTTP/1.1 response, written
// before its request is read) and is closed.
//
// A connection with a request in flight is never closed to make room, so a client that
// keeps many requests in flight (sending their bodies a byte at a time: a slow-body
// attack) could hold the whole cap. PerClient gives each client (an address) a share of
// the cap: a client at its share that opens another connection has its own longest-idle
// connection closed for it, or, when every one of its connections is busy, the new one is
// refused with its own refusal; other clients are not affected.
//
//	ln := connlimit.New(tcp, 4096, refusal)
//	ln.PerClient(512, clientOf, clientRefusal)
//	srv := &http.Server{ConnState: ln.ConnState, ...}
//	srv.Serve(ln)
package connlimit

import (
	"container/list"
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

	mu sync.Mutex
	// conns are the open connections; idle lists those without a request in flight,
	// the one idle longest first.
	conns map[net.Conn]*entry
	idle  *list.List
	// clients are the clients with a share that hold connections.
	clients map[string]*client
	// Counters since start: connections closed to make room, refused at the cap, and
	// refused at their client's share.
	shed, refused, refusedClient uint64
}

type entry struct {
	// at is where the connection sits in idle (nil while a request is in flight), atClient
	// where it sits in its client's idle list.
	at, atClient *list.Element
	// client holds the connection (nil: a connection without a share).
	client *client
}

// client is one client's connections: its key, how many, and those idle, the one idle
// longest first.
type client struct {
	key  string
	n    int
	idle *list.List
}

// New caps ln at max open connections (max ≥ 1). refusal is written to a connection
// refused because every open one is busy.
func New(ln net.Listener, max int, refusal []byte) *Listener {
	return &Listener{Listener: ln, max: max, refusal: refusal, conns: map[net.Conn]*entry{}, idle: list.New(),
		clients: map[string]*client{}}
}

// PerClient caps the connections of each client at n (n ≥ 1), clientOf naming a
// connection's client from its remote address ("" for a connection without a share, such
// as one from a reverse proxy that every client comes through). refusal is written to a
// connection refused because its client holds n connections, each with a request in
// flight. Call it before the first Accept.
func (l *Listener) PerClient(n int, clientOf func(net.Addr) string, refusal []byte) {
	l.perClient, l.clientOf, l.clientRefusal = n, clientOf, refusal
}

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
		go refuse(c, refusal)
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
		front := l.idle.Front()
		if front == nil {
			l.refused++
			return l.refusal
		}
		l.shedLocked(front.Value.(net.Conn))
	}
	e := &entry{}
	e.at = l.idle.PushBack(c)
	if key != "" {
		cl := l.clients[key] // after the sheds, which may have removed it
		if cl == nil {
			cl = &client{key: key, idle: list.New()}
			l.clients[key] = cl
		}
		cl.n++
		e.client = cl
		e.atClient = cl.idle.PushBack(c)
	}
	l.conns[c] = e
	return nil
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
	l.busy(e)
	if cl := e.client; cl != nil {
		cl.n--
		if cl.n == 0 {
			delete(l.clients, cl.key)
		}
	}
	delete(l.conns, c)
}

// busy takes e off the idle lists (with l.mu held).
func (l *Listener) busy(e *entry) {
	if e.at != nil {
		l.idle.Remove(e.at)
		e.at = nil
	}
	if e.atClient != nil {
		e.client.idle.Remove(e.atClient)
		e.atClient = nil
	}
}

// refuse answers c with refusal and closes it, within a second.
func refuse(c net.Conn, refusal []byte) {
	_ = c.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = c.Write(refusal)
	c.Close()
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
		l.busy(e)
	case http.StateIdle:
		// At the back of the idle lists: the one idle most recently.
		l.busy(e)
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
	// their client, at its share, was busy.
	Open, Idle                   int
	Shed, Refused, RefusedClient uint64
}

// Stats returns the counts.
func (l *Listener) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return Stats{Open: len(l.conns), Idle: l.idle.Len(), Shed: l.shed, Refused: l.refused, RefusedClient: l.refusedClient}
}
