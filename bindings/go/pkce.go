package picket

// VerifyPKCE verifies an RFC 7636 code_verifier against the code_challenge and
// code_challenge_method stored with the authorization code. Only `S256` is accepted
// (`plain` is refused, ErrPKCEPlainRefused); method names are case-sensitive. A wrong
// verifier is ErrPKCEMismatch; every other error names the rule broken.
func VerifyPKCE(verifier, challenge, method string) error {
	return cPKCEVerify(verifier, challenge, method)
}
