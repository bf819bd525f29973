// The admin address: /metrics on a listener of its own (-metrics-addr), so that the public
// address never shows every tenant's counters. Bind it to loopback or a private network.

package app

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// adminServer is the admin listener, or nothing when no address is configured.
type adminServer struct{ srv *http.Server }

// listenAdmin opens addr ("" for none) and serves a.AdminHandler on it; it prints the
// address ("metrics on http://ADDR/metrics") before the public "listening on" line.
func listenAdmin(addr string, a *App, stdout io.Writer, log *slog.Logger) (*adminServer, error) {
	if addr == "" {
		return &adminServer{}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("-metrics-addr: %w", err)
	}
	srv := &http.Server{Handler: a.AdminHandler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 16 << 10}
	go func() {
		if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
			log.Error("admin address stopped", "error", err)
		}
	}()
	fmt.Fprintf(stdout, "metrics on http://%s/metrics\n", ln.Addr().String())
	return &adminServer{srv: srv}, nil
}

// Close stops the admin listener.
func (s *adminServer) Close() error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Close()
}
