package settings

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Profile is one identity's cache: an (API base URL, organization, user)
// triple. Two identities never share a cache: the folder is named by a hash
// of the triple.
type Profile struct {
	Name         string      `json:"name"`
	APIURL       string      `json:"apiUrl"`
	Organization audit.Ref   `json:"organization"`
	User         string      `json:"user"`
	Role         audit.Role  `json:"role"`
	Workspaces   []audit.Ref `json:"workspaces"`
	Demo         bool        `json:"demo,omitempty"`
	Created      time.Time   `json:"created"`
	// Imported marks a case: a profile of imported files, not of an API
	// identity, named by the auditor; it has no API and no sync.
	Imported bool `json:"imported,omitempty"`
	// The last sync: when it ended, and why it failed if it did.
	LastSync      time.Time `json:"lastSync,omitzero"`
	LastSyncError string    `json:"lastSyncError,omitempty"`
	// LastSyncCancelled: the last sync was stopped by the user, not failed.
	LastSyncCancelled bool      `json:"lastSyncCancelled,omitempty"`
	LastSuccess       time.Time `json:"lastSuccess,omitzero"`
}

// Key names the profile's folder: stable for the triple, and free of
// anything a server could put in a name.
func (p Profile) Key() string {
	if p.Imported {
		return caseKey(p.Name)
	}
	return ProfileKey(p.APIURL, p.Organization.ID, p.User)
}

// caseKey names a case's folder: its name hashed apart from identities'.
func caseKey(name string) string {
	h := sha256.Sum256([]byte("import\x00" + name))
	return hex.EncodeToString(h[:10])
}

// ProfileKey hashes the identity triple.
func ProfileKey(apiURL, orgID, user string) string {
	h := sha256.Sum256([]byte(NormaliseURL(apiURL) + "\x00" + orgID + "\x00" + user))
	return hex.EncodeToString(h[:10])
}

// NormaliseURL trims what does not change the API: a trailing slash, the
// case of scheme and host.
func NormaliseURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return strings.TrimRight(strings.TrimSpace(raw), "/")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	return u.String()
}

// ErrNoSuchProfile is returned for a --profile name that matches none.
var ErrNoSuchProfile = errors.New("no such profile")

const (
	profilesDir = "profiles"
	profileFile = "profile.json"
	cacheDir    = "cache"
)

// ProfileDir is the profile's folder.
func (s *Store) ProfileDir(p Profile) string {
	return filepath.Join(s.dir, profilesDir, p.Key())
}

// CacheDir is where the profile's Badger cache lives.
func (s *Store) CacheDir(p Profile) string { return filepath.Join(s.ProfileDir(p), cacheDir) }

// Profiles lists the profiles, most recently synced first.
func (s *Store) Profiles() ([]Profile, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, profilesDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("settings: list profiles: %w", err)
	}
	var out []Profile
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		path := filepath.Join(s.dir, profilesDir, e.Name(), profileFile)
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // a folder being created
		}
		if err != nil {
			return nil, fmt.Errorf("settings: read %s: %w", path, err)
		}
		var p Profile
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, fmt.Errorf("settings: %s is not valid JSON (%w); fix or move it aside", path, err)
		}
		if p.Key() != e.Name() {
			return nil, fmt.Errorf("settings: %s belongs to another identity than its folder; move it aside", path)
		}
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := lastUsed(out[i]), lastUsed(out[j])
		if !a.Equal(b) {
			return a.After(b)
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

func lastUsed(p Profile) time.Time {
	if p.LastSync.After(p.Created) {
		return p.LastSync
	}
	return p.Created
}

// FindProfile picks a profile by name; an empty name picks the most
// recently synced one.
func (s *Store) FindProfile(name string) (Profile, error) {
	all, err := s.Profiles()
	if err != nil {
		return Profile{}, err
	}
	if len(all) == 0 {
		return Profile{}, ErrNoProfile
	}
	if name == "" {
		return all[0], nil
	}
	names := make([]string, 0, len(all))
	for _, p := range all {
		if p.Name == name || p.Key() == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return Profile{}, fmt.Errorf("%w %q; the profiles are: %s", ErrNoSuchProfile, name, strings.Join(names, ", "))
}

// SaveProfile writes the profile's record, creating its folder owner-only.
func (s *Store) SaveProfile(p Profile) error {
	dir := s.ProfileDir(p)
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return fmt.Errorf("settings: create profile folder: %w", spaceError(s.dir, 0, err))
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("settings: encode profile: %w", err)
	}
	return WriteFileAtomic(filepath.Join(dir, profileFile), append(b, '\n'))
}

// ProfileFor returns the saved profile of an identity at an API URL, or a
// new one (not yet saved) named after it.
func (s *Store) ProfileFor(apiURL string, id audit.Identity, now time.Time) (Profile, error) {
	all, err := s.Profiles()
	if err != nil {
		return Profile{}, err
	}
	p := Profile{APIURL: NormaliseURL(apiURL), Organization: id.Organization, User: id.User}
	for _, q := range all {
		if q.Key() == p.Key() {
			q.Role, q.Workspaces, q.Organization = id.Role, id.Workspaces, id.Organization
			return q, nil
		}
	}
	p.Role, p.Workspaces, p.Created = id.Role, id.Workspaces, now.UTC()
	p.Name = profileName(p, all)
	return p, nil
}

// CaseProfile is the case named name (made, not yet saved, when there is
// none): a profile of imported files. A name an API identity's profile has
// is refused, so a case never mixes with a synced cache.
func (s *Store) CaseProfile(name string, now time.Time) (Profile, error) {
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, "\x00\n\r") {
		return Profile{}, fmt.Errorf("settings: a case needs a name of one line: give --profile NAME")
	}
	all, err := s.Profiles()
	if err != nil {
		return Profile{}, err
	}
	for _, q := range all {
		if q.Name == name && !q.Imported {
			return Profile{}, fmt.Errorf("settings: %q is a synced profile; imported files go to a case of their own: give --profile another name", name)
		}
		if q.Name == name {
			return q, nil
		}
	}
	return Profile{Name: name, Imported: true, Created: now.UTC()}, nil
}

// profileName is "org/user", with the API host added when that name is
// already taken by the same identity on another platform.
func profileName(p Profile, taken []Profile) string {
	org := p.Organization.ID
	if org == "" {
		org = p.Organization.Name
	}
	name := org + "/" + p.User
	for _, q := range taken {
		if q.Name == name {
			host := p.APIURL
			if u, err := url.Parse(p.APIURL); err == nil && u.Host != "" {
				host = u.Host
			}
			return name + "@" + host
		}
	}
	return name
}
