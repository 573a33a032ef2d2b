package simulator

import (
	"math"
	"strconv"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// The world: one organization, its workspaces and its users, all derived
// from the seed. O(workspaces + users) memory.

type orgProfile struct {
	name    string
	domains []string
}

var orgs = []orgProfile{
	{"Sakura AI Labs", []string{"sakura-ai.co.jp", "sakura-ai.vn"}},
	{"Mekong Compute JSC", []string{"mekongcompute.vn", "mekongcompute.jp"}},
	{"Fuji Deep Learning K.K.", []string{"fujidl.jp", "partners.fujidl.jp"}},
	{"Lotus Vision", []string{"lotusvision.ai", "lotusvision.com.vn"}},
}

var workspaceNames = []string{
	"ml-research", "prod-inference", "データ分析チーム", "推論基盤", "Phòng Nghiên cứu AI",
	"Nhóm Dữ liệu Hà Nội", "vision-team", "llm-finetune", "staging", "sandbox",
	"音声認識プロジェクト", "recsys", "Trí tuệ nhân tạo Sài Gòn", "robotics-sim", "生成AI PoC", "fraud-detection",
}

var (
	firstNames = []string{
		"haruto", "yui", "sota", "hina", "ren", "aoi", "yuto", "mei", "kenji", "sakura", "takumi", "rin",
		"minh", "linh", "huy", "trang", "duc", "thao", "nam", "hoa", "tuan", "mai", "khanh", "phuong",
		"alice", "bob", "carol", "dave", "emma", "frank", "grace", "henry", "ivy", "jack",
	}
	lastNames = []string{
		"tanaka", "suzuki", "sato", "takahashi", "watanabe", "ito", "yamamoto", "nakamura",
		"nguyen", "tran", "le", "pham", "hoang", "vu", "dang", "bui",
		"smith", "jones", "brown", "lee", "garcia", "miller",
	}
)

const (
	userCount   = 300
	wsTableSize = 4096
)

type person struct {
	token string
	user  string
	role  audit.Role
	admin []bool // by workspace index, for WORKSPACE_ADMIN
}

type world struct {
	org     audit.Ref
	wsRefs  []audit.Ref
	wsTable [wsTableSize]uint8 // weighted pick of a workspace
	users   []string
	userCum []float64 // Zipf: cumulative share of users[:i+1]
	userIP  []string
	people  [3]person // owner, workspace admin, member
}

// rng is a deterministic stream: splitmix64 from a seed.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// intn returns a number in [0, n).
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// pct reports true with probability p percent.
func (r *rng) pct(p int) bool { return r.intn(100) < p }

func (r *rng) pick(list []string) string { return list[r.intn(len(list))] }

func newWorld(seed uint64) *world {
	r := rng{s: mix(seed ^ 0x0b5e55ed)}
	w := &world{}
	org := orgs[r.intn(len(orgs))]
	w.org = audit.Ref{ID: "org_" + token(&r, 12), Name: org.name}

	names := append([]string(nil), workspaceNames...)
	shuffle(&r, names)
	nws := 8 + r.intn(5)
	weights := make([]float64, nws)
	total := 0.0
	for i := range nws {
		w.wsRefs = append(w.wsRefs, audit.Ref{ID: "ws_" + token(&r, 10), Name: names[i]})
		weights[i] = 1 / math.Pow(float64(i+1), 0.8)
		total += weights[i]
	}
	j, cum := 0, weights[0]
	for i := range wsTableSize {
		x := (float64(i) + 0.5) / wsTableSize * total
		for j < nws-1 && x >= cum {
			j++
			cum += weights[j]
		}
		w.wsTable[i] = uint8(j)
	}

	seen := map[string]bool{}
	for len(w.users) < userCount {
		local := r.pick(firstNames) + "." + r.pick(lastNames)
		if seen[local] {
			local += strconv.Itoa(2 + r.intn(98))
			if seen[local] {
				continue
			}
		}
		seen[local] = true
		domain := org.domains[0]
		if r.pct(30) {
			domain = org.domains[1]
		}
		w.users = append(w.users, local+"@"+domain)
		w.userIP = append(w.userIP, randomIP(&r))
	}
	acc := 0.0
	for i := range userCount {
		acc += 1 / math.Pow(float64(i+1), 1.07)
		w.userCum = append(w.userCum, acc)
	}
	for i := range w.userCum {
		w.userCum[i] /= acc
	}

	// The three people with tokens: the owner is the busiest user; the admin
	// and the member are further down the Zipf list.
	w.people[0] = person{token: "adk_" + token(&r, 32), user: w.users[0], role: audit.RoleOrganizationOwner}
	admin := make([]bool, nws)
	for picked := 0; picked < 2+r.intn(2); {
		if i := r.intn(nws); !admin[i] {
			admin[i] = true
			picked++
		}
	}
	w.people[1] = person{token: "adk_" + token(&r, 32), user: w.users[3], role: audit.RoleWorkspaceAdmin, admin: admin}
	w.people[2] = person{token: "adk_" + token(&r, 32), user: w.users[17], role: audit.RoleWorkspaceMember}
	return w
}

func shuffle(r *rng, s []string) {
	for i := len(s) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		s[i], s[j] = s[j], s[i]
	}
}

const lowerAlnum = "0123456789abcdefghjkmnpqrstvwxyz"

func token(r *rng, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = lowerAlnum[r.intn(len(lowerAlnum))]
	}
	return string(b)
}

func randomIP(r *rng) string {
	return string(appendIP(nil, r))
}

// appendIP writes an address from the documentation ranges (RFC 5737, 3849).
func appendIP(dst []byte, r *rng) []byte {
	if r.pct(15) {
		dst = append(dst, "2001:db8:"...)
		dst = strconv.AppendUint(dst, uint64(r.intn(0x10000)), 16)
		dst = append(dst, "::"...)
		return strconv.AppendUint(dst, uint64(1+r.intn(0xfffe)), 16)
	}
	nets := [...]string{"203.0.113.", "198.51.100.", "192.0.2."}
	dst = append(dst, nets[r.intn(len(nets))]...)
	return strconv.AppendInt(dst, int64(1+r.intn(254)), 10)
}

// zipfUser picks a user index with a Zipf skew.
func (w *world) zipfUser(r *rng) int {
	u := float64(r.next()>>11) / (1 << 53)
	lo, hi := 0, len(w.userCum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if w.userCum[m] < u {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func (w *world) person(token string) *person {
	if token == "" {
		return nil
	}
	for i := range w.people {
		if w.people[i].token == token {
			return &w.people[i]
		}
	}
	return nil
}

func (w *world) identity(p *person) audit.Identity {
	id := audit.Identity{User: p.user, Organization: w.org, Role: p.role, Workspaces: []audit.Ref{}}
	for i, ref := range w.wsRefs {
		if p.role == audit.RoleOrganizationOwner || (p.admin != nil && p.admin[i]) {
			id.Workspaces = append(id.Workspaces, ref)
		}
	}
	return id
}

// workspaceIndex finds a workspace by id.
func (w *world) workspaceIndex(id string) int {
	for i, ref := range w.wsRefs {
		if ref.ID == id {
			return i
		}
	}
	return -1
}
