// The operator's lists, page by page: every item by default, or one page (-limit) ending
// with the cursor of the next.

package app

import (
	"encoding/base64"
	"flag"
	"io"
	"strconv"
)

func registerPage(fs *flag.FlagSet, limit *int, cursor *string) {
	fs.IntVar(limit, "limit", 0, "print one page of at most N items (1 to "+strconv.Itoa(MaxPageSize)+"); all by default")
	fs.StringVar(cursor, "cursor", "", "the next_cursor of the previous page")
}

// listPages prints a list: with limit 0 every item, read MaxPageSize at a time; otherwise
// one page of limit items after cursor, then {"next_cursor": C} when more follow. fetch
// reads n items after a sort key and returns the last one's.
func listPages[T any](out io.Writer, limit int, cursor string, fetch func(after string, n int) ([]T, bool, string, error)) error {
	if limit < 0 || limit > MaxPageSize || (cursor != "" && limit == 0) {
		return &usageError{"-limit must be between 1 and " + strconv.Itoa(MaxPageSize) + " (and -cursor needs -limit)"}
	}
	after := ""
	if cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(cursor)
		if err != nil || !validSortKey(raw) {
			return &usageError{"-cursor must be a next_cursor printed by a previous page"}
		}
		after = string(raw)
	}
	n := limit
	if n == 0 {
		n = MaxPageSize
	}
	for {
		items, more, last, err := fetch(after, n)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := emit(out, it); err != nil {
				return err
			}
		}
		switch {
		case !more:
			return nil
		case limit != 0:
			return emit(out, map[string]*string{"next_cursor": nextCursor(true, last)})
		}
		after = last
	}
}

// byID adapts a list ordered by id to listPages' text sort keys.
func byID[T any](fetch func(after int64, n int) ([]T, bool, int64, error)) func(string, int) ([]T, bool, string, error) {
	return func(after string, n int) ([]T, bool, string, error) {
		var id int64
		if after != "" {
			var err error
			if id, err = strconv.ParseInt(after, 10, 64); err != nil || id < 0 {
				return nil, false, "", &usageError{"-cursor must be a next_cursor printed by a previous page"}
			}
		}
		items, more, last, err := fetch(id, n)
		return items, more, strconv.FormatInt(last, 10), err
	}
}
