package simulator

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// BenchmarkServePages measures events served per second over real HTTP on
// loopback to a client that only reads the bytes (and finds next_cursor).
func BenchmarkServePages(b *testing.B) {
	s, ts, _ := serve(b, Config{Events: 1_000_000})
	owner := s.Tokens().Owner
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	var buf bytes.Buffer
	cursor := ""
	marker := []byte(`"next_cursor":"`)
	before := s.Stats().EventsServed
	b.ResetTimer()
	for range b.N {
		u := ts.URL + "/v1/audit-logs?limit=1000"
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
		req.Header.Set("Authorization", "Bearer "+owner)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		buf.Reset()
		_, err = io.Copy(&buf, resp.Body)
		_ = resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d, %v", resp.StatusCode, err)
		}
		body := buf.Bytes()
		cursor = ""
		if i := bytes.LastIndex(body, marker); i >= 0 {
			rest := body[i+len(marker):]
			cursor = string(rest[:bytes.IndexByte(rest, '"')])
		}
	}
	served := s.Stats().EventsServed - before
	b.ReportMetric(float64(served)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkEncodePage is the server's share: generating and encoding one
// page of 1000 events, without HTTP.
func BenchmarkEncodePage(b *testing.B) {
	s, err := New(Config{Events: 1_000_000, Clock: func() time.Time { return testNow }})
	if err != nil {
		b.Fatal(err)
	}
	var rec record
	var out []byte
	k := s.k0
	b.ReportAllocs()
	for range b.N {
		out = append(out[:0], `{"events":[`...)
		for range 1000 {
			s.generate(k, &rec)
			out = appendEvent(out, &rec, s.world)
			out = append(out, ',')
			if k++; k == s.k0+s.n {
				k = s.k0
			}
		}
	}
	b.SetBytes(int64(len(out)))
	b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkNew(b *testing.B) {
	for range b.N {
		if _, err := New(Config{Events: 1_000_000, Clock: func() time.Time { return testNow }}); err != nil {
			b.Fatal(err)
		}
	}
}
