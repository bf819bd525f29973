// Pagination of the list endpoints: ?limit=N&cursor=C, answered with next_cursor.

package app

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/picket-dev/picket/server/internal/rules"
)

const (
	// DefaultPageSize and MaxPageSize bound a list answer.
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// pageRequest is a list request's page: at most limit items after the cursor's position
// (the sort key of the last item of the previous page; empty for the first page).
type pageRequest struct {
	limit int
	after string
}

// readPage reads ?limit (1 to MaxPageSize, default DefaultPageSize) and ?cursor (the
// previous answer's next_cursor): 400 bad_request for anything else.
func readPage(w http.ResponseWriter, r *http.Request) (pageRequest, bool) {
	q := r.URL.Query()
	p := pageRequest{limit: DefaultPageSize}
	if len(q["limit"]) > 1 || len(q["cursor"]) > 1 {
		writeErr(w, rules.BadRequest, "limit and cursor may be given once each")
		return p, false
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxPageSize {
			writeErr(w, rules.BadRequest, "limit must be between 1 and "+strconv.Itoa(MaxPageSize))
			return p, false
		}
		p.limit = n
	}
	if c := q.Get("cursor"); c != "" {
		raw, err := base64.RawURLEncoding.DecodeString(c)
		if err != nil || !validSortKey(raw) {
			writeErr(w, rules.BadRequest, "cursor must be a next_cursor from a previous answer")
			return p, false
		}
		p.after = string(raw)
	}
	return p, true
}

// validSortKey reports whether a decoded cursor can be a sort key (an id, a redirect URI):
// UTF-8 text without NUL, which is all a store takes as text (PostgreSQL refuses anything
// else with an error, which must not become a 500).
func validSortKey(raw []byte) bool {
	return len(raw) > 0 && utf8.Valid(raw) && !bytes.ContainsRune(raw, 0)
}

// afterID is the cursor of a list ordered by id (0: from the start).
func (p pageRequest) afterID(w http.ResponseWriter) (int64, bool) {
	if p.after == "" {
		return 0, true
	}
	id, err := strconv.ParseInt(p.after, 10, 64)
	if err != nil || id < 0 {
		writeErr(w, rules.BadRequest, "cursor must be a next_cursor from a previous answer")
		return 0, false
	}
	return id, true
}

// nextCursor is the next_cursor after an item with sort key last, or nil when no more follow.
func nextCursor(more bool, last string) *string {
	if !more {
		return nil
	}
	c := base64.RawURLEncoding.EncodeToString([]byte(last))
	return &c
}
