// What serve refuses at start: a store from a newer picket-server, a file that is not a
// SQLite database, a damaged one. Each exits 1 with one JSON line naming the problem.

package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/picket-dev/picket/server/internal/store"
)

// refusedAtStart runs serve on the store and returns its error line's message; serve must
// exit 1 without listening.
func refusedAtStart(t *testing.T, storeFlags ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errOut strings.Builder
	code := Run(ctx, append([]string{"serve", "-addr", "127.0.0.1:0"}, storeFlags...), &out, &errOut)
	if code != 1 || strings.Contains(out.String(), "listening on") {
		t.Fatalf("serve exited %d (want 1) and printed %q", code, out.String())
	}
	var body ErrorBody
	if err := json.Unmarshal([]byte(strings.TrimSpace(errOut.String())), &body); err != nil {
		t.Fatalf("stderr is not one JSON error line: %q", errOut.String())
	}
	return body.Message
}

// latestMigration is the newest schema version this binary knows.
func latestMigration(t *testing.T, st *store.Store) int {
	v, err := st.SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// A store migrated by a newer picket-server is refused at start, naming both versions; the
// CLI refuses it too. An older store is migrated as before (every test starts from 0).
func TestNewerSchemaRefused(t *testing.T) {
	for _, kind := range storeKinds() {
		t.Run(kind.name, func(t *testing.T) {
			dir, url := kind.open(t)
			flags := []string{"-data", dir}
			driver, dsn := "sqlite", filepath.Join(dir, "picket.db")
			if url != "" {
				flags, driver, dsn = []string{"-db", url}, "pgx", url
			}
			st, err := store.Open(context.Background(), dir, url)
			if err != nil {
				t.Fatal(err)
			}
			ours := latestMigration(t, st)
			st.Close()
			db, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			newer := ours + 3
			if _, err := db.Exec("INSERT INTO schema_version (version, applied_at) VALUES (" + strconv.Itoa(newer) + ", 0)"); err != nil {
				t.Fatal(err)
			}
			msg := refusedAtStart(t, flags...)
			want := "the store's schema is version " + strconv.Itoa(newer) + ", newer than this picket-server's " + strconv.Itoa(ours)
			if !strings.Contains(msg, want) {
				t.Fatalf("serve's refusal %q does not say %q", msg, want)
			}
			code, _, errOut := cli(t, append([]string{"project", "list"}, flags...)...)
			if code != 1 || !strings.Contains(errOut, want) {
				t.Fatalf("project list on a newer store: exit %d, %q", code, errOut)
			}
			// Nothing was changed: the store still says the newer version.
			var v int
			if err := db.QueryRow("SELECT MAX(version) FROM schema_version").Scan(&v); err != nil || v != newer {
				t.Fatalf("schema version after the refusals: %d, %v", v, err)
			}
		})
	}
}

// A data directory whose picket.db is not a SQLite database, or is one with damaged pages,
// is refused at start with the file's name, and nothing overwrites it.
func TestCorruptDatabaseRefused(t *testing.T) {
	t.Run("not a database", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "picket.db")
		garbage := []byte(strings.Repeat("this is not a SQLite file\n", 400))
		if err := os.WriteFile(path, garbage, 0o600); err != nil {
			t.Fatal(err)
		}
		msg := refusedAtStart(t, "-data", dir)
		if !strings.Contains(msg, path+" is not a readable SQLite database") || !strings.Contains(msg, "restore it from a backup") {
			t.Fatalf("refusal %q", msg)
		}
		if b, _ := os.ReadFile(path); string(b) != string(garbage) {
			t.Fatal("the refused file was changed")
		}
	})
	t.Run("damaged pages", func(t *testing.T) {
		dir := t.TempDir()
		e := newEnv(t, dir, "")
		e.bigProject(2_000) // some pages of keys and of their indexes
		e.srv.Close()
		e.app.Close()
		e.st.Close()
		path := filepath.Join(dir, "picket.db")
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// Overwrite the second half of the file, page headers included, past the schema
		// in the first pages.
		for i := len(b) / 2; i < len(b); i++ {
			b[i] = byte(i * 7)
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		msg := refusedAtStart(t, "-data", dir)
		if !strings.Contains(msg, path+" is damaged") || !strings.Contains(msg, "restore it from a backup") {
			t.Fatalf("refusal %q", msg)
		}
	})
}
