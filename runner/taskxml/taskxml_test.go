package taskxml

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/internal/utf16text"
)

func decodeUTF16(t *testing.T, b []byte) string {
	require.True(t, len(b) > 2 && b[0] == 0xFF && b[1] == 0xFE, "UTF-16LE with BOM")
	text, _, ok := utf16text.Decode(b)
	require.True(t, ok)
	return text
}

func TestScheduleXML(t *testing.T) {
	o := Options{JobName: "fs", ConfigPath: `C:\ProgramData\vssmirror\fs\job.yaml`, Exe: `C:\Program Files\vssmirror\vssmirror.exe`,
		WorkDir: `C:\ProgramData\vssmirror\fs`, At: "23:30", Days: []string{"mon", "FRI"}, User: `CORP\svc_backup`, TimeLimit: 12*time.Hour + 30*time.Minute}
	data, cmd, err := Schedule(o, `C:\tasks\fs-task.xml`)
	require.NoError(t, err)
	text := decodeUTF16(t, data)
	assert.True(t, strings.HasPrefix(text, `<?xml version="1.0" encoding="UTF-16"?>`))
	// Parse it back with the expected structure.
	text = strings.Replace(text, `encoding="UTF-16"`, `encoding="UTF-8"`, 1)
	var got taskXML
	require.NoError(t, xml.Unmarshal([]byte(text), &got))
	assert.Equal(t, "http://schemas.microsoft.com/windows/2004/02/mit/task", got.Xmlns)
	assert.Equal(t, "2026-01-01T23:30:00", got.Triggers.Calendar.StartBoundary)
	require.NotNil(t, got.Triggers.Calendar.ByWeek)
	var days []string
	for _, d := range got.Triggers.Calendar.ByWeek.DaysOfWeek.Days {
		days = append(days, d.XMLName.Local)
	}
	assert.Equal(t, []string{"Monday", "Friday"}, days)
	assert.Equal(t, "HighestAvailable", got.Principals.Principal.RunLevel, "highest privileges")
	assert.Equal(t, `CORP\svc_backup`, got.Principals.Principal.UserID)
	assert.Equal(t, `C:\Program Files\vssmirror\vssmirror.exe`, got.Actions.Exec.Command, "absolute path of vssmirror.exe")
	assert.Equal(t, `run --config C:\ProgramData\vssmirror\fs\job.yaml --quiet`, got.Actions.Exec.Arguments)
	assert.Equal(t, "PT12H30M", got.Settings.ExecutionTimeLimit, "the run's timeout plus its cleanup")
	assert.Equal(t, 4, got.Settings.Priority, "normal priority, not Task Scheduler's below-normal 7")
	assert.Equal(t, `C:\ProgramData\vssmirror\fs`, got.Actions.Exec.WorkingDirectory)
	assert.Equal(t, "IgnoreNew", got.Settings.MultipleInstancesPolicy)
	assert.NotContains(t, strings.ToLower(text), "password>", "no password in the file")
	assert.Equal(t, `schtasks /Create /TN \vssmirror\fs /XML C:\tasks\fs-task.xml /RU CORP\svc_backup /RP *`, cmd)

	o.User, o.Days, o.At = "", nil, "2:05"
	data, cmd, err = Schedule(o, "t.xml")
	require.NoError(t, err)
	text = strings.Replace(decodeUTF16(t, data), `encoding="UTF-16"`, `encoding="UTF-8"`, 1)
	require.NoError(t, xml.Unmarshal([]byte(text), &got))
	assert.Equal(t, "2026-01-01T02:05:00", got.Triggers.Calendar.StartBoundary)
	assert.Equal(t, "S-1-5-18", got.Principals.Principal.UserID)
	assert.Equal(t, "ServiceAccount", got.Principals.Principal.LogonType)
	assert.Contains(t, text, "<DaysInterval>1</DaysInterval>")
	assert.NotContains(t, cmd, "/RP")
	assert.Contains(t, cmd, "/RU SYSTEM")

	// A gMSA: Windows manages its password; never a prompt.
	o.User = `CORP\gmsa_backup$`
	data, cmd, err = Schedule(o, `C:\tasks\fs task.xml`)
	require.NoError(t, err)
	assert.NotContains(t, cmd, "/RP")
	assert.Contains(t, cmd, "Register-ScheduledTask")
	assert.Contains(t, cmd, `'C:\tasks\fs task.xml'`)
	text = strings.Replace(decodeUTF16(t, data), `encoding="UTF-16"`, `encoding="UTF-8"`, 1)
	require.NoError(t, xml.Unmarshal([]byte(text), &got))
	assert.Equal(t, "Password", got.Principals.Principal.LogonType)
	assert.Equal(t, `CORP\gmsa_backup$`, got.Principals.Principal.UserID)

	// A job path with spaces is quoted for the CRT, and '%' stays as it is there.
	o.User, o.ConfigPath = "", `C:\Backup Jobs\fs.yaml`
	data, cmd, err = Schedule(o, `C:\my tasks\fs.xml`)
	require.NoError(t, err)
	text = strings.Replace(decodeUTF16(t, data), `encoding="UTF-16"`, `encoding="UTF-8"`, 1)
	require.NoError(t, xml.Unmarshal([]byte(text), &got))
	assert.Equal(t, `run --config "C:\Backup Jobs\fs.yaml" --quiet`, got.Actions.Exec.Arguments)
	assert.Contains(t, cmd, `/XML "C:\my tasks\fs.xml"`)
}

