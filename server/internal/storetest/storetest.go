// Package storetest gives tests a PostgreSQL store of their own: a schema in the database
// of PICKET_TEST_POSTGRES_URL, dropped when the test ends.
package storetest

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// PostgresURL is PICKET_TEST_POSTGRES_URL ("" when PostgreSQL tests are not wanted).
func PostgresURL() string { return os.Getenv("PICKET_TEST_POSTGRES_URL") }

// SchemaURL creates a schema of the test's own in base's database and returns a URL whose
// connections use it (search_path); the schema is dropped when the test ends.
func SchemaURL(t testing.TB, base string) string {
	t.Helper()
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("picket_test_%d", time.Now().UnixNano())
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
