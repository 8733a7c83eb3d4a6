package notify

import (
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/runner/report"
)

// systemPython is Debian's python3, which has python3-aiosmtpd (CI installs it).
const systemPython = "/usr/bin/python3"

func needAiosmtpd(t *testing.T) {
	t.Helper()
	if err := exec.Command(systemPython, "-c", "import aiosmtpd").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3-aiosmtpd is missing: .ci/run installs it (%v)", err)
		}
		t.Skip("python3-aiosmtpd not installed (apt-get install python3-aiosmtpd)")
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// smtpServer starts aiosmtpd on loopback with handler (a dotted "module.Class"
// spec) and waits until it accepts connections.
func smtpServer(t *testing.T, handler string, args ...string) int {
	port := freePort(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "refuse.py"), []byte(
		"class Refuse:\n    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):\n        return '550 5.7.1 relaying denied'\n"), 0o644))
	cmd := exec.Command(systemPython, append([]string{"-m", "aiosmtpd", "-n", "-l", fmt.Sprintf("127.0.0.1:%d", port), "-c", handler}, args...)...)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+dir)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			return port
		}
		require.True(t, time.Now().Before(deadline), "aiosmtpd did not start")
		time.Sleep(50 * time.Millisecond)
	}
}

func mailReport() *report.Report {
	return &report.Report{Schema: 1, Job: "fs", RunID: "r1", Host: "SRV01", Outcome: report.CopyFailed, ExitCode: 10,
		Sources: []report.SourceResult{{Path: `D:\Shares`, Dest: `\\nas\b`, Outcome: report.SourceOutcomeOf(robocmd.Partial)}},
		Cleanup: report.CleanupResult{Deleted: []string{}, Leaked: []string{}}}
}

func TestMailEndToEnd(t *testing.T) {
	needAiosmtpd(t)
	box := filepath.Join(t.TempDir(), "maildir")
	port := smtpServer(t, "aiosmtpd.handlers.Mailbox", box)
	rep := mailReport()
	rep.Sources[0].Errors = append(rep.Sources[0].Errors, robocmd.LogError{Code: 5, Path: `S:\Shares\locked.db`, Message: "Access is denied."})
	e := job.Email{Host: "127.0.0.1", Port: port, Security: "none", From: "backup@example.test", To: []string{"admin@example.test"}, When: "failure"}
	require.True(t, ShouldMail(e, rep.Outcome))
	require.NoError(t, Mail(rep, e, os.Getenv))

	files, err := filepath.Glob(filepath.Join(box, "new", "*"))
	require.NoError(t, err)
	require.Len(t, files, 1)
	f, err := os.Open(files[0])
	require.NoError(t, err)
	defer f.Close()
	m, err := mail.ReadMessage(f)
	require.NoError(t, err)
	assert.Equal(t, "[vssmirror] fs on SRV01: COPY_FAILED", m.Header.Get("Subject"))
	assert.Contains(t, m.Header.Get("To"), "admin@example.test")
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	require.NoError(t, err)
	mr := multipart.NewReader(m.Body, params["boundary"])
	var body, attachment string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		b, _ := io.ReadAll(p)
		if p.FileName() != "" {
			attachment = p.FileName()
		} else {
			body = string(b)
		}
	}
	assert.Contains(t, body, `not copied: S:\Shares\locked.db`)
	assert.Equal(t, "vssmirror-fs-r1.json", attachment)
}

func TestMailFailuresAreErrors(t *testing.T) {
	needAiosmtpd(t)
	port := smtpServer(t, "refuse.Refuse")
	e := job.Email{Host: "127.0.0.1", Port: port, Security: "none", From: "backup@example.test", To: []string{"admin@example.test"}, When: "always"}
	err := Mail(mailReport(), e, os.Getenv)
	require.Error(t, err, "a refusing server")
	assert.Contains(t, err.Error(), "550")

	e.Port = freePort(t) // nothing listens there
	err = Mail(mailReport(), e, os.Getenv)
	require.Error(t, err, "a server that is down")
	assert.Contains(t, err.Error(), "status mail via 127.0.0.1")

	assert.False(t, ShouldMail(job.Email{Host: "x", When: "failure"}, report.Success))
	assert.True(t, ShouldMail(job.Email{Host: "x", When: "always"}, report.Success))
	assert.False(t, ShouldMail(job.Email{}, report.Timeout))
	err = Mail(mailReport(), job.Email{Host: "x", Port: 25, User: "u", PasswordEnv: "VSSM_NO_SUCH_VAR", From: "a@b", To: []string{"c@d"}}, func(string) string { return "" })
	assert.ErrorContains(t, err, "VSSM_NO_SUCH_VAR")
	assert.True(t, strings.HasPrefix(err.Error(), "status mail"))
}
