package simulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Running is a simulator serving on a loopback address.
type Running struct {
	URL    string // base URL, e.g. http://127.0.0.1:38211
	Server *Server

	srv       *http.Server
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
	serveErr  error
}

// ErrNotLoopback is returned by Start for an address other hosts could reach.
var ErrNotLoopback = errors.New("simulator: address is not loopback")

// Start builds a simulator and serves it on addr, which must name a
// loopback host ("127.0.0.1:0" picks a free port; "localhost" means
// 127.0.0.1). It serves until ctx is done or Close is called.
func Start(ctx context.Context, addr string, cfg Config) (*Running, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("simulator: address %q: %w", addr, err)
	}
	if host == "localhost" {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("%w: %q", ErrNotLoopback, addr)
	}
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, fmt.Errorf("simulator: listen: %w", err)
	}
	r := &Running{
		URL:    "http://" + ln.Addr().String(),
		Server: s,
		srv: &http.Server{
			Handler:           s.Handler(),
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       2 * time.Minute,
		},
		done: make(chan struct{}),
	}
	go func() {
		defer close(r.done)
		if err := r.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			r.serveErr = err
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = r.Close()
		case <-r.done:
		}
	}()
	return r, nil
}

// Close stops serving: it waits up to a second for requests in flight, then
// cuts the rest. It is safe to call more than once.
func (r *Running) Close() error {
	r.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := r.srv.Shutdown(ctx); err != nil {
			r.closeErr = r.srv.Close()
		}
		<-r.done
		if r.closeErr == nil {
			r.closeErr = r.serveErr
		}
	})
	return r.closeErr
}

// Done is closed when the server has stopped serving.
func (r *Running) Done() <-chan struct{} { return r.done }
