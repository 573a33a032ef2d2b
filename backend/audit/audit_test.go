package audit

import "testing"

func TestScopeValid(t *testing.T) {
	for _, s := range Scopes {
		if !s.Valid() {
			t.Errorf("%q.Valid() = false, want true", s)
		}
		if len(KnownCategories[s]) == 0 {
			t.Errorf("scope %q has no known categories", s)
		}
	}
	for _, s := range []Scope{"", "organization", "Billing ", "Services"} {
		if s.Valid() {
			t.Errorf("%q.Valid() = true, want false", s)
		}
	}
}
