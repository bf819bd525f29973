// The report: a table of the modes side by side.

package main

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// quantiles gives p50, p99 and the maximum (nearest rank), in ms.
func quantiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) float64 {
		i := int(q*float64(len(s))+0.5) - 1
		return float64(s[max(0, min(i, len(s)-1))].Microseconds()) / 1000
	}
	return fmt.Sprintf("%.2f / %.2f / %.1f", at(0.50), at(0.99), float64(s[len(s)-1].Microseconds())/1000)
}

func printResults(w io.Writer, cfg config, store string, results []result) {
	fmt.Fprintf(w, "\n%s, %d keys over %d projects, %d clients of the other tenants, a change every %s (after the one before)\n\n",
		store, cfg.projects*cfg.keysPerProject, cfg.projects, cfg.clients, cfg.every)
	fmt.Fprintln(w, "| -registry-updates | other tenants' requests, no changes: p50 / p99 / max ms | during changes | change to effect on A (ms) | on B (ms) | changes | errors | A's reloads |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | ---: | ---: | --- |")
	for _, r := range results {
		fmt.Fprintf(w, "| %s | %s (%d) | %s (%d) | %s | %s | %d | %d | %s |\n", r.mode,
			quantiles(r.baseline), len(r.baseline), quantiles(r.changing), len(r.changing),
			quantiles(r.effectA), quantiles(r.effectB), len(r.effectA), r.errors, r.reloads)
	}
}
