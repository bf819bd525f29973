package ratelimit

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the reverse proxies whose X-Forwarded-For a server believes. Without them
// (the default) every client behind a proxy is the proxy's address.
type Proxies []netip.Prefix

// ParseProxies parses a comma-separated list of addresses or CIDR prefixes
// ("10.0.0.0/8,127.0.0.1"); "" is none.
func ParseProxies(s string) (Proxies, error) {
	var out Proxies
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, fmt.Errorf("%q is neither an address nor a CIDR prefix", f)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func (p Proxies) trusted(a netip.Addr) bool {
	for _, pre := range p {
		if pre.Contains(a) {
			return true
		}
	}
	return false
}

// ClientKey is the key of a request's client: ClientKey(r) when the TCP peer is not a
// trusted proxy; otherwise the key (addrKey) of ClientAddr.
func (p Proxies) ClientKey(r *http.Request) string {
	peer, ok := peerAddr(r)
	if !ok || len(p) == 0 || !p.trusted(peer) {
		return ClientKey(r)
	}
	a, _ := p.ClientAddr(r)
	return addrKey(a)
}

// ClientAddr is a request's client address: the TCP peer's when it is not a trusted proxy;
// otherwise the right-most address of X-Forwarded-For that is not itself a trusted proxy
// (each proxy appends the address it received the request from, so entries left of the
// first untrusted one may be forged by the client). A malformed entry ends the walk at the
// hop that added it. ok is false when the peer address cannot be read (not TCP).
func (p Proxies) ClientAddr(r *http.Request) (netip.Addr, bool) {
	peer, ok := peerAddr(r)
	if !ok || len(p) == 0 || !p.trusted(peer) {
		return peer, ok
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	cur := peer
	for i := len(hops) - 1; i >= 0 && p.trusted(cur); i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		cur = a.Unmap()
	}
	return cur, true
}

// peerAddr is the request's TCP peer address.
func peerAddr(r *http.Request) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	return ap.Addr().Unmap(), true
}

// PeerKey is the key of a connection's peer address a (a *net.TCPAddr) for a per-address
// share: its addrKey, or "" when the peer is one of p (every client behind a proxy comes
// through the proxy's connections, so the proxy has no share: its requests name the
// clients).
func (p Proxies) PeerKey(a net.Addr) string {
	t, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	ip := t.AddrPort().Addr().Unmap()
	if len(p) > 0 && p.trusted(ip) {
		return ""
	}
	return addrKey(ip)
}

// addrKey is ClientKey's form of an address: IPv4 as is, IPv6 by its /64.
func addrKey(a netip.Addr) string {
	if a.Is4() {
		return a.String()
	}
	pre, _ := a.Prefix(64)
	return pre.String()
}

// ClientKey is the key of a request's client: its IP address (an IPv6 address by its /64,
// which one client usually holds whole). Proxies are not trusted: behind one, every
// client is the proxy.
func ClientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}
