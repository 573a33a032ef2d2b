package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/credentials"
	"github.com/auditdesk/auditdesk/backend/settings"
)

func newApp(t *testing.T) *App {
	t.Helper()
	store, err := settings.Open(filepath.Join(t.TempDir(), "data"))
	if err != nil {
		t.Fatal(err)
	}
	return New("1.2.3", store, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Demo: DemoOptions{Disabled: true}})
}

func TestFormatError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want UIError
	}{
		{"no profile, wrapped", fmt.Errorf("refresh: %w", settings.ErrNoProfile), UIError{CodeNoProfile, "refresh: " + settings.ErrNoProfile.Error()}},
		{"busy", ErrBusy, UIError{CodeBusy, ErrBusy.Error()}},
		{"token needed", credentials.ErrTokenNeeded, UIError{CodeTokenNeeded, credentials.ErrTokenNeeded.Error()}},
		{"invalid input", fmt.Errorf("filter: %w", Invalid("scope \"Foo\" is not one of Organization, Billing, Workspace, Service")), UIError{CodeInvalidInput, "filter: scope \"Foo\" is not one of Organization, Billing, Workspace, Service"}},
		{"cancelled", fmt.Errorf("sync: %w", errCancelled), UIError{CodeCancelled, "sync: cancelled"}},
		{"unknown is internal, one line", errors.New("store: read\n  page 3:\tbad"), UIError{CodeInternal, "store: read page 3: bad"}},
		{"empty message", errors.New(" "), UIError{CodeInternal, "unknown error"}},
		{"UIError passes through", &UIError{CodeBusy, "x"}, UIError{CodeBusy, "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := FormatError(tt.err).(string)
			if !ok {
				t.Fatalf("FormatError returned %T, want a JSON string", FormatError(tt.err))
			}
			var got UIError
			if err := json.Unmarshal([]byte(s), &got); err != nil {
				t.Fatalf("FormatError = %q, not JSON: %v", s, err)
			}
			if got != tt.want {
				t.Errorf("FormatError = %+v, want %+v", got, tt.want)
			}
		})
	}
	if FormatError(nil) != nil {
		t.Error("FormatError(nil) != nil")
	}
}

func TestStatusWithoutProfile(t *testing.T) {
	a := newApp(t)
	st, err := a.Profiles.Status()
	if err != nil {
		t.Fatal(err)
	}
	if st.Version != "1.2.3" || st.Profile != nil || st.Events != 0 || st.LastSynced != "" || st.DataDir != a.store.Dir() || st.AutoDemo {
		t.Errorf("Status() = %+v", st)
	}
}

func TestRefreshAndExportNeedProfile(t *testing.T) {
	a := newApp(t)
	if _, err := a.Sync.Refresh(); !errors.Is(err, settings.ErrNoProfile) {
		t.Errorf("Refresh() err = %v, want ErrNoProfile", err)
	}
	if _, err := a.Export.Run(ExportRequest{Path: filepath.Join(t.TempDir(), "x.csv")}); !errors.Is(err, settings.ErrNoProfile) {
		t.Errorf("Export() err = %v, want ErrNoProfile", err)
	}
	if ui := ToUIError(settings.ErrNoProfile); ui.Code != CodeNoProfile {
		t.Errorf("code = %q, want %q", ui.Code, CodeNoProfile)
	}
}

func TestScopesFollowTheDomain(t *testing.T) {
	got, err := newApp(t).Query.Scopes()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(audit.Scopes) {
		t.Fatalf("got %d scopes, want %d", len(got), len(audit.Scopes))
	}
	for i, s := range audit.Scopes {
		if got[i].Scope != s {
			t.Errorf("scope %d = %q, want %q (console order)", i, got[i].Scope, s)
		}
		if len(got[i].Categories) != len(audit.KnownCategories[s]) {
			t.Errorf("%s categories = %v", s, got[i].Categories)
		}
	}
	// The answer is a copy: sorting it must not reorder the domain's list.
	if !reflect.DeepEqual(audit.KnownCategories[audit.ScopeBilling], []string{"Wallet", "Voucher", "Payment", "Plan"}) {
		t.Errorf("Scopes() changed the domain's categories: %v", audit.KnownCategories[audit.ScopeBilling])
	}
}

