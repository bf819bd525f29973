// Probes: GET /healthz (the process answers) and GET /readyz (the store answers).

package app

import (
	"context"
	"net/http"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/rules"
)

func (a *App) healthz(w http.ResponseWriter, _ *http.Request) {
	picket.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.store.Ping(ctx); err != nil {
		a.log.Debug("readiness: store unavailable", "error", err)
		w.Header().Set("Retry-After", "1")
		writeErr(w, rules.StoreUnavailable, "the store does not answer")
		return
	}
	picket.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
