package connlimit

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

// refused accepts one connection on a loopback listener and refuses it with l.refuse; it
// returns the client's side.
func refused(t *testing.T, l *Listener) net.Conn {
	t.Helper()
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tcp.Close() })
	c, err := net.Dial("tcp", tcp.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := tcp.Accept()
	if err != nil {
		t.Fatal(err)
	}
	go l.refuse(s, []byte(refusal))
	return c
}

// sendInTwo writes a request's header, then (as clients do) its body apart, and reads the
// answer.
func sendInTwo(c net.Conn) (string, error) {
	if _, err := io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n"); err != nil {
		return "", err
	}
	time.Sleep(50 * time.Millisecond)
	if _, err := io.WriteString(c, "{}"); err != nil {
		return "", err
	}
	time.Sleep(50 * time.Millisecond)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(c)
	return string(got), err
}

// A client that sends its body after the refusal was written reads the refusal: the
// refused connection is read to its end before it is closed, so the kernel does not answer
// the body with a reset that discards the refusal (closed at once, 30 of 30 such clients
// got "connection reset").
func TestRefusalReachesAClientStillSending(t *testing.T) {
	l := New(nil, 1, nil)
	for i := 0; i < 5; i++ {
		got, err := sendInTwo(refused(t, l))
		if err != nil || got != refusal {
			t.Fatalf("try %d: read %q, %v; want the refusal", i, got, err)
		}
	}
}

// Beyond MaxLingering connections lingering at once, a refusal is written and its
// connection closed at once: the refusal arrives, the connection ends without waiting for
// the client.
func TestRefusalBeyondTheLingeringBoundClosesAtOnce(t *testing.T) {
	l := New(nil, 1, nil)
	for i := 0; i < MaxLingering; i++ {
		l.lingering <- struct{}{}
	}
	c := refused(t, l)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	got, err := io.ReadAll(c)
	if err != nil || string(got) != refusal {
		t.Fatalf("read %q, %v; want the refusal", got, err)
	}
	if took := time.Since(start); took > lingerWithin/2 {
		t.Fatalf("the connection lingered %v beyond the bound", took)
	}
}

// A lingering connection whose client never closes is closed after lingerWithin.
func TestLingeringEnds(t *testing.T) {
	l := New(nil, 1, nil)
	c := refused(t, l)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	buf := make([]byte, len(refusal))
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != refusal {
		t.Fatalf("read %q, %v; want the refusal", buf, err)
	}
	// The half close: the refusal is complete, so the client reads its end at once.
	if n, err := c.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("after the refusal: %d bytes, %v; want EOF", n, err)
	}
	// The server reads until lingerWithin, then frees its slot.
	deadline := time.Now().Add(lingerWithin + 2*time.Second)
	for len(l.lingering) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("still lingering %v after the refusal", time.Since(start))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// tlsPair is a server configuration with a certificate for 127.0.0.1 (httptest's) and a
// client configuration that trusts it and offers HTTP/2 first, as browsers and Go's client
// do.
func tlsPair(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	ts := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(ts.Close)
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	return ts.TLS, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", NextProtos: []string{"h2", "http/1.1"}}
}

// Over TLS the refusal is a TLS record a client reads as the answer (written in plain
// text, a TLS client failed its handshake on it), negotiated as HTTP/1.1, complete with
// close_notify, and a client still sending its body reads it too.
func TestRefusalOverTLS(t *testing.T) {
	server, client := tlsPair(t)
	// The server's own configuration offers HTTP/2, as http.Server's ServeTLS makes it.
	server = server.Clone()
	server.NextProtos = []string{"h2", "http/1.1"}
	l := New(nil, 1, nil)
	l.RefuseOverTLS(server)
	for i := 0; i < 3; i++ {
		tc := tls.Client(refused(t, l), client)
		got, err := sendInTwo(tc)
		if err != nil || got != refusal {
			t.Fatalf("try %d: read %q, %v; want the refusal", i, got, err)
		}
		if p := tc.ConnectionState().NegotiatedProtocol; p != "http/1.1" {
			t.Fatalf("try %d: negotiated %q, want http/1.1", i, p)
		}
	}
	// The configuration the server serves with is not changed.
	if !slices.Equal(server.NextProtos, []string{"h2", "http/1.1"}) {
		t.Fatalf("RefuseOverTLS changed the server's configuration: %v", server.NextProtos)
	}
}

// Beyond MaxLingering refusals at once, a connection over TLS is closed at once, without a
// handshake (the work a handshake costs is bounded as the lingering is).
func TestRefusalOverTLSBeyondTheBoundClosesAtOnce(t *testing.T) {
	server, client := tlsPair(t)
	l := New(nil, 1, nil)
	l.RefuseOverTLS(server)
	for i := 0; i < MaxLingering; i++ {
		l.lingering <- struct{}{}
	}
	c := refused(t, l)
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	if err := tls.Client(c, client).Handshake(); err == nil {
		t.Fatal("a handshake beyond the bound")
	}
	if took := time.Since(start); took > lingerWithin/2 {
		t.Fatalf("the connection was held %v beyond the bound", took)
	}
}
