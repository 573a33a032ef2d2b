package simulator

import (
	"strings"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// The portal's taxonomy: what people and the system do, how often, and how
// the console words it in English, Japanese and Vietnamese.
//
// Templates take placeholders: {t} target, {o} another user, {w} a
// workspace name, {g} a GPU type, {n} a count, {r} a role, {a} an amount,
// {c} credits, {p} a plan.

type targetKind uint8

const (
	tkNone targetKind = iota
	tkUser
	tkPolicy
	tkWorkspace
	tkWallet
	tkVoucher
	tkCard
	tkPlan
	tkSetting
	tkQuota
	tkNotebook
	tkContainer
	tkEndpoint
	tkAPIKey
	tkModel
)

type detailKind uint8

const (
	dkNone detailKind = iota
	dkMember
	dkPolicy
	dkBilling
	dkSettings
	dkGPU
	dkEndpoint
)

type action struct {
	scope      audit.Scope
	category   string
	name       string
	weight     int // relative frequency
	failPct    int
	systemPct  int
	target     targetKind
	details    detailKind
	en, ja, vi string
	tpl        [3][]part // compiled en, ja, vi
}

func (a *action) inWorkspace() bool {
	return a.scope == audit.ScopeWorkspace || a.scope == audit.ScopeService
}

var actions = []action{
	// Organization
	{
		scope: audit.ScopeOrganization, category: "Member", name: "Invite Member", weight: 12, failPct: 5, target: tkUser, details: dkMember,
		en: "Invited {t} to the organization as {r}.", ja: "{t} を{r}として組織に招待しました", vi: "Đã mời {t} vào tổ chức với vai trò {r}.",
	},
	{
		scope: audit.ScopeOrganization, category: "Member", name: "Remove Member", weight: 4, failPct: 4, target: tkUser,
		en: "Removed {t} from the organization.", ja: "{t} を組織から削除しました", vi: "Đã xóa {t} khỏi tổ chức.",
	},
	{
		scope: audit.ScopeOrganization, category: "Member", name: "Change Member Role", weight: 6, failPct: 6, target: tkUser, details: dkMember,
		en: "Changed the role of {t} to {r}.", ja: "{t} のロールを{r}に変更しました", vi: "Đã đổi vai trò của {t} thành {r}.",
	},
	{
		scope: audit.ScopeOrganization, category: "Member", name: "Accept Invitation", weight: 8, failPct: 3, target: tkNone,
		en: "Accepted the invitation to join the organization.", ja: "組織への招待を承認しました", vi: "Đã chấp nhận lời mời tham gia tổ chức.",
	},
	{
		scope: audit.ScopeOrganization, category: "Policy", name: "Create Policy", weight: 5, failPct: 8, target: tkPolicy, details: dkPolicy,
		en: "Created policy \u201c{t}\u201d.", ja: "ポリシー「{t}」を作成しました", vi: "Đã tạo chính sách \u201c{t}\u201d.",
	},
	{
		scope: audit.ScopeOrganization, category: "Policy", name: "Attach Policy", weight: 8, failPct: 6, target: tkPolicy, details: dkPolicy,
		en: "Attached policy {t} to {o}.", ja: "ポリシー「{t}」を {o} にアタッチしました", vi: "Đã gán chính sách {t} cho {o}.",
	},
	{
		scope: audit.ScopeOrganization, category: "Policy", name: "Detach Policy", weight: 4, failPct: 5, target: tkPolicy,
		en: "Detached policy {t} from {o}.", ja: "ポリシー「{t}」を {o} からデタッチしました", vi: "Đã gỡ chính sách {t} khỏi {o}.",
	},
	{
		scope: audit.ScopeOrganization, category: "Policy", name: "Update Policy", weight: 5, failPct: 9, target: tkPolicy, details: dkPolicy,
		en: "Updated policy {t}: {n} statements.", ja: "ポリシー「{t}」を更新しました（{n} 件のステートメント）", vi: "Đã cập nhật chính sách {t}: {n} câu lệnh.",
	},
	{
		scope: audit.ScopeOrganization, category: "Policy", name: "Delete Policy", weight: 2, failPct: 10, target: tkPolicy,
		en: "Deleted policy {t}.", ja: "ポリシー「{t}」を削除しました", vi: "Đã xóa chính sách {t}.",
	},
	{
		scope: audit.ScopeOrganization, category: "Workspace", name: "Create Workspace", weight: 2, failPct: 5, target: tkWorkspace,
		en: "Created workspace {t}.", ja: "ワークスペース「{t}」を作成しました", vi: "Đã tạo không gian làm việc {t}.",
	},
	{
		scope: audit.ScopeOrganization, category: "Workspace", name: "Rename Workspace", weight: 1, failPct: 5, target: tkWorkspace,
		en: "Renamed workspace {w} to {t}.", ja: "ワークスペース「{w}」の名前を「{t}」に変更しました", vi: "Đã đổi tên không gian làm việc {w} thành {t}.",
	},
	{
		scope: audit.ScopeOrganization, category: "Workspace", name: "Delete Workspace", weight: 1, failPct: 12, target: tkWorkspace,
		en: "Deleted workspace {t}.", ja: "ワークスペース「{t}」を削除しました", vi: "Đã xóa không gian làm việc {t}.",
	},
	// Billing
	{
		scope: audit.ScopeBilling, category: "Wallet", name: "Top Up Wallet", weight: 10, failPct: 7, target: tkWallet, details: dkBilling,
		en: "Topped up the wallet with {a}.", ja: "ウォレットに {a} をチャージしました", vi: "Đã nạp {a} vào ví.",
	},
	{
		scope: audit.ScopeBilling, category: "Wallet", name: "Deduct Credits", weight: 60, failPct: 2, systemPct: 100, target: tkWallet, details: dkBilling,
		en: "Deducted {c} credits for GPU usage in {w}.", ja: "{w} の GPU 利用料として {c} クレジットを差し引きました", vi: "Đã trừ {c} tín dụng cho việc sử dụng GPU tại {w}.",
	},
	{
		scope: audit.ScopeBilling, category: "Wallet", name: "Refund Credits", weight: 3, failPct: 4, systemPct: 60, target: tkWallet, details: dkBilling,
		en: "Refunded {c} credits.", ja: "{c} クレジットを返金しました", vi: "Đã hoàn {c} tín dụng.",
	},
	{
		scope: audit.ScopeBilling, category: "Voucher", name: "Redeem Voucher", weight: 6, failPct: 15, target: tkVoucher, details: dkBilling,
		en: "Redeemed voucher {t} worth {c} credits.", ja: "バウチャー {t}（{c} クレジット）を適用しました", vi: "Đã đổi phiếu quà tặng {t} trị giá {c} tín dụng.",
	},
	{
		scope: audit.ScopeBilling, category: "Voucher", name: "Issue Voucher", weight: 2, failPct: 3, systemPct: 50, target: tkVoucher, details: dkBilling,
		en: "Issued voucher {t} for {c} credits.", ja: "バウチャー {t} を発行しました（{c} クレジット）", vi: "Đã phát hành phiếu {t} với {c} tín dụng.",
	},
	{
		scope: audit.ScopeBilling, category: "Payment", name: "Add Payment Method", weight: 3, failPct: 10, target: tkCard,
		en: "Added payment method {t}.", ja: "支払い方法 {t} を追加しました", vi: "Đã thêm phương thức thanh toán {t}.",
	},
	{
		scope: audit.ScopeBilling, category: "Payment", name: "Remove Payment Method", weight: 1, failPct: 5, target: tkCard,
		en: "Removed payment method {t}.", ja: "支払い方法 {t} を削除しました", vi: "Đã xóa phương thức thanh toán {t}.",
	},
	{
		scope: audit.ScopeBilling, category: "Payment", name: "Charge Card", weight: 8, failPct: 6, systemPct: 100, target: tkCard, details: dkBilling,
		en: "Charged {a} to {t}.", ja: "{t} に {a} を請求しました", vi: "Đã tính phí {a} vào {t}.",
	},
	{
		scope: audit.ScopeBilling, category: "Payment", name: "Payment Failed", weight: 2, failPct: 100, systemPct: 100, target: tkCard, details: dkBilling,
		en: "Payment of {a} with {t} was declined.", ja: "{t} での {a} の支払いが拒否されました", vi: "Thanh toán {a} bằng {t} bị từ chối.",
	},
	{
		scope: audit.ScopeBilling, category: "Plan", name: "Change Plan", weight: 2, failPct: 8, target: tkPlan, details: dkBilling,
		en: "Changed the plan from {p} to {t}.", ja: "プランを {p} から {t} に変更しました", vi: "Đã đổi gói từ {p} sang {t}.",
	},
	{
		scope: audit.ScopeBilling, category: "Plan", name: "Cancel Plan", weight: 1, failPct: 10, target: tkPlan,
		en: "Cancelled the {t} plan.", ja: "{t} プランを解約しました", vi: "Đã hủy gói {t}.",
	},
	// Workspace
	{
		scope: audit.ScopeWorkspace, category: "Member", name: "Add Member", weight: 14, failPct: 5, target: tkUser, details: dkMember,
		en: "Added {t} to workspace {w} as {r}.", ja: "{t} をワークスペース「{w}」に{r}として追加しました", vi: "Đã thêm {t} vào không gian làm việc {w} với vai trò {r}.",
	},
	{
		scope: audit.ScopeWorkspace, category: "Member", name: "Remove Member", weight: 5, failPct: 4, target: tkUser,
		en: "Removed {t} from workspace {w}.", ja: "{t} をワークスペース「{w}」から削除しました", vi: "Đã xóa {t} khỏi không gian làm việc {w}.",
	},
	{
		scope: audit.ScopeWorkspace, category: "Member", name: "Change Member Role", weight: 6, failPct: 6, target: tkUser, details: dkMember,
		en: "Changed the role of {t} in {w} to {r}.", ja: "「{w}」での {t} のロールを{r}に変更しました", vi: "Đã đổi vai trò của {t} trong {w} thành {r}.",
	},
	{
		scope: audit.ScopeWorkspace, category: "Settings", name: "Update Settings", weight: 10, failPct: 7, target: tkSetting, details: dkSettings,
		en: "Updated setting {t} of workspace {w}.", ja: "ワークスペース「{w}」の設定 {t} を更新しました", vi: "Đã cập nhật cài đặt {t} của không gian làm việc {w}.",
	},
	{
		scope: audit.ScopeWorkspace, category: "Settings", name: "Update Network Policy", weight: 3, failPct: 9, target: tkSetting, details: dkSettings,
		en: "Updated the network policy of {w}: {n} rules.", ja: "「{w}」のネットワークポリシーを更新しました（{n} ルール）", vi: "Đã cập nhật chính sách mạng của {w}: {n} quy tắc.",
	},
	{
		scope: audit.ScopeWorkspace, category: "GPU Quota", name: "Request GPU Quota", weight: 8, failPct: 5, target: tkQuota, details: dkGPU,
		en: "Requested {n} × {g} for workspace {w}.", ja: "ワークスペース「{w}」に {g} を {n} 基申請しました", vi: "Đã yêu cầu {n} × {g} cho không gian làm việc {w}.",
	},
	{
		scope: audit.ScopeWorkspace, category: "GPU Quota", name: "Approve GPU Quota", weight: 6, failPct: 3, systemPct: 30, target: tkQuota, details: dkGPU,
		en: "Approved a quota of {n} × {g} for {w}.", ja: "「{w}」の {g} ×{n} のクォータを承認しました", vi: "Đã phê duyệt hạn mức {n} × {g} cho {w}.",
	},
	{
		scope: audit.ScopeWorkspace, category: "GPU Quota", name: "Change GPU Quota", weight: 4, failPct: 8, target: tkQuota, details: dkGPU,
		en: "Changed the {g} quota of {w} to {n}.", ja: "「{w}」の {g} クォータを {n} に変更しました", vi: "Đã thay đổi hạn mức {g} của {w} thành {n}.",
	},
	{
		scope: audit.ScopeWorkspace, category: "GPU Quota", name: "Reject GPU Quota", weight: 2, failPct: 2, target: tkQuota, details: dkGPU,
		en: "Rejected a request for {n} × {g} in {w}.", ja: "「{w}」の {g} ×{n} の申請を却下しました", vi: "Đã từ chối yêu cầu {n} × {g} tại {w}.",
	},
	// Service
	{
		scope: audit.ScopeService, category: "AI Notebook", name: "Create Notebook", weight: 20, failPct: 8, target: tkNotebook, details: dkGPU,
		en: "Created notebook {t} with {g}.", ja: "ノートブック「{t}」を作成しました（{g}）", vi: "Đã tạo sổ tay {t} với {g}.",
	},
	{
		scope: audit.ScopeService, category: "AI Notebook", name: "Start Notebook", weight: 45, failPct: 9, target: tkNotebook,
		en: "Started notebook {t}.", ja: "ノートブック「{t}」を起動しました", vi: "Đã khởi động sổ tay {t}.",
	},
	{
		scope: audit.ScopeService, category: "AI Notebook", name: "Stop Notebook", weight: 42, failPct: 4, systemPct: 35, target: tkNotebook,
		en: "Stopped notebook {t}.", ja: "ノートブック「{t}」を停止しました", vi: "Đã dừng sổ tay {t}.",
	},
	{
		scope: audit.ScopeService, category: "AI Notebook", name: "Delete Notebook", weight: 10, failPct: 5, target: tkNotebook,
		en: "Deleted notebook {t}.", ja: "ノートブック「{t}」を削除しました", vi: "Đã xóa sổ tay {t}.",
	},
	{
		scope: audit.ScopeService, category: "GPU Container", name: "Create Container", weight: 18, failPct: 10, target: tkContainer, details: dkGPU,
		en: "Created container {t} on {n} × {g}.", ja: "コンテナ {t} を作成しました（{g} ×{n}）", vi: "Đã tạo container {t} trên {n} × {g}.",
	},
	{
		scope: audit.ScopeService, category: "GPU Container", name: "Start Container", weight: 35, failPct: 11, target: tkContainer,
		en: "Started container {t}.", ja: "コンテナ {t} を起動しました", vi: "Đã khởi động container {t}.",
	},
	{
		scope: audit.ScopeService, category: "GPU Container", name: "Stop Container", weight: 32, failPct: 4, systemPct: 25, target: tkContainer,
		en: "Stopped container {t}.", ja: "コンテナ {t} を停止しました", vi: "Đã dừng container {t}.",
	},
	{
		scope: audit.ScopeService, category: "GPU Container", name: "Delete Container", weight: 9, failPct: 5, target: tkContainer,
		en: "Deleted container {t}.", ja: "コンテナ {t} を削除しました", vi: "Đã xóa container {t}.",
	},
	{
		scope: audit.ScopeService, category: "AI Inference", name: "Deploy Endpoint", weight: 12, failPct: 12, target: tkEndpoint, details: dkEndpoint,
		en: "Deployed endpoint {t} on {n} × {g}.", ja: "エンドポイント {t} をデプロイしました（{g} ×{n}）", vi: "Đã triển khai endpoint {t} trên {n} × {g}.",
	},
	{
		scope: audit.ScopeService, category: "AI Inference", name: "Scale Endpoint", weight: 14, failPct: 7, systemPct: 40, target: tkEndpoint, details: dkEndpoint,
		en: "Scaled endpoint {t} to {n} replicas.", ja: "エンドポイント {t} を {n} レプリカにスケールしました", vi: "Đã điều chỉnh endpoint {t} lên {n} bản sao.",
	},
	{
		scope: audit.ScopeService, category: "AI Inference", name: "Delete Endpoint", weight: 4, failPct: 5, target: tkEndpoint,
		en: "Deleted endpoint {t}.", ja: "エンドポイント {t} を削除しました", vi: "Đã xóa endpoint {t}.",
	},
	{
		scope: audit.ScopeService, category: "AI Inference", name: "Rotate API Key", weight: 5, failPct: 3, target: tkAPIKey,
		en: "Rotated API key {t}.", ja: "API キー {t} をローテーションしました", vi: "Đã xoay vòng khóa API {t}.",
	},
	// A category the guide does not list yet: the set is open.
	{
		scope: audit.ScopeService, category: "Model Registry", name: "Register Model", weight: 2, failPct: 6, target: tkModel, details: dkEndpoint,
		en: "Registered model {t}.", ja: "モデル {t} を登録しました", vi: "Đã đăng ký mô hình {t}.",
	},
}

const actionTableSize = 4096

// actionTable maps 12 hash bits to an action index, by weight.
var actionTable [actionTableSize]uint8

type part struct {
	lit string
	ph  byte // 0 for a literal
}

func compile(tpl string) []part {
	var out []part
	for tpl != "" {
		i := strings.IndexByte(tpl, '{')
		if i < 0 || i+2 >= len(tpl) || tpl[i+2] != '}' {
			out = append(out, part{lit: tpl})
			break
		}
		if i > 0 {
			out = append(out, part{lit: tpl[:i]})
		}
		out = append(out, part{ph: tpl[i+1]})
		tpl = tpl[i+3:]
	}
	return out
}

func init() {
	total := 0
	for i := range actions {
		a := &actions[i]
		a.tpl = [3][]part{compile(a.en), compile(a.ja), compile(a.vi)}
		total += a.weight
	}
	j, cum := 0, actions[0].weight
	for i := range actionTableSize {
		x := (2*i + 1) * total // compare at slot centers, in units of 1/(2*size)
		for j < len(actions)-1 && x >= 2*cum*actionTableSize {
			j++
			cum += actions[j].weight
		}
		actionTable[i] = uint8(j)
	}
}

// Word lists for targets and placeholders.
var (
	policyNames = []string{
		"gpu-readonly", "billing-admin", "notebook-users", "inference-deployers", "deny-external-share",
		"読み取り専用", "quyền-xem-hóa-đơn", "ws-admin-default", "audit-viewer", "cost-guard",
	}
	notebookStems = []string{
		"analysis", "分析", "train", "eda", "phân-tích", "llm-eval", "feature-eng", "実験", "churn-model", "ocr-ja",
	}
	containerStems = []string{"trainer-llama-7b", "sd-xl-batch", "whisper-ft", "vllm-bench", "dataprep", "rag-indexer"}
	endpoints      = []string{
		"llama-3-70b-chat", "whisper-ja", "embedding-vi", "sdxl-turbo", "qwen2-7b-instruct", "reranker-multilingual",
	}
	models   = []string{"llama-3-8b-ft-v3", "phobert-ner-v2", "bert-ja-sentiment", "yolo-v8-factory", "t5-summarize-vi"}
	cards    = []string{"Visa •••• 4242", "Mastercard •••• 5100", "JCB •••• 3530", "Amex •••• 0005"}
	plans    = []string{"Starter", "Team", "Pro", "Enterprise"}
	settings = []string{
		"idle_timeout", "default_gpu_type", "network.egress", "sso.enforced", "notebook.image", "storage.quota_gb",
	}
	gpuTypes = []string{"H100 80GB", "A100 80GB", "L40S", "H200", "RTX 6000 Ada", "A10G"}
	roleName = [3][]string{
		{"Admin", "Member", "Viewer", "Billing Admin"},
		{"管理者", "メンバー", "閲覧者", "請求管理者"},
		{"Quản trị viên", "Thành viên", "Người xem", "Quản trị thanh toán"},
	}
	failReasons = [3][]string{
		{"insufficient GPU quota", "permission denied", "payment declined by issuer", "scheduler timed out", "resource not found", "invalid parameter"},
		{"GPU クォータが不足しています", "権限がありません", "カード会社により拒否されました", "スケジューラがタイムアウトしました", "リソースが見つかりません", "パラメータが不正です"},
		{"không đủ hạn mức GPU", "không có quyền", "ngân hàng từ chối thanh toán", "bộ lập lịch hết thời gian chờ", "không tìm thấy tài nguyên", "tham số không hợp lệ"},
	}
	failPrefix = [3]string{" Failed: ", "（失敗: ", " Thất bại: "}
	failSuffix = [3]string{".", "）", "."}
	userAgents = []string{
		"console", "console", "console", "platform-cli/2.3.1", "platform-sdk-python/1.8.0", "Terraform/1.9.5 provider/0.7.2",
	}
)

// hostile are descriptions that break naive CSV, spreadsheet, terminal and
// JSON handling. Each is a real sentence someone could type.
var hostile = []string{
	`=HYPERLINK("http://x","click")`,
	`+SUM(A1:A9) was pasted into the notebook title`,
	`-2+3 GPUs requested, see ticket`,
	`@cmd|' /C calc'!A0`,
	`Note, with "quotes", commas, and a trailing comma,`,
	"Line one of the reason\nLine two\r\nLine three (CRLF above)",
	"col1\tcol2\tcol3\t",
	"Path C:\\Users\\admin\\notebooks\\train.ipynb \\ done",
	`<script>alert("xss")</script> in endpoint label`,
	"Deployed 🚀🔥 with 👩‍💻 review ✅ (emoji ZWJ sequence)",
	"Terminal \x1b[31mred\x1b[0m escape and a bell \a",
	"Line separator \u2028 and paragraph separator \u2029 inside",
	"Combining: Tiếng Việt có dấu, e\u0301, 日本語の「引用」と『二重』, and العربية",
	"'single quotes' and `backticks` and a lone \" quote",
	"  leading and trailing spaces  ",
}

// reasonCodes are the details' error codes of failReasons, in their order.
var reasonCodes = []string{"QUOTA_EXCEEDED", "PERMISSION_DENIED", "PAYMENT_DECLINED", "TIMEOUT", "NOT_FOUND", "INVALID_ARGUMENT"}

// The failReasons an action of each kind of details can fail for: a
// payment is declined, never short of GPU quota.
var (
	billingReasons = []int{2, 1, 5}
	computeReasons = []int{0, 3, 1, 4, 5}
	otherReasons   = []int{1, 4, 5}
)

// reasonFor is the failReasons index for draw (an index into the whole
// list, drawn once either way) among those an action with details dk can
// fail for.
func reasonFor(dk detailKind, draw int) int {
	list := otherReasons
	switch dk {
	case dkBilling:
		list = billingReasons
	case dkGPU, dkEndpoint:
		list = computeReasons
	}
	return list[draw%len(list)]
}
