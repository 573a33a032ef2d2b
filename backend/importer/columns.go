package importer

import (
	"strconv"
	"strings"
	"unicode"
)

// field is a column an event is read from.
type field int

const (
	fNone field = iota
	fTimestamp
	fUser
	fScope
	fCategory
	fAction
	fTarget
	fStatus
	fDescription
	fWorkspace
	fID
	fSourceIP
	fWorkspaceID
	fDetails
	nFields
)

// consoleFields are the console table's eight columns, which a console
// export must hold, in any order.
var consoleFields = []field{fTimestamp, fUser, fScope, fCategory, fAction, fTarget, fStatus, fDescription}

// fieldNames name the fields in reports, as the console heads them.
var fieldNames = [nFields]string{
	fTimestamp: "Timestamp", fUser: "User", fScope: "Scope", fCategory: "Category", fAction: "Action",
	fTarget: "Target", fStatus: "Status", fDescription: "Description", fWorkspace: "Workspace",
	fID: "Event ID", fSourceIP: "Source IP", fWorkspaceID: "Workspace ID", fDetails: "Details",
}

// headers are the names a column is headed with, folded (headerKey): the
// console's English and Japanese, and AuditDesk's exports.
var headers = map[string]field{
	"timestamp": fTimestamp, "time": fTimestamp, "date": fTimestamp, "datetime": fTimestamp,
	"タイムスタンプ": fTimestamp, "日時": fTimestamp, "日付": fTimestamp, "時刻": fTimestamp,
	"user": fUser, "ユーザー": fUser, "ユーザ": fUser, "実行者": fUser,
	"scope": fScope, "スコープ": fScope, "範囲": fScope,
	"category": fCategory, "カテゴリ": fCategory, "カテゴリー": fCategory, "分類": fCategory,
	"action": fAction, "アクション": fAction, "操作": fAction,
	"target": fTarget, "ターゲット": fTarget, "対象": fTarget,
	"status": fStatus, "ステータス": fStatus, "状態": fStatus, "結果": fStatus,
	"description": fDescription, "説明": fDescription, "内容": fDescription, "詳細": fDescription,
	"workspace": fWorkspace, "ワークスペース": fWorkspace,
	"eventid": fID, "id": fID, "イベントid": fID,
	"sourceip": fSourceIP, "ipaddress": fSourceIP, "送信元ip": fSourceIP, "ipアドレス": fSourceIP,
	"workspaceid": fWorkspaceID, "ワークスペースid": fWorkspaceID,
	"details": fDetails,
}

// headerKey folds a header cell: no spaces, no case, no full-width forms,
// a zone in parentheses dropped ("Timestamp (Asia/Tokyo)").
func headerKey(s string) string {
	if i := strings.IndexAny(s, "(（"); i > 0 {
		s = s[:i]
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ', r >= '０' && r <= '９':
			r -= 'Ａ' - 'A' // the full-width block is ASCII shifted
		case unicode.IsSpace(r) || r == '_' || r == '-' || r == '\ufeff' || r == '　':
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// layout is where each field is in a record, and what else the header has.
type layout struct {
	at [nFields]int // column of each field, -1 if absent
	// details are the columns of the rest of a Details longer than an
	// XLSX cell, in order: "Details (2)", "Details (3)", ... (export's
	// Columns).
	details []int
	width   int      // the header's columns
	ignored []string // columns read by nothing, as headed
	zone    string   // from "Timestamp (ZONE)", AuditDesk's header
}

// readHeader maps a header record; ok is false when it names fewer than
// three of the console's columns (not an audit log's header).
func readHeader(rec []string) (l layout, ok bool) {
	for k := range l.at {
		l.at[k] = -1
	}
	l.width = len(rec)
	known := 0
	for c, h := range rec {
		f := headers[headerKey(h)]
		if f == fDetails && l.at[f] >= 0 && strings.TrimSpace(h) == detailsPart(len(l.details)+2) {
			l.details = append(l.details, c)
			continue
		}
		if f == fNone || l.at[f] >= 0 {
			if strings.TrimSpace(h) != "" || f != fNone {
				l.ignored = append(l.ignored, strings.TrimSpace(h))
			}
			continue
		}
		l.at[f] = c
		if f <= fDescription {
			known++
		}
		if f == fTimestamp {
			l.zone = zoneOfHeader(h)
		}
	}
	if l.at[fID] < 0 && l.at[fDetails] >= 0 {
		// Details are read from AuditDesk's exports (their rows have IDs)
		// as JSON; another file's column of that name is not theirs.
		l.ignored = append(l.ignored, strings.TrimSpace(rec[l.at[fDetails]]))
		l.at[fDetails] = -1
		for _, c := range l.details {
			l.ignored = append(l.ignored, strings.TrimSpace(rec[c]))
		}
		l.details = nil
	}
	return l, known >= 3
}

// detailsPart heads the column of a Details' n-th part, as AuditDesk's
// XLSX exports do.
func detailsPart(n int) string { return "Details (" + strconv.Itoa(n) + ")" }

// zoneOfHeader is ZONE of "Timestamp (ZONE)", as AuditDesk's exports head
// it; "" when there is none.
func zoneOfHeader(h string) string {
	open := strings.IndexByte(h, '(')
	end := strings.LastIndexByte(h, ')')
	if open < 0 || end < open {
		return ""
	}
	return strings.TrimSpace(h[open+1 : end])
}

// fields are what each of the header's columns is read as, "" for none.
func (l *layout) fields() []string {
	out := make([]string, l.width)
	for f, c := range l.at {
		if c >= 0 && c < len(out) {
			out[c] = fieldNames[f]
		}
	}
	for _, c := range l.details {
		out[c] = fieldNames[fDetails]
	}
	return out
}

// missing are the console's columns l lacks, by name.
func (l *layout) missing() []string {
	var out []string
	for _, f := range consoleFields {
		if l.at[f] < 0 {
			out = append(out, fieldNames[f])
		}
	}
	return out
}
