// The Authorization header: ParseAuthorization over every form a client sends.

package picket

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestParseAuthorization(t *testing.T) {
	for _, h := range []string{basic(pkText), jsSDK(pkText), " basic " + base64.StdEncoding.EncodeToString([]byte(pkText)) + "\t"} {
		k, err := ParseAuthorization(h, 0)
		if err != nil || k.Expose() != pkText || k.Kind != Publishable {
			t.Fatalf("ParseAuthorization(%q) = %v, %v", h, k, err)
		}
	}
	k, err := ParseAuthorization(basic(skText), 0)
	if err != nil || k.Kind != Secret || k.Expose() != skText {
		t.Fatalf("sk: %v, %v", k, err)
	}
	_, err = ParseAuthorization("Bearer "+skText, 0)
	wantCode(t, err, CodeHeaderBearerNotEnabled)
	if k, err := ParseAuthorization("Bearer "+skText, AcceptBearer); err != nil || k.Expose() != skText {
		t.Fatalf("bearer: %v, %v", k, err)
	}
	_, err = ParseAuthorization(basic(pkText), LoopbackAnyPort)
	wantCode(t, err, CodeInvalidParameter)
	_, err = ParseAuthorization("", 0)
	wantCode(t, err, CodeHeaderMissing)
	// A NUL byte is data, not the end of the string.
	_, err = ParseAuthorization(basic(pkText)+"\x00", 0)
	e := wantCode(t, err, CodeHeaderControlCharacter)
	if !strings.Contains(e.Message, "0x00") {
		t.Fatalf("message %q", e.Message)
	}
	_, err = ParseAuthorization("Basic "+base64.StdEncoding.EncodeToString([]byte(pkText+":"+skText)), 0)
	e = wantCode(t, err, CodeHeaderNonEmptyPassword)
	if strings.Contains(e.Message, "e1f767") {
		t.Fatal("the message echoes the secret")
	}
	_, err = ParseAuthorization(basic("pk_D9960d04426c1e9f3941bec7e39c8854"), 0)
	e = wantCode(t, err, CodeKeyUppercase)
	if !strings.Contains(e.Message, "username is not a valid api key") {
		t.Fatalf("message %q", e.Message)
	}
}
