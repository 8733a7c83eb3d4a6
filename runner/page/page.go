package page

import (
	"bytes"
	"embed"
	"html/template"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/vssmirror/vssmirror/internal/atomicfile"
	"github.com/vssmirror/vssmirror/runner/report"
)

//go:embed templates/*.html.tmpl
var templateFS embed.FS

var templates = template.Must(template.New("").Option("missingkey=error").ParseFS(templateFS, "templates/*.html.tmpl"))

// Status is how a row stands; it is the row's CSS class and, by Rank,
// its place when rows are sorted worst first.
type Status string

// The statuses, best first.
const (
	OK      Status = "ok"      // the last run succeeded
	Stale   Status = "stale"   // the last run succeeded, but the last success is too old
	Warning Status = "warning" // files were not copied (copy_failed)
	Failed  Status = "failed"  // any other outcome
	Leaked  Status = "leaked"  // shadow copies were left on the server
)

// DefaultStale is how old a last success may be before a job is stale:
// a day of daily runs and two hours of slack (the same 26 hours as the
// "no successful run" alert of examples/fleet).
const DefaultStale = 26 * time.Hour

// Statuses lists every status, best first.
func Statuses() []Status { return []Status{OK, Stale, Warning, Failed, Leaked} }

// Rank orders statuses from best (0) to worst.
func (s Status) Rank() int {
	for i, x := range Statuses() {
		if x == s {
			return i
		}
	}
	return len(Statuses()) // unknown: worst of all
}

// StatusOf is the status of a run from its outcome (by the severity of
// its Windows event: information, warning, error) and the shadows it
// left on the server.
func StatusOf(o report.Outcome, leaked int) Status {
	switch {
	case leaked > 0:
		return Leaked
	case !o.Known():
		return Failed
	case o.Severity() == report.Info:
		return OK
	case o.Severity() == report.Warning:
		return Warning
	default:
		return Failed
	}
}

// Fact is one figure of a page's summary line.
type Fact struct {
	Label  string
	Value  string
	Status Status // "" = neutral
}

// Link is a link from a page to a file (a report, a run folder).
type Link struct {
	URL  template.URL // made by LinkTo only
	Text string
}

// LinkTo links from the page written at pageFile to target: a relative
// URL when both are on the same volume (it keeps working when the folder
// is opened from another machine through a share), else a file: URL.
// Each path element is escaped, so a name with '#', '?' or a space
// still points at its file.
func LinkTo(pageFile, target, text string) *Link {
	absPage, err1 := filepath.Abs(pageFile)
	absTarget, err2 := filepath.Abs(target)
	if err1 != nil || err2 != nil {
		return nil
	}
	var u url.URL
	if rel, err := filepath.Rel(filepath.Dir(absPage), absTarget); err == nil {
		u.Path = filepath.ToSlash(rel)
		if strings.HasPrefix(u.Path, "/") || strings.Contains(strings.SplitN(u.Path, "/", 2)[0], ":") {
			u.Path = "./" + u.Path // never read as a scheme or an absolute path
		}
	} else {
		u.Scheme = "file"
		p := filepath.ToSlash(absTarget)
		if !strings.HasPrefix(p, "/") { // C:/x -> file:///C:/x
			p = "/" + p
		}
		u.Path = p
	}
	// The URL is built from a path by net/url (every element escaped), so
	// it is trusted to carry the file: scheme html/template would refuse.
	return &Link{URL: template.URL(u.String()), Text: text}
}

// HistoryPage is the run history of one job.
type HistoryPage struct {
	Job       string
	Host      string // where the page was made
	Generated string // when, formatted
	Zone      string // the time zone of every time on the page
	Source    string // the history file
	Summary   []Fact
	Charts    []Chart
	Rows      []HistoryRow // newest first
	Notes     []string
}

// HistoryRow is one run.
type HistoryRow struct {
	Status      Status
	Start       string
	RunID       string
	Link        *Link // its report (or run folder) when reachable
	Set         string
	Outcome     string
	ExitCode    int
	Duration    string
	Bytes       string
	FilesCopied int64
	FilesFailed int64
	Leaked      int
}

// FleetPage is the last run of every job on every host.
type FleetPage struct {
	Dir          string // the folder of collected reports
	Generated    string
	Zone         string
	Summary      []Fact
	Bar          Bar
	Rows         []FleetRow // worst first
	Problems     []string   // files that could not be read, one line each
	ProblemsMore int        // problems beyond those listed
}

// FleetRow is one job on one host.
type FleetRow struct {
	Status         Status
	Host           string
	Job            string
	LastRun        string
	LastSuccessAge string
	Outcome        string
	Bytes          string
	FilesFailed    int64
	Leaked         int
	Link           *Link // the report of the last run, when it came from one
}

// WriteHistory writes the history page.
func WriteHistory(w io.Writer, p *HistoryPage) error {
	return templates.ExecuteTemplate(w, "history.html.tmpl", p)
}

// WriteFleet writes the fleet page.
func WriteFleet(w io.Writer, p *FleetPage) error {
	return templates.ExecuteTemplate(w, "fleet.html.tmpl", p)
}

// WriteFile renders a page with write and replaces path with it
// atomically: a reader (a browser, a web server) sees the old page or
// the new one, never half of one.
func WriteFile(path string, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b.Bytes(), 0o644)
}
