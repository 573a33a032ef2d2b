package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/auditdesk/auditdesk/backend/signing"
)

// keyCommand prints this installation's public signing key and its
// fingerprint: what to hand whoever checks the files it signs.
func keyCommand(*flag.FlagSet) func(context.Context, Env, []string) error {
	return func(_ context.Context, env Env, args []string) error {
		if len(args) > 0 {
			return errUsage{"key takes no arguments"}
		}
		k, err := signing.Installation()
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "AuditDesk signing key of this installation (%s)\n", signing.Algorithm)
		fmt.Fprintf(env.Stdout, "public key:  %s\n", k.Public())
		fmt.Fprintf(env.Stdout, "fingerprint: %s\n", k.Fingerprint())
		if !k.Persisted {
			fmt.Fprintf(env.Stderr, "auditdesk: %s\n", k.NoKeyring)
		}
		return nil
	}
}
