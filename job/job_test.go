package job

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const base = `version: 1
name: fs
scripts_dir: 'C:\ProgramData\vssmirror\fs'
destination: '\\nas01\backups\fs'
sources:
  - path: 'D:\Shares'
`

func TestParseDefaults(t *testing.T) {
	j, err := Parse("job.yaml", []byte(base))
	require.NoError(t, err)
	assert.Equal(t, "fs", j.Name)
	assert.True(t, j.Shadow.Writers)
	assert.Equal(t, BackupCopy, j.Shadow.BackupType)
	assert.True(t, j.Shadow.Metadata)
	assert.Equal(t, `D\Shares`, j.Sources[0].Target)
	assert.Equal(t, 2, j.Robocopy.Retries)
	assert.Equal(t, 8, j.Robocopy.Threads)
	assert.Equal(t, "robocopy.exe", j.Robocopy.Path)
	assert.Equal(t, []string{"Z"}, ExposeLetters(j))
	assert.Equal(t, 6, j.Line("sources[0].path"))
	assert.Equal(t, Retention{KeepRuns: 30, KeepDays: 14}, j.Retention)
}

func TestTimeout(t *testing.T) {
	j, err := Parse("job.yaml", []byte(base))
	require.NoError(t, err)
	assert.Equal(t, DefaultTimeout, j.Timeout.Std())
	assert.Equal(t, 12*time.Hour, j.Timeout.Std())
	assert.Equal(t, 12*time.Hour+CleanupTimeout+CleanupMargin, j.TaskTimeLimit())
	for in, want := range map[string]time.Duration{
		"90m":    90 * time.Minute,
		"6h30m":  6*time.Hour + 30*time.Minute,
		"'12h'":  12 * time.Hour,
		"1.5h":   90 * time.Minute,
		"1m":     time.Minute,
		"168h":   168 * time.Hour,
		"3600s":  time.Hour,
		"\"2h\"": 2 * time.Hour,
	} {
		j, err := Parse("job.yaml", []byte(base+"timeout: "+in+"\n"))
		require.NoError(t, err, in)
		assert.Equal(t, want, j.Timeout.Std(), in)
		assert.Equal(t, 7, j.Line("timeout"), in)
	}
	// Bad values: each reported on the timeout's own line, with the value as written.
	for in, want := range map[string]string{
		"12":           `7: timeout: "12" is not a duration; write it like 12h, 90m or 6h30m`,
		"12 hours":     `7: timeout: "12 hours" is not a duration`,
		"''":           `7: timeout: "" is not a duration`,
		"~":            `7: timeout: nothing is not a duration`,
		"true":         `7: timeout: "true" is not a duration`,
		"[12h]":        `7: timeout: a list is not a duration`,
		"{h: 12}":      `7: timeout: a mapping is not a duration`,
		"30s":          `7: timeout: 30s is out of range: from 1m to 168h`,
		"59s":          `7: timeout: 59s is out of range`,
		"0":            `7: timeout: 0s is out of range`,
		"0h":           `7: timeout: 0s is out of range`,
		"-1h":          `7: timeout: -1h is out of range`,
		"169h":         `7: timeout: 169h is out of range: from 1m to 168h`,
		"8d":           `7: timeout: "8d" is not a duration`,
		"99999999999h": `7: timeout: "99999999999h" is not a duration`,
	} {
		_, err := Parse("job.yaml", []byte(base+"timeout: "+in+"\n"))
		var je *Error
		require.ErrorAs(t, err, &je, in)
		require.Len(t, je.Problems, 1, in)
		p := je.Problems[0]
		assert.Contains(t, fmt.Sprintf("%d: %s: %s", p.Line, p.Field, p.Message), want, in)
	}
	// On a later line, among other problems, in file order.
	_, err = Parse("job.yaml", []byte(base+"robocopy:\n  retries: 1\n\ntimeout: 2w\n"))
	assert.EqualError(t, err, `job.yaml:10: timeout: "2w" is not a duration; write it like 12h, 90m or 6h30m`)
	_, err = Parse("job.yaml", []byte(base+"timeout: 200h\nrobocopy:\n  retries: -1\n"))
	assert.EqualError(t, err, "job.yaml:7: timeout: 200h is out of range: from 1m to 168h\njob.yaml:9: robocopy.retries: -1 is out of range 0-1000 (robocopy's own default of 1000000 retries hangs a job for days on one locked file)")
}

