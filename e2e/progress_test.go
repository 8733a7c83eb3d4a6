//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLiveProgressUnderWine: vssmirror.exe follows the UTF-16 /UNILOG+ log
// the robocopy double writes slowly (ROBODOUBLE_SLOW) while wine's cmd.exe
// runs the copy script: with output captured (not a console) it prints
// plain progress lines, the percentage from the deletion guard's /L pass,
// and the copy's end before the summary; the status file ends with the
// outcome, and `vssmirror.exe status` shows it.
func TestLiveProgressUnderWine(t *testing.T) {
	s := newScenario(t, strings.Replace(mirrorJob, "guard:\n", "guard:\n  enabled: true\n", 1))
	for i := 0; i < 60; i++ {
		s.write(fmt.Sprintf("Data/file %02d.txt", i), strings.Repeat("x", 1000))
	}
	win := `C:\s-` + s.name
	out, code := run(t, append(s.env, "ROBODOUBLE_SLOW=50ms"), "wine", filepath.Join(driveC, "tools", "vssmirror.exe"), "run",
		"--config", win+`\job.yaml`, "--diskshadow", `C:\tools\fakediskshadow.exe`, "--state-dir", win+`\state`,
		"--skip-check", "windows-server", "--skip-check", "expose-letters-free", "--progress-every", "500ms")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, `vssmirror: progress: source 1 of 1 (D:\Data): `)
	assert.Regexp(t, `[0-9]+% of 58\.6 KiB to copy \(the /L pass\)`, out)
	end := strings.Index(out, "vssmirror: progress: copy ended: 1 of 1 source(s) copied to the end, 60 files and 58.6 KiB copied, 0 failed")
	require.GreaterOrEqual(t, end, 0, out)
	assert.Less(t, end, strings.LastIndex(out, "SUCCESS"), "the summary comes after the progress")

	data, err := os.ReadFile(filepath.Join(driveC, "s-"+s.name, "state", "e2e.status.json"))
	require.NoError(t, err)
	var st struct {
		State, Outcome string
		Sources        []struct {
			State       string
			FilesCopied int64 `json:"files_copied"`
			Estimate    struct{ From string }
		}
	}
	require.NoError(t, json.Unmarshal(data, &st))
	assert.Equal(t, "finished", st.State)
	assert.Equal(t, "success", st.Outcome)
	require.Len(t, st.Sources, 1)
	assert.Equal(t, "done", st.Sources[0].State)
	assert.Equal(t, int64(60), st.Sources[0].FilesCopied)
	assert.Equal(t, "list_pass", st.Sources[0].Estimate.From)

	out, code = run(t, s.env, "wine", filepath.Join(driveC, "tools", "vssmirror.exe"), "status", "--config", win+`\job.yaml`, "--state-dir", win+`\state`)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "job e2e: not running")
	assert.Contains(t, out, ": success (exit 0)")
}
