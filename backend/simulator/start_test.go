package simulator

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestStartRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0", "example.com:80"} {
		r, err := Start(context.Background(), addr, Config{Events: 10})
		if err == nil {
			_ = r.Close()
			t.Errorf("Start(%q) served", addr)
		} else if !errors.Is(err, ErrNotLoopback) {
			t.Errorf("Start(%q): %v, want ErrNotLoopback", addr, err)
		}
	}
	if _, err := Start(context.Background(), "no-port", Config{}); err == nil {
		t.Error("Start without a port")
	}
}

func TestStartServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, err := Start(ctx, "127.0.0.1:0", Config{Events: 500, Clock: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	res := syncAll(t, r.URL, r.Server.Tokens().Owner, nil, 100)
	if err := sameEvents(res.events, r.Server.Visible(r.Server.Tokens().Owner, testNow)); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-r.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("still serving after cancel")
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close after cancel: %v", err)
	}
	if resp := get(t, r.URL, "/v1/me", r.Server.Tokens().Owner, nil); resp.err == nil {
		t.Errorf("answered %d after Close", resp.status)
	}
}

func TestStartLocalhost(t *testing.T) {
	r, err := Start(context.Background(), "localhost:0", Config{Events: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Close() }()
	if resp := get(t, r.URL, "/v1/me", r.Server.Tokens().Owner, nil); resp.status != http.StatusOK {
		t.Errorf("/v1/me: %d %v", resp.status, resp.err)
	}
}
