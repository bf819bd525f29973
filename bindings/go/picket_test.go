package picket

import (
	"encoding/base64"
	"errors"
	"testing"
)

const (
	pkText = "pk_d9960d04426c1e9f3941bec7e39c8854"
	skText = "sk_e1f767d29fa6e533f2e5c62342fb9e24"
	// skBody is the part of skText that must never be printed.
	skBody = "e1f767d29fa6e533f2e5c62342fb"
)

// basic is the header `curl -u KEY:` and Go's SetBasicAuth(key, "") send.
func basic(key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"))
}

// jsSDK is the header the official JS SDK sends: two spaces, no colon.
func jsSDK(key string) string {
	return "Basic  " + base64.StdEncoding.EncodeToString([]byte(key))
}

// wantCode fails unless err is an *Error with code, matching its sentinel with errors.Is.
func wantCode(t *testing.T, err error, code Code) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v (%T), want an *Error with code %v", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("got code %v (%q), want %v", e.Code, e.Message, code)
	}
	if !errors.Is(err, &Error{Code: code}) {
		t.Fatalf("errors.Is(%v, code %v) is false", err, code)
	}
	if e.Message == "" {
		t.Fatalf("code %v has no specific message", code)
	}
	return e
}