func TestDurationString(t *testing.T) {
	for d, want := range map[time.Duration]string{
		12 * time.Hour: "12h", 90 * time.Minute: "1h30m", 30 * time.Second: "30s", time.Minute: "1m",
		-time.Hour: "-1h", 0: "0s", time.Hour + time.Second: "1h0m1s", 169 * time.Hour: "169h",
	} {
		assert.Equal(t, want, Duration(d).String())
	}
}

// TestPasswordEnvNeverShown: a password typed into password_env is
// refused, and no message repeats it, whatever went wrong with it.
func TestPasswordEnvNeverShown(t *testing.T) {
	const want = "notify.email.password_env: must name an environment variable ([A-Za-z_][A-Za-z0-9_]*), not hold the password; the value is not shown"
	mail := base + "notify:\n  email:\n    host: smtp.example.test\n    from: b@x.test\n    to: [a@b.test]\n    user: svc\n"
	for secret, value := range map[string]string{
		"hunter2!":        "'hunter2!'",
		"Tr0ub4dor&3":     "Tr0ub4dor&3",
		"9 lives":         "9 lives",
		"1234567":         "1234567",    // an int
		"0x1F2E":          "0x1F2E",     // an int too
		"12.5e3":          "12.5e3",     // a float
		"true":            "true",       // a bool
		"2026-01-02":      "2026-01-02", // a timestamp
		"s3cr\x1bt":       `"s3cr\et"`,  // an escape in double quotes
		"abc\u00a0def":    `"abc\_def"`,
		"PASS WORD":       "'PASS WORD'",
		"-hunter":         "'-hunter'",
		"9LIVES":          "9LIVES",
		"ÄPASSWORT":       "ÄPASSWORT",
		"pass\nword-line": `"pass\nword-line"`,
	} {
		t.Run(secret, func(t *testing.T) {
			_, err := Parse("job.yaml", []byte(mail+"    password_env: "+value+"\n"))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "job.yaml:13: "+want)
			for _, part := range []string{secret, value, strings.Trim(value, `'"`)} {
				if len(part) > 3 {
					assert.NotContains(t, err.Error(), part)
				}
			}
		})
	}
	// Without a mail host too: the password is in the file either way.
	_, err := Parse("job.yaml", []byte(base+"notify:\n  email:\n    password_env: 'hunter2!'\n"))
	assert.EqualError(t, err, "job.yaml:9: "+want)
	// A syntax error on its line does not quote it either.
	_, err = Parse("job.yaml", []byte(mail+"    password_env: \"pa\\ssword\"\n"))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "ssword")
	assert.Contains(t, err.Error(), "job.yaml:13: YAML syntax")
	// Names pass.
	for _, name := range []string{"SMTP_PASSWORD", "_x", "a1", "VSSMIRROR_MAIL_PW"} {
		j, err := Parse("job.yaml", []byte(mail+"    password_env: "+name+"\n"))
		require.NoError(t, err, name)
		assert.Equal(t, name, j.Notify.Email.PasswordEnv)
	}
}

func TestRetention(t *testing.T) {
	j, err := Parse("job.yaml", []byte(base+"retention: {keep_runs: 5, keep_days: 0}\n"))
	require.NoError(t, err)
	assert.Equal(t, Retention{KeepRuns: 5, KeepDays: 0}, j.Retention)
	j, err = Parse("job.yaml", []byte(base+"retention:\n  keep_days: 90\n"))
	require.NoError(t, err)
	assert.Equal(t, Retention{KeepRuns: DefaultKeepRuns, KeepDays: 90}, j.Retention)
}

