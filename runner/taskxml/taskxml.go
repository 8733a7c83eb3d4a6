// Package taskxml writes the Task Scheduler definition of a job: the task
// XML (Task Scheduler schema 1.2, UTF-16) and the command that imports it.
package taskxml

import (
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vssmirror/vssmirror/internal/atomicfile"
	"github.com/vssmirror/vssmirror/internal/utf16text"
	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
)

// Options describe a scheduled task for a job.
type Options struct {
	JobName    string
	ConfigPath string   // absolute path of the job file on the server
	Exe        string   // absolute path of vssmirror.exe
	WorkDir    string   // working directory (the job's scripts_dir)
	At         string   // HH:MM, 24-hour
	Days       []string // MON..SUN; empty = every day
	User       string   // DOMAIN\user or a gMSA DOMAIN\name$; empty = SYSTEM
	// Prom and Report, when set, are passed to the scheduled run as
	// --prom and --report: absolute Windows paths on the server (the
	// textfile folder of windows_exporter, a folder the role creates).
	Prom   string
	Report string
	// TimeLimit is the task's execution time limit: the run's timeout
	// plus the time its cleanup may take, so Task Scheduler never kills a
	// run that is still deleting its shadows.
	TimeLimit time.Duration
}

// taskPriority is the task's process priority: 4 is normal (Task
// Scheduler's default of 7 is below normal and slows the copy down).
const taskPriority = 4

var (
	atRE = regexp.MustCompile(`^([01]?[0-9]|2[0-3]):([0-5][0-9])$`)
)

// taskXML mirrors the Task Scheduler 1.2 schema elements vssmirror writes.
type taskXML struct {
	XMLName xml.Name `xml:"Task"`
	Version string   `xml:"version,attr"`
	Xmlns   string   `xml:"xmlns,attr"`
	RegInfo struct {
		Description string `xml:"Description"`
		URI         string `xml:"URI"`
	} `xml:"RegistrationInfo"`
	Triggers struct {
		Calendar struct {
			StartBoundary string  `xml:"StartBoundary"`
			Enabled       bool    `xml:"Enabled"`
			ByDay         *byDay  `xml:"ScheduleByDay,omitempty"`
			ByWeek        *byWeek `xml:"ScheduleByWeek,omitempty"`
		} `xml:"CalendarTrigger"`
	} `xml:"Triggers"`
	Principals struct {
		Principal struct {
			ID        string `xml:"id,attr"`
			UserID    string `xml:"UserId"`
			LogonType string `xml:"LogonType"`
			RunLevel  string `xml:"RunLevel"`
		} `xml:"Principal"`
	} `xml:"Principals"`
	Settings struct {
		MultipleInstancesPolicy    string `xml:"MultipleInstancesPolicy"`
		DisallowStartIfOnBatteries bool   `xml:"DisallowStartIfOnBatteries"`
		StopIfGoingOnBatteries     bool   `xml:"StopIfGoingOnBatteries"`
		StartWhenAvailable         bool   `xml:"StartWhenAvailable"`
		ExecutionTimeLimit         string `xml:"ExecutionTimeLimit"`
		Priority                   int    `xml:"Priority"`
		Enabled                    bool   `xml:"Enabled"`
	} `xml:"Settings"`
	Actions struct {
		Context string `xml:"Context,attr"`
		Exec    struct {
			Command          string `xml:"Command"`
			Arguments        string `xml:"Arguments"`
			WorkingDirectory string `xml:"WorkingDirectory"`
		} `xml:"Exec"`
	} `xml:"Actions"`
}

// dayElem is an empty element named after a weekday: <Monday/>.
type dayElem struct {
	XMLName xml.Name
}

type byDay struct {
	DaysInterval int `xml:"DaysInterval"`
}

type byWeek struct {
	DaysOfWeek struct {
		Days []dayElem `xml:",any"`
	} `xml:"DaysOfWeek"`
	WeeksInterval int `xml:"WeeksInterval"`
}

