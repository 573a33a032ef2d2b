//go:build !unix

package query

import (
	"io"
	"os"
)

// mapFile reads the whole file: on Windows a mapped file could not be
// replaced while the window holds it, as a sync's new index is.
func mapFile(f *os.File, size int64) (data []byte, release func(), err error) {
	buf := asBytes(make([]uint64, (size+7)/8))[:size]
	if _, err := io.ReadFull(f, buf); err != nil {
		return nil, nil, err
	}
	return buf, nil, nil
}
