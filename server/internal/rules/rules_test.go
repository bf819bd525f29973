package rules

import "testing"

// The generated table is what the server answers: codes in 800-999, ascending, names
// unique, statuses 4xx/5xx. (codegen checks the table itself; this checks the copy.)
func TestAll(t *testing.T) {
	seen := map[string]bool{}
	for i, r := range All {
		if r.Code < 800 || r.Code > 999 || (i > 0 && All[i-1].Code >= r.Code) {
			t.Errorf("%s: code %d out of order or range", r.Name, r.Code)
		}
		if seen[r.Name] || r.Status < 400 || r.Status > 599 || r.Text == "" {
			t.Errorf("%+v", r)
		}
		seen[r.Name] = true
		if got, ok := ByName(r.Name); !ok || got != r {
			t.Errorf("ByName(%q) = %+v, %v", r.Name, got, ok)
		}
	}
	if NotFound.Code != 801 || NotFound.Status != 404 || InternalError.Code != 800 {
		t.Errorf("NotFound %+v InternalError %+v", NotFound, InternalError)
	}
	if _, ok := ByName("no_such_rule"); ok {
		t.Error("ByName found a rule that does not exist")
	}
}
