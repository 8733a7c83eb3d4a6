package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/runner/fleet/fleettest"
)

func TestFleetCommand(t *testing.T) {
	dir := t.TempDir()
	reports := filepath.Join(dir, "collected")
	gen, err := fleettest.Write(reports, 55)
	require.NoError(t, err)

	code, stdout, stderr := vssm(t, "fleet", "--reports", reports)
	require.Equal(t, exitOK, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, len(gen.Jobs)+1)
	assert.Regexp(t, `^STATUS\s+HOST\s+JOB`, lines[0])
	assert.Regexp(t, `^failed\s+SRV0053\s+fileserver\s`, lines[1], "worst first")
	for _, p := range gen.Problems {
		assert.Contains(t, stderr, "vssmirror: "+p+": ", "each file not read has its line")
	}

	page := filepath.Join(dir, "fleet.html")
	code, stdout, stderr = vssm(t, "fleet", "--reports", reports, "--json", "--html", page)
	require.Equal(t, exitOK, code, stderr)
	var f struct {
		Reports, Histories int
		Jobs               []struct{ Host, Job, Status string }
		ProblemsTotal      int `json:"problems_total"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &f))
	assert.Len(t, f.Jobs, len(gen.Jobs))
	assert.Equal(t, "failed", f.Jobs[0].Status)
	assert.Equal(t, len(gen.Problems), f.ProblemsTotal)
	html, err := os.ReadFile(page)
	require.NoError(t, err)
	assert.Equal(t, len(gen.Jobs), strings.Count(string(html), "<tr class="))
	assert.Contains(t, stderr, "wrote "+page)

	code, _, stderr = vssm(t, "fleet")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "fleet needs --reports")
	code, _, stderr = vssm(t, "fleet", "--reports", reports, "--stale", "-1h")
	assert.Equal(t, exitUsage, code, stderr)

	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.Mkdir(empty, 0o755))
	code, _, stderr = vssm(t, "fleet", "--reports", empty)
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "no vssmirror reports or run histories found under "+empty)
	code, _, stderr = vssm(t, "fleet", "--reports", filepath.Join(dir, "missing"))
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "--reports "+filepath.Join(dir, "missing"))
}