// --prom and --report reach the scheduled run's arguments, quoted for the
// CRT; a relative path is refused (the task runs in the scripts folder).
func TestSchedulePromAndReport(t *testing.T) {
	o := Options{JobName: "fs", ConfigPath: `C:\ProgramData\vssmirror\jobs\fs.yaml`, Exe: `C:\Program Files\vssmirror\vssmirror.exe`, At: "23:30",
		Prom: `C:\Program Files\windows_exporter\textfile_inputs\vssmirror_fs.prom`, Report: `C:\ProgramData\vssmirror\reports\fs.json`}
	data, _, err := Schedule(o, "t.xml")
	require.NoError(t, err)
	var got taskXML
	require.NoError(t, xml.Unmarshal([]byte(strings.Replace(decodeUTF16(t, data), `encoding="UTF-16"`, `encoding="UTF-8"`, 1)), &got))
	assert.Equal(t, `run --config C:\ProgramData\vssmirror\jobs\fs.yaml --quiet --prom "C:\Program Files\windows_exporter\textfile_inputs\vssmirror_fs.prom" --report C:\ProgramData\vssmirror\reports\fs.json`,
		got.Actions.Exec.Arguments)
	for name, mut := range map[string]func(*Options){
		"relative prom":   func(o *Options) { o.Prom = "vssmirror_fs.prom" },
		"posix report":    func(o *Options) { o.Report = "/var/reports/fs.json" },
		"quote in report": func(o *Options) { o.Report = `C:\a"b.json` },
	} {
		bad := o
		mut(&bad)
		_, _, err := Schedule(bad, "t.xml")
		assert.Error(t, err, name)
	}
}

// The printed import command is typed at a prompt: a '%' in a path cannot
// reach schtasks unchanged there, so it is refused, never doubled.
func TestImportCommandRefusesPercent(t *testing.T) {
	o := Options{JobName: "fs", ConfigPath: `C:\j.yaml`, Exe: `C:\v.exe`, At: "23:30"}
	for _, user := range []string{"", `CORP\svc`, `CORP\gmsa$`} {
		o.User = user
		_, _, err := Schedule(o, `C:\tasks\a%TEMP%b.xml`)
		require.Error(t, err, user)
		assert.Contains(t, err.Error(), "'%'", user)
	}
	o.User = `CORP\gmsa$`
	_, cmd, err := Schedule(o, `C:\it's here\fs.xml`)
	require.NoError(t, err)
	assert.Contains(t, cmd, `-LiteralPath 'C:\it''s here\fs.xml'`)
}

func TestISODuration(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "PT0S", 12 * time.Hour: "PT12H", 12*time.Hour + 10*time.Minute: "PT12H10M", 90 * time.Second: "PT2M", 20 * time.Second: "PT1M"} {
		assert.Equal(t, want, isoDuration(d), "%v", d)
	}
}

func TestScheduleRejects(t *testing.T) {
	base := Options{JobName: "fs", ConfigPath: `C:\j.yaml`, Exe: `C:\v.exe`, At: "23:30"}
	for name, mut := range map[string]func(*Options){
		"bad time":     func(o *Options) { o.At = "25:00" },
		"bad day":      func(o *Options) { o.Days = []string{"FUNDAY"} },
		"relative exe": func(o *Options) { o.Exe = "vssmirror.exe" },
		"posix config": func(o *Options) { o.ConfigPath = "/home/x/job.yaml" },
	} {
		o := base
		mut(&o)
		_, _, err := Schedule(o, "x.xml")
		assert.Error(t, err, name)
	}
}
