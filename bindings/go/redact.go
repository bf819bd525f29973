package picket

// Redact returns text with every secret key masked: a bare `sk_` key (any case, escaped,
// with invisible characters inside) becomes `sk_…9e24` and a fragment of 20 or more of its
// digits `sk_…(partial)`; base64 (cut, wrapped or twice) or a byte dump carrying one, such
// as a Basic credential, becomes `[REDACTED sk_…9e24]`. Publishable keys and text without
// secret keys come back byte for byte unchanged. Redacting twice changes nothing more.
//
// Redact never returns the original text when redaction fails (which the C ABI documents
// as impossible short of a bug): it then returns "[picket: redaction failed]".
func Redact(text string) string {
	out, err := cRedact(text)
	if err != nil {
		return redactionFailed
	}
	return out
}

const redactionFailed = "[picket: redaction failed]"