func TestEnumsCoverTheDomain(t *testing.T) {
	if len(AllScopes) != len(audit.Scopes) || len(AllStatuses) != len(audit.Statuses) || len(AllRoles) != len(audit.Roles) {
		t.Fatal("an enum given to the frontend misses a value of the domain")
	}
	for i, s := range audit.Scopes {
		if AllScopes[i].Value != s {
			t.Errorf("AllScopes[%d] = %q, want %q", i, AllScopes[i].Value, s)
		}
	}
	seen := map[ErrorCode]bool{}
	for _, c := range AllErrorCodes {
		seen[c.Value] = true
	}
	for _, c := range []ErrorCode{CodeInternal, CodeNoProfile, CodeInvalidInput, CodeBusy, CodeCancelled} {
		if !seen[c] {
			t.Errorf("error code %q is not given to the frontend", c)
		}
	}
}

// fakeWindow records what the app asks of the window.
type fakeWindow struct {
	w, h, x, y int
	maximised  bool
	calls      []string
}

func (f *fakeWindow) Size() (int, int)     { return f.w, f.h }
func (f *fakeWindow) Position() (int, int) { return f.x, f.y }
func (f *fakeWindow) IsMaximised() bool    { return f.maximised }
func (f *fakeWindow) SetPosition(x, y int) { f.calls = append(f.calls, fmt.Sprintf("pos %d,%d", x, y)) }
func (f *fakeWindow) Maximise()            { f.calls = append(f.calls, "maximise") }
func (f *fakeWindow) Show()                { f.calls = append(f.calls, "show") }

func TestWindowGeometryRemembered(t *testing.T) {
	a := newApp(t)
	a.win = &fakeWindow{w: 1500, h: 900, x: 120, y: 80}
	a.showWindow()
	if got := a.win.(*fakeWindow).calls; !reflect.DeepEqual(got, []string{"show"}) {
		t.Errorf("first launch: window calls %v, want just show", got)
	}
	if a.BeforeClose(context.Background()) {
		t.Error("BeforeClose prevented closing")
	}

	// Next launch, from the same data dir.
	store, err := settings.Open(a.store.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if w, h := InitialSize(store.Prefs().Window); w != 1500 || h != 900 {
		t.Errorf("InitialSize = %dx%d, want 1500x900", w, h)
	}
	b := New("1.2.3", store, a.log, Options{})
	fw := &fakeWindow{}
	b.win = fw
	b.showWindow()
	if want := []string{"pos 120,80", "show"}; !reflect.DeepEqual(fw.calls, want) {
		t.Errorf("second launch: window calls %v, want %v (placed, then shown)", fw.calls, want)
	}
	if m := fileMode(t, store.SettingsPath()); m != settings.FileMode {
		t.Errorf("settings mode %o", m)
	}
}

func TestMaximisedKeepsNormalGeometry(t *testing.T) {
	a := newApp(t)
	a.win = &fakeWindow{w: 1400, h: 850, x: 10, y: 20}
	a.BeforeClose(context.Background())
	a.win = &fakeWindow{w: 3000, h: 2000, maximised: true}
	a.BeforeClose(context.Background())
	p := a.store.Prefs().Window
	if !p.Maximised || p.Width != 1400 || p.Height != 850 || p.X != 10 {
		t.Errorf("prefs after closing maximised = %+v, want maximised with the normal 1400x850 at 10,20 kept", p)
	}
	fw := &fakeWindow{}
	a.win = fw
	a.showWindow()
	if want := []string{"pos 10,20", "maximise", "show"}; !reflect.DeepEqual(fw.calls, want) {
		t.Errorf("calls %v, want %v", fw.calls, want)
	}
}

func TestInitialSizeRejectsNonsense(t *testing.T) {
	for _, w := range []settings.Window{{}, {Width: 100, Height: 100}, {Width: 99999, Height: 800}, {Width: 1200, Height: -5}} {
		if gw, gh := InitialSize(w); gw != DefaultWidth || gh != DefaultHeight {
			t.Errorf("InitialSize(%+v) = %dx%d, want the default", w, gw, gh)
		}
	}
}

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// recordingEmitter keeps every event it is given.
type recordingEmitter struct {
	mu   sync.Mutex
	got  []any
	name []string
}

func (r *recordingEmitter) Emit(name string, data any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.name = append(r.name, name)
	r.got = append(r.got, data)
}

// named is what was emitted under name, in order.
func (r *recordingEmitter) named(name string) []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []any
	for i, n := range r.name {
		if n == name {
			out = append(out, r.got[i])
		}
	}
	return out
}
