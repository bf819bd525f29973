// Redaction: Redact, and the slog handler that redacts every attribute.

package picket

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"":                                   "",
		"key=" + skText + "&x=1":             "key=sk_…9e24&x=1",
		"Authorization: " + basic(skText):    "Authorization: Basic [REDACTED sk_…9e24]",
		"Authorization: " + jsSDK(skText):    "Authorization: Basic  [REDACTED sk_…9e24]",
		`{"pk":"` + pkText + `"}`:            `{"pk":"` + pkText + `"}`,
		"no keys here, but a NUL \x00 and é": "no keys here, but a NUL \x00 and é",
		skText + "\x00" + skText:             "sk_…9e24\x00sk_…9e24",
		"Authorization: " + basic(pkText):    "Authorization: " + basic(pkText),
		// Case folding recovers the key: masked (issue #10.1).
		"sk_E1F767D29FA6E533F2E5C62342FB9E24 (uc)": "sk_…9e24 (uc)",
	}
	for in, want := range cases {
		got := Redact(in)
		if got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
		if Redact(got) != got {
			t.Errorf("Redact is not idempotent on %q", in)
		}
	}
}

func TestRedactingHandler(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(RedactingHandler(slog.NewJSONHandler(&buf, nil)))
	type withSecret struct{ Token string }
	logger.With("preset", "k="+skText).WithGroup("req").Info("got "+skText,
		"authorization", basic(skText),
		"js", jsSDK(skText),
		"pk", pkText,
		"n", 42,
		"err", errors.New("bad key "+skText),
		"bytes", []byte(skText),
		"struct", withSecret{Token: skText},
		"clean", withSecret{Token: "nothing"},
		slog.Group("nested", "deep", "x "+skText),
	)
	out := buf.String()
	if strings.Contains(out, skBody) {
		t.Fatalf("a secret key reached the log: %s", out)
	}
	for _, want := range []string{
		`"msg":"got sk_…9e24"`, `"preset":"k=sk_…9e24"`, `"authorization":"Basic [REDACTED sk_…9e24]"`,
		`"js":"Basic  [REDACTED sk_…9e24]"`, `"pk":"` + pkText + `"`, `"n":42`, `"err":"bad key sk_…9e24"`,
		`"bytes":"sk_…9e24"`, `"struct":"{Token:sk_…9e24}"`, `"clean":{"Token":"nothing"}`,
		`"nested":{"deep":"x sk_…9e24"}`, `"req":{`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	h := RedactingHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if h.Enabled(context.Background(), slog.LevelInfo) || !h.Enabled(context.Background(), slog.LevelError) {
		t.Fatal("Enabled does not delegate")
	}
}
