package settings

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

func identity(user, org string, role audit.Role) audit.Identity {
	return audit.Identity{User: user, Organization: audit.Ref{ID: org, Name: strings.ToUpper(org)}, Role: role}
}

func TestProfilesOnePerIdentity(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	save := func(url string, id audit.Identity, at time.Time) Profile {
		t.Helper()
		p, err := s.ProfileFor(url, id, at)
		if err != nil {
			t.Fatal(err)
		}
		p.LastSync = at
		if err := s.SaveProfile(p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	owner := save("https://a.example/api/", identity("o@x", "org1", audit.RoleOrganizationOwner), t0)
	admin := save("https://a.example/api", identity("w@x", "org1", audit.RoleWorkspaceAdmin), t0.Add(time.Hour))
	other := save("https://b.example/api", identity("o@x", "org1", audit.RoleOrganizationOwner), t0.Add(2*time.Hour))
	again := save("HTTPS://A.example/api", identity("o@x", "org1", audit.RoleOrganizationOwner), t0.Add(3*time.Hour))

	if again.Key() != owner.Key() || again.Name != owner.Name {
		t.Errorf("the same identity at the same URL got a second profile: %+v vs %+v", again, owner)
	}
	keys := map[string]bool{owner.Key(): true, admin.Key(): true, other.Key(): true}
	if len(keys) != 3 {
		t.Fatal("different identities share a cache folder")
	}
	if other.Name == owner.Name || !strings.Contains(other.Name, "b.example") {
		t.Errorf("names %q and %q: the same user on another platform needs its own name", owner.Name, other.Name)
	}
	all, err := s.Profiles()
	if err != nil || len(all) != 3 {
		t.Fatalf("Profiles() = %d, %v", len(all), err)
	}
	if all[0].Key() != owner.Key() {
		t.Errorf("most recent first: got %s", all[0].Name)
	}
	if p, err := s.FindProfile(""); err != nil || p.Key() != owner.Key() {
		t.Errorf("FindProfile(\"\") = %s, %v; want the most recently synced", p.Name, err)
	}
	if p, err := s.FindProfile(admin.Name); err != nil || p.Key() != admin.Key() {
		t.Errorf("FindProfile(%q) = %s, %v", admin.Name, p.Name, err)
	}
	_, err = s.FindProfile("nobody")
	if !errors.Is(err, ErrNoSuchProfile) || !strings.Contains(err.Error(), admin.Name) {
		t.Errorf("unknown profile: %v; want ErrNoSuchProfile listing the names", err)
	}
	if fi, err := os.Stat(s.ProfileDir(owner)); err != nil || fi.Mode().Perm() != DirMode {
		t.Errorf("profile folder mode: %v %v", fi.Mode(), err)
	}
	if fi, err := os.Stat(filepath.Join(s.ProfileDir(owner), "profile.json")); err != nil || fi.Mode().Perm() != FileMode {
		t.Errorf("profile file mode: %v %v", fi.Mode(), err)
	}
}

func TestNoProfileYet(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindProfile(""); !errors.Is(err, ErrNoProfile) {
		t.Errorf("err = %v, want ErrNoProfile", err)
	}
}

func TestProfileInAnotherIdentitysFolderIsRefused(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p, _ := s.ProfileFor("https://a.example", identity("o@x", "org1", audit.RoleOrganizationOwner), time.Now())
	if err := s.SaveProfile(p); err != nil {
		t.Fatal(err)
	}
	// Someone copies a profile record into another identity's folder.
	q, _ := s.ProfileFor("https://a.example", identity("w@x", "org1", audit.RoleWorkspaceAdmin), time.Now())
	if err := os.MkdirAll(s.ProfileDir(q), DirMode); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(s.ProfileDir(p), "profile.json"))
	if err := os.WriteFile(filepath.Join(s.ProfileDir(q), "profile.json"), b, FileMode); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Profiles(); err == nil || !strings.Contains(err.Error(), "another identity") {
		t.Errorf("err = %v, want a refusal", err)
	}
}
