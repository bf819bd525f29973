// OAuth: authorization codes and access tokens, stored only as the SHA-256 of their text.

package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"time"
)

// SecretDigest is the hex SHA-256 of a random secret (an OAuth code or access token): the
// form stored and looked up.
func SecretDigest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Code is an authorization code's record.
type Code struct {
	Digest          string
	ProjectID       int64
	ClientID        string
	RedirectURI     string
	Challenge       string
	ChallengeMethod string
	CreatedAt       time.Time
	ExpiresAt       time.Time
}

// CreateCode stores a new authorization code.
func (s *Store) CreateCode(ctx context.Context, c Code) error {
	_, err := s.exec(ctx, `INSERT INTO oauth_codes (digest, project_id, client_id, redirect_uri, challenge, challenge_method, created_at, expires_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.Digest, c.ProjectID, c.ClientID, c.RedirectURI, c.Challenge, c.ChallengeMethod, c.CreatedAt.Unix(), c.ExpiresAt.Unix())
	return err
}

// Token is an access token's record.
type Token struct {
	Digest     string
	CodeDigest string
	ProjectID  int64
	ClientID   string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RevokedAt  time.Time
	// RedirectURI is the redirect URI of the code the token was issued for (read by
	// LookupToken; the code is kept as long as its tokens can be revoked).
	RedirectURI string
}

// RedeemCode uses the code with digest once. The first use marks it used, whatever
// follows; check (the caller's binding, expiry and PKCE checks) then accepts or refuses
// it, and an accepted code gets tok (its CodeDigest and ProjectID filled in here). A code
// already used is ErrCodeReplayed, and every token issued from it is revoked. An unknown
// code is ErrNotFound; a refusal by check is returned as is.
func (s *Store) RedeemCode(ctx context.Context, digest string, now time.Time, check func(Code) error, tok Token) (Token, error) {
	var checkErr error
	err := s.tx(ctx, false, func(ctx context.Context, tx *sql.Tx) error {
		var c Code
		var created, expires int64
		var used sql.NullInt64
		err := tx.QueryRowContext(ctx, s.q(`SELECT digest, project_id, client_id, redirect_uri, challenge, challenge_method, created_at, expires_at, used_at
FROM oauth_codes WHERE digest = ?`), digest).Scan(&c.Digest, &c.ProjectID, &c.ClientID, &c.RedirectURI, &c.Challenge, &c.ChallengeMethod, &created, &expires, &used)
		if err != nil {
			return notFound(err)
		}
		c.CreatedAt, c.ExpiresAt = time.Unix(created, 0).UTC(), time.Unix(expires, 0).UTC()
		res, err := tx.ExecContext(ctx, s.q("UPDATE oauth_codes SET used_at = ? WHERE digest = ? AND used_at IS NULL"), now.Unix(), digest)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if used.Valid || n == 0 {
			if _, err := tx.ExecContext(ctx, s.q("UPDATE tokens SET revoked_at = ? WHERE code_digest = ? AND revoked_at IS NULL"), now.Unix(), digest); err != nil {
				return err
			}
			checkErr = ErrCodeReplayed
			return nil // commit the revocation
		}
		if err := check(c); err != nil {
			checkErr = err
			return nil // commit: the code is used up
		}
		tok.CodeDigest, tok.ProjectID = digest, c.ProjectID
		_, err = tx.ExecContext(ctx, s.q("INSERT INTO tokens (digest, code_digest, project_id, client_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)"),
			tok.Digest, tok.CodeDigest, tok.ProjectID, tok.ClientID, tok.CreatedAt.Unix(), tok.ExpiresAt.Unix())
		return err
	})
	if err != nil {
		return Token{}, err
	}
	if checkErr != nil {
		return Token{}, checkErr
	}
	return tok, nil
}

// LookupToken returns the token with digest, or ErrNotFound.
func (s *Store) LookupToken(ctx context.Context, digest string) (Token, error) {
	var t Token
	var created, expires int64
	var revoked sql.NullInt64
	err := s.row(ctx, `SELECT t.digest, t.code_digest, t.project_id, t.client_id, t.created_at, t.expires_at, t.revoked_at, c.redirect_uri
FROM tokens t JOIN oauth_codes c ON c.digest = t.code_digest WHERE t.digest = ?`, digest).
		Scan(&t.Digest, &t.CodeDigest, &t.ProjectID, &t.ClientID, &created, &expires, &revoked, &t.RedirectURI)
	if err != nil {
		return Token{}, notFound(err)
	}
	t.CreatedAt, t.ExpiresAt, t.RevokedAt = time.Unix(created, 0).UTC(), time.Unix(expires, 0).UTC(), fromUnix(revoked)
	return t, nil
}

// RevokeToken revokes the token with digest at now (nothing when it is unknown or revoked).
func (s *Store) RevokeToken(ctx context.Context, digest string, now time.Time) error {
	_, err := s.exec(ctx, "UPDATE tokens SET revoked_at = ? WHERE digest = ? AND revoked_at IS NULL", now.Unix(), digest)
	return err
}
