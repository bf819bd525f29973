// Retention: deleting expired tokens and spent codes, so that an authorize flood cannot
// grow the store without bound; and the sizes the sweeper reports.

package store

import (
	"context"
	"os"
	"time"
)

// sweepBatch is how many rows one delete statement removes: each batch is its own short
// transaction, so that a large backlog never holds the write lock for long.
const sweepBatch = 5000

// Swept counts the rows one Sweep (Tokens, Codes) or SweepKeys (Keys) deleted.
type Swept struct {
	Tokens, Codes, Keys int64
}

// SweepKeys deletes, in batches, every key revoked or expired at or before before: a dead
// key, which the registry no longer holds and no request can use, kept until then only so
// that its owner sees it listed. Key ids are never reused (AUTOINCREMENT, an identity), so
// the roll lineages that name a deleted key keep their seniority. At most maxBatches
// batches per condition.
func (s *Store) SweepKeys(ctx context.Context, before time.Time, maxBatches int) (int64, error) {
	revoked, err := s.sweep(ctx, maxBatches,
		"DELETE FROM keys WHERE id IN (SELECT id FROM keys WHERE revoked_at <= ? LIMIT ?)", before.Unix())
	if err != nil {
		return revoked, err
	}
	expired, err := s.sweep(ctx, maxBatches,
		"DELETE FROM keys WHERE id IN (SELECT id FROM keys WHERE expires_at <= ? LIMIT ?)", before.Unix())
	return revoked + expired, err
}

// Sweep deletes, in batches, every token expired at now, then every authorization code that
// has expired and from which no token remains (an unused code soon after it expires; a used
// one once the tokens issued from it, which a replay of it would revoke, are gone). At most
// maxBatches batches per table, so that one call is bounded; the next call goes on.
func (s *Store) Sweep(ctx context.Context, now time.Time, maxBatches int) (Swept, error) {
	var sw Swept
	var err error
	if sw.Tokens, err = s.sweep(ctx, maxBatches,
		"DELETE FROM tokens WHERE digest IN (SELECT digest FROM tokens WHERE expires_at <= ? LIMIT ?)", now.Unix()); err != nil {
		return sw, err
	}
	sw.Codes, err = s.sweep(ctx, maxBatches, `DELETE FROM oauth_codes WHERE digest IN (SELECT c.digest FROM oauth_codes c
WHERE c.expires_at <= ? AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.code_digest = c.digest) LIMIT ?)`, now.Unix())
	if err != nil || !s.pg || sw.Codes+sw.Tokens < vacuumAfter {
		return sw, err
	}
	// PostgreSQL reuses the space of deleted rows only once they are vacuumed, and
	// autovacuum wakes once a minute at best: under a flood the tables would grow meanwhile.
	// A plain VACUUM takes no lock that blocks reads or writes.
	_, err = s.execWithin(ctx, time.Minute, "VACUUM oauth_codes, tokens")
	return sw, err
}

// vacuumAfter is how many rows one sweep deletes before it vacuums (PostgreSQL).
const vacuumAfter = 10_000

func (s *Store) sweep(ctx context.Context, maxBatches int, query string, now int64) (int64, error) {
	var total int64
	for i := 0; i < maxBatches; i++ {
		res, err := s.exec(ctx, query, now, sweepBatch)
		if err != nil {
			return total, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, err
		}
		total += n
		if n < sweepBatch {
			break
		}
	}
	return total, nil
}

// Sizes is how much the OAuth tables hold.
type Sizes struct {
	Codes, Tokens int64
	// Bytes is the store's size on disk: on SQLite the database file and its write-ahead
	// log; on PostgreSQL the codes and tokens tables with their indexes.
	Bytes int64
}

// Sizes counts the rows of the OAuth tables and measures the store.
func (s *Store) Sizes(ctx context.Context) (Sizes, error) {
	var z Sizes
	if err := s.row(ctx, "SELECT (SELECT COUNT(*) FROM oauth_codes), (SELECT COUNT(*) FROM tokens)").Scan(&z.Codes, &z.Tokens); err != nil {
		return z, err
	}
	if s.pg {
		err := s.row(ctx, "SELECT pg_total_relation_size('oauth_codes') + pg_total_relation_size('tokens')").Scan(&z.Bytes)
		return z, err
	}
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(s.path + suffix); err == nil {
			z.Bytes += fi.Size()
		}
	}
	return z, nil
}
