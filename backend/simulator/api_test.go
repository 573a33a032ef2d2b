package simulator

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

func TestPagingYieldsVisible(t *testing.T) {
	s, ts, _ := serve(t, Config{Events: 20000, Seed: 3})
	want := s.Visible(s.Tokens().Owner, testNow)
	if len(want) != 20000 {
		t.Fatalf("Visible(owner) = %d events, want all 20000", len(want))
	}
	for _, limit := range []int{1000, 137} {
		res := syncAll(t, ts.URL, s.Tokens().Owner, nil, limit)
		if res.raw != len(res.events) {
			t.Errorf("limit %d: %d events served, %d distinct: duplicates without faults", limit, res.raw, len(res.events))
		}
		if err := sameEvents(res.events, want); err != nil {
			t.Fatalf("limit %d: %v", limit, err)
		}
		for i, p := range res.pages {
			if len(p.Events) > limit {
				t.Errorf("page %d has %d events, limit %d", i, len(p.Events), limit)
			}
			if i < len(res.pages)-1 && len(p.Events) != limit {
				t.Errorf("page %d short (%d) without the ShortPages fault", i, len(p.Events))
			}
			if i > 0 && p.Total != nil {
				t.Errorf("page %d carries total", i)
			}
		}
		if tot := res.pages[0].Total; tot != nil && *tot != 20000 {
			t.Errorf("total %d, want 20000", *tot)
		}
	}
	// The default limit is 100.
	p := decodePage(t, get(t, ts.URL, "/v1/audit-logs", s.Tokens().Owner, nil))
	if len(p.Events) != DefaultLimit || p.NextCursor == nil {
		t.Errorf("default page: %d events, cursor %v", len(p.Events), p.NextCursor)
	}
}

func TestWorkspaceAdminSeesOnlyItsWorkspaces(t *testing.T) {
	s, ts, _ := serve(t, Config{Events: 20000, Seed: 5})
	tok := s.Tokens()
	id, ok := s.Identity(tok.WorkspaceAdmin)
	if !ok || id.Role != audit.RoleWorkspaceAdmin || len(id.Workspaces) < 2 || len(id.Workspaces) > 3 {
		t.Fatalf("admin identity %+v", id)
	}
	mine := map[string]bool{}
	for _, w := range id.Workspaces {
		mine[w.ID] = true
	}
	want := s.Visible(tok.WorkspaceAdmin, testNow)
	if len(want) < 500 || len(want) > 15000 {
		t.Fatalf("admin may see %d of 20000 events", len(want))
	}
	res := syncAll(t, ts.URL, tok.WorkspaceAdmin, nil, 1000)
	if err := sameEvents(res.events, want); err != nil {
		t.Fatal(err)
	}
	for _, e := range res.events {
		if e.Workspace == nil || !mine[e.Workspace.ID] {
			t.Fatalf("admin served %s (%s, workspace %v)", e.ID, e.Scope, e.Workspace)
		}
	}
	if tot := res.pages[0].Total; tot != nil && *tot != int64(len(want)) {
		t.Errorf("admin total %d, want %d", *tot, len(want))
	}

	// Owner, filtered by one workspace; admin, on one of its own.
	ws := id.Workspaces[0].ID
	var inWS []audit.Event
	for _, e := range s.Visible(tok.Owner, testNow) {
		if e.Workspace != nil && e.Workspace.ID == ws {
			inWS = append(inWS, e)
		}
	}
	for _, token := range []string{tok.Owner, tok.WorkspaceAdmin} {
		res := syncAll(t, ts.URL, token, url.Values{"workspace_id": {ws}}, 333)
		if err := sameEvents(res.events, inWS); err != nil {
			t.Errorf("workspace_id filter: %v", err)
		}
	}

	// Another workspace is forbidden to the admin, an unknown one is not found.
	for _, w := range s.Workspaces() {
		if !mine[w.ID] {
			r := get(t, ts.URL, "/v1/audit-logs", tok.WorkspaceAdmin, url.Values{"workspace_id": {w.ID}})
			if code := errorCode(t, r, http.StatusForbidden); code != "forbidden" {
				t.Errorf("code %q", code)
			}
			break
		}
	}
	r := get(t, ts.URL, "/v1/audit-logs", tok.Owner, url.Values{"workspace_id": {"ws_nope"}})
	if code := errorCode(t, r, http.StatusNotFound); code != "not_found" {
		t.Errorf("code %q", code)
	}
}

