package textio

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// sniffRecords is how many records of the sample sniffing compares: enough
// to see a column count hold, few enough that a ragged row far down does
// not matter.
const sniffRecords = 50

// sniff picks the separator of the text that starts with sample: among
// tab, comma and semicolon, in that order of preference, the first whose
// column count is the same over the sampled records and more than one.
// When none is consistent, the one whose count agrees with the first
// record's (the header's) on most records; a text of one column is comma
// separated. whole says the sample is all of the text; otherwise its last
// line, which the sample may cut, is left out.
func sniff(sample []byte, whole bool) byte {
	if !whole {
		if i := bytes.LastIndexByte(sample, '\n'); i >= 0 {
			sample = sample[:i+1]
		}
	}
	seps := [...]byte{'\t', ',', ';'}
	var agree [len(seps)]int
	for k, sep := range seps {
		width, same, consistent := columns(sample, sep)
		if width < 2 {
			continue
		}
		if consistent {
			return sep
		}
		agree[k] = same
	}
	best, most := byte(','), 0
	for k, sep := range seps {
		if agree[k] > most {
			best, most = sep, agree[k]
		}
	}
	return best
}

// columns reads the first sniffRecords records of sample with sep and
// returns the first one's width, how many records have that width, and
// whether all do. A malformed record ends the reading: a wrong separator
// can make one.
func columns(sample []byte, sep byte) (width, same int, consistent bool) {
	r := &Records{br: bufio.NewReader(bytes.NewReader(sample)), sep: sep, line: 1}
	consistent = true
	for n := 0; n < sniffRecords; n++ {
		fields, _, err := r.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) && n == 0 {
				return 0, 0, false
			}
			break
		}
		switch {
		case n == 0:
			width, same = len(fields), 1
		case len(fields) == width:
			same++
		default:
			consistent = false
		}
	}
	return width, same, consistent
}
