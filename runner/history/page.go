package history

import (
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/vssmirror/vssmirror/runner/page"
	"github.com/vssmirror/vssmirror/runner/report"
)

// PageOptions say where and when a page is made.
type PageOptions struct {
	File     string // the page's file (links to reports are relative to it)
	Host     string // the host named in the header; "" = os.Hostname
	Now      time.Time
	Location *time.Location // zone of every time on the page; nil = Local
}

// Page builds the history page: a summary, charts of duration, bytes
// copied and files failed over time, and the runs newest first.
func (h *History) Page(o PageOptions) *page.HistoryPage {
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Host == "" {
		o.Host, _ = os.Hostname()
	}
	p := &page.HistoryPage{Job: h.Job, Host: o.Host, Generated: o.Now.In(o.Location).Format(page.TimeLayout),
		Zone: page.Zone(o.Location, o.Now), Source: h.File}
	if n := h.Note(); n != "" {
		p.Notes = append(p.Notes, n)
	}
	if len(h.Runs) < h.Total {
		p.Notes = append(p.Notes, fmt.Sprintf("the newest %d of %d runs are shown", len(h.Runs), h.Total))
	}
	p.Summary = h.summary(o)
	var dur, bytes, failed []page.Sample
	for _, r := range h.Runs {
		st := page.StatusOf(r.Outcome, r.ShadowsLeaked)
		dur = append(dur, page.Sample{Time: r.Start, Value: r.DurationSeconds, Status: st, Label: r.RunID})
		bytes = append(bytes, page.Sample{Time: r.Start, Value: float64(r.BytesCopied), Status: st, Label: r.RunID})
		failed = append(failed, page.Sample{Time: r.Start, Value: float64(r.FilesFailed), Status: st, Label: r.RunID})
	}
	p.Charts = []page.Chart{
		page.NewChart("chart-duration", "Duration", dur, page.DurationAxis, o.Location),
		page.NewChart("chart-bytes", "Bytes copied", bytes, page.BytesAxis, o.Location),
		page.NewChart("chart-failed", "Files failed", failed, page.CountAxis, o.Location),
	}
	for _, r := range slices.Backward(h.Runs) {
		row := page.HistoryRow{Status: page.StatusOf(r.Outcome, r.ShadowsLeaked), Start: r.Start.In(o.Location).Format(page.TimeLayout),
			RunID: r.RunID, Set: r.Set, Outcome: string(r.Outcome), ExitCode: r.ExitCode, Duration: page.Duration(r.DurationSeconds),
			Bytes: report.HumanBytes(r.BytesCopied), FilesCopied: r.FilesCopied, FilesFailed: r.FilesFailed, Leaked: r.ShadowsLeaked}
		switch {
		case r.Report != "":
			row.Link = page.LinkTo(o.File, r.Report, r.RunID)
		case r.RunDir != "":
			row.Link = page.LinkTo(o.File, r.RunDir, r.RunID)
		}
		p.Rows = append(p.Rows, row)
	}
	return p
}

// summary is the page's top line: the last run, the last success, the
// runs that failed and the shadows left, over the runs shown.
func (h *History) summary(o PageOptions) []page.Fact {
	if len(h.Runs) == 0 {
		return []page.Fact{{Label: "runs", Value: "none yet"}}
	}
	last := h.Runs[len(h.Runs)-1]
	facts := []page.Fact{
		{Label: "runs shown", Value: fmt.Sprint(len(h.Runs))},
		{Label: "last run", Value: last.Start.In(o.Location).Format(page.TimeLayout) + " " + string(last.Outcome), Status: page.StatusOf(last.Outcome, last.ShadowsLeaked)},
	}
	bad, leaked := 0, 0
	for _, r := range h.Runs {
		if page.StatusOf(r.Outcome, r.ShadowsLeaked) != page.OK {
			bad++
		}
		leaked += r.ShadowsLeaked
	}
	if h.LastSuccess == nil {
		facts = append(facts, page.Fact{Label: "last success", Value: "never", Status: page.Failed})
	} else {
		st := page.OK
		if o.Now.Sub(*h.LastSuccess) > page.DefaultStale {
			st = page.Stale
		}
		facts = append(facts, page.Fact{Label: "last success", Value: page.Age(o.Now.Sub(*h.LastSuccess)) + " ago", Status: st})
	}
	failed := page.Fact{Label: "runs not successful", Value: fmt.Sprint(bad)}
	if bad > 0 {
		failed.Status = page.Warning
	}
	facts = append(facts, failed)
	if leaked > 0 {
		facts = append(facts, page.Fact{Label: "shadows leaked", Value: fmt.Sprint(leaked), Status: page.Leaked})
	}
	return facts
}

// WritePage writes the history page to o.File atomically.
func (h *History) WritePage(o PageOptions) error {
	p := h.Page(o)
	if err := page.WriteFile(o.File, func(w io.Writer) error { return page.WriteHistory(w, p) }); err != nil {
		return fmt.Errorf("writing the history page: %w", err)
	}
	return nil
}

// Refresh reads the job's history and rewrites its page: what
// `run --html` does after each run.
func Refresh(o Options, po PageOptions) error {
	h, err := Read(o)
	if err != nil {
		return err
	}
	return h.WritePage(po)
}
