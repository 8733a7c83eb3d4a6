package dshgen

import (
	"fmt"
	"io"
	"strings"
)

// Describe writes a plain-language summary of the plan: what is snapshot,
// where each shadow is exposed, and what robocopy copies where.
func (p *Plan) Describe(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "job %s is valid.\n\n", p.Job)
	kind := "copy backup (writers are not told of it; application logs are not truncated)"
	if p.Full {
		kind = "full backup (writers get BackupComplete after a successful copy, e.g. Exchange truncates its logs)"
	}
	if p.Context == "persistent nowriters" {
		kind = "crash-consistent snapshot without VSS writers"
	}
	fmt.Fprintf(&b, "snapshot: %s\n", kind)
	for _, wr := range p.Verify {
		fmt.Fprintf(&b, "  verify writer  %s %s\n", wr.ID, wr.Label)
	}
	for _, wr := range p.Exclude {
		fmt.Fprintf(&b, "  exclude writer %s %s\n", wr.ID, wr.Label)
	}
	if p.Metadata != "" {
		fmt.Fprintf(&b, "  writer metadata saved to %s\n", p.Metadata)
	}
	b.WriteString("\nvolumes:\n")
	for _, v := range p.Volumes {
		fmt.Fprintf(&b, "  %s: snapshot exposed as %s: (alias %%%s%%)\n", v.Letter, v.Expose, v.Alias)
	}
	b.WriteString("\ncopies:\n")
	for _, s := range p.Sources {
		fmt.Fprintf(&b, "  %d. %s (snapshot %s)\n     -> %s\n     robocopy %s\n", s.Index, s.Path, s.Exposed, s.Dest, strings.Join(s.Args[2:], " "))
	}
	p.describeHooks(&b)
	fmt.Fprintf(&b, "\nscripts on the server: %s, %s, %s\n", p.DshPath, p.CmdPath, p.CleanupPath)
	_, err := io.WriteString(w, b.String())
	return err
}
