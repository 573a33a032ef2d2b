package auditapi

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// realisticPage builds a page like the platform's: mixed scopes, emails,
// multilingual descriptions of 100-300 bytes with one in fifty near 4 KiB,
// and small details objects. encoding/json (v1) writes it, so it is an
// independent encoder of what we decode.
func realisticPage(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	phrases := []string{
		"Created policy gpu-readonly for the research team, ",
		"Stopped notebook \"train-7\" after the budget alert; ",
		"ワークスペースのGPUクォータを変更しました。",
		"Le portefeuille a été rechargé avec un bon d'achat, ",
		"已停止推理服务，原因：配额不足。",
		"=SUM(A1:A9) looks like a formula, \"quoted\", with a tab\tand a newline\n",
		"Пользователь добавлен в рабочее пространство. ",
		"🚀 deployed model v2 to AI Inference, ",
	}
	scopes := []string{"Organization", "Billing", "Workspace", "Service"}
	type ref struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	type event struct {
		ID          string         `json:"id"`
		Timestamp   string         `json:"timestamp"`
		User        string         `json:"user"`
		Scope       string         `json:"scope"`
		Category    string         `json:"category"`
		Action      string         `json:"action"`
		Target      string         `json:"target"`
		Status      string         `json:"status"`
		Description string         `json:"description"`
		Workspace   *ref           `json:"workspace"`
		SourceIP    string         `json:"source_ip,omitempty"`
		Details     map[string]any `json:"details,omitempty"`
	}
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	evs := make([]event, n)
	for i := range evs {
		size := 100 + r.IntN(200)
		if i%50 == 7 {
			size = 4000
		}
		var d strings.Builder
		for d.Len() < size {
			d.WriteString(phrases[r.IntN(len(phrases))])
		}
		e := event{
			ID:          fmt.Sprintf("evt_01JD3Q2X9Y8K7M6N5P%08d", i),
			Timestamp:   t0.Add(time.Duration(i) * 1337 * time.Millisecond).Format("2006-01-02T15:04:05.000Z"),
			User:        fmt.Sprintf("user%d@example.com", r.IntN(40)),
			Scope:       scopes[r.IntN(len(scopes))],
			Category:    "GPU Container",
			Action:      "Stop Container",
			Target:      fmt.Sprintf("container-%d", r.IntN(1000)),
			Status:      "SUCCESS",
			Description: d.String(),
			SourceIP:    "203.0.113.7",
		}
		if e.Scope == "Workspace" || e.Scope == "Service" {
			e.Workspace = &ref{ID: fmt.Sprintf("ws_%d", r.IntN(8)), Name: "Research 研究"}
		}
		if i%3 == 0 {
			e.Details = map[string]any{"gpu": "A100", "count": r.IntN(8), "reason": "quota", "tags": []string{"a", "b"}}
		}
		if i%10 == 0 {
			e.Status = "FAILED"
		}
		evs[i] = e
	}
	b, err := json.Marshal(map[string]any{"events": evs, "next_cursor": "eyJ0IjoxfQ", "total": 123456})
	if err != nil {
		panic(err)
	}
	return b
}

func TestRealisticPageDecodes(t *testing.T) {
	body := realisticPage(1000, 1)
	p, err := decodePage(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Events) != 1000 || p.Total != 123456 {
		t.Fatalf("%d events, total %d", len(p.Events), p.Total)
	}
}

func BenchmarkDecodePage(b *testing.B) {
	body := realisticPage(1000, 1)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	events := 0
	cpu0 := cpuTime()
	for b.Loop() {
		p, err := decodePage(body)
		if err != nil {
			b.Fatal(err)
		}
		events += len(p.Events)
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
	}
}
