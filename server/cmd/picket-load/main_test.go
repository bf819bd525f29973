package main

import (
	"testing"
	"time"
)

func TestPercentilesNearestRank(t *testing.T) {
	var all []sample
	for i := 1; i <= 100; i++ {
		all = append(all, sample{opPingSecret, time.Duration(i) * time.Millisecond})
	}
	all = append(all, sample{opRoll, time.Hour}) // another kind: filtered out below
	p50, p99 := percentiles(all, func(s sample) bool { return s.op == opPingSecret })
	if p50 != 50 || p99 != 99 {
		t.Fatalf("p50 %v p99 %v, want 50 and 99", p50, p99)
	}
	if p50, p99 := percentiles(nil, func(sample) bool { return true }); p50 != 0 || p99 != 0 {
		t.Fatalf("empty: %v %v", p50, p99)
	}
	one := []sample{{opToken, 3 * time.Millisecond}}
	if p50, p99 := percentiles(one, func(sample) bool { return true }); p50 != 3 || p99 != 3 {
		t.Fatalf("one sample: %v %v", p50, p99)
	}
}

func TestIssuedKeyReadsAPIShape(t *testing.T) {
	// server/API.md: IssuedKey = Key + {"key"}; a roll adds "previous".
	id, key, err := issuedKey([]byte(`{"id":7,"project_id":1,"kind":"secret","created_at":"2026-11-29T20:00:00Z","expires_at":null,"revoked":false,"key":"sk_0123456789abcdef0123456789abcdef","previous":{"id":3}}`))
	if err != nil || id != "7" || key != "sk_0123456789abcdef0123456789abcdef" {
		t.Fatalf("got %q %q %v", id, key, err)
	}
	for _, bad := range []string{`{}`, `{"id":7}`, `{"key":"sk_x"}`, `{"id":7,"key":"pk_0123456789abcdef0123456789abcdef"}`, `[`} {
		if _, _, err := issuedKey([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

func TestKeyIDsFindsEveryKey(t *testing.T) {
	ids, next, err := keyIDs([]byte(`{"keys":[{"id":1},{"id":2,"revoked":true},{"id":30}],"next_cursor":"MzA"}`))
	if err != nil || len(ids) != 3 || !ids["1"] || !ids["2"] || !ids["30"] || ids["3"] || next != "MzA" {
		t.Fatalf("%v %q %v", ids, next, err)
	}
	if _, next, err := keyIDs([]byte(`{"keys":[],"next_cursor":null}`)); err != nil || next != "" {
		t.Fatalf("last page: %q %v", next, err)
	}
	if _, _, err := keyIDs([]byte(`{"redirect_uris":[]}`)); err == nil {
		t.Fatal("a body without keys was accepted: a lost write would go unseen")
	}
}

func TestFloodBound(t *testing.T) {
	// 1000 codes a second for 10 s beside 200 live tokens (whose gauge reads 0 at first:
	// it is a sweep old), with a 3 s window: at most 200 + 3000 + 100 rows at any sample.
	var rep floodReport
	for i := 0; i <= 10; i++ {
		rep.Samples = append(rep.Samples, floodSample{Second: float64(i), Issued: int64(1000 * i), Codes: 200 + int64(1000*min(i, 3)), Tokens: 200})
	}
	rep.Samples[0].Tokens, rep.Samples[0].Codes = 0, 0
	if worst := rep.checkBound(3 * time.Second); worst != nil || rep.Bound != 3300 {
		t.Fatalf("a bounded table failed: %+v, bound %d", worst, rep.Bound)
	}
	rep.Samples[7].Codes = 200 + 4000 // the codes of 4 s: retention fell behind
	rep.Bound = 0
	if worst := rep.checkBound(3 * time.Second); worst == nil || worst.Second != 7 {
		t.Fatalf("a table beyond its bound passed: %+v", worst)
	}
}
