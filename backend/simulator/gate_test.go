//go:build unix

package simulator

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A sync paced through a named pipe: a page per byte written, /v1/me never
// held, and every page once the writer closes its end.
func TestFileGateReleasesAPageAByteThenEveryPage(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "gate")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	s, ts, _ := serve(t, Config{Events: 300, Gate: FileGate(fifo)})
	tok := s.Tokens().Owner
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0) // returns once the gate reads it
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.Close() }()

	if r := get(t, ts.URL, "/v1/me", tok, nil); r.status != http.StatusOK {
		t.Fatalf("/v1/me behind the gate: %d", r.status)
	}
	page := func() <-chan response {
		ch := make(chan response, 1)
		go func() { ch <- get(t, ts.URL, "/v1/audit-logs", tok, url.Values{"limit": {"100"}}) }()
		return ch
	}
	// held waits until the request waits at the gate, then checks it is still unanswered.
	held := func(ch <-chan response) {
		t.Helper()
		for end := time.Now().Add(10 * time.Second); s.Stats().Held != 1; {
			if time.Now().After(end) {
				t.Fatal("no request waits at the gate")
			}
			time.Sleep(time.Millisecond)
		}
		select {
		case r := <-ch:
			t.Fatalf("a page went out before its byte: %d", r.status)
		default:
		}
	}

	first := page()
	held(first)
	if _, err := w.Write([]byte{1}); err != nil {
		t.Fatal(err)
	}
	if r := <-first; r.status != http.StatusOK {
		t.Fatalf("the released page: %d", r.status)
	}
	second := page()
	held(second)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []<-chan response{second, page(), page()} {
		if r := <-ch; r.status != http.StatusOK {
			t.Fatalf("a page after the writer closed: %d", r.status)
		}
	}
	if n := s.Stats().Held; n != 0 {
		t.Errorf("%d requests still held", n)
	}
}