func TestAuthAndMe(t *testing.T) {
	s, ts, _ := serve(t, Config{Events: 100})
	tok := s.Tokens()
	for _, c := range []struct {
		token string
		role  audit.Role
		nws   int
	}{
		{tok.Owner, audit.RoleOrganizationOwner, len(s.Workspaces())},
		{tok.WorkspaceAdmin, audit.RoleWorkspaceAdmin, -1},
		{tok.Member, audit.RoleWorkspaceMember, 0},
	} {
		r := get(t, ts.URL, "/v1/me", c.token, nil)
		if r.status != http.StatusOK {
			t.Fatalf("/v1/me %s: %d %s", c.role, r.status, r.body)
		}
		var me audit.Identity
		if err := json.Unmarshal(r.body, &me); err != nil {
			t.Fatal(err)
		}
		want, _ := s.Identity(c.token)
		if me.Role != c.role || me.User != want.User || me.Organization != want.Organization ||
			len(me.Workspaces) != len(want.Workspaces) || me.Workspaces == nil {
			t.Errorf("/v1/me = %+v, want %+v", me, want)
		}
		if c.nws >= 0 && len(me.Workspaces) != c.nws {
			t.Errorf("%s lists %d workspaces, want %d", c.role, len(me.Workspaces), c.nws)
		}
		if !strings.HasPrefix(me.Organization.ID, "org_") || me.Organization.Name == "" {
			t.Errorf("organization %+v", me.Organization)
		}
	}
	if code := errorCode(t, get(t, ts.URL, "/v1/audit-logs", tok.Member, nil), http.StatusForbidden); code != "forbidden" {
		t.Errorf("member: code %q", code)
	}
	for _, bad := range []string{"", "adk_wrong", tok.Owner + "x"} {
		for _, path := range []string{"/v1/audit-logs", "/v1/me"} {
			if code := errorCode(t, get(t, ts.URL, path, bad, nil), http.StatusUnauthorized); code != "unauthenticated" {
				t.Errorf("token %q on %s: code %q", bad, path, code)
			}
		}
	}
	if s.Visible(tok.Member, testNow) != nil || s.Visible("nope", testNow) != nil {
		t.Error("Visible for a token that may not read is not nil")
	}
	if _, ok := s.Identity("nope"); ok {
		t.Error("Identity of an unknown token")
	}
}

