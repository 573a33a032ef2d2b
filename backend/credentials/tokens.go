// Package credentials keeps the API tokens of profiles: in the OS keyring
// when there is one, else in this process's memory only. A token is never
// written to a plain file, a flag or a log line.
package credentials

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/zalando/go-keyring"
)

// keyringService is the name tokens are filed under in the OS keyring.
const keyringService = "AuditDesk"

// Tokens keeps API tokens: in the OS keyring when there is one, else only
// in this process's memory, so the user is asked again at the next launch
// (and told why). A token is never written to a plain file.
type Tokens struct {
	mu        sync.Mutex
	memory    map[string]string // profile key -> token, when the keyring failed
	noKeyring string
}

// NoKeyring is why the keyring could not be used, "" while it works.
func (t *Tokens) NoKeyring() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.noKeyring
}

// NewTokens returns an empty token keeper.
func NewTokens() *Tokens { return &Tokens{memory: map[string]string{}} }

// Save keeps token for a profile. It reports false when the token lives
// only until the app quits.
func (t *Tokens) Save(profileKey, token string) (persisted bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := keyring.Set(keyringService, profileKey, token); err != nil {
		t.noKeyring = keyringReason(err)
		t.memory[profileKey] = token
		return false
	}
	delete(t.memory, profileKey)
	return true
}

// ErrTokenNeeded is returned when a profile's token is in neither place.
var ErrTokenNeeded = errors.New("the API token for this profile is needed")

// Get returns a profile's token.
func (t *Tokens) Get(profileKey string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tok, ok := t.memory[profileKey]; ok {
		return tok, nil
	}
	tok, err := keyring.Get(keyringService, profileKey)
	switch {
	case err == nil:
		return tok, nil
	case errors.Is(err, keyring.ErrNotFound):
		return "", ErrTokenNeeded
	default:
		t.noKeyring = keyringReason(err)
		return "", fmt.Errorf("%w: %s", ErrTokenNeeded, t.noKeyring)
	}
}

func keyringReason(err error) string {
	return fmt.Sprintf("no OS keyring is available (%s), so the token is kept only until AuditDesk quits and asked for at each launch", strings.Join(strings.Fields(err.Error()), " "))
}
