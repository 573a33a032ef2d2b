package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/auditdesk/auditdesk/backend/simulator"
)

func simulateCommand(fs *flag.FlagSet) func(context.Context, Env, []string) error {
	addr := fs.String("addr", "127.0.0.1:8787", "loopback address to serve on")
	events := fs.Int("events", simulator.DefaultEvents, "events in the simulated history")
	seed := fs.Int64("seed", simulator.DefaultSeed, "random seed: the same seed serves the same events")
	faults := fs.Bool("faults", false, "switch on every fault the API allows (429, 5xx, drops, duplicates, late events, expired cursors)")
	rich := fs.Bool("rich", false, "give every event a details object, as large as a real platform's events (about 490 bytes of JSON each)")
	now := fs.String("now", "", "RFC 3339 time the history ends at (default: the current time); a later one serves the same events and those since")
	return func(ctx context.Context, env Env, args []string) error {
		if len(args) > 0 {
			return errUsage{fmt.Sprintf("unexpected argument %q", args[0])}
		}
		cfg := simulator.Config{Events: *events, Seed: *seed, Rich: *rich}
		if *now != "" {
			at, err := time.Parse(time.RFC3339, *now)
			if err != nil {
				return errUsage{fmt.Sprintf("--now %q: give an RFC 3339 time such as 2026-12-01T09:00:00Z", *now)}
			}
			cfg.Clock = func() time.Time { return at }
		}
		if *faults {
			cfg.Faults = simulator.AllFaults()
		}
		r, err := simulator.Start(ctx, *addr, cfg)
		if err != nil {
			return err
		}
		defer func() { _ = r.Close() }()
		t := r.Server.Tokens()
		fmt.Fprintf(env.Stdout, "serving the Audit Log API at %s (%d events, seed %d)\n", r.URL, *events, *seed)
		fmt.Fprintf(env.Stdout, "owner token:           %s\n", t.Owner)
		fmt.Fprintf(env.Stdout, "workspace admin token: %s\n", t.WorkspaceAdmin)
		fmt.Fprintf(env.Stdout, "member token:          %s\n", t.Member)
		fmt.Fprintf(env.Stdout, "try: AUDITDESK_TOKEN=<owner token> auditdesk sync --api %s\n", r.URL)
		select {
		case <-ctx.Done():
		case <-r.Done():
		}
		return nil
	}
}
