package signing

import (
	"errors"
	"strings"
	"testing"
)

func TestSignAndVerify(t *testing.T) {
	k, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	doc := []byte(`{"file": "a.csv", "rows": 3, "facts": {"user": "<a&b>", "n": [1, 2]}}`)
	sig, err := k.Sign(doc)
	if err != nil {
		t.Fatal(err)
	}
	if sig.Algorithm != "Ed25519" || sig.Fingerprint != k.Fingerprint() || !strings.HasPrefix(sig.Fingerprint, "SHA256:") {
		t.Fatalf("signature %+v", sig)
	}
	// The same members, written otherwise, and with the signature in: it
	// holds.
	same := `{"facts":{"n":[1,2],"user":"<a&b>"},"rows":3,"file":"a.csv","signature":{"value":"x"}}`
	if err := Verify([]byte(same), *sig); err != nil {
		t.Fatalf("the same members reordered: %v", err)
	}
	for _, changed := range []string{
		`{"file": "a.csv", "rows": 4, "facts": {"user": "<a&b>", "n": [1, 2]}}`,
		`{"file": "a.csv", "rows": 3, "facts": {"user": "<a&b>", "n": [1, 2]}, "extra": true}`,
		`{"file": "a.csv", "rows": 3, "facts": {"user": "<a&B>", "n": [1, 2]}}`,
	} {
		if err := Verify([]byte(changed), *sig); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: %v, want ErrBadSignature", changed, err)
		}
	}
	other, _ := NewKey()
	forged := *sig
	forged.PublicKey = other.Public() // the fingerprint no longer its key's
	if err := Verify(doc, forged); !errors.Is(err, ErrBadSignature) {
		t.Errorf("another public key under the fingerprint: %v", err)
	}
	forged.Fingerprint = other.Fingerprint() // another key, consistent, but it did not sign
	if err := Verify(doc, forged); !errors.Is(err, ErrBadSignature) {
		t.Errorf("another key: %v", err)
	}
	if _, err := k.Sign([]byte(`[1]`)); err == nil {
		t.Error("signed a document that is not an object")
	}
}

// TestInstallationKeyIsOnePerProcess: every manifest of a process is
// signed by one key, kept in the keyring when there is one.
func TestInstallationKeyIsOnePerProcess(t *testing.T) {
	a, err := Installation()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Installation()
	if a.Fingerprint() != b.Fingerprint() {
		t.Fatal("two keys in one process")
	}
	if !a.Persisted && !strings.Contains(a.NoKeyring, "signed with a key for this run only") {
		t.Errorf("no keyring, and the reason is %q", a.NoKeyring)
	}
}
