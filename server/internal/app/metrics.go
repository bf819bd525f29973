package app

import (
	"net/http"
	"strconv"
	"time"

	"github.com/picket-dev/picket/server/internal/connlimit"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own (so that tests can
// run several servers in one process).
type metrics struct {
	reg      *prometheus.Registry
	auth     *prometheus.CounterVec
	oauth    *prometheus.CounterVec
	duration *prometheus.HistogramVec
	reloads  *prometheus.CounterVec
	// The retention sweeper's: rows deleted, rows held, bytes on disk.
	swept *prometheus.CounterVec
	rows  *prometheus.GaugeVec
	bytes prometheus.Gauge
	// limited counts the requests refused by a rate limit, by rule.
	limited *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		auth: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "picket_auth_total",
			Help: "API key authentications by outcome: ok, or the picket code name of the refusal.",
		}, []string{"outcome"}),
		oauth: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "picket_oauth_total",
			Help: "OAuth requests by endpoint (authorize, token) and outcome (ok, or the error).",
		}, []string{"endpoint", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "picket_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern, method and status.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "method", "status"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "picket_registry_reloads_total",
			Help: "Registry reloads by kind (projects: the changed projects replaced; full: every project built again) and outcome (ok, error).",
		}, []string{"kind", "outcome"}),
		swept: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "picket_retention_deleted_total",
			Help: "Rows deleted by the retention sweeper, by table (tokens, oauth_codes).",
		}, []string{"table"}),
		rows: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "picket_store_rows",
			Help: "Rows of the OAuth tables (tokens, oauth_codes) after the last sweep.",
		}, []string{"table"}),
		bytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "picket_store_bytes",
			Help: "Store size after the last sweep: SQLite's database file and write-ahead log, or PostgreSQL's OAuth tables with their indexes.",
		}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "picket_rate_limited_total",
			Help: "Requests refused with 429 by a rate limit, by rule.",
		}, []string{"limit"}),
	}
	m.reg.MustRegister(m.auth, m.oauth, m.duration, m.reloads, m.swept, m.rows, m.bytes, m.limited,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// knownMethods bounds the method label.
var knownMethods = map[string]bool{"GET": true, "POST": true, "DELETE": true, "OPTIONS": true, "HEAD": true, "PUT": true, "PATCH": true}

// observe times each request into the latency histogram, counts it and logs it. Only the method,
// the path, the status and the duration are logged: no header, query or body (they carry
// keys, codes and tokens).
func (a *App) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		d := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "other"
		}
		method := r.Method
		if !knownMethods[method] {
			method = "other"
		}
		a.metrics.duration.WithLabelValues(route, method, strconv.Itoa(rec.status)).Observe(d.Seconds())
		// One line per request at debug only; info has LogRequests' summary (logs.go).
		a.requests.add(rec.status)
		a.log.DebugContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"duration_ms", float64(d.Microseconds())/1000, "client_addr", a.clientAddr(r))
	})
}

// watchConns exports the connection cap's counts: open connections and those idle, and
// the connections closed to make room or refused at the cap.
func (m *metrics) watchConns(ln *connlimit.Listener) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "picket_connections_open",
			Help: "Open connections of the public address (at most -max-conns).",
		}, func() float64 { return float64(ln.Stats().Open) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "picket_connections_idle",
			Help: "Open connections without a request in flight.",
		}, func() float64 { return float64(ln.Stats().Idle) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "picket_connections_shed_total",
			Help: "Idle connections closed to make room for a new one at -max-conns.",
		}, func() float64 { return float64(ln.Stats().Shed) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "picket_connections_refused_total",
			Help: "New connections refused (503 overloaded) at -max-conns, every open one busy.",
		}, func() float64 { return float64(ln.Stats().Refused) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "picket_connections_client_refused_total",
			Help: "New connections refused (429 too_many_connections) at -max-conns-per-client, every open one of their address busy.",
		}, func() float64 { return float64(ln.Stats().RefusedClient) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "picket_connections_cut_total",
			Help: "Connections with a request in flight past -store-timeout + 1s cut for a new one at -max-conns (the oldest of the address holding the most).",
		}, func() float64 { return float64(ln.Stats().Cut) }),
	)
}
