// Command pagereader is the first sync's peer in make bench-e2e: a plain
// client of the Audit Log API (shared/api) that reads every page of the
// last 13 months, one after the other, and decodes each with
// encoding/json into typed events, keeping nothing. A sync can be no
// faster than this without overlapping its work; it says how many events
// and bytes it read.
//
//	AUDITDESK_TOKEN=... go run ./.ci/pagereader -api http://127.0.0.1:8787
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"
)

type event struct {
	ID          string          `json:"id"`
	Timestamp   time.Time       `json:"timestamp"`
	User        string          `json:"user"`
	Scope       string          `json:"scope"`
	Category    string          `json:"category"`
	Action      string          `json:"action"`
	Target      string          `json:"target"`
	Status      string          `json:"status"`
	Description string          `json:"description"`
	Workspace   *ref            `json:"workspace"`
	SourceIP    string          `json:"source_ip"`
	Details     json.RawMessage `json:"details"`
}

type ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type page struct {
	Events     []event `json:"events"`
	NextCursor *string `json:"next_cursor"`
}

func main() {
	api := flag.String("api", "", "the API's base URL")
	flag.Parse()
	if err := run(context.Background(), *api, os.Getenv("AUDITDESK_TOKEN")); err != nil {
		fmt.Fprintln(os.Stderr, "pagereader:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, api, token string) error {
	if api == "" || token == "" {
		return errors.New("give -api URL and the token in AUDITDESK_TOKEN")
	}
	q := url.Values{"limit": {"1000"}, "since": {time.Now().AddDate(0, -13, 0).UTC().Format(time.RFC3339)}}
	var events, bytes, pages int
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, api+"/v1/audit-logs?"+q.Encode(), nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %.200s", resp.Status, body)
		}
		var p page
		if err := json.Unmarshal(body, &p); err != nil {
			return err
		}
		events += len(p.Events)
		bytes += len(body)
		pages++
		if p.NextCursor == nil {
			break
		}
		q = url.Values{"limit": {"1000"}, "cursor": {*p.NextCursor}}
	}
	fmt.Printf("read %d events in %d pages, %d bytes of JSON (%d an event)\n", events, pages, bytes, bytes/max(events, 1))
	return nil
}
