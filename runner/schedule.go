package runner

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/vssmirror/vssmirror/job"
)

// ScheduleOptions describe a scheduled task for a job.
type ScheduleOptions struct {
	JobName    string
	ConfigPath string   // absolute path of the job file on the server
	Exe        string   // absolute path of vssmirror.exe
	WorkDir    string   // working directory (the job's scripts_dir)
	At         string   // HH:MM, 24-hour
	Days       []string // MON..SUN; empty = every day
	User       string   // DOMAIN\user; empty = SYSTEM
	TimeLimit  string   // ISO 8601 duration for ExecutionTimeLimit, e.g. PT13H
}

var (
	atRE  = regexp.MustCompile(`^([01]?[0-9]|2[0-3]):([0-5][0-9])$`)
	dayEl = map[string]string{"MON": "Monday", "TUE": "Tuesday", "WED": "Wednesday", "THU": "Thursday", "FRI": "Friday", "SAT": "Saturday", "SUN": "Sunday"}
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
// /XML expects) and the schtasks command that imports it. No password is
// ever written: for a user account schtasks asks for it (/RP *).
func Schedule(o ScheduleOptions, xmlPath string) ([]byte, string, error) {
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
			el, ok := dayEl[strings.ToUpper(strings.TrimSpace(d))]
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
	ru := "SYSTEM"
	if o.User == "" {
		p.UserID, p.LogonType = "S-1-5-18", "ServiceAccount"
	} else {
		p.UserID, p.LogonType = o.User, "Password"
		ru = o.User
	}
	s := &t.Settings
	s.MultipleInstancesPolicy, s.StartWhenAvailable, s.Enabled = "IgnoreNew", true, true
	s.ExecutionTimeLimit = o.TimeLimit
	if s.ExecutionTimeLimit == "" {
		s.ExecutionTimeLimit = "PT13H"
	}
	t.Actions.Context = "Author"
	t.Actions.Exec.Command = o.Exe
	t.Actions.Exec.Arguments = fmt.Sprintf(`run --config "%s" --quiet`, o.ConfigPath)
	t.Actions.Exec.WorkingDirectory = o.WorkDir
	body, err := xml.MarshalIndent(t, "", "  ")
	if err != nil {
		return nil, "", err
	}
	text := `<?xml version="1.0" encoding="UTF-16"?>` + "\r\n" + strings.ReplaceAll(string(body), "\n", "\r\n") + "\r\n"
	var buf bytes.Buffer
	buf.Write([]byte{0xFF, 0xFE})
	for _, u := range utf16.Encode([]rune(text)) {
		buf.WriteByte(byte(u))
		buf.WriteByte(byte(u >> 8))
	}
	cmd := fmt.Sprintf(`schtasks /Create /TN "\vssmirror\%s" /XML "%s" /RU "%s"`, o.JobName, xmlPath, ru)
	if o.User != "" {
		cmd += " /RP *"
	}
	return buf.Bytes(), cmd, nil
}

// WriteSchedule writes the task XML to path through a temporary file.
func WriteSchedule(path string, data []byte) error { return writeFileSync(path, data) }
