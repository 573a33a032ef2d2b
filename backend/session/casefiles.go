package session

import "github.com/auditdesk/auditdesk/backend/settings"

// Files is how many distinct files a case holds events of (its sources:
// each file's digest once, as its activity log recorded its imports); 0
// for a synced profile. It reads the activity log, not the cache.
func (pr *Profile) Files() int { return len(pr.sources()) }

// Files is Profile.Files for any profile, open or not: the profile list.
func (d *Desk) Files(p settings.Profile) int {
	if !p.Imported {
		return 0
	}
	return newProfile(d.settings, d.log, d.now, p).Files()
}
