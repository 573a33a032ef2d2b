// Package signing signs the manifests AuditDesk writes with this
// installation's Ed25519 key, and checks such signatures.
//
// The private key lives in the OS keyring, as the API tokens do (never in a
// plain file): made on first use, under the service "AuditDesk". Without a
// keyring, a key is made for the process alone, and Key.Persisted says so.
// The public key and its fingerprint travel in each signature, so a
// manifest is checked from itself; whose key it is, is told by comparing
// the fingerprint with what `auditdesk key` prints on the installation
// that wrote it.
package signing

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/zalando/go-keyring"
)

// Algorithm names the signatures this package makes.
const Algorithm = "Ed25519"

// keyring names: the service the tokens use, and this key's entry.
const (
	keyringService = "AuditDesk"
	keyringUser    = "installation-signing-key"
)

// Signature is a manifest's signature, as the manifest holds it under
// "signature": over the manifest's members but this one (Canonical).
type Signature struct {
	Algorithm   string `json:"algorithm"`
	PublicKey   string `json:"publicKey"`   // base64
	Fingerprint string `json:"fingerprint"` // of the public key (Fingerprint)
	Value       string `json:"value"`       // base64
}

// Key is a signing key.
type Key struct {
	private ed25519.PrivateKey
	// Persisted says the key is in the OS keyring; else it is this
	// process's alone, and NoKeyring says why.
	Persisted bool
	NoKeyring string
}

// NewKey makes a key that is kept nowhere (tests, and a machine without a
// keyring).
func NewKey() (*Key, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("signing: make a key: %w", err)
	}
	return &Key{private: priv}, nil
}

var (
	installMu sync.Mutex
	install   *Key
)

// Installation is this installation's key: read from the OS keyring, or
// made and put there on first use. Without a keyring it is a key for this
// process, the same for all its manifests.
func Installation() (*Key, error) {
	installMu.Lock()
	defer installMu.Unlock()
	if install != nil {
		return install, nil
	}
	seed, err := keyring.Get(keyringService, keyringUser)
	switch {
	case err == nil:
		b, derr := base64.StdEncoding.DecodeString(seed)
		if derr != nil || len(b) != ed25519.SeedSize {
			return nil, errors.New("signing: the installation key in the OS keyring is not an Ed25519 key AuditDesk made; remove the keyring entry AuditDesk/installation-signing-key to make a new one")
		}
		install = &Key{private: ed25519.NewKeyFromSeed(b), Persisted: true}
		return install, nil
	case !errors.Is(err, keyring.ErrNotFound):
		k, kerr := NewKey()
		if kerr != nil {
			return nil, kerr
		}
		k.NoKeyring = "no OS keyring is available (" + strings.Join(strings.Fields(err.Error()), " ") + "), so manifests are signed with a key for this run only"
		install = k
		return install, nil
	}
	k, err := NewKey()
	if err != nil {
		return nil, err
	}
	if err := keyring.Set(keyringService, keyringUser, base64.StdEncoding.EncodeToString(k.private.Seed())); err != nil {
		k.NoKeyring = "the OS keyring refused the key (" + strings.Join(strings.Fields(err.Error()), " ") + "), so manifests are signed with a key for this run only"
	} else {
		k.Persisted = true
	}
	install = k
	return install, nil
}

// Public is the key's public half, base64.
func (k *Key) Public() string {
	return base64.StdEncoding.EncodeToString(k.private.Public().(ed25519.PublicKey))
}

// Fingerprint is the key's fingerprint.
func (k *Key) Fingerprint() string { return fingerprint(k.private.Public().(ed25519.PublicKey)) }

// fingerprint is "SHA256:" and the base64 of the public key's SHA-256, as
// OpenSSH prints a key's.
func fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// Sign signs doc, a JSON object (a manifest without its signature).
func (k *Key) Sign(doc []byte) (*Signature, error) {
	c, err := Canonical(doc)
	if err != nil {
		return nil, err
	}
	return &Signature{
		Algorithm: Algorithm, PublicKey: k.Public(), Fingerprint: k.Fingerprint(),
		Value: base64.StdEncoding.EncodeToString(ed25519.Sign(k.private, c)),
	}, nil
}

// Canonical is the JSON object doc with its "signature" member left out,
// the members of every object in bytewise order of their names, numbers as
// written, and no space: what a signature is over, however a manifest was
// indented or its members ordered, and whatever members a later version
// adds.
func Canonical(doc []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("signing: not a JSON object: %w", err)
	}
	if dec.More() {
		return nil, errors.New("signing: more than one JSON value")
	}
	delete(m, "signature")
	return json.Marshal(m) // maps in sorted order, json.Number as written
}

// ErrBadSignature is a signature that does not match the document: the
// manifest was changed after it was signed.
var ErrBadSignature = errors.New("the manifest was changed after it was signed: its signature does not match")

// Verify checks sig over doc (the whole manifest, its signature in it or
// not); the key is the one sig names. The fingerprint sig gives must be
// its public key's.
func Verify(doc []byte, sig Signature) error {
	if sig.Algorithm != Algorithm {
		return fmt.Errorf("signing: the signature's algorithm %q is not %s", sig.Algorithm, Algorithm)
	}
	pub, err := base64.StdEncoding.DecodeString(sig.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("signing: the signature's public key is not an Ed25519 key: %w", ErrBadSignature)
	}
	if fingerprint(pub) != sig.Fingerprint {
		return fmt.Errorf("signing: the signature's fingerprint is not its key's: %w", ErrBadSignature)
	}
	v, err := base64.StdEncoding.DecodeString(sig.Value)
	if err != nil {
		return ErrBadSignature
	}
	c, err := Canonical(doc)
	if err != nil {
		return err
	}
	if !ed25519.Verify(pub, c, v) {
		return ErrBadSignature
	}
	return nil
}
