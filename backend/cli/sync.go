package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/auditdesk/auditdesk/backend/ingest"
	"github.com/auditdesk/auditdesk/backend/progress"
	"github.com/auditdesk/auditdesk/backend/session"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/termtext"
)

// EnvCAFile names an optional extra CA bundle for a corporate TLS proxy.
const EnvCAFile = "AUDITDESK_CA_FILE"

func syncCommand(fs *flag.FlagSet) func(context.Context, Env, []string) error {
	api := fs.String("api", "", "base URL of the platform's Audit Log API")
	tokenEnv := fs.String("token-env", "AUDITDESK_TOKEN", "name of the environment variable holding the API token")
	profile := fs.String("profile", "", "profile name (see auditdesk profiles)")
	data := fs.String("data", "", "data dir")
	return func(ctx context.Context, env Env, args []string) (err error) {
		if len(args) > 0 {
			return errUsage{fmt.Sprintf("unexpected argument %q", args[0])}
		}
		limited := os.Getenv("GOMEMLIMIT") == ""
		if limited {
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(settings.SyncMemoryLimit))
		}
		token := strings.TrimSpace(os.Getenv(*tokenEnv))
		if token == "" {
			return fmt.Errorf("no token: put your API token in the environment variable %s (or name another with --token-env)", *tokenEnv)
		}
		st, err := openData(*data)
		if err != nil {
			return err
		}
		apiURL := *api
		if apiURL == "" {
			p, err := st.FindProfile(*profile)
			if errors.Is(err, settings.ErrNoProfile) {
				return errors.New("no --api: give the platform's API URL with --api on the first sync")
			}
			if err != nil {
				return err
			}
			apiURL = p.APIURL
		}
		desk := session.NewDesk(st, slog.New(slog.DiscardHandler))
		defer func() {
			// Closing flushes the cache: its failure is the command's.
			if cerr := desk.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("close the cache: %w", cerr)
			}
		}()
		live := newLiveLine(env.liveErr())
		res, err := desk.Sync(ctx, session.SyncRequest{
			APIURL:     apiURL,
			Token:      token,
			CAFile:     os.Getenv(EnvCAFile),
			Profile:    *profile,
			OnProgress: live.progress,
			OnIndexing: func() {
				// The index takes about 300 bytes an event: under the sync's
				// limit its build collects garbage without pause (9.6 s for
				// 1,000,000 events, against 2-3 s under the window's).
				if limited {
					debug.SetMemoryLimit(settings.SoftMemoryLimit)
				}
				live.showNow("building the search index…")
			},
		})
		live.end()
		if err != nil {
			if res.Run.Pages > 0 {
				return fmt.Errorf("%s (the %s pages already saved are kept; run sync again to go on)", session.OneLine(err), num(res.Run.Pages))
			}
			return errors.New(session.OneLine(err))
		}
		r, c := res.Run, res.Cache
		// The sync ends by reading the cache into the index: a cache that
		// could not be read whole, or was altered, is not one that "holds"
		// its count of events.
		unread := res.IndexErr
		holds := "the cache holds"
		if unread != nil {
			holds = "the cache counts"
		}
		fmt.Fprintf(env.Stdout, "synced %s: %s new events (%s served, %s duplicates) in %s; %s %s events%s\n",
			termtext.Inline(res.Profile.Name), num(r.New), num(r.Events), num(r.Duplicates),
			r.Finished.Sub(r.Started).Round(time.Millisecond), holds, num(c.Events), span(c.Oldest, c.Newest))
		if unread != nil {
			return fmt.Errorf("the sync is saved, but %s", session.OneLine(unread))
		}
		return nil
	}
}

func openData(flagValue string) (*settings.Store, error) {
	dir, err := settings.ResolveDir(flagValue)
	if err != nil {
		return nil, err
	}
	return settings.Open(dir)
}

// openProfile opens the data dir and the profile (--profile, else the
// most recently synced) for a reading command; the caller closes desk.
func openProfile(data, profile string, opts ...func(*session.Desk)) (*session.Desk, *session.Profile, error) {
	st, err := openData(data)
	if err != nil {
		return nil, nil, err
	}
	desk := session.NewReadingDesk(st, slog.New(slog.DiscardHandler))
	for _, o := range opts {
		o(desk)
	}
	pr, err := desk.Find(profile)
	if err != nil {
		return nil, nil, err
	}
	return desk, pr, nil
}

// cacheWait is how long export and verify wait for a cache another
// AuditDesk holds (the window during a sync or a verify; idle, it holds
// none) before they fail: they read the cache whole, the chain included,
// and never settle for less.
var cacheWait = 30 * time.Second

// waitForCache has the desk wait for the cache (cacheWait), saying so on
// live's line (a terminal's only).
func waitForCache(live *liveLine) func(*session.Desk) {
	return func(d *session.Desk) {
		d.WaitForCache(cacheWait, func() {
			live.show("waiting for the AuditDesk that holds this profile's cache (a sync or a verify) to finish")
		})
	}
}

// liveLine shows a job's progress on one terminal line, at most ten times
// a second and always ending on the last; on anything but a terminal it
// stays silent, so scripts get only the summary. It writes to stderr as
// given (its own \r and erase-line must reach the terminal), so the text
// it shows is made safe here.
type liveLine struct {
	w        io.Writer
	throttle *progress.Throttle[string]
	mu       sync.Mutex // guards shown
	shown    bool
}

func newLiveLine(w io.Writer) *liveLine {
	l := &liveLine{}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			l.w = w
			l.throttle = progress.NewThrottle(100*time.Millisecond, l.write)
		}
	}
	return l
}

func (l *liveLine) progress(p ingest.Progress) {
	if l.w == nil {
		return
	}
	of := ""
	if p.HasTotal {
		of = " of " + num(p.Total)
	}
	wait := ""
	if p.Waiting != "" {
		wait = fmt.Sprintf(" · %s, retrying in %s", strings.ReplaceAll(p.Waiting, "_", " "), time.Until(p.WaitUntil).Round(time.Second))
	}
	l.show(fmt.Sprintf("syncing: %s events%s, %s new, %s pages%s", num(p.Events), of, num(p.New), num(p.Pages), wait))
}

// show replaces the line with text, throttled; nothing on anything but a
// terminal.
func (l *liveLine) show(text string) {
	if l.w != nil {
		l.throttle.Report(text)
	}
}

// showNow is show, at once.
func (l *liveLine) showNow(text string) {
	if l.w != nil {
		l.throttle.Report(text)
		l.throttle.Flush()
	}
}

func (l *liveLine) write(text string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "\r\033[K%s", termtext.Inline(text))
	l.shown = true
}

func (l *liveLine) end() {
	if l.w == nil {
		return
	}
	l.throttle.Stop()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.shown {
		fmt.Fprint(l.w, "\r\033[K")
	}
}

// num formats n with thousands separators.
func num[T ~int | ~int64](n T) string {
	s := fmt.Sprint(int64(n))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func span(from, to time.Time) string {
	if from.IsZero() {
		return ""
	}
	return fmt.Sprintf(" from %s to %s", from.UTC().Format(time.DateOnly), to.UTC().Format(time.DateOnly))
}
