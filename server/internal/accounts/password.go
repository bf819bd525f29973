// Package accounts holds the rules of picket-server's accounts that need no store and no
// HTTP: password hashing (argon2id), what an email address and a password must be, random
// tokens kept only as digests, and the CSRF token derived from a secret.
package accounts

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	// Time is the number of passes, Memory the memory in KiB, Threads the lanes.
	Time    uint32
	Memory  uint32
	Threads uint8
}

// DefaultParams are RFC 9106's second recommended option (section 4, for when the first,
// 2 GiB of memory per hash, is too much): argon2id, t=3 passes over m=64 MiB with p=4
// lanes, a 128-bit salt and a 256-bit tag. They are above OWASP's Password Storage Cheat
// Sheet's minimum for argon2id (m=19 MiB, t=2, p=1). A hash takes about 0.1 s on one core
// of the reference machine; Hasher bounds how many run at once, so that a burst of log-ins
// cannot take more than Concurrency × 64 MiB.
var DefaultParams = Params{Time: 3, Memory: 64 * 1024, Threads: 4}

const (
	saltLen = 16
	keyLen  = 32
	// MaxPasswordBytes bounds the input of a hash (NIST SP 800-63B-4 asks for at least 64
	// characters to be accepted).
	MaxPasswordBytes = 256
)

// ErrMismatch is a password that does not match its hash.
var ErrMismatch = errors.New("password does not match")

// Hasher hashes and verifies passwords with argon2id, at most Concurrency at once.
type Hasher struct {
	Params Params
	slots  chan struct{}
	// dummy is a hash of a random password (made at the first VerifyNobody): verifying
	// against it for an unknown account takes the time a known account's check takes.
	dummyOnce sync.Once
	dummy     string
	dummyErr  error
}

// NewHasher returns a Hasher with params that runs at most concurrency hashes at once.
func NewHasher(params Params, concurrency int) (*Hasher, error) {
	if concurrency < 1 {
		concurrency = 1
	}
	return &Hasher{Params: params, slots: make(chan struct{}, concurrency)}, nil
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns password's argon2id hash in the PHC string format
// ($argon2id$v=19$m=65536,t=3,p=4$SALT$TAG, unpadded standard base64).
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	tag := argon2.IDKey([]byte(password), salt, h.Params.Time, h.Params.Memory, h.Params.Threads, keyLen)
	return encode(h.Params, salt, tag), nil
}

func encode(p Params, salt, tag []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(tag))
}

// decode parses a PHC string written by encode.
func decode(phc string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, errors.New("not an argon2id hash of this version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errors.New("bad argon2id parameters")
	}
	// Bounds: a stored hash must not make a check cost more than 1 GiB or 100 passes.
	if p.Memory < 8 || p.Memory > 1<<20 || p.Time < 1 || p.Time > 100 || p.Threads < 1 {
		return p, nil, nil, errors.New("argon2id parameters out of range")
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	tag, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(tag) < 16 {
		return p, nil, nil, errors.New("bad argon2id salt or tag")
	}
	return p, salt, tag, nil
}

// Verify checks password against a hash made by Hash (ErrMismatch when it does not
// match). The tags are compared in constant time.
func (h *Hasher) Verify(ctx context.Context, phc, password string) error {
	p, salt, tag, err := decode(phc)
	if err != nil {
		return err
	}
	if err := h.acquire(ctx); err != nil {
		return err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(tag)))
	if subtle.ConstantTimeCompare(got, tag) != 1 {
		return ErrMismatch
	}
	return nil
}

// VerifyNobody spends the time of a Verify for an account that does not exist, so that
// the answer's timing does not tell a known email from an unknown one. It always fails.
func (h *Hasher) VerifyNobody(ctx context.Context, password string) error {
	if err := h.Prepare(ctx); err != nil {
		return err
	}
	if err := h.Verify(ctx, h.dummy, password); err != nil {
		return err
	}
	return ErrMismatch
}

// Prepare makes the hash VerifyNobody checks against, if not made yet. A server calls it
// at start: otherwise the first unknown email's answer would take two argon2id runs.
func (h *Hasher) Prepare(ctx context.Context) error {
	h.dummyOnce.Do(func() {
		pw := make([]byte, 32)
		if _, err := rand.Read(pw); err != nil {
			h.dummyErr = err
			return
		}
		h.dummy, h.dummyErr = h.Hash(ctx, base64.RawURLEncoding.EncodeToString(pw))
	})
	return h.dummyErr
}

// NeedsRehash reports whether phc was made with other parameters than h's (it is then
// rehashed at the next successful log-in).
func (h *Hasher) NeedsRehash(phc string) bool {
	p, _, tag, err := decode(phc)
	return err != nil || p != h.Params || len(tag) != keyLen
}
