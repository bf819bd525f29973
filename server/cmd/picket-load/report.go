// The report: requests per second, p50/p99 latency overall and per kind, errors.

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"
)

// report is what a run measured.
type report struct {
	Label        string    `json:"label,omitempty"`
	Seconds      float64   `json:"seconds"`
	Clients      int       `json:"clients"`
	Requests     int       `json:"requests"`
	RPS          float64   `json:"requests_per_second"`
	P50ms        float64   `json:"p50_ms"`
	P99ms        float64   `json:"p99_ms"`
	Errors       int64     `json:"errors"`
	Rolls        int       `json:"rolls"`
	LostWrites   int       `json:"lost_writes"`
	PerOp        []opStats `json:"per_request"`
	ErrorSamples []string  `json:"error_samples,omitempty"`
	// Flood is the authorize flood's, when one ran (-flood).
	Flood *floodReport `json:"flood,omitempty"`
}

type opStats struct {
	Name     string  `json:"name"`
	Requests int     `json:"requests"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
}

func newReport(cfg config, elapsed time.Duration, all []sample, errs int64, rolls int) *report {
	r := &report{
		Label: cfg.label, Seconds: elapsed.Seconds(), Clients: cfg.clients, Requests: len(all),
		RPS: float64(len(all)) / elapsed.Seconds(), Errors: errs, Rolls: rolls,
	}
	r.P50ms, r.P99ms = percentiles(all, func(sample) bool { return true })
	for o := op(0); o < numOps; o++ {
		n := 0
		for _, s := range all {
			if s.op == o {
				n++
			}
		}
		p50, p99 := percentiles(all, func(s sample) bool { return s.op == o })
		r.PerOp = append(r.PerOp, opStats{Name: opNames[o], Requests: n, P50ms: p50, P99ms: p99})
	}
	return r
}

// percentiles gives the p50 and p99 latency in milliseconds (nearest rank) of the samples
// that keep selects.
func percentiles(all []sample, keep func(sample) bool) (p50, p99 float64) {
	var ds []time.Duration
	for _, s := range all {
		if keep(s) {
			ds = append(ds, s.d)
		}
	}
	if len(ds) == 0 {
		return 0, 0
	}
	slices.Sort(ds)
	rank := func(p float64) float64 {
		i := int(p*float64(len(ds))+0.999999) - 1
		i = max(0, min(i, len(ds)-1))
		return float64(ds[i].Microseconds()) / 1000
	}
	return rank(0.50), rank(0.99)
}

func (r *report) print(w io.Writer) {
	name := r.Label
	if name == "" {
		name = "run"
	}
	fmt.Fprintf(w, "picket-load %s: %d clients, %.1f s: %d requests, %.0f requests/s, p50 %.2f ms, p99 %.2f ms, %d errors, %d rolls, %d lost writes\n",
		name, r.Clients, r.Seconds, r.Requests, r.RPS, r.P50ms, r.P99ms, r.Errors, r.Rolls, r.LostWrites)
	for _, o := range r.PerOp {
		fmt.Fprintf(w, "  %-20s %8d requests  p50 %7.2f ms  p99 %7.2f ms\n", o.Name, o.Requests, o.P50ms, o.P99ms)
	}
	for _, e := range r.ErrorSamples {
		fmt.Fprintf(w, "  error: %s\n", e)
	}
	if r.Flood != nil {
		r.Flood.print(w)
	}
	b, _ := json.Marshal(r)
	fmt.Fprintf(w, "%s\n", b)
}