func TestParameterValidation(t *testing.T) {
	s, ts, _ := serve(t, Config{Events: 2000})
	owner := s.Tokens().Owner
	first := decodePage(t, get(t, ts.URL, "/v1/audit-logs", owner, url.Values{"limit": {"10"}}))
	good := *first.NextCursor
	garbled := []byte(good)
	garbled[len(garbled)/2] ^= 1
	for _, c := range []struct {
		name   string
		params url.Values
	}{
		{"limit 0", url.Values{"limit": {"0"}}},
		{"limit 1001", url.Values{"limit": {"1001"}}},
		{"limit -5", url.Values{"limit": {"-5"}}},
		{"limit abc", url.Values{"limit": {"abc"}}},
		{"limit 1.5", url.Values{"limit": {"1.5"}}},
		{"since not a time", url.Values{"since": {"yesterday"}}},
		{"since without zone", url.Values{"since": {"2026-01-01T00:00:00"}}},
		{"until a date only", url.Values{"until": {"2026-01-01"}}},
		{"since after until", url.Values{"since": {"2026-02-01T00:00:00Z"}, "until": {"2026-01-01T00:00:00Z"}}},
		{"garbled cursor", url.Values{"cursor": {string(garbled)}}},
		{"truncated cursor", url.Values{"cursor": {good[:len(good)-2]}}},
		{"not base64", url.Values{"cursor": {"!!!not-a-cursor!!!"}}},
		{"good cursor, bad limit", url.Values{"cursor": {good}, "limit": {"5000"}}},
	} {
		r := get(t, ts.URL, "/v1/audit-logs", owner, c.params)
		if code := errorCode(t, r, http.StatusBadRequest); code != "invalid_request" {
			t.Errorf("%s: code %q", c.name, code)
		}
	}
	if code := errorCode(t, get(t, ts.URL, "/v1/nothing", owner, nil), http.StatusNotFound); code != "not_found" {
		t.Errorf("unknown path: %q", code)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, ts.URL+"/v1/audit-logs", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
	// limit 1 and 1000 are in range.
	for _, l := range []string{"1", "1000"} {
		decodePage(t, get(t, ts.URL, "/v1/audit-logs", owner, url.Values{"limit": {l}}))
	}
}

func TestSinceUntilAndCursorCarriesQuery(t *testing.T) {
	s, ts, _ := serve(t, Config{Events: 5000, Seed: 11})
	owner := s.Tokens().Owner
	all := s.Visible(owner, testNow)
	since, until := all[1000].Time, all[3000].Time
	var want []audit.Event
	for _, e := range all {
		if !e.Time.Before(since) && e.Time.Before(until) {
			want = append(want, e)
		}
	}
	params := url.Values{"since": {since.Format(time.RFC3339Nano)}, "until": {until.Format(time.RFC3339Nano)}}
	res := syncAll(t, ts.URL, owner, params, 250)
	if err := sameEvents(res.events, want); err != nil {
		t.Fatal(err)
	}
	if res.events[0].ID != all[1000].ID {
		t.Error("since is not inclusive")
	}
	if tot := res.pages[0].Total; tot != nil && *tot != int64(len(want)) {
		t.Errorf("total %d, want %d", *tot, len(want))
	}
	// An offset other than Z means the same instant; a bound a nanosecond
	// after an event excludes it from since.
	jst := time.FixedZone("JST", 9*3600)
	p := decodePage(t, get(t, ts.URL, "/v1/audit-logs", owner, url.Values{
		"since": {since.In(jst).Format(time.RFC3339Nano)}, "limit": {"1"},
	}))
	if p.Events[0].ID != all[1000].ID {
		t.Errorf("since in JST: first %s, want %s", p.Events[0].ID, all[1000].ID)
	}
	p = decodePage(t, get(t, ts.URL, "/v1/audit-logs", owner, url.Values{
		"since": {since.Add(time.Nanosecond).Format(time.RFC3339Nano)}, "limit": {"1"},
	}))
	if p.Events[0].ID == all[1000].ID {
		t.Error("since one nanosecond after an event still includes it")
	}

	// With a cursor, other parameters are ignored: the cursor carries them.
	first := decodePage(t, get(t, ts.URL, "/v1/audit-logs", owner, url.Values{"since": params["since"], "limit": {"10"}}))
	a := decodePage(t, get(t, ts.URL, "/v1/audit-logs", owner, url.Values{"cursor": {*first.NextCursor}, "limit": {"10"}}))
	b := decodePage(t, get(t, ts.URL, "/v1/audit-logs", owner, url.Values{
		"cursor": {*first.NextCursor}, "limit": {"10"}, "since": {"2000-01-01T00:00:00Z"}, "workspace_id": {"ws_nope"},
	}))
	if a.Events[0].ID != all[1010].ID || b.Events[0].ID != a.Events[0].ID {
		t.Errorf("cursor page starts at %s / %s, want %s", a.Events[0].ID, b.Events[0].ID, all[1010].ID)
	}

	// An empty window is one empty last page.
	p = decodePage(t, get(t, ts.URL, "/v1/audit-logs", owner, url.Values{"since": {testNow.Add(time.Hour).Format(time.RFC3339)}}))
	if len(p.Events) != 0 || p.NextCursor != nil {
		t.Errorf("future window: %d events, cursor %v", len(p.Events), p.NextCursor)
	}
}

func TestCursorExpiresByClock(t *testing.T) {
	s, ts, clk := serve(t, Config{Events: 2000, CursorTTL: 5 * time.Minute})
	owner := s.Tokens().Owner
	p := decodePage(t, get(t, ts.URL, "/v1/audit-logs", owner, url.Values{"limit": {"10"}}))
	clk.Advance(5 * time.Minute)
	p2 := decodePage(t, get(t, ts.URL, "/v1/audit-logs", owner, url.Values{"cursor": {*p.NextCursor}}))
	clk.Advance(time.Millisecond)
	r := get(t, ts.URL, "/v1/audit-logs", owner, url.Values{"cursor": {*p.NextCursor}})
	if code := errorCode(t, r, http.StatusGone); code != "cursor_expired" {
		t.Errorf("code %q", code)
	}
	// The cursor of the page served at +5m is fresh: its age counts from then.
	decodePage(t, get(t, ts.URL, "/v1/audit-logs", owner, url.Values{"cursor": {*p2.NextCursor}}))
	if st := s.Stats(); st.ExpiredByClock != 1 || st.ExpiredByFault != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestFutureEventsInvisible(t *testing.T) {
	// The clock goes back an hour after New: the last hour's events are in
	// its future and must not be served.
	s, ts, clk := serve(t, Config{Events: 10000, Span: 48 * time.Hour})
	clk.Advance(-time.Hour)
	owner := s.Tokens().Owner
	res := syncAll(t, ts.URL, owner, nil, 1000)
	want := s.Visible(owner, clk.Now())
	if err := sameEvents(res.events, want); err != nil {
		t.Fatal(err)
	}
	if len(want) == 10000 || len(want) < 7500 {
		t.Fatalf("%d of 10000 visible an hour before the end", len(want))
	}
	for _, e := range res.events {
		if e.Time.After(clk.Now()) {
			t.Fatalf("served %s from the future (%v)", e.ID, e.Time)
		}
	}
}

// total is optional: present for most windows, right when present.
func TestTotal(t *testing.T) {
	s, ts, _ := serve(t, Config{Events: 5000, Seed: 2})
	tok := s.Tokens()
	present, absent := 0, 0
	for _, token := range []string{tok.Owner, tok.WorkspaceAdmin} {
		all := s.Visible(token, testNow)
		for i := 0; i < len(all); i += len(all) / 20 {
			since := all[i].Time
			r := get(t, ts.URL, "/v1/audit-logs", token, url.Values{"since": {since.Format(time.RFC3339Nano)}, "limit": {"5"}})
			p := decodePage(t, r)
			if p.Total == nil {
				absent++
				continue
			}
			present++
			want := 0
			for _, e := range all {
				if !e.Time.Before(since) {
					want++
				}
			}
			if *p.Total != int64(want) {
				t.Errorf("since %v: total %d, want %d", since, *p.Total, want)
			}
		}
	}
	if present < absent*3 || absent == 0 {
		t.Errorf("total present %d times, absent %d", present, absent)
	}
}

// A cursor belongs to its world: another seed or size rejects it.
func TestCursorOfAnotherWorld(t *testing.T) {
	a, tsA, _ := serve(t, Config{Events: 1000, Seed: 1})
	_, tsB, _ := serve(t, Config{Events: 2000, Seed: 1})
	p := decodePage(t, get(t, tsA.URL, "/v1/audit-logs", a.Tokens().Owner, url.Values{"limit": {"10"}}))
	r := get(t, tsB.URL, "/v1/audit-logs", a.Tokens().Owner, url.Values{"cursor": {*p.NextCursor}})
	if code := errorCode(t, r, http.StatusBadRequest); code != "invalid_request" {
		t.Errorf("code %q", code)
	}
}

// A restarted server (another Epoch) no longer knows the cursors of its
// previous life, but serves the same events; the same Epoch keeps them.
func TestCursorOfAnotherEpoch(t *testing.T) {
	a, tsA, _ := serve(t, Config{Events: 1000})
	same, tsSame, _ := serve(t, Config{Events: 1000})
	restarted, tsRestarted, _ := serve(t, Config{Events: 1000, Epoch: 1})
	owner := a.Tokens().Owner
	p := decodePage(t, get(t, tsA.URL, "/v1/audit-logs", owner, url.Values{"limit": {"10"}}))
	cursor := url.Values{"cursor": {*p.NextCursor}}
	decodePage(t, get(t, tsSame.URL, "/v1/audit-logs", owner, cursor))
	r := get(t, tsRestarted.URL, "/v1/audit-logs", owner, cursor)
	if code := errorCode(t, r, http.StatusBadRequest); code != "invalid_request" || !strings.Contains(string(r.body), "cursor") {
		t.Errorf("old cursor on the restarted server: %s", r.body)
	}
	if err := sameEvents(restarted.Visible(owner, testNow), same.Visible(owner, testNow)); err != nil {
		t.Errorf("another epoch serves other events: %v", err)
	}
}
