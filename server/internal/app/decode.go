// Request bodies: the one strict JSON decoder of the API.

package app

import (
	"errors"
	"io"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/rules"
)

// decode reads a JSON body into v: 413 beyond MaxBody, 400 invalid_json for malformed
// JSON, trailing data, an unknown field, a field name that differs from the documented
// one only in case ({"KIND": ...}) and a field given twice. encoding/json accepts the last
// two (it matches names case-insensitively and keeps the last duplicate), so that two
// parsers in front of each other could read different requests from one body; the
// go-json-experiment decoder (the candidate encoding/json/v2) refuses both by default.
// An empty body is allowed when emptyOK.
func decode(w http.ResponseWriter, r *http.Request, v any, emptyOK bool) bool {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeErr(w, rules.BodyTooLarge, "the request body is larger than "+strconv.Itoa(MaxBody)+" bytes")
			return false
		}
		writeErr(w, rules.BadRequest, "the request body could not be read")
		return false
	}
	if len(strings.TrimSpace(string(body))) == 0 && emptyOK {
		return true
	}
	if err := json.Unmarshal(body, v, json.RejectUnknownMembers(true)); err != nil {
		// The message names the field or the offset, never a value.
		writeErr(w, rules.InvalidJSON, "the body is not the expected JSON object: "+jsonProblem(err))
		return false
	}
	return true
}

// plainName is a field name that can be echoed: letters and underscores.
var plainName = regexp.MustCompile(`^[A-Za-z_]{1,40}$`)

// fieldName quotes a field name for a message when it is a plain name: a key sent as a
// field name must not come back.
func fieldName(name string) string {
	if plainName.MatchString(name) && picket.Redact(name) == name {
		return " " + strconv.Quote(name)
	}
	return ""
}

// jsonProblem describes a decoding error without echoing the input.
func jsonProblem(err error) string {
	var syn *jsontext.SyntacticError
	var sem *json.SemanticError
	switch {
	case errors.As(err, &syn) && errors.Is(syn.Err, jsontext.ErrDuplicateName):
		return "duplicate field" + fieldName(syn.JSONPointer.LastToken())
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "unexpected end of input"
	case errors.As(err, &syn):
		return "syntax error at offset " + strconv.FormatInt(syn.ByteOffset, 10)
	case errors.As(err, &sem) && errors.Is(sem.Err, json.ErrUnknownName):
		return "unknown field" + fieldName(sem.JSONPointer.LastToken()) + " (field names are case-sensitive)"
	case errors.As(err, &sem) && errors.Is(sem.Err, errNotWhole):
		return "field" + fieldName(sem.JSONPointer.LastToken()) + " must be a whole number"
	case errors.As(err, &sem) && sem.GoType != nil && sem.JSONPointer != "":
		return "field" + fieldName(sem.JSONPointer.LastToken()) + " must be " + jsonKind(sem.GoType.String())
	case errors.As(err, &sem) && sem.GoType != nil:
		return "expected a JSON object"
	}
	return "malformed"
}

// jsonKind names the JSON kind a Go field type takes.
func jsonKind(goType string) string {
	t := strings.TrimPrefix(goType, "*")
	switch {
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"), strings.HasPrefix(t, "float"):
		return "a number"
	case strings.HasSuffix(t, "wholeNumber"):
		return "a whole number"
	case t == "string":
		return "a string"
	case t == "bool":
		return "true or false"
	}
	return "a " + t
}

// wholeNumber is an integer field of a JSON body. JSON does not tell 3600 from 3600.0 or
// 3.6e3 (RFC 8259 §6, and JSON Schema's "integer" takes them all), so neither does the API:
// any number without a fractional part is accepted; one beyond int64 becomes its nearest
// bound, so that the field's own range check refuses it with the field's words.
type wholeNumber int64

func (n *wholeNumber) UnmarshalJSON(b []byte) error {
	s := string(b)
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		*n = wholeNumber(i)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if (err != nil && !errors.Is(err, strconv.ErrRange)) || math.IsNaN(f) || f != math.Trunc(f) {
		return errNotWhole
	}
	switch {
	case f >= math.MaxInt64:
		*n = math.MaxInt64
	case f <= math.MinInt64:
		*n = math.MinInt64
	default:
		*n = wholeNumber(f)
	}
	return nil
}

var errNotWhole = errors.New("not a whole number")
