package ratelimit

import (
	"net"
	"net/http"
	"net/netip"
	"testing"
)

func TestProxiesClientKey(t *testing.T) {
	p, err := ParseProxies("10.0.0.0/8, 127.0.0.1,2001:db8:ffff::/48")
	if err != nil || len(p) != 3 {
		t.Fatalf("%v %v", p, err)
	}
	for _, c := range []struct {
		peer string
		xff  []string
		want string
	}{
		{"198.51.100.1:5000", []string{"203.0.113.9"}, "198.51.100.1"},                // untrusted peer: its header is ignored
		{"127.0.0.1:5000", nil, "127.0.0.1"},                                          // a trusted peer without the header
		{"127.0.0.1:5000", []string{"203.0.113.9"}, "203.0.113.9"},                    // one proxy
		{"127.0.0.1:5000", []string{"1.2.3.4, 203.0.113.9, 10.1.2.3"}, "203.0.113.9"}, // forged left entry, two proxies
		{"127.0.0.1:5000", []string{"1.2.3.4", "203.0.113.9"}, "203.0.113.9"},         // two header lines
		{"127.0.0.1:5000", []string{"10.0.0.1, 10.0.0.2"}, "10.0.0.1"},                // every hop trusted: the left-most
		{"127.0.0.1:5000", []string{"garbage, 10.0.0.2"}, "10.0.0.2"},                 // a malformed entry ends the walk
		{"127.0.0.1:5000", []string{"2001:db8:1:2::7"}, "2001:db8:1:2::/64"},
		{"[2001:db8:ffff:1::1]:443", []string{"198.51.100.4"}, "198.51.100.4"},
	} {
		r := &http.Request{RemoteAddr: c.peer, Header: http.Header{}}
		for _, h := range c.xff {
			r.Header.Add("X-Forwarded-For", h)
		}
		if got := p.ClientKey(r); got != c.want {
			t.Errorf("%s %q: %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "example.com", "10.0.0"} {
		if _, err := ParseProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if p, err := ParseProxies(""); err != nil || len(p) != 0 {
		t.Fatalf("empty: %v %v", p, err)
	}
}

func TestClientKey(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:5000":             "127.0.0.1",
		"[2001:db8:1:2:3:4:5:6]:443": "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:443": "2001:db8:1:2::/64",
		"not an address":             "not an address",
	} {
		if got := ClientKey(&http.Request{RemoteAddr: addr}); got != want {
			t.Errorf("%s: %s, want %s", addr, got, want)
		}
	}
}

// A connection's share key: the peer's address (IPv6 by its /64, IPv4-mapped as IPv4), or
// none for a trusted proxy.
func TestProxiesPeerKey(t *testing.T) {
	p, err := ParseProxies("10.0.0.0/8,2001:db8:1::1")
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]string{
		"192.0.2.7:1234":           "192.0.2.7",
		"[::ffff:192.0.2.7]:1234":  "192.0.2.7",
		"[2001:db8:2::1]:443":      "2001:db8:2::/64",
		"[2001:db8:2::ffff:1]:443": "2001:db8:2::/64",
		"10.1.2.3:80":              "",
		"[2001:db8:1::1]:80":       "",
		"[2001:db8:1::2]:80":       "2001:db8:1::/64",
		"[::ffff:10.9.9.9]:80":     "",
	} {
		if got := p.PeerKey(net.TCPAddrFromAddrPort(netip.MustParseAddrPort(addr))); got != want {
			t.Errorf("PeerKey(%s) = %q, want %q", addr, got, want)
		}
	}
}
