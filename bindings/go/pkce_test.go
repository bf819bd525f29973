// PKCE: VerifyPKCE on RFC 7636's example, and each refusal by its code.

package picket

import (
	"errors"
	"testing"
)

func TestPKCE(t *testing.T) {
	// RFC 7636 Appendix B.
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	if err := VerifyPKCE(verifier, challenge, "S256"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, VerifyPKCE(verifier, challenge, "plain"), CodePKCEPlainRefused)
	wantCode(t, VerifyPKCE(verifier, challenge, "s256"), CodePKCEUnsupportedMethod)
	wantCode(t, VerifyPKCE(verifier[:42], challenge, "S256"), CodePKCEVerifierLength)
	wrong := "eBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	if err := VerifyPKCE(wrong, challenge, "S256"); !errors.Is(err, ErrPKCEMismatch) {
		t.Fatalf("wrong verifier: %v", err)
	}
	wantCode(t, VerifyPKCE(verifier, challenge[:42]+"=", "S256"), CodePKCEChallengeCharacter)
}
