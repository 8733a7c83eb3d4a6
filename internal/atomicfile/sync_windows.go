//go:build windows

package atomicfile

// syncDir is a no-op on Windows: NTFS journals the rename itself and
// folders cannot be opened for FlushFileBuffers without backup semantics.
func syncDir(string) {}