func TestParseNormalizes(t *testing.T) {
	j, err := Parse("job.yaml", []byte(`version: 1
name: fs
scripts_dir: 'c:\vss\'
destination: 'e:\backup\'
shadow:
  verify_writers: [Exchange, '{E8132975-6F93-4464-A53E-1050253AE220}']
  expose_letters: ['s:', t]
sources:
  - path: 'd:\'
  - path: 'f:\Data\\'
`))
	require.NoError(t, err)
	assert.Equal(t, `C:\vss`, j.ScriptsDir)
	assert.Equal(t, `E:\backup`, j.Destination)
	assert.Equal(t, `D:\`, j.Sources[0].Path)
	assert.Equal(t, `D`, j.Sources[0].Target)
	assert.Equal(t, `F:\Data`, j.Sources[1].Path)
	assert.Equal(t, []string{"{76fe1ac4-15f7-4bcd-987e-8e1acb462fb7}", "{e8132975-6f93-4464-a53e-1050253ae220}"}, j.Shadow.VerifyWriters)
	assert.Equal(t, []string{"S", "T"}, ExposeLetters(j))
}

// TestValidationRules has one case per rule: the job text, and the problems
// expected as "line: field: message fragment".
func TestValidationRules(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"unknown key", base + "colour: blue\n", []string{"7: colour: unknown field"}},
		{"unknown nested key suggests", base + "robocopy:\n  retrys: 3\n", []string{`8: robocopy.retrys: unknown field; did you mean "retries"?`}},
		{"wrong type int", base + "robocopy:\n  retries: many\n", []string{`8: robocopy.retries: expected a whole number, got "many"`}},
		{"wrong type bool", base + "shadow:\n  writers: 'yes'\n", []string{`8: shadow.writers: expected true or false`}},
		{"wrong type list", base + "shadow:\n  verify_writers: exchange\n", []string{`8: shadow.verify_writers: expected a list`}},
		{"duplicate key", base + "name: other\n", []string{`7: name: the key is given twice`}},
		{"missing version", strings.Replace(base, "version: 1\n", "", 1), []string{`version: missing`}},
		{"wrong version", strings.Replace(base, "version: 1", "version: 2", 1), []string{`1: version: unsupported version 2`}},
		{"bad name", strings.Replace(base, "name: fs", "name: 'my job'", 1), []string{`2: name: "my job" may only hold`}},
		{"scripts_dir with space", strings.Replace(base, `C:\ProgramData\vssmirror\fs`, `C:\Program Files\vss`, 1), []string{`3: scripts_dir: "C:\\Program Files\\vss" goes into the diskshadow script`}},
		{"scripts_dir relative", strings.Replace(base, `C:\ProgramData\vssmirror\fs`, `scripts`, 1), []string{`3: scripts_dir: "scripts" must be an absolute path`}},
		{"scripts_dir non-ascii", strings.Replace(base, `C:\ProgramData\vssmirror\fs`, `C:\Données`, 1), []string{`3: scripts_dir: "C:\\Données" goes into the diskshadow script`}},
		{"quote in path", strings.Replace(base, `D:\Shares`, `D:\Sha"res`, 1), []string{`6: sources[0].path: it contains '"'`}},
		{"newline in path", strings.Replace(base, `'D:\Shares'`, `"D:\\Sha\nres"`, 1), []string{`6: sources[0].path: it contains a line break`}},
		{"control char", strings.Replace(base, `'D:\Shares'`, `"D:\\Sha\tres"`, 1), []string{`6: sources[0].path: it contains the control character U+0009`}},
		{"unc source", strings.Replace(base, `D:\Shares`, `\\srv\share`, 1), []string{`6: sources[0].path: "\\\\srv\\share": UNC sources are not supported yet`}},
		{"relative source", strings.Replace(base, `D:\Shares`, `Shares`, 1), []string{`6: sources[0].path: "Shares": relative paths are not supported`}},
		{"volume guid source", strings.Replace(base, `D:\Shares`, `\\?\Volume{1b77e212-0000-0000-0000-100000000000}\`, 1), []string{`6: sources[0].path: `}},
		{"drive relative source", strings.Replace(base, `D:\Shares`, `D:`, 1), []string{`6: sources[0].path: "D:" is drive-relative`}},
		{"forward slashes", strings.Replace(base, `D:\Shares`, `D:/Shares`, 1), []string{`6: sources[0].path: "D:/Shares" uses '/'`}},
		{"wildcard in path", strings.Replace(base, `D:\Shares`, `D:\Sha*`, 1), []string{`6: sources[0].path: "D:\\Sha*" contains '*'`}},
		{"dotdot in path", strings.Replace(base, `D:\Shares`, `D:\a\..\b`, 1), []string{`6: sources[0].path: "D:\\a\\..\\b" contains a ".." component`}},
		{"no sources", strings.Replace(base, "sources:\n  - path: 'D:\\Shares'\n", "sources: []\n", 1), []string{`5: sources: no sources`}},
		{"missing destination", strings.Replace(base, "destination: '\\\\nas01\\backups\\fs'\n", "", 1), []string{`destination: missing`}},
		{"relative destination", strings.Replace(base, `\\nas01\backups\fs`, `backups`, 1), []string{`4: destination: "backups" must be a local drive path`}},
		{"destination inside source", strings.Replace(base, `\\nas01\backups\fs`, `D:\Shares\backup`, 1), []string{`6: sources[0].path: the destination "D:\\Shares\\backup" is inside this source`}},
		{"source inside destination", strings.Replace(base, `\\nas01\backups\fs`, `D:\`, 1), []string{`6: sources[0].path: "D:\\Shares" is inside the destination`}},
		{"target into root", base + "    target: '.'\n", []string{`7: sources[0].target: "." must be a plain relative folder`}},
		{"absolute target", base + "    target: 'E:\\x'\n", []string{`7: sources[0].target: "E:\\x" must be a folder relative`}},
		{"overlapping targets", base + "  - path: 'E:\\Data'\n    target: 'D\\Shares\\Sub'\n", []string{`8: sources[1].target: "D\\Shares\\Sub" overlaps the target "D\\Shares" of sources[0]`}},
		{"exclude dir is a switch", base + "    exclude_dirs: [Temp, /MOV]\n", []string{`7: sources[0].exclude_dirs[1]: "/MOV" starts with '/'`, "robocopy would read it as a switch", "folder name", "full path"}},
		{"exclude file is a switch", base + "    exclude_files: ['*.tmp', '/JOB:x', '/SAVE:x', ' /CREATE']\n", []string{`7: sources[0].exclude_files[1]: "/JOB:x" starts with '/'`, `7: sources[0].exclude_files[2]: "/SAVE:x"`, `7: sources[0].exclude_files[3]: " /CREATE"`, "file name"}},
		{"exclude on later line", base + "    exclude_files:\n      - a.txt\n      - /MOV\n", []string{`9: sources[0].exclude_files[1]: "/MOV" starts with '/'`}},
		{"exclude with quote", base + "    exclude_files: ['a\"b']\n", []string{`7: sources[0].exclude_files[0]: it contains '"'`}},
		{"bad backup type", base + "shadow:\n  backup_type: incremental\n", []string{`8: shadow.backup_type: "incremental" is not a backup type`}},
		{"verify with nowriters", base + "shadow:\n  writers: false\n  verify_writers: [exchange]\n", []string{`9: shadow.verify_writers: writers: false takes a crash-consistent snapshot`}},
		{"full with nowriters", base + "shadow:\n  writers: false\n  backup_type: full\n", []string{`9: shadow.backup_type: a full backup notifies writers`}},
		{"full with single set", base + "shadow:\n  backup_type: full\n", []string{`8: shadow.backup_type: backup_type: full with sets: single`, `sets: weekday`, `{rotate: N} with N >= 2`}},
		{"full with explicit single set", base + "shadow:\n  backup_type: full\nsets: single\n", []string{`8: shadow.backup_type: backup_type: full with sets: single`, "half-overwritten"}},
		{"unknown writer suggests", base + "shadow:\n  verify_writers: [exchang]\n", []string{`8: shadow.verify_writers[0]: "exchang" is not a known writer; did you mean "exchange"?`}},
		{"unknown writer", base + "shadow:\n  exclude_writers: [oracle]\n", []string{`8: shadow.exclude_writers[0]: "oracle" is not a writer vssmirror knows`}},
		{"malformed guid", base + "shadow:\n  exclude_writers: ['{1234}']\n", []string{`8: shadow.exclude_writers[0]: "{1234}" is not a writer vssmirror knows`}},
		{"writer verified and excluded", base + "shadow:\n  verify_writers: [system]\n  exclude_writers: [system]\n", []string{`9: shadow.exclude_writers[0]: "system" is both verified and excluded`}},
		{"writer twice", base + "shadow:\n  verify_writers: [sql, sql]\n", []string{`8: shadow.verify_writers[1]: "sql" is listed twice`}},
		{"expose letter reserved", base + "shadow:\n  expose_letters: [C]\n", []string{`8: shadow.expose_letters[0]: C: is reserved`}},
		{"expose letter used by source", base + "shadow:\n  expose_letters: [D]\n", []string{`8: shadow.expose_letters[0]: D: is used by sources[0].path`}},
		{"expose letter used by destination", strings.Replace(base, `\\nas01\backups\fs`, `E:\b`, 1) + "shadow:\n  expose_letters: [E]\n", []string{`8: shadow.expose_letters[0]: E: is used by destination`}},
		{"expose letter twice", base + "  - path: 'E:\\x'\nshadow:\n  expose_letters: [S, s]\n", []string{`9: shadow.expose_letters[1]: S: is listed twice`}},
		{"expose letter count", base + "shadow:\n  expose_letters: [S, T]\n", []string{`8: shadow.expose_letters: 2 letters for 1 volumes`}},
		{"expose letter not a letter", base + "shadow:\n  expose_letters: [ST]\n", []string{`8: shadow.expose_letters[0]: "ST" is not a drive letter`}},
		{"retries out of range", base + "robocopy:\n  retries: 1000000\n", []string{`8: robocopy.retries: 1000000 is out of range`}},
		{"threads out of range", base + "robocopy:\n  threads: 200\n", []string{`8: robocopy.threads: 200 is out of range`}},
		{"copy flags", base + "robocopy:\n  copy: DATZ\n", []string{`8: robocopy.copy: "DATZ": /COPY takes letters`}},
		{"dcopy flags", base + "robocopy:\n  dcopy: DATS\n", []string{`8: robocopy.dcopy: "DATS": /DCOPY takes letters`}},
		{"extra arg not a switch", base + "robocopy:\n  extra_args: ['& del C:\\x']\n", []string{`8: robocopy.extra_args[0]: "& del C:\\x" is not a robocopy switch`}},
		{"extra arg managed", base + "robocopy:\n  extra_args: ['/LOG:x.txt']\n", []string{`8: robocopy.extra_args[0]: /LOG is managed by vssmirror`}},
		{"guard without mirror", base + "robocopy:\n  mirror: false\nguard:\n  enabled: true\n", []string{`10: guard.enabled: the deletion guard protects /MIR`}},
		{"guard percent", base + "guard:\n  max_delete_percent: 120\n", []string{`8: guard.max_delete_percent: 120 is out of range 0-100`}},
		{"guard exe relative", base + "guard:\n  enabled: true\n  vssmirror_path: vssmirror.exe\n", []string{`9: guard.vssmirror_path: "vssmirror.exe" must be the absolute path`}},
		{"email without recipients", base + "notify:\n  email:\n    host: smtp.example.test\n    from: backup@example.test\n", []string{`9: notify.email.to: missing`}},
		{"email bad address", base + "notify:\n  email:\n    host: smtp.example.test\n    from: backup\n    to: [a@b.test]\n", []string{`10: notify.email.from: "backup" is not a mail address`}},
		{"email user without password", base + "notify:\n  email:\n    host: smtp.example.test\n    from: b@x.test\n    to: [a@b.test]\n    user: svc\n", []string{`12: notify.email.user: a user needs a password`}},
		{"email inline password", base + "notify:\n  email:\n    password: hunter2\n", []string{`9: notify.email.password: unknown field; did you mean "password_env"?`}},
		{"email security", base + "notify:\n  email:\n    host: h\n    from: b@x.test\n    to: [a@b.test]\n    security: ssl\n", []string{`12: notify.email.security: "ssl": use starttls`}},
		{"retention keep_runs zero", base + "retention:\n  keep_runs: 0\n", []string{`8: retention.keep_runs: 0 is out of range 1-100000`}},
		{"retention keep_days negative", base + "retention: {keep_runs: 5, keep_days: -1}\n", []string{`7: retention.keep_days: -1 is out of range 0-36500`}},
		{"retention keep_days type", base + "retention:\n  keep_days: 2w\n", []string{`8: retention.keep_days: expected a whole number, got "2w"`}},
		{"retention unknown key", base + "retention:\n  keep_run: 3\n", []string{`8: retention.keep_run: unknown field; did you mean "keep_runs"?`}},
		{"retention not a mapping", base + "retention: 30\n", []string{`7: retention: expected a mapping of fields, got "30"`}},
		{"yaml syntax", base + "robocopy: [\n", []string{`YAML syntax:`}},
		{"double-quoted windows path", strings.Replace(base, `'D:\Shares'`, `"D:\Shares"`, 1), []string{`6: : YAML syntax: `, `single quotes`}},
		{"empty file", "", []string{`the file is empty`}},
		{"alias", base + "x: &a 1\n", []string{"7: x: unknown field"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("job.yaml", []byte(tt.yaml))
			require.Error(t, err)
			require.True(t, errors.Is(err, ErrInvalid))
			var je *Error
			require.ErrorAs(t, err, &je)
			var got []string
			for _, p := range je.Problems {
				got = append(got, fmt.Sprintf("%d: %s: %s", p.Line, p.Field, p.Message))
			}
			all := strings.Join(got, "\n")
			for _, w := range tt.want {
				if strings.Contains(w, ": ") && w[0] >= '0' && w[0] <= '9' {
					assert.Contains(t, all, w)
				} else {
					assert.Contains(t, err.Error(), w)
				}
			}
			assert.True(t, strings.HasPrefix(err.Error(), "job.yaml"), err.Error())
		})
	}
}

func TestAllProblemsAtOnce(t *testing.T) {
	_, err := Parse("bad.yaml", []byte(`version: 1
name: 'bad name'
scripts_dir: 'C:\Program Files\x'
destination: '\\nas\b'
colour: red
sources:
  - path: '\\srv\share'
  - path: 'D:\ok'
    exclude_dirs: ['a"b']
robocopy:
  retries: -1
`))
	var je *Error
	require.ErrorAs(t, err, &je)
	// Decode problems (unknown key) are reported first; once the file decodes,
	// every validation problem is reported together.
	require.Len(t, je.Problems, 1)
	_, err = Parse("bad.yaml", []byte(`version: 1
name: 'bad name'
scripts_dir: 'C:\Program Files\x'
destination: '\\nas\b'
sources:
  - path: '\\srv\share'
  - path: 'D:\ok'
    exclude_dirs: ['a"b']
robocopy:
  retries: -1
`))
	require.ErrorAs(t, err, &je)
	var fields []string
	for _, p := range je.Problems {
		fields = append(fields, fmt.Sprintf("%d %s", p.Line, p.Field))
	}
	assert.Equal(t, []string{"2 name", "3 scripts_dir", "6 sources[0].path", "8 sources[1].exclude_dirs[0]", "10 robocopy.retries"}, fields)
	assert.Contains(t, err.Error(), "bad.yaml:6: sources[0].path: ")
}

func TestFullBackupNeedsSeveralSets(t *testing.T) {
	for _, sets := range []string{"weekday", "{rotate: 2}", "{rotate: 7}"} {
		j, err := Parse("job.yaml", []byte(base+"shadow:\n  backup_type: full\nsets: "+sets+"\n"))
		require.NoError(t, err, sets)
		assert.Equal(t, BackupFull, j.Shadow.BackupType)
	}
	_, err := Parse("job.yaml", []byte(base+"shadow:\n  backup_type: full\nsets: {rotate: 1}\n"))
	assert.ErrorContains(t, err, "rotate takes a number of sets from 2")
	_, err = Parse("job.yaml", []byte(base+"shadow:\n  backup_type: copy\nsets: single\n"))
	assert.NoError(t, err)
}

// TestExampleJobsValidate loads every example job of the repository.
func TestExampleJobsValidate(t *testing.T) {
	files, err := filepath.Glob("../examples/*/job.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		_, err := Load(f)
		assert.NoError(t, err, f)
	}
}

func TestTooManyVolumes(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\nname: v\nscripts_dir: 'C:\\v'\ndestination: '\\\\nas\\b\\v'\nsources:\n")
	for c := 'D'; c <= 'Z'; c++ {
		fmt.Fprintf(&b, "  - path: '%c:\\data'\n", c)
	}
	_, err := Parse("job.yaml", []byte(b.String()))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "23 volumes but only 0 drive letters")
}

func TestPresetsValidate(t *testing.T) {
	require.Equal(t, []string{"domino", "exchange", "fileserver", "hyperv", "sql"}, PresetNames())
	for _, name := range PresetNames() {
		data, err := Preset(name)
		require.NoError(t, err)
		_, err = Parse(name+".yaml", data)
		assert.NoError(t, err, name)
	}
	_, err := Preset("oracle")
	assert.ErrorContains(t, err, "unknown preset")
}

func TestWritePresetNeverOverwrites(t *testing.T) {
	p := filepath.Join(t.TempDir(), "job.yaml")
	require.NoError(t, os.WriteFile(p, []byte("mine"), 0o644))
	assert.ErrorContains(t, WritePreset("fileserver", p), "already exists")
	b, _ := os.ReadFile(p)
	assert.Equal(t, "mine", string(b))
	p2 := filepath.Join(filepath.Dir(p), "new.yaml")
	require.NoError(t, WritePreset("sql", p2))
	j, err := Load(p2)
	require.NoError(t, err)
	assert.Equal(t, "sql", j.Name)
	entries, _ := os.ReadDir(filepath.Dir(p))
	assert.Len(t, entries, 2, "no temporary file left behind")
}

func TestLookupWriter(t *testing.T) {
	w, ok := LookupWriter("EXCHANGE")
	require.True(t, ok)
	assert.Equal(t, "{76fe1ac4-15f7-4bcd-987e-8e1acb462fb7}", w.ID)
	w, ok = LookupWriter("12345678-1234-1234-1234-123456789ABC")
	require.True(t, ok)
	assert.Equal(t, "{12345678-1234-1234-1234-123456789abc}", w.ID)
	_, ok = LookupWriter("{12345678-1234-1234-1234-123456789abc")
	assert.False(t, ok)
	for _, w := range Writers() {
		assert.True(t, IsGUID(w.ID), w.Name)
		assert.NotEmpty(t, w.Source, w.Name)
	}
}
