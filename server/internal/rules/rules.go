// Package rules holds picket-server's own rules: every refusal of the API that no
// picket-core error names (not_found, invalid_json, rate_limited, ...), each with its
// numeric code (800-999) and HTTP status from picket's one table of codes,
// codegen/src/table.rs, which rules_gen.go is generated from. server/RULES.md lists them.
//
// Adding a rule: add a row to RULES in codegen/src/table.rs, in your area's range, run
// `cargo run -p picket-codegen` from the repository root, and answer it with the generated
// value (in package app: writeErr(w, rules.X, message)).
package rules

// Rule is one of the server's rules: the error object's "error" and "code", the status
// that answers it over HTTP and its default message.
type Rule struct {
	// Name is the error object's "error": lowercase snake_case.
	Name string
	// Code is the error object's "code", 800-999.
	Code uint32
	// Status is the HTTP status of an answer with this rule.
	Status int
	// Text is the default message (lowercase, no final period).
	Text string
}

// ByName returns the rule named name.
func ByName(name string) (Rule, bool) {
	for _, r := range All {
		if r.Name == name {
			return r, true
		}
	}
	return Rule{}, false
}
