package app

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// The sampler passes the first lines of each message in an interval, counts the rest and
// reports the count once; the level filters as set.
func TestLogSampling(t *testing.T) {
	var out syncBuffer
	log, s := newServeLogger(&out, slog.LevelInfo, time.Hour)
	for i := 0; i < 25; i++ {
		log.Warn("a repeated refusal", "i", i)
	}
	log.Info("another message")
	log.Debug("below the level")
	s.Flush()
	log.Warn("a repeated refusal", "i", 99) // a new interval
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		lines = append(lines, m)
	}
	count := map[string]int{}
	for _, m := range lines {
		count[m["msg"].(string)]++
	}
	if count["a repeated refusal"] != logBurst+1 || count["another message"] != 1 || count["below the level"] != 0 || count["log lines held back"] != 1 {
		t.Fatalf("lines by message: %v", count)
	}
	for _, m := range lines {
		if m["msg"] == "log lines held back" && (m["message"] != "a repeated refusal" || m["count"] != float64(25-logBurst)) {
			t.Fatalf("held-back line: %v", m)
		}
	}
}
