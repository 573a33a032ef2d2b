package export

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// How an export replaces FILE and FILE.manifest.json as a pair.
//
// Two renames are never atomic together, so the pair's truth is the
// manifest's SHA-256 of the file, and the moves go in an order that keeps
// this invariant at every instant, a crash (kill -9, power loss) included:
//
//	FILE's manifest is FILE.manifest.json beside it, or, only after a
//	crash between the two moves below, the manifest waiting in FILE's work
//	folder .FILE.auditdesk-export/, which then holds no FILE. Whichever of
//	the two names FILE's SHA-256 is FILE's manifest; the older pair or the
//	new pair is whole, never a mix.
//
// An export to FILE (Write):
//  1. locks the work folder beside FILE, making it (lockWork): exports to
//     one FILE wait for each other, and a cleanup can tell a running
//     export's work folder from one a crash left;
//  2. settles what an interrupted export to FILE left in it, and in every
//     other work folder of the same folder that no export holds (settle,
//     cleanFolder), and the temp files builds before this one left (once
//     nothing has written them for an hour);
//  3. writes the new file and its manifest into the work folder under
//     their final names and syncs both and the folder. A crash here
//     leaves FILE and its manifest untouched;
//  4. moves the new file over FILE, and syncs the folder. The older file
//     is gone; its manifest, beside FILE, no longer names FILE's SHA-256,
//     and the new one, in the work folder, does;
//  5. moves the new manifest over FILE.manifest.json;
//  6. removes the work folder, then unlocks it.
//
// Settling a work folder a crash left (under its lock):
//   - it holds the new file: step 4 never ran and FILE is still the older
//     pair's: empty it (roll back);
//   - it holds only the manifest and that names FILE's SHA-256: the crash
//     fell between steps 4 and 5: move the manifest beside FILE (roll
//     forward);
//   - else (nothing, a partial manifest, or one naming another file, as
//     when FILE was replaced by hand since): empty it.
//
// A reader needs no lock and changes nothing: VerifyFile takes the work
// folder's manifest when it names FILE's SHA-256 and the one beside FILE
// does not (workManifest). The next export to the folder then makes the
// pair beside FILE whole again.

// workSuffix ends the name of a work folder: .FILE.auditdesk-export.
const workSuffix = ".auditdesk-export"

// rename is os.Rename; tests stop a child process at a chosen move.
var rename = os.Rename

// work is the work folder of an export to path.
type work struct {
	dir, base, path string
	w               string // dir/.base.auditdesk-export
}

func workFor(path string) work {
	dir, base := filepath.Dir(path), filepath.Base(path)
	return work{dir: dir, base: base, path: path, w: filepath.Join(dir, "."+base+workSuffix)}
}

// file and manifest are where the new pair is written before the moves.
func (k work) file() string     { return filepath.Join(k.w, k.base) }
func (k work) manifest() string { return filepath.Join(k.w, k.base+ManifestSuffix) }

// settle brings what an interrupted export left in the work folder to an
// end (see above) and empties it. The caller holds its lock.
func (k work) settle() error {
	if _, err := os.Lstat(k.file()); err == nil {
		return k.clear() // roll back: FILE was never replaced
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if m, err := ReadManifest(k.manifest()); err == nil {
		if sum, err := FileSHA256(k.path); err == nil && sum == m.SHA256 {
			// Roll forward: FILE is the new file, this is its manifest.
			if err := rename(k.manifest(), k.path+ManifestSuffix); err != nil {
				return err
			}
			_ = syncDir(k.dir)
		}
	}
	return k.clear()
}

// clear removes everything in the work folder, not the folder itself.
func (k work) clear() error {
	ents, err := os.ReadDir(k.w)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if err := os.RemoveAll(filepath.Join(k.w, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// workManifest is the manifest waiting in path's work folder, if a crash
// between the two moves left it there and it names sum, the SHA-256 of
// the file at path.
func workManifest(path, sum string) (Manifest, bool) {
	k := workFor(path)
	if _, err := os.Lstat(k.file()); !errors.Is(err, fs.ErrNotExist) {
		return Manifest{}, false // FILE not moved yet: the pair beside it holds
	}
	m, err := ReadManifest(k.manifest())
	return m, err == nil && m.SHA256 == sum
}

// legacyTemp is a temp file of an export by a build before the work
// folders: .FILE.123456789.tmp, .FILE.manifest.json.123456789.tmp.
var legacyTemp = regexp.MustCompile(`^\..+\.(?i:csv|xlsx)(\.manifest\.json)?\.[0-9]+\.tmp$`)

// legacyAge is how long such a temp file must have been left alone to be
// taken for a crash's: an older build still writing one keeps it fresher.
const legacyAge = time.Hour

// cleanFolder settles and removes the work folders in dir that no export
// holds, but own (the caller's, settled by the caller), and the temp files
// older builds left. It is best effort: what it cannot remove, a later
// export tries again.
func cleanFolder(dir, own string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	now := time.Now()
	for _, e := range ents {
		name := e.Name()
		p := filepath.Join(dir, name)
		switch {
		case e.IsDir() && len(name) > 1+len(workSuffix) && name[0] == '.' && name[len(name)-len(workSuffix):] == workSuffix && p != own:
			l, ok := tryLockWork(p)
			if !ok {
				continue // an export is writing there now, or this OS cannot tell
			}
			k := workFor(filepath.Join(dir, name[1:len(name)-len(workSuffix)]))
			err := k.settle()
			l.unlock(err == nil)
		case e.Type().IsRegular() && legacyTemp.MatchString(name):
			if fi, err := e.Info(); err == nil && now.Sub(fi.ModTime()) > legacyAge {
				_ = os.Remove(p)
			}
		}
	}
}
