package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vssmirror/vssmirror/dshgen"
	"github.com/vssmirror/vssmirror/dshgen/output"
)

// AbortFile is the abort marker in the run folder (dshgen.AbortMarker in
// the copy script's contract). The copy script checks for it first and
// last: when it is there the script copies nothing more and exits 16, so
// diskshadow quits at exec and never runs `end backup` (no writer is told
// of a backup that is not whole). Its content is the reason, plain text.
const AbortFile = dshgen.AbortMarker

// maxAbortReason bounds the marker's text; the copy script echoes it.
const maxAbortReason = 2000

// writeAbortMarker is writeAbort; a test replaces it to make the marker
// unwritable.
var writeAbortMarker = writeAbort

// writeAbort creates the abort marker in dir with reason as its content.
// The reason is reduced to plain printable ASCII without the characters
// cmd.exe treats specially (" & | < > ^ % !), one line per line, none
// starting with ';' (which cmd's for /f would skip): writer and component
// names come from diskshadow's output and are not trusted.
func writeAbort(dir, reason string) error {
	var lines []string
	for _, l := range strings.Split(reason, "\n") {
		var b strings.Builder
		for _, c := range strings.TrimSpace(l) {
			switch {
			case c < 0x20 || c > 0x7e || strings.ContainsRune("\"&|<>^%!", c):
				b.WriteByte('_')
			default:
				b.WriteRune(c)
			}
		}
		if s := strings.TrimLeft(b.String(), "; "); s != "" {
			lines = append(lines, s)
		}
	}
	text := strings.Join(lines, "\r\n")
	if len(text) > maxAbortReason {
		text = text[:maxAbortReason]
	}
	if text == "" {
		text = "vssmirror aborted the copy"
	}
	if err := os.WriteFile(filepath.Join(dir, AbortFile), []byte(text+"\r\n"), 0o600); err != nil {
		return fmt.Errorf("writing the abort marker: %w", err)
	}
	return nil
}

// abortWatch watches diskshadow's output, line by line, for a reason to
// stop the copy before it runs: a component of a verified writer excluded
// from the set (or the whole verified writer). diskshadow prints that at
// create, before exec; the marker then makes the copy script exit at once,
// so diskshadow stops at exec and `end backup` never runs for a backup
// that lacks the application's data. When the marker cannot be written,
// diskshadow and everything it started are stopped instead (cancel), before
// exec can start the copy.
type abortWatch struct {
	r      *run
	seen   int  // components and writers already judged
	waited bool // one line was waited for the volume of the newest component
	done   bool // the marker is written, or diskshadow was stopped
	// cancel stops the run's diskshadow and its process tree (the
	// context runDiskshadow was given); set by snapshotAndCopy.
	cancel context.CancelFunc
	// stopped says diskshadow was stopped because the marker could not
	// be written: the run failed before the copy (snapshot_failed).
	stopped bool
}

func (r *run) newAbortWatch() *abortWatch { return &abortWatch{r: r} }

// check is called after every output line.
func (a *abortWatch) check(out *output.Output) {
	if a.done || a.r.rep.RunDir == "" {
		return
	}
	n := len(out.Excluded) + len(out.Writers)
	if n == a.seen {
		return
	}
	// diskshadow names the volume on the line after the component: wait
	// one line so that the reason names it.
	if k := len(out.Excluded); k > 0 && out.Excluded[k-1].Volume == "" && !a.waited {
		a.waited = true
		return
	}
	a.seen, a.waited = n, false
	lost := verifiedLosses(out, a.r.j)
	if len(lost) == 0 {
		return
	}
	reason := "vssmirror stopped the copy before it started: " + strings.Join(lost, "; ")
	if err := writeAbortMarker(a.r.rep.RunDir, reason); err != nil {
		a.done = true
		if a.cancel == nil {
			a.r.errorf("abort", "%v: the copy may run although a verified writer lost a component", err)
			a.r.say("warning: %v", err)
			return
		}
		// Without the marker the copy script would copy and diskshadow
		// would run end backup: stop them all before exec.
		a.stopped = true
		a.cancel()
		a.r.errorf("abort", "%v: diskshadow and everything it started were stopped so that the copy never runs; %s", err, reason)
		a.r.say("a verified writer lost a component and the abort marker could not be written (%v): diskshadow is stopped", err)
		return
	}
	a.done = true
	a.r.say("a verified writer lost a component: the copy is aborted (%s); end backup will not run", filepath.Join(a.r.rep.RunDir, AbortFile))
}