// Schedule returns the Task Scheduler XML (UTF-16LE with BOM, as schtasks
// /XML expects) and the command that imports it. No password is ever
// written: for a user account schtasks asks for it (/RP *); a gMSA
// (DOMAIN\name$) is never asked for one.
func Schedule(o Options, xmlPath string) ([]byte, string, error) {
	m := atRE.FindStringSubmatch(o.At)
	if m == nil {
		return nil, "", fmt.Errorf("--at %q: give a time as HH:MM (24-hour), e.g. 23:30", o.At)
	}
	for _, p := range []struct{ name, v string }{{"vssmirror.exe path", o.Exe}, {"job file", o.ConfigPath}} {
		if !job.IsDrivePath(p.v) {
			return nil, "", fmt.Errorf("the %s %q must be an absolute Windows path (run schedule on the server, or give it explicitly)", p.name, p.v)
		}
		if strings.Contains(p.v, `"`) {
			return nil, "", fmt.Errorf("the %s %q contains '\"'", p.name, p.v)
		}
	}
	var t taskXML
	t.Version, t.Xmlns = "1.2", "http://schemas.microsoft.com/windows/2004/02/mit/task"
	t.RegInfo.Description = "vssmirror backup job " + o.JobName + ": VSS snapshot, robocopy mirror, cleanup"
	t.RegInfo.URI = `\vssmirror\` + o.JobName
	cal := &t.Triggers.Calendar
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	cal.StartBoundary = fmt.Sprintf("2026-01-01T%02d:%02d:00", h, mi)
	cal.Enabled = true
	if len(o.Days) == 0 {
		cal.ByDay = &byDay{DaysInterval: 1}
	} else {
		w := &byWeek{WeeksInterval: 1}
		seen := map[string]bool{}
		for _, d := range o.Days {
			el, ok := dayName(d)
			if !ok {
				return nil, "", fmt.Errorf("--days %q: use MON, TUE, WED, THU, FRI, SAT, SUN", d)
			}
			if !seen[el] {
				seen[el] = true
				w.DaysOfWeek.Days = append(w.DaysOfWeek.Days, dayElem{XMLName: xml.Name{Local: el}})
			}
		}
		cal.ByWeek = w
	}
	p := &t.Principals.Principal
	p.ID, p.RunLevel = "Author", "HighestAvailable"
	if o.User == "" {
		p.UserID, p.LogonType = "S-1-5-18", "ServiceAccount"
	} else {
		p.UserID, p.LogonType = o.User, "Password"
	}
	s := &t.Settings
	s.MultipleInstancesPolicy, s.StartWhenAvailable, s.Enabled = "IgnoreNew", true, true
	s.ExecutionTimeLimit = isoDuration(o.TimeLimit)
	s.Priority = taskPriority
	t.Actions.Context = "Author"
	t.Actions.Exec.Command = o.Exe
	cfg, err := robocmd.QuoteArg(o.ConfigPath)
	if err != nil {
		return nil, "", fmt.Errorf("the job file path: %w", err)
	}
	args := "run --config " + cfg + " --quiet"
	for _, a := range []struct{ flag, v string }{{"--prom", o.Prom}, {"--report", o.Report}} {
		if a.v == "" {
			continue
		}
		if !job.IsDrivePath(a.v) {
			return nil, "", fmt.Errorf("%s %q must be an absolute Windows path on the server, e.g. 'C:\\Program Files\\windows_exporter\\textfile_inputs\\vssmirror_%s.prom'", a.flag, a.v, o.JobName)
		}
		q, err := robocmd.QuoteArg(a.v)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", a.flag, err)
		}
		args += " " + a.flag + " " + q
	}
	t.Actions.Exec.Arguments = args
	t.Actions.Exec.WorkingDirectory = o.WorkDir
	body, err := xml.MarshalIndent(t, "", "  ")
	if err != nil {
		return nil, "", err
	}
	text := `<?xml version="1.0" encoding="UTF-16"?>` + "\r\n" + strings.ReplaceAll(string(body), "\n", "\r\n") + "\r\n"
	cmd, err := importCommand(o, xmlPath)
	if err != nil {
		return nil, "", err
	}
	return utf16text.EncodeLE(text), cmd, nil
}

// isGMSA reports whether user is a group managed service account
// (DOMAIN\name$): Windows manages its password, so none is ever asked.
func isGMSA(user string) bool { return strings.HasSuffix(user, "$") && strings.Contains(user, `\`) }

// importCommand is the command that registers the task: schtasks for
// SYSTEM (no password) and user accounts (schtasks asks for the password,
// /RP *); for a gMSA PowerShell's Register-ScheduledTask, which takes the
// XML's Password logon type without asking for a password.
func importCommand(o Options, xmlPath string) (string, error) {
	tn, err := robocmd.QuotePrompt(`\vssmirror\` + o.JobName)
	if err != nil {
		return "", err
	}
	xp, err := robocmd.QuotePrompt(xmlPath)
	if err != nil {
		return "", fmt.Errorf("the XML path: %w", err)
	}
	switch {
	case o.User == "":
		return fmt.Sprintf(`schtasks /Create /TN %s /XML %s /RU SYSTEM`, tn, xp), nil
	case isGMSA(o.User):
		name, err := robocmd.QuotePowerShell(o.JobName)
		if err != nil {
			return "", err
		}
		path, err := robocmd.QuotePowerShell(xmlPath)
		if err != nil {
			return "", fmt.Errorf("the XML path: %w", err)
		}
		return fmt.Sprintf(`powershell -NoProfile -Command "Register-ScheduledTask -TaskPath '\vssmirror\' -TaskName %s -Xml (Get-Content -Raw -LiteralPath %s)"`, name, path), nil
	}
	ru, err := robocmd.QuotePrompt(o.User)
	if err != nil {
		return "", fmt.Errorf("--user: %w", err)
	}
	return fmt.Sprintf(`schtasks /Create /TN %s /XML %s /RU %s /RP *`, tn, xp, ru), nil
}

// isoDuration writes d as an ISO 8601 duration (PT13H, PT12H30M), the
// form of the task's ExecutionTimeLimit; 0 is PT0S (no limit).
func isoDuration(d time.Duration) string {
	if d <= 0 {
		return "PT0S"
	}
	d = d.Round(time.Minute)
	if d == 0 {
		d = time.Minute
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	out := "PT"
	if h > 0 {
		out += fmt.Sprintf("%dH", h)
	}
	if m > 0 {
		out += fmt.Sprintf("%dM", m)
	}
	return out
}

// dayName is the Task Scheduler element of a day given as MON..SUN.
func dayName(d string) (string, bool) {
	d = strings.ToUpper(strings.TrimSpace(d))
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		if len(d) == 3 && strings.HasPrefix(strings.ToUpper(wd.String()), d) {
			return wd.String(), true
		}
	}
	return "", false
}

// Write writes the task XML to path atomically.
func Write(path string, data []byte) error { return atomicfile.WriteFile(path, data, 0o644) }
