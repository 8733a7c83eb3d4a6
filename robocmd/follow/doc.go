// Package follow reads the log of a robocopy that is still running, as it
// grows: each poll reads only the bytes written since the last one (never
// the file again), decodes them (UTF-16LE from /UNILOG, else bytes) with a
// line cut by the end of what was written kept for the next poll, and
// keeps running counts: files and bytes copied so far, extras, failed
// operations, the file being copied, and the summary once robocopy writes
// it. Lines are read by their shape (robocmd.ReadLogLine), in any
// language. The counts are a live view; the run's report comes from a full
// parse of the finished log (robocmd.ParseLog).
package follow
