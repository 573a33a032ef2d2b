package credentials

import (
	"errors"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// TestTokens runs against the OS keyring when the machine has one, and
// otherwise against the fallback a user without one gets: the token lives
// only in memory, and the reason is said.
func TestTokens(t *testing.T) {
	tok := NewTokens()
	key := "auditdesk-test-" + strings.ReplaceAll(t.Name(), "/", "-")
	persisted := tok.Save(key, "tok_secret_123")
	t.Cleanup(func() { _ = keyring.Delete(keyringService, key) })
	if persisted {
		if tok.NoKeyring() != "" {
			t.Errorf("saved to the keyring, yet NoKeyring = %q", tok.NoKeyring())
		}
		// A new process finds it in the keyring.
		if got, err := NewTokens().Get(key); err != nil || got != "tok_secret_123" {
			t.Errorf("from the keyring: %q, %v", got, err)
		}
	} else {
		if !strings.Contains(tok.NoKeyring(), "asked for at each launch") {
			t.Errorf("no keyring, and the reason given is %q", tok.NoKeyring())
		}
		if strings.Contains(tok.NoKeyring(), "tok_secret_123") {
			t.Error("the reason repeats the token")
		}
		// The next launch has nothing: the user is asked again.
		if _, err := NewTokens().Get(key); !errors.Is(err, ErrTokenNeeded) {
			t.Errorf("a new process without a keyring: err = %v, want ErrTokenNeeded", err)
		}
	}
	if got, err := tok.Get(key); err != nil || got != "tok_secret_123" {
		t.Errorf("Get after Save = %q, %v", got, err)
	}
	if _, err := tok.Get(key + "-other"); !errors.Is(err, ErrTokenNeeded) {
		t.Errorf("another profile's token: err = %v, want ErrTokenNeeded", err)
	}
}
