package importer

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Whatever a file holds, reading it is an error or events, never a panic;
// every event read has an ID and a time, and the report counts them.
func FuzzReadFile(f *testing.F) {
	f.Add([]byte("Timestamp,User,Scope,Category,Action,Target,Status,Description\r\n2026-11-05 09:03:07,a@x,Service,AI Notebook,Start,nb,SUCCESS,\"q\"\"uote\"\r\n"))
	f.Add([]byte("タイムスタンプ\tユーザー\tスコープ\tカテゴリ\tアクション\tターゲット\tステータス\t説明\n2026/11/05 9:03\ta\t組織\tx\ty\tz\t失敗\t説明\n"))
	f.Add([]byte(`{"id":"e1","timestamp":"2026-11-05T09:03:07.123Z","user":"u","scope":"Billing","category":"c","action":"a","target":"t","status":"FAILED","description":"d"}` + "\n"))
	f.Add([]byte(`[{"events":[],"next_cursor":null}]`))
	f.Add([]byte("\xef\xbb\xbfTimestamp;User;Scope;Category;Action;Target;Status;Description\n46331.5;u;Service;c;a;t;SUCCESS;d\n"))
	f.Add([]byte("\x89PNG\r\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "in")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		n := 0
		_, rep, err := ReadFile(context.Background(), p, Options{}, true, func(e audit.Event, line int) error {
			if e.ID == "" || e.Time.IsZero() || line < 1 {
				t.Fatalf("event %+v at line %d", e, line)
			}
			n++
			return nil
		})
		if err == nil && rep.Rows != n {
			t.Fatalf("report counts %d rows, %d were given", rep.Rows, n)
		}
	})
}
