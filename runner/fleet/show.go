package fleet

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/vssmirror/vssmirror/runner/page"
	"github.com/vssmirror/vssmirror/runner/report"
)

// lastSuccess writes how long ago the job last succeeded.
func (f *Fleet) lastSuccess(r Row) string {
	if r.LastSuccess == nil {
		return "never"
	}
	return page.Age(f.Now.Sub(*r.LastSuccess)) + " ago"
}

// WriteTable writes the jobs as a console table, worst first.
func (f *Fleet) WriteTable(w io.Writer, loc *time.Location) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tHOST\tJOB\tLAST RUN\tLAST SUCCESS\tOUTCOME\tBYTES\tFILES FAILED\tSHADOWS LEAKED")
	for _, r := range f.Jobs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\n", r.Status, r.Host, r.Job, r.LastRun.In(loc).Format(page.TimeLayout),
			f.lastSuccess(r), r.Outcome, report.HumanBytes(r.BytesCopied), r.FilesFailed, r.ShadowsLeaked)
	}
	return tw.Flush()
}

// WriteProblems writes one line per file that was not read.
func (f *Fleet) WriteProblems(w io.Writer) {
	for _, p := range f.Problems {
		fmt.Fprintf(w, "vssmirror: %s\n", p)
	}
	if more := f.ProblemsTotal - len(f.Problems); more > 0 {
		fmt.Fprintf(w, "vssmirror: ... and %d more file(s) not read\n", more)
	}
}

// Page builds the fleet page for the file pageFile (links to reports
// are relative to it), times in loc.
func (f *Fleet) Page(pageFile string, loc *time.Location) *page.FleetPage {
	if loc == nil {
		loc = time.Local
	}
	p := &page.FleetPage{Dir: f.Dir, Generated: f.Now.In(loc).Format(page.TimeLayout), Zone: page.Zone(loc, f.Now),
		ProblemsMore: f.ProblemsTotal - len(f.Problems)}
	counts := map[page.Status]int{}
	hosts := map[string]bool{}
	for _, r := range f.Jobs {
		counts[r.Status]++
		hosts[r.Host] = true
		row := page.FleetRow{Status: r.Status, Host: r.Host, Job: r.Job, LastRun: r.LastRun.In(loc).Format(page.TimeLayout),
			LastSuccessAge: f.lastSuccess(r), Outcome: string(r.Outcome), Bytes: report.HumanBytes(r.BytesCopied),
			FilesFailed: r.FilesFailed, Leaked: r.ShadowsLeaked}
		if r.FromReport {
			row.Link = page.LinkTo(pageFile, r.Source, r.Job)
		}
		p.Rows = append(p.Rows, row)
	}
	p.Summary = []page.Fact{{Label: "hosts", Value: fmt.Sprint(len(hosts))}, {Label: "jobs", Value: fmt.Sprint(len(f.Jobs))}}
	for _, st := range []page.Status{page.Leaked, page.Failed, page.Warning, page.Stale, page.OK} {
		if counts[st] > 0 {
			p.Summary = append(p.Summary, page.Fact{Label: f.statusLabel(st), Value: fmt.Sprint(counts[st]), Status: st})
		}
	}
	if f.ProblemsTotal > 0 {
		p.Summary = append(p.Summary, page.Fact{Label: "files not read", Value: fmt.Sprint(f.ProblemsTotal), Status: page.Warning})
	}
	p.Bar = page.NewBar(counts)
	for _, pr := range f.Problems {
		p.Problems = append(p.Problems, pr.String())
	}
	return p
}

// statusLabel is how the summary names the jobs of a status.
func (f *Fleet) statusLabel(st page.Status) string {
	switch st {
	case page.Leaked:
		return "shadows left on a server"
	case page.Failed:
		return "last run failed"
	case page.Warning:
		return "files not copied"
	case page.Stale:
		return "no success in " + page.Age(f.stale)
	default:
		return string(st)
	}
}

// WritePage writes the fleet page to path atomically.
func (f *Fleet) WritePage(path string, loc *time.Location) error {
	p := f.Page(path, loc)
	if err := page.WriteFile(path, func(w io.Writer) error { return page.WriteFleet(w, p) }); err != nil {
		return fmt.Errorf("writing the fleet page: %w", err)
	}
	return nil
}
