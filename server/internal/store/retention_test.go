package store

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/storetest"
)

// openKinds opens a fresh store of each kind: SQLite in a temporary directory, and
// PostgreSQL in a schema of its own when PICKET_TEST_POSTGRES_URL is set.
func openKinds(t *testing.T) map[string]*Store {
	t.Helper()
	ctx := context.Background()
	out := map[string]*Store{}
	// A generous deadline: the race detector makes SQLite's batches of thousands of rows
	// take seconds (the deadlines themselves: server/tests/test_store_faults.py).
	s, err := Open(ctx, t.TempDir(), "", WithTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	out["sqlite"] = s
	base := os.Getenv("PICKET_TEST_POSTGRES_URL")
	if base == "" {
		return out
	}
	pg, err := Open(ctx, "", storetest.SchemaURL(t, base), WithTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	out["postgres"] = pg
	return out
}

// A sweep of a large backlog works it off in batches, bounded per call; on PostgreSQL it
// then vacuums the tables (outside any transaction).
func TestSweepWorksOffABacklogInBatches(t *testing.T) {
	for name, s := range openKinds(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			now := time.Now()
			p, _, err := s.CreateProject(ctx, NewProject{Name: "P", Mode: picket.Development}, now)
			if err != nil {
				t.Fatal(err)
			}
			const n = 2*sweepBatch + 1000
			tx, err := s.db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < n; i++ {
				if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO oauth_codes (digest, project_id, client_id, redirect_uri, challenge, challenge_method, created_at, expires_at)
VALUES (?, ?, 'pk', 'https://a.example/cb', 'c', 'S256', ?, ?)`), fmt.Sprintf("%064x", i), p.ID, now.Unix()-120, now.Unix()-60); err != nil {
					t.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			sw, err := s.Sweep(ctx, now, 2) // two batches at most
			if err != nil || sw.Codes != 2*sweepBatch {
				t.Fatalf("first sweep: %+v %v, want %d codes", sw, err, 2*sweepBatch)
			}
			sw, err = s.Sweep(ctx, now, 100)
			if err != nil || sw.Codes != 1000 {
				t.Fatalf("second sweep: %+v %v, want the last 1000", sw, err)
			}
			if z, err := s.Sizes(ctx); err != nil || z.Codes != 0 || z.Bytes <= 0 {
				t.Fatalf("after the sweeps: %+v %v", z, err)
			}
		})
	}
}
