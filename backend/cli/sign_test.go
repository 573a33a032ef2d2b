package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/signing"
)

// TestManifestsAreSigned: an export's manifest is signed by this
// installation's key (auditdesk key prints its fingerprint); verify-export
// says so, fails once a fact of the manifest is changed, and says clearly
// when the signature is another key's or missing.
func TestManifestsAreSigned(t *testing.T) {
	data, _ := syncedData(t, 300)
	out := filepath.Join(t.TempDir(), "x.csv")
	if code, _, errOut := runArgs("export", "--data", data, "--out", out, "--status", "FAILED"); code != ExitOK {
		t.Fatalf("export: %s", errOut)
	}
	man := out + export.ManifestSuffix
	m, err := export.ReadManifest(man)
	if err != nil {
		t.Fatal(err)
	}
	code, keyOut, _ := runArgs("key")
	if code != ExitOK || m.Signature == nil || !strings.Contains(keyOut, "fingerprint: "+m.Signature.Fingerprint+"\n") {
		t.Fatalf("manifest signature %+v; auditdesk key printed %q", m.Signature, keyOut)
	}
	code, stdout, _ := runArgs("verify-export", out)
	if code != ExitOK || !strings.Contains(stdout, "signed by this installation's key "+m.Signature.Fingerprint) {
		t.Fatalf("verify-export: exit %d, %q", code, stdout)
	}

	raw, err := os.ReadFile(man)
	if err != nil {
		t.Fatal(err)
	}
	write := func(b []byte) {
		t.Helper()
		if err := os.WriteFile(man, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A fact changed: the filter said FAILED, now it says SUCCESS.
	write([]byte(strings.Replace(string(raw), `"status": "FAILED"`, `"status": "SUCCESS"`, 1)))
	code, stdout, _ = runArgs("verify-export", out)
	if code == ExitOK || !strings.Contains(stdout, "FAILED: "+out+": the manifest was changed after it was signed") {
		t.Fatalf("verify-export of a changed manifest: exit %d, %q", code, stdout)
	}

	// Signed again, by another key: intact, and said to be another's.
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "signature")
	unsigned, _ := json.MarshalIndent(doc, "", "  ")
	other, _ := signing.NewKey()
	sig, err := other.Sign(unsigned)
	if err != nil {
		t.Fatal(err)
	}
	doc["signature"], _ = json.Marshal(sig)
	resigned, _ := json.MarshalIndent(doc, "", "  ")
	write(resigned)
	code, stdout, _ = runArgs("verify-export", out)
	if code != ExitOK || !strings.Contains(stdout, "signed by another key: "+other.Fingerprint()+" (this installation's is "+m.Signature.Fingerprint+")") {
		t.Fatalf("verify-export of another key's signature: exit %d, %q", code, stdout)
	}

	// No signature at all.
	write(unsigned)
	code, stdout, _ = runArgs("verify-export", out)
	if code != ExitOK || !strings.Contains(stdout, "not signed: the manifest carries no signature") {
		t.Fatalf("verify-export of an unsigned manifest: exit %d, %q", code, stdout)
	}
}
