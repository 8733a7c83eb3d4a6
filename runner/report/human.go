package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/vssmirror/vssmirror/robocmd"
)

// HumanBytes formats n bytes in binary units: 6.9 MiB.
func HumanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

// WriteHuman writes a readable report: a table per robocopy job with the
// files that failed and why, and the shadows and failures of each
// diskshadow log.
func (r *LogReport) WriteHuman(w io.Writer) error {
	var b strings.Builder
	for i, j := range r.Jobs {
		if i > 0 {
			b.WriteString("\n")
		}
		writeJob(&b, i+1, j)
	}
	for _, d := range r.Diskshadow {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "diskshadow log %s: %d command(s), %d shadow(s), %d failure(s)\n", d.Log, d.Commands, len(d.Shadows), len(d.Failures))
		for _, s := range d.Shadows {
			exposed := "not exposed"
			if s.ExposedAs != "" {
				exposed = "exposed as " + s.ExposedAs
			}
			fmt.Fprintf(&b, "  shadow %s %%%s%% of %s, %s\n    device %s\n", s.ID, s.Alias, s.Volume, exposed, s.Device)
		}
		for _, wr := range d.Writers {
			if wr.Included {
				fmt.Fprintf(&b, "  writer included: %s (%d components)\n", wr.Name, len(wr.Components))
			} else {
				fmt.Fprintf(&b, "  writer EXCLUDED: %s: %s\n", wr.Name, wr.Reason)
			}
		}
		for _, x := range d.Excluded {
			fmt.Fprintf(&b, "  component EXCLUDED at line %d: %s of writer %s (needs volume %s)\n", x.Line, x.Component, x.Writer, orDash(x.Volume))
		}
		for _, f := range d.Failures {
			code := ""
			if f.Code != "" {
				code = " " + f.Code
			}
			if f.Name != "" {
				code += " " + f.Name
			}
			fmt.Fprintf(&b, "  FAILED (%s%s) at line %d after %q: %s\n", f.Kind, code, f.Line, f.Command, f.Message)
		}
		for _, n := range d.Notes {
			fmt.Fprintf(&b, "  note: %s\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeJob(b *strings.Builder, n int, j RobocopyJob) {
	fmt.Fprintf(b, "robocopy job %d (%s): %s -> %s\n", n, j.Log, j.Source, j.Dest)
	exit := ""
	if j.ExitCode != nil {
		exit = fmt.Sprintf(", exit code %d: %s", *j.ExitCode, robocmd.Describe(*j.ExitCode))
	}
	fmt.Fprintf(b, "  outcome: %s%s\n", strings.ToUpper(j.Outcome.String()), exit)
	if j.Started != "" || j.Ended != "" {
		fmt.Fprintf(b, "  started %s, ended %s\n", orDash(j.Started), orDash(j.Ended))
	}
	if j.Summary {
		tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "\tTotal\tCopied\tSkipped\tMismatch\tFAILED\tExtras\t")
		row := func(name string, c robocmd.Counts, f func(int64) string) {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", name, f(c.Total), f(c.Copied), f(c.Skipped), f(c.Mismatch), f(c.Failed), f(c.Extras))
		}
		num := func(n int64) string { return fmt.Sprint(n) }
		row("Dirs", j.Dirs, num)
		row("Files", j.Files, num)
		row("Bytes", j.Bytes, HumanBytes)
		tw.Flush()
		if j.SpeedBytesPerSec > 0 {
			derived := ""
			if j.SpeedDerived {
				derived = " (derived)"
			}
			fmt.Fprintf(b, "  speed: %s/s%s\n", HumanBytes(j.SpeedBytesPerSec), derived)
		}
	} else {
		b.WriteString("  no summary: robocopy did not finish this job\n")
	}
	if j.Deleted.Files > 0 || j.Deleted.Dirs > 0 {
		fmt.Fprintf(b, "  deleted from the destination (extras under /MIR): %d files, %d dirs\n", j.Deleted.Files, j.Deleted.Dirs)
	}
	if j.ListOnly {
		fmt.Fprintf(b, "  list only (/L): nothing was copied or deleted; /MIR would delete %d files, %d dirs\n", j.WouldDelete.Files, j.WouldDelete.Dirs)
	}
	if len(j.Errors) > 0 {
		fmt.Fprintf(b, "  errors (%d error lines, %d distinct):\n", j.ErrorsTotal, len(j.Errors)+j.ErrorsOmitted)
		for _, e := range j.Errors {
			gaveUp := ""
			if e.RetryLimitExceeded {
				gaveUp = ", gave up after retries"
			}
			fmt.Fprintf(b, "    %s  error %d  %s  %s\n      %s (%d attempt(s)%s)\n", e.Time, e.Code, e.Action, e.Path, orDash(e.Message), e.Attempts, gaveUp)
		}
		if j.ErrorsOmitted > 0 {
			fmt.Fprintf(b, "    ... and %d more distinct errors (details not kept)\n", j.ErrorsOmitted)
		}
	}
	for _, note := range j.Notes {
		fmt.Fprintf(b, "  note: %s\n", note)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
