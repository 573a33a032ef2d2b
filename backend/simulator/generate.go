package simulator

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/internal/jsontext"
)

// maxDescription is the contract's bound on a description, in bytes here
// (the schema counts characters; bytes are the stricter reading).
const maxDescription = 4096

// record is one generated event. Its byte slices are scratch space reused
// from event to event, so serving a page allocates nothing per event.
type record struct {
	ms      int64
	id      []byte
	act     *action
	ws      int // -1: none
	user    string
	failed  bool
	target  []byte
	desc    []byte
	ip      []byte
	ua      string
	details []byte
	// What the description said, for the details to say the same: the
	// failure's reason (an index into failReasons, -1 for none), the
	// amount, the GPUs (0 and "" when it named none).
	reason   int
	amount   int64
	gpuType  string
	gpuCount int
}

// generate computes event k into r. Everything is a function of the seed
// and k: the same k always gives the same bytes.
func (s *Server) generate(k int64, r *record) {
	w := s.world
	r.act, r.ws = s.meta(k)
	act := r.act
	r.ms = s.tMs(k)
	r.id = s.appendID(r.id[:0], k, r.ms)
	g := rng{s: s.hash(k, saltContent)}

	r.ip, r.ua = r.ip[:0], ""
	actor := -1
	if g.pct(act.systemPct) {
		r.user = "system"
	} else {
		actor = w.zipfUser(&g)
		r.user = w.users[actor]
		if g.pct(90) {
			r.ip = append(r.ip, w.userIP[actor]...)
		} else {
			r.ip = appendIP(r.ip, &g)
		}
		if g.pct(25) {
			r.ua = g.pick(userAgents)
		}
	}
	r.failed = g.pct(act.failPct)
	lang := 0
	switch x := g.intn(100); {
	case x >= 90:
		lang = 2
	case x >= 78:
		lang = 1
	}
	r.target = s.appendTarget(r.target[:0], &g, act.target, r.ws, actor)

	r.desc = r.desc[:0]
	r.reason, r.amount, r.gpuType, r.gpuCount = -1, 0, "", 0
	switch x := g.intn(1000); {
	case x < 3:
		r.desc = appendLong(r.desc, &g)
	case x < 30:
		r.desc = append(r.desc, g.pick(hostile)...)
	default:
		r.desc = s.appendDescription(r.desc, &g, act, lang, r)
		if r.failed {
			r.desc = append(r.desc, failPrefix[lang]...)
			r.reason = reasonFor(act.details, g.intn(len(failReasons[lang])))
			r.desc = append(r.desc, failReasons[lang][r.reason]...)
			r.desc = append(r.desc, failSuffix[lang]...)
		}
		if lang == 0 && g.pct(3) {
			r.desc = append(r.desc, g.pick([]string{" 🚀", " ✨", " 🔥", " ✅"})...)
		}
	}

	r.details = r.details[:0]
	switch {
	case s.rich && act.details == dkNone:
		r.details = appendRequestDetails(r.details, &g, r)
	case act.details != dkNone && (s.rich || g.pct(40)):
		r.details = s.appendDetails(r.details, &g, act, r)
	}
}

// appendRequestDetails is the details of a Rich event whose action has
// none of its own: where the request came from.
func appendRequestDetails(dst []byte, g *rng, r *record) []byte {
	dst = append(dst, `{"request_id":"req_`...)
	dst = appendCode(dst, g, 20, lowerAlnum)
	dst = append(dst, `","client":`...)
	dst = jsontext.AppendString(dst, g.pick([]string{"console", "cli", "api", "terraform"}))
	if r.failed {
		code := "PERMISSION_DENIED"
		if r.reason >= 0 {
			code = reasonCodes[r.reason] // what the description said
		}
		dst = append(dst, `,"error":{"code":"`...)
		dst = append(dst, code...)
		dst = append(dst, `","retryable":false}`...)
	}
	return append(dst, '}')
}

