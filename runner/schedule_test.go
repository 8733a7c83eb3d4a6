package runner

import (
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func decodeUTF16(t *testing.T, b []byte) string {
	require.True(t, len(b) > 2 && b[0] == 0xFF && b[1] == 0xFE, "UTF-16LE with BOM")
	u := make([]uint16, (len(b)-2)/2)
	for i := range u {
		u[i] = uint16(b[2+2*i]) | uint16(b[3+2*i])<<8
	}
	return string(utf16.Decode(u))
}

func TestScheduleXML(t *testing.T) {
	o := ScheduleOptions{JobName: "fs", ConfigPath: `C:\ProgramData\vssmirror\fs\job.yaml`, Exe: `C:\Program Files\vssmirror\vssmirror.exe`,
		WorkDir: `C:\ProgramData\vssmirror\fs`, At: "23:30", Days: []string{"mon", "FRI"}, User: `CORP\svc_backup`}
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
	assert.Equal(t, `run --config "C:\ProgramData\vssmirror\fs\job.yaml" --quiet`, got.Actions.Exec.Arguments)
	assert.Equal(t, `C:\ProgramData\vssmirror\fs`, got.Actions.Exec.WorkingDirectory)
	assert.Equal(t, "IgnoreNew", got.Settings.MultipleInstancesPolicy)
	assert.NotContains(t, strings.ToLower(text), "password>", "no password in the file")
	assert.Equal(t, `schtasks /Create /TN "\vssmirror\fs" /XML "C:\tasks\fs-task.xml" /RU "CORP\svc_backup" /RP *`, cmd)

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
}

func TestScheduleRejects(t *testing.T) {
	base := ScheduleOptions{JobName: "fs", ConfigPath: `C:\j.yaml`, Exe: `C:\v.exe`, At: "23:30"}
	for name, mut := range map[string]func(*ScheduleOptions){
		"bad time":     func(o *ScheduleOptions) { o.At = "25:00" },
		"bad day":      func(o *ScheduleOptions) { o.Days = []string{"FUNDAY"} },
		"relative exe": func(o *ScheduleOptions) { o.Exe = "vssmirror.exe" },
		"posix config": func(o *ScheduleOptions) { o.ConfigPath = "/home/x/job.yaml" },
	} {
		o := base
		mut(&o)
		_, _, err := Schedule(o, "x.xml")
		assert.Error(t, err, name)
	}
}
