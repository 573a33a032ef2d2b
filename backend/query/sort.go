package query

import (
	"slices"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// sortRows orders rows (ascending row numbers, which is (time, id) order)
// by s. Every order is total: ties go by row number, i.e. (time, id), in
// the same direction, so a descending order is the ascending one reversed.
func (ix *Index) sortRows(rows []uint32, s audit.Sort) []uint32 {
	switch s.Field {
	case audit.SortUser:
		rows = countingSort(rows, ix.user, ix.userD.ranks())
	case audit.SortScope:
		rows = countingSort(rows, ix.scope, ix.scopeD.ranks())
	case audit.SortCategory:
		rows = countingSort(rows, ix.cat, ix.catD.ranks())
	case audit.SortAction:
		rows = countingSort(rows, ix.act, ix.actD.ranks())
	case audit.SortStatus:
		rows = countingSort(rows, ix.status, ix.statusD.ranks())
	case audit.SortWorkspace:
		rows = countingSort(rows, ix.ws, ix.wsD.rank)
	case audit.SortTarget:
		rows = rankSort(rows, ix.freeRank(1))
	case audit.SortDescription:
		rows = rankSort(rows, ix.freeRank(2))
	case audit.SortSourceIP:
		rows = countingSort(rows, ix.ip, ix.ipD.ranks())
	case audit.SortID:
		rows = rankSort(rows, ix.idRank())
	}
	if s.Desc {
		slices.Reverse(rows)
	}
	return rows
}

// countingSort orders rows stably by rank[code[row]]: two passes over the
// rows and one over the dictionary, no comparisons.
func countingSort(rows, code, rank []uint32) []uint32 {
	if len(rank) < 2 {
		return rows
	}
	start := make([]int, len(rank)+1)
	for _, r := range rows {
		start[rank[code[r]]+1]++
	}
	for k := 1; k < len(start); k++ {
		start[k] += start[k-1]
	}
	out := make([]uint32, len(rows))
	for _, r := range rows {
		k := rank[code[r]]
		out[start[k]] = r
		start[k]++
	}
	return out
}

// rankSort orders rows by a per-row rank, then row: both packed in one
// uint64, so the sort compares integers only.
func rankSort(rows, rank []uint32) []uint32 {
	keys := make([]uint64, len(rows))
	for i, r := range rows {
		keys[i] = uint64(rank[r])<<32 | uint64(r)
	}
	slices.Sort(keys)
	for i, k := range keys {
		rows[i] = uint32(k)
	}
	return rows
}
