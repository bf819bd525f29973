// The writes: the goroutine that rolls the run's secret keys, issuing them, and the check
// afterwards that no roll was lost.

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// roller rolls the run's secret keys in turn until the run ends and returns every roll made.
func (l *loader) roller(ctx context.Context) ([]rolled, []sample) {
	var rolls []rolled
	var samples []sample
	tick := time.NewTicker(l.cfg.rollEvery)
	defer tick.Stop()
	grace, _ := json.Marshal(map[string]int64{"grace_seconds": int64(l.cfg.grace / time.Second)})
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return rolls, samples
		case <-tick.C:
		}
		s := &l.slots[i%len(l.slots)]
		old := s.Load()
		// A roll is a write that must complete: it is not cut short by the end of the run.
		t0 := time.Now()
		st, _, body, err := l.doCtx(context.Background(), "POST", "/v1/keys/"+url.PathEscape(old.id)+"/roll", l.cfg.sk, "application/json", grace)
		samples = append(samples, sample{opRoll, time.Since(t0)})
		if err != nil || st != http.StatusCreated {
			l.fail(fmt.Sprintf("roll: status %d, %v", st, err))
			continue
		}
		id, key, err := issuedKey(body)
		if err != nil {
			l.fail("roll: " + err.Error())
			continue
		}
		s.Store(&slot{id: id, key: key})
		rolls = append(rolls, rolled{oldID: old.id, newID: id, newKey: key})
	}
}

// issue makes one secret key for the run through POST /v1/keys.
func (l *loader) issue() (id, key string, err error) {
	st, _, body, err := l.doCtx(context.Background(), "POST", "/v1/keys", l.cfg.sk, "application/json", []byte(`{"kind":"secret"}`))
	if err != nil {
		return "", "", err
	}
	if st != http.StatusCreated {
		return "", "", fmt.Errorf("status %d", st)
	}
	return issuedKey(body)
}

// issuedKey reads the id and the key (shown once) from a 201 of POST /v1/keys or a roll.
func issuedKey(body []byte) (id, key string, err error) {
	var k map[string]any
	if err := json.Unmarshal(body, &k); err != nil {
		return "", "", fmt.Errorf("body: %w", err)
	}
	id = jsonID(k["id"])
	key, _ = k["key"].(string)
	if id == "" || !strings.HasPrefix(key, "sk_") {
		return "", "", errors.New("no id or key in the answer")
	}
	return id, key, nil
}

// jsonID renders a JSON id (number or string) as it goes in a path.
func jsonID(v any) string {
	switch x := v.(type) {
	case float64:
		return fmt.Sprintf("%d", int64(x))
	case string:
		return x
	}
	return ""
}

// checkWrites counts the rolls whose result is not in the store afterwards: the new key's id
// missing from GET /v1/keys, the old key's id missing, or a rolled key refused by /v1/ping.
func (l *loader) checkWrites(rolls []rolled) (int, error) {
	ids, err := l.allKeyIDs()
	if err != nil {
		return 0, err
	}
	lost := 0
	for _, r := range rolls {
		if !ids[r.newID] || !ids[r.oldID] {
			lost++
			continue
		}
		// Every key a roll returned is still valid: the current ones, and the older ones
		// inside their grace period.
		st, _, _, err := l.doCtx(context.Background(), "GET", "/v1/ping", r.newKey, "", nil)
		if err != nil || st != 200 {
			lost++
		}
	}
	return lost, nil
}

// allKeyIDs reads the ids of every key of the project, page by page (GET /v1/keys with
// limit and cursor, until no next_cursor).
func (l *loader) allKeyIDs() (map[string]bool, error) {
	ids := map[string]bool{}
	cursor := ""
	for pages := 0; pages < 100000; pages++ {
		q := url.Values{"limit": {"1000"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		st, _, body, err := l.doCtx(context.Background(), "GET", "/v1/keys?"+q.Encode(), l.cfg.sk, "", nil)
		if err != nil || st != 200 {
			return nil, fmt.Errorf("GET /v1/keys: status %d, %v", st, err)
		}
		page, next, err := keyIDs(body)
		if err != nil {
			return nil, err
		}
		for id := range page {
			ids[id] = true
		}
		if next == "" {
			return ids, nil
		}
		cursor = next
	}
	return nil, errors.New("GET /v1/keys: the pages do not end")
}

// keyIDs reads the ids and the next_cursor from a page of GET /v1/keys: a JSON array of
// keys, or an object holding one.
func keyIDs(body []byte) (map[string]bool, string, error) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, "", fmt.Errorf("GET /v1/keys: %w", err)
	}
	var list []any
	next := ""
	switch x := v.(type) {
	case []any:
		list = x
	case map[string]any:
		list, _ = x["keys"].([]any)
		next, _ = x["next_cursor"].(string)
	}
	if list == nil {
		return nil, "", errors.New("GET /v1/keys: no list of keys")
	}
	ids := make(map[string]bool, len(list))
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			ids[jsonID(m["id"])] = true
		}
	}
	return ids, next, nil
}
