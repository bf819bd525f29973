// Durations in log lines name their unit in the field's name (duration_ms,
// grace_seconds): never slog's raw nanoseconds ("grace": 3600000000000) nor a Go
// duration string ("interval": "10s") under a name without a unit. Every env's logs are
// checked when its test ends (newEnv), and serve's own lines here.

package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

var (
	// A field name that holds a duration ...
	durationName = regexp.MustCompile(`(^|_)(duration|interval|grace|timeout|ttl|wait|elapsed|latency|delay|every|idle|after|age|took)(_|$)`)
	// ... must end with its unit.
	unitSuffix = regexp.MustCompile(`_(ms|seconds)$`)
	// What time.Duration's String writes: 10s, 1m0s, 1.5ms, 3h0m0s.
	goDuration = regexp.MustCompile(`^-?([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`)
)

// unitlessDurations lists the fields of the JSON log lines in logs that hold a duration
// without naming its unit.
func unitlessDurations(logs string) []string {
	var bad []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(strings.TrimPrefix(path+"."+k, "."), x)
			}
			return
		case string:
			if path != "msg" && path != "error" && goDuration.MatchString(v) {
				bad = append(bad, fmt.Sprintf("%s=%q", path, v))
				return
			}
		}
		name := path[strings.LastIndex(path, ".")+1:]
		if durationName.MatchString(name) && !unitSuffix.MatchString(name) {
			bad = append(bad, fmt.Sprintf("%s=%v", path, v))
		}
	}
	for _, line := range strings.Split(logs, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			delete(m, "time")
			walk("", m)
		}
	}
	sort.Strings(bad)
	return bad
}

func TestUnitlessDurationsFindsTheReportedLines(t *testing.T) {
	got := unitlessDurations(strings.Join([]string{
		`{"time":"2026-12-04T09:52:28Z","msg":"key rolled","grace":3600000000000}`,
		`{"msg":"requests","interval":"10s","total":3,"by_status":{"200":3}}`,
		`{"msg":"x","nested":{"wait":"1m0s"}}`,
		`{"msg":"request","duration_ms":0.2,"status":200,"grace_seconds":60,"limit":"120/1m0s"}`,
	}, "\n"))
	want := []string{`grace=3.6e+12`, `interval="10s"`, `nested.wait="1m0s"`}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// serve's own lines: the request summary, the held-back count, and the request lines.
func TestServeLogsNameTheirUnits(t *testing.T) {
	e := newEnv(t, t.TempDir(), "")
	var out syncBuffer
	log, s := newServeLogger(&out, slog.LevelDebug, time.Hour)
	e.app.log = log
	for i := 0; i < logBurst+5; i++ {
		log.Warn("a repeated refusal")
	}
	if status, _, _ := e.do("GET", "/v1/ping", basic(e.pk), "", ""); status != http.StatusOK {
		t.Fatalf("ping: %d", status)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.app.LogRequests(ctx, 20*time.Millisecond, s); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), `"msg":"requests"`) || !strings.Contains(out.String(), "log lines held back") {
		if time.Now().After(deadline) {
			t.Fatalf("no summary lines: %s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	for _, want := range []string{`"interval_seconds":0.02,`, `"duration_ms":`, `"client_addr":"127.0.0.1"`, `"request_id":"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %s in serve's lines:\n%s", want, out.String())
		}
	}
	if bad := unitlessDurations(out.String()); len(bad) > 0 {
		t.Fatalf("durations without their unit: %v\n%s", bad, out.String())
	}
}