func (s *Server) appendTarget(dst []byte, g *rng, kind targetKind, ws, actor int) []byte {
	w := s.world
	if kind != tkNone && kind != tkWallet && g.pct(3) {
		return dst // the resource is gone, or the platform did not record it
	}
	switch kind {
	case tkUser:
		u := w.zipfUser(g)
		if u == actor {
			u = (u + 1) % len(w.users)
		}
		return append(dst, w.users[u]...)
	case tkPolicy:
		return append(dst, g.pick(policyNames)...)
	case tkWorkspace:
		return append(dst, w.wsRefs[g.intn(len(w.wsRefs))].Name...)
	case tkWallet:
		if g.pct(50) {
			return dst
		}
		return append(dst, "wallet-main"...)
	case tkVoucher:
		dst = append(dst, "VCH-"...)
		return appendCode(dst, g, 8, crockford)
	case tkCard:
		return append(dst, g.pick(cards)...)
	case tkPlan:
		return append(dst, g.pick(plans)...)
	case tkSetting:
		return append(dst, g.pick(settings)...)
	case tkQuota:
		dst = append(dst, "gpu-quota/"...)
		return append(dst, g.pick(gpuTypes)...)
	case tkNotebook:
		if g.pct(20) {
			dst = append(dst, "nb-"...)
			return appendCode(dst, g, 6, lowerAlnum)
		}
		dst = append(dst, g.pick(notebookStems)...)
		dst = append(dst, '-')
		return appendPadded(dst, 1+g.intn(40))
	case tkContainer:
		if g.pct(30) {
			dst = append(dst, "ctr-"...)
			return appendCode(dst, g, 8, lowerAlnum)
		}
		dst = append(dst, g.pick(containerStems)...)
		dst = append(dst, '-')
		return appendPadded(dst, 1+g.intn(20))
	case tkEndpoint:
		return append(dst, g.pick(endpoints)...)
	case tkAPIKey:
		dst = append(dst, "key_••••"...)
		return appendCode(dst, g, 4, lowerAlnum)
	case tkModel:
		return append(dst, g.pick(models)...)
	}
	return dst
}

func appendCode(dst []byte, g *rng, n int, alphabet string) []byte {
	for range n {
		dst = append(dst, alphabet[g.intn(len(alphabet))])
	}
	return dst
}

func appendPadded(dst []byte, n int) []byte {
	if n < 10 {
		dst = append(dst, '0')
	}
	return strconv.AppendInt(dst, int64(n), 10)
}

// appendGrouped writes n with thousands separators.
func appendGrouped(dst []byte, n int64) []byte {
	if n < 1000 {
		return strconv.AppendInt(dst, n, 10)
	}
	dst = appendGrouped(dst, n/1000)
	r := n % 1000
	dst = append(dst, ',', byte('0'+r/100), byte('0'+r/10%10), byte('0'+r%10))
	return dst
}

var gpuCounts = []int{1, 1, 2, 2, 4, 4, 8, 8, 16}

func (s *Server) appendDescription(dst []byte, g *rng, act *action, lang int, r *record) []byte {
	w := s.world
	for _, p := range act.tpl[lang] {
		switch p.ph {
		case 0:
			dst = append(dst, p.lit...)
		case 't':
			if len(r.target) == 0 {
				dst = append(dst, [3]string{"(deleted)", "（削除済み）", "(đã xóa)"}[lang]...)
			} else {
				dst = append(dst, r.target...)
			}
		case 'o':
			dst = append(dst, w.users[w.zipfUser(g)]...)
		case 'w':
			ws := r.ws
			if ws < 0 {
				ws = g.intn(len(w.wsRefs))
			}
			dst = append(dst, w.wsRefs[ws].Name...)
		case 'g':
			r.gpuType = g.pick(gpuTypes)
			dst = append(dst, r.gpuType...)
		case 'n':
			r.gpuCount = gpuCounts[g.intn(len(gpuCounts))]
			dst = strconv.AppendInt(dst, int64(r.gpuCount), 10)
		case 'r':
			dst = append(dst, g.pick(roleName[lang])...)
		case 'a':
			r.amount = int64(1+g.intn(2000)) * 1000
			dst = append(dst, "¥"...)
			dst = appendGrouped(dst, r.amount)
		case 'c':
			dst = appendGrouped(dst, int64(g.intn(50000)))
			dst = append(dst, '.')
			dst = appendPadded(dst, g.intn(100))
		case 'p':
			dst = append(dst, g.pick(plans)...)
		}
	}
	return dst
}

