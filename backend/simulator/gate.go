package simulator

import "os"

// FileGate returns a gate for Config.Gate read from a file, a named pipe
// that a test writes to: each byte read releases one page, and once the
// file ends (the test closed its end) or fails, every page is released,
// so a test that stops early never leaves a sync held. The file is opened
// in the background, since a pipe's open waits for its writer.
func FileGate(path string) <-chan struct{} {
	gate := make(chan struct{})
	go func() {
		defer close(gate)
		f, err := os.Open(path)
		if err != nil {
			return
		}
		defer func() { _ = f.Close() }()
		buf := make([]byte, 64)
		for {
			n, err := f.Read(buf)
			for range n {
				gate <- struct{}{}
			}
			if err != nil { // io.EOF too: the writer is done
				return
			}
		}
	}()
	return gate
}
