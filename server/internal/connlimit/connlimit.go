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
//	ln := connlimit.New(tcp, 4096, refusal)
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

	mu sync.Mutex
	// conns are the open connections; idle lists those without a request in flight,
	// the one idle longest first.
	conns map[net.Conn]*entry
	idle  *list.List
	// Counters since start: connections closed to make room, and refused.
	shed, refused uint64
}

type entry struct {
	// at is where the connection sits in idle (nil while a request is in flight).
	at *list.Element
}

// New caps ln at max open connections (max ≥ 1). refusal is written to a connection
// refused because every open one is busy.
func New(ln net.Listener, max int, refusal []byte) *Listener {
	return &Listener{Listener: ln, max: max, refusal: refusal, conns: map[net.Conn]*entry{}, idle: list.New()}
}

// Accept waits for a connection and admits it, closing the longest-idle connection when
// the cap is reached, or refusing the new one when every open connection is busy.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.admit(c) {
			return c, nil
		}
		go l.refuse(c)
	}
}

// admit records c, making room for it if it must; false when there is none to make.
func (l *Listener) admit(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.conns) >= l.max {
		front := l.idle.Front()
		if front == nil {
			l.refused++
			return false
		}
		victim := front.Value.(net.Conn)
		l.forget(victim)
		l.shed++
		// The server's goroutine for victim sees its read fail and ends it; a client that
		// was idle on a keep-alive connection opens a new one for its next request.
		victim.Close()
	}
	e := &entry{}
	e.at = l.idle.PushBack(c)
	l.conns[c] = e
	return true
}

// forget removes c from the books (with l.mu held).
func (l *Listener) forget(c net.Conn) {
	if e, ok := l.conns[c]; ok {
		if e.at != nil {
			l.idle.Remove(e.at)
		}
		delete(l.conns, c)
	}
}

// refuse answers c with the refusal and closes it, within a second.
func (l *Listener) refuse(c net.Conn) {
	_ = c.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = c.Write(l.refusal)
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
		if e.at != nil {
			l.idle.Remove(e.at)
			e.at = nil
		}
	case http.StateIdle:
		if e.at == nil {
			e.at = l.idle.PushBack(c)
		} else {
			l.idle.MoveToBack(e.at)
		}
	case http.StateClosed, http.StateHijacked:
		l.forget(c)
	}
}

// Stats are a Listener's counts.
type Stats struct {
	// Open connections now, and how many of them have no request in flight; Shed: closed
	// to make room since start; Refused: refused since start because every open
	// connection was busy.
	Open, Idle    int
	Shed, Refused uint64
}

// Stats returns the counts.
func (l *Listener) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return Stats{Open: len(l.conns), Idle: l.idle.Len(), Shed: l.shed, Refused: l.refused}
}