// appendLong writes a description of exactly the maximum size (or a byte
// or two under it, to end on a whole character).
func appendLong(dst []byte, g *rng) []byte {
	start := len(dst)
	line := []string{
		"Lý do chi tiết — detailed reason, ",
		"詳細な理由の説明です。",
		"\"quoted\", comma, and\ttab; ",
	}
	for n := 1; len(dst)-start < maxDescription; n++ {
		dst = append(dst, line[g.intn(len(line))]...)
		dst = strconv.AppendInt(dst, int64(n), 10)
		dst = append(dst, '\n')
	}
	end := start + maxDescription
	if len(dst) <= end {
		return dst
	}
	for end > start && !utf8.RuneStart(dst[end]) {
		end--
	}
	return dst[:end]
}

func (s *Server) appendDetails(dst []byte, g *rng, act *action, r *record) []byte {
	w := s.world
	dst = append(dst, '{')
	switch act.details {
	case dkMember:
		dst = append(dst, `"role":`...)
		dst = jsontext.AppendString(dst, g.pick(roleName[0]))
		dst = append(dst, `,"previous_role":`...)
		dst = jsontext.AppendString(dst, g.pick(roleName[0]))
		dst = append(dst, `,"invited_by":`...)
		dst = jsontext.AppendString(dst, w.users[w.zipfUser(g)])
	case dkPolicy:
		dst = append(dst, `"policy_id":"pol_`...)
		dst = appendCode(dst, g, 10, lowerAlnum)
		dst = append(dst, `","version":`...)
		dst = strconv.AppendInt(dst, int64(1+g.intn(30)), 10)
		if g.pct(3) {
			dst = appendPolicyDocument(dst, g, w)
		} else {
			dst = append(dst, `,"effect":"Allow","resources":["workspace/*","notebook/*"]`...)
		}
	case dkBilling:
		// The description's amount, when it gave one (the draw is made
		// either way, so that the rest of the event stays as it was).
		amount := int64(1+g.intn(2000)) * 1000
		if r.amount != 0 {
			amount = r.amount
		}
		dst = append(dst, `"amount":`...)
		dst = strconv.AppendInt(dst, amount, 10)
		dst = append(dst, `,"currency":"JPY","invoice_id":"INV-`...)
		dst = strconv.AppendInt(dst, int64(2024+g.intn(3)), 10)
		dst = append(dst, '-')
		dst = appendCode(dst, g, 6, "0123456789")
		dst = append(dst, `","balance_after":`...)
		dst = strconv.AppendFloat(dst, float64(g.intn(10_000_000))/100, 'f', 2, 64)
	case dkSettings:
		dst = append(dst, `"key":`...)
		dst = jsontext.AppendString(dst, r.target)
		dst = append(dst, `,"old":`...)
		dst = jsontext.AppendString(dst, strconv.Itoa(15*(1+g.intn(8)))+"m")
		dst = append(dst, `,"new":`...)
		dst = jsontext.AppendString(dst, strconv.Itoa(15*(1+g.intn(8)))+"m")
		if g.pct(3) {
			dst = appendPolicyDocument(dst, g, w)
		}
	case dkGPU:
		gpuType, gpuCount := g.pick(gpuTypes), gpuCounts[g.intn(len(gpuCounts))]
		if r.gpuType != "" {
			gpuType = r.gpuType
		}
		if r.gpuCount != 0 {
			gpuCount = r.gpuCount
		}
		dst = append(dst, `"gpu_type":`...)
		dst = jsontext.AppendString(dst, gpuType)
		dst = append(dst, `,"gpu_count":`...)
		dst = strconv.AppendInt(dst, int64(gpuCount), 10)
		dst = append(dst, `,"region":`...)
		dst = jsontext.AppendString(dst, g.pick([]string{"ap-northeast-1", "ap-southeast-1", "jp-osaka-1", "vn-hanoi-1"}))
		dst = append(dst, `,"spot":`...)
		dst = strconv.AppendBool(dst, g.pct(30))
	case dkEndpoint:
		dst = append(dst, `"model":`...)
		dst = jsontext.AppendString(dst, g.pick(models))
		dst = append(dst, `,"replicas":`...)
		dst = strconv.AppendInt(dst, int64(1+g.intn(8)), 10)
		dst = append(dst, `,"autoscale":{"min":1,"max":`...)
		dst = strconv.AppendInt(dst, int64(8+g.intn(24)), 10)
		dst = append(dst, `},"tags":{"team":`...)
		dst = jsontext.AppendString(dst, w.wsRefs[g.intn(len(w.wsRefs))].Name)
		dst = append(dst, `,"cost_center":null}`...)
	}
	if r.failed {
		code := g.pick([]string{"QUOTA_EXCEEDED", "PERMISSION_DENIED", "INTERNAL", "TIMEOUT"})
		if r.reason >= 0 {
			code = reasonCodes[r.reason] // what the description said
		}
		dst = append(dst, `,"error":{"code":"`...)
		dst = append(dst, code...)
		dst = append(dst, `","retryable":`...)
		dst = strconv.AppendBool(dst, g.pct(50))
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

// appendPolicyDocument writes a large "document" member: 8 to 15.5 KiB, so
// some events carry details near the contract's 16 KiB bound.
func appendPolicyDocument(dst []byte, g *rng, w *world) []byte {
	start := len(dst)
	want := 8<<10 + g.intn(7<<10)
	dst = append(dst, `,"document":{"Version":"2026-01-01","Statement":[`...)
	for i := 0; len(dst)-start < want; i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"Sid":"s`...)
		dst = strconv.AppendInt(dst, int64(i), 10)
		dst = append(dst, `","Effect":`...)
		dst = jsontext.AppendString(dst, g.pick([]string{"Allow", "Deny"}))
		dst = append(dst, `,"Action":["notebook:Start","notebook:Stop","container:*"],"Resource":`...)
		dst = jsontext.AppendString(dst, "workspace/"+w.wsRefs[g.intn(len(w.wsRefs))].ID+"/*")
		dst = append(dst, `,"Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"},"Comment":`...)
		dst = jsontext.AppendString(dst, g.pick(hostile[:8]))
		dst = append(dst, `}}`...)
	}
	return append(dst, `]}`...)
}

// event converts a record into the domain type, copying the scratch bytes.
func (r *record) event(w *world) audit.Event {
	e := audit.Event{
		ID:          string(r.id),
		Time:        time.UnixMilli(r.ms).UTC(),
		User:        r.user,
		Scope:       r.act.scope,
		Category:    r.act.category,
		Action:      r.act.name,
		Target:      string(r.target),
		Status:      audit.StatusSuccess,
		Description: string(r.desc),
		SourceIP:    string(r.ip),
	}
	if r.failed {
		e.Status = audit.StatusFailed
	}
	if r.ws >= 0 {
		ref := w.wsRefs[r.ws]
		e.Workspace = &ref
	}
	if len(r.details) > 0 {
		e.Details = append([]byte(nil), r.details...)
	}
	return e
}
