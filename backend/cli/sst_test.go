package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Damage in a table file (.sst) makes Badger end a scan early and say
// nothing: a sync then says the cache cannot be read whole, and fails,
// instead of counting events no one can read.
func TestSyncSaysWhenATableIsDamaged(t *testing.T) {
	data, _ := syncedData(t, 5000)
	st, p := onlyProfile(t, data)
	files, _ := filepath.Glob(filepath.Join(st.CacheDir(p), "*.sst"))
	var big string
	var size int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && fi.Size() > size {
			big, size = f, fi.Size()
		}
	}
	if big == "" {
		t.Fatal("no table file")
	}
	b, err := os.ReadFile(big)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 16 {
		b[len(b)/3+i] ^= 0xff
	}
	if err := os.WriteFile(big, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(st.ProfileDir(p), "index.bin")); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runArgs("sync", "--data", data, "--api", p.APIURL)
	if code == ExitOK || strings.Contains(out, "the cache holds") ||
		!strings.Contains(errOut, "the sync is saved, but ") || !strings.Contains(errOut, ": run auditdesk verify") {
		t.Errorf("sync: exit %d, stdout %q, stderr %q; want it to say the cache cannot be read whole", code, out, errOut)
	}
}
