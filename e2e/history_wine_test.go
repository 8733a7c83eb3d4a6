//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Windows build keeps the history page with `run --html` and writes it
// with `history --html`: Windows paths become links, relative on the same
// drive (C:) and file:///C:/ URLs from another drive (Z:, wine's /).
func TestHistoryPageUnderWine(t *testing.T) {
	s := newScenario(t, mirrorJob)
	s.write("Data/a.txt", "a")
	win := `C:\s-` + s.name
	linux := filepath.Join(driveC, "s-"+s.name)
	require.NoError(t, os.MkdirAll(filepath.Join(linux, "pages"), 0o755))
	exe := filepath.Join(driveC, "tools", "vssmirror.exe")
	runArgs := []string{exe, "run", "--config", win + `\job.yaml`, "--diskshadow", `C:\tools\fakediskshadow.exe`, "--state-dir", win + `\state`,
		"--skip-check", "windows-server", "--skip-check", "expose-letters-free", "--quiet", "--html", win + `\pages\history.html`}

	out, code := run(t, s.env, "wine", runArgs...)
	require.Equal(t, 0, code, out)
	out, code = run(t, append(s.env, "FAKEDSH_FAIL=create:8004231F"), "wine", runArgs...)
	require.Equal(t, 11, code, out)

	html, err := os.ReadFile(filepath.Join(linux, "pages", "history.html"))
	require.NoError(t, err)
	page := string(html)
	assert.Equal(t, 2, strings.Count(page, "<tr class="), "both runs, the page refreshed by the second")
	assert.Contains(t, page, `<tr class="failed">`)
	rel := regexp.MustCompile(`<a href="\.\./scripts/runs/[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}/vssmirror-report\.json">`)
	assert.Len(t, rel.FindAllString(page, -1), 2, "relative links on the same drive:\n%s", page)
	reports, err := filepath.Glob(filepath.Join(linux, "scripts", "runs", "*", "vssmirror-report.json"))
	require.NoError(t, err)
	assert.Len(t, reports, 2, "each run left its report in its run folder")

	// the page on another drive links with file:///C:/ URLs
	other := t.TempDir()
	zPage := `Z:` + strings.ReplaceAll(filepath.Join(other, "history.html"), "/", `\`)
	out, code = run(t, s.env, "wine", exe, "history", "--config", win+`\job.yaml`, "--state-dir", win+`\state`, "--html", zPage)
	require.Equal(t, 0, code, out)
	assert.Regexp(t, `(?m)^DATE\s+SET\s+OUTCOME`, out)
	assert.Contains(t, out, "snapshot_failed")
	html, err = os.ReadFile(filepath.Join(other, "history.html"))
	require.NoError(t, err)
	abs := regexp.MustCompile(`<a href="file:///C:/s-` + regexp.QuoteMeta(s.name) + `/scripts/runs/[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}/vssmirror-report\.json">`)
	assert.Len(t, abs.FindAllString(string(html), -1), 2, "file: links across drives:\n%s", html)
}
