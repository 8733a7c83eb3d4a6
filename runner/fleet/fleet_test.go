package fleet_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/runner/fleet"
	"github.com/vssmirror/vssmirror/runner/fleet/fleettest"
	"github.com/vssmirror/vssmirror/runner/page"
	"github.com/vssmirror/vssmirror/runner/report"
)

func TestScanGeneratedFleet(t *testing.T) {
	dir := t.TempDir()
	gen, err := fleettest.Write(dir, 120)
	require.NoError(t, err)
	f, err := fleet.Scan(fleet.Options{Dir: dir, Now: gen.Now, Workers: 3})
	require.NoError(t, err)

	want := map[string]fleettest.Job{}
	for _, j := range gen.Jobs {
		want[j.Host+"/"+j.Job] = j
	}
	require.Len(t, f.Jobs, len(gen.Jobs))
	for _, r := range f.Jobs {
		w, ok := want[r.Host+"/"+r.Job]
		require.True(t, ok, "unexpected row %s/%s", r.Host, r.Job)
		assert.Equal(t, w.Outcome, r.Outcome, r.Host)
		assert.Equal(t, w.Status, r.Status, r.Host)
		assert.True(t, r.FromReport, "the last run of %s/%s is in a report, newer than its history", r.Host, r.Job)
		require.NotNil(t, r.LastSuccess, r.Host)
	}
	for i := 1; i < len(f.Jobs); i++ {
		assert.GreaterOrEqual(t, f.Jobs[i-1].Status.Rank(), f.Jobs[i].Status.Rank(), "worst first")
	}
	assert.Equal(t, page.Leaked, f.Jobs[0].Status)
	assert.Equal(t, "SRV0101", f.Jobs[0].Host)
	assert.Equal(t, 1, f.Jobs[0].ShadowsLeaked)

	var problems []string
	for _, p := range f.Problems {
		problems = append(problems, p.File)
	}
	assert.ElementsMatch(t, gen.Problems, problems)
	assert.Equal(t, len(gen.Problems), f.ProblemsTotal)
	for _, p := range f.Problems {
		switch filepath.Base(p.File) {
		case "broken.json":
			assert.Contains(t, p.Message, "damaged JSON at byte")
		case "dashboard.json":
			assert.Equal(t, "not a vssmirror report (no schema, job and run_id)", p.Message)
		}
	}
	assert.Equal(t, 120, f.Histories)
	assert.Equal(t, 120*3+40, f.Reports)
}

// The history fills in what the reports do not have: an older success,
// a later run, and jobs with no report at all.
func TestHistoriesJoinTheirHostsReports(t *testing.T) {
	dir := t.TempDir()
	now := fleettest.Now
	// SRV1's last report failed; its history holds an older success.
	rep := fleettest.Report("SRV1", "files", now.Add(-time.Hour), report.SnapshotFailed, 0, 1)
	writeJSON(t, filepath.Join(dir, "srv1.corp", "whatever-name.json"), rep)
	require.NoError(t, fleettest.WriteHistory(filepath.Join(dir, "srv1.corp", "state"), "files", 3, now.Add(-50*time.Hour), 3))
	// srv2 has only a history: the host is its folder's name.
	require.NoError(t, fleettest.WriteHistory(filepath.Join(dir, "srv2", "deep", "er"), "mail", 2, now.Add(-2*time.Hour), 0))
	// a history straight in the folder belongs to nobody known.
	require.NoError(t, fleettest.WriteHistory(dir, "orphan", 1, now, 0))

	f, err := fleet.Scan(fleet.Options{Dir: dir, Now: now})
	require.NoError(t, err)
	require.Len(t, f.Jobs, 2)
	byHost := map[string]fleet.Row{}
	for _, r := range f.Jobs {
		byHost[r.Host] = r
	}
	r1 := byHost["SRV1"]
	assert.Equal(t, report.SnapshotFailed, r1.Outcome)
	require.NotNil(t, r1.LastSuccess, "the success comes from the history")
	assert.True(t, r1.LastSuccess.Before(now.Add(-49*time.Hour)))
	assert.Equal(t, page.Failed, r1.Status)
	r2 := byHost["srv2"]
	assert.Equal(t, "mail", r2.Job)
	assert.False(t, r2.FromReport)
	require.Len(t, f.Problems, 1)
	assert.Contains(t, f.Problems[0].String(), "orphan.history.jsonl: whose history this is cannot be told")
}

// A cleanup after the last run says which shadows are still there; a
// cleanup or a snapshot alone makes no row.
func TestCleanupReports(t *testing.T) {
	dir := t.TempDir()
	now := fleettest.Now
	run := fleettest.Report("SRV1", "files", now.Add(-5*time.Hour), report.CleanupFailed, 2, 1)
	writeJSON(t, filepath.Join(dir, "srv1", "run.json"), run)
	older := fleettest.Report("SRV1", "files", now.Add(-6*time.Hour), report.Success, 0, 2)
	older.RunID = report.CleanupIDPrefix + older.RunID
	writeJSON(t, filepath.Join(dir, "srv1", "cleanup-old.json"), older)
	run2 := fleettest.Report("SRV2", "files", now.Add(-5*time.Hour), report.CleanupFailed, 2, 3)
	writeJSON(t, filepath.Join(dir, "srv2", "run.json"), run2)
	later := fleettest.Report("SRV2", "files", now.Add(-time.Hour), report.Success, 0, 4)
	later.RunID = report.SnapshotStopIDPrefix + later.RunID
	writeJSON(t, filepath.Join(dir, "srv2", "stop.json"), later)
	alone := fleettest.Report("SRV3", "files", now.Add(-time.Hour), report.CleanupFailed, 1, 5)
	alone.RunID = report.CleanupIDPrefix + alone.RunID
	writeJSON(t, filepath.Join(dir, "srv3", "cleanup.json"), alone)
	held := fleettest.Report("SRV3", "sql", now.Add(-time.Hour), report.Success, 0, 6)
	held.RunID = report.SnapshotIDPrefix + held.RunID
	writeJSON(t, filepath.Join(dir, "srv3", "snap.json"), held)

	f, err := fleet.Scan(fleet.Options{Dir: dir, Now: now})
	require.NoError(t, err)
	assert.Equal(t, 2, f.Reports)
	assert.Equal(t, 4, f.OtherReports)
	require.Len(t, f.Jobs, 2)
	assert.Equal(t, "SRV1", f.Jobs[0].Host, "an older cleanup changes nothing: still leaked")
	assert.Equal(t, page.Leaked, f.Jobs[0].Status)
	assert.Equal(t, 2, f.Jobs[0].ShadowsLeaked)
	assert.Nil(t, f.Jobs[0].LastCleanup)
	assert.Equal(t, "SRV2", f.Jobs[1].Host)
	assert.Equal(t, 0, f.Jobs[1].ShadowsLeaked, "the later snapshot stop deleted them")
	assert.Equal(t, page.Failed, f.Jobs[1].Status, "the last run still failed")
	require.NotNil(t, f.Jobs[1].LastCleanup)
	assert.Equal(t, later.End, *f.Jobs[1].LastCleanup)
	assert.Empty(t, f.Problems)
}

func TestFilesThatAreNotReports(t *testing.T) {
	good := fleettest.Report("SRV1", "files", fleettest.Now.Add(-time.Hour), report.Success, 0, 1)
	data, err := json.Marshal(good)
	require.NoError(t, err)
	set := func(k string, v any) []byte {
		var m map[string]any
		require.NoError(t, json.Unmarshal(data, &m))
		m[k] = v
		out, err := json.Marshal(m)
		require.NoError(t, err)
		return out
	}
	for _, tc := range []struct {
		name, content, want string
	}{
		{"array.json", `[1,2,3]`, "not a vssmirror report (not a JSON object)"},
		{"empty.json", ``, "not a vssmirror report (not a JSON object)"},
		{"package.json", `{"name":"x","version":"1.0.0"}`, "not a vssmirror report (no schema, job and run_id)"},
		{"cut.json", string(data[:100]), "damaged JSON at byte"},
		{"typed.json", string(set("schema", "one")), "not a vssmirror report: field schema is a JSON string"},
		{"newer.json", string(set("schema", 2)), "a vssmirror report of schema 2; this vssmirror reads schema 1 (update it)"},
		{"outcome.json", string(set("outcome", "great")), `an unknown outcome "great"`},
		{"host.json", string(set("host", "<svg onload=alert(1)>")), "a host \"<svg onload=alert(1)>\" that is not a computer name"},
		{"job.json", string(set("job", `..\x`)), `a job name "..\\x" that is not one`},
		{"end.json", string(set("end", "2000-01-01T00:00:00Z")), "an end before its start"},
		{"huge.json", string(set("sources", []map[string]any{{"bytes": map[string]any{"copied": int64(math.MaxInt64)}}, {"bytes": map[string]any{"copied": 1}}})), "counts too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, tc.name), []byte(tc.content), 0o644))
			writeJSON(t, filepath.Join(dir, "h", "ok.json"), good)
			f, err := fleet.Scan(fleet.Options{Dir: dir, Now: fleettest.Now})
			require.NoError(t, err)
			require.Len(t, f.Jobs, 1, "the good report is still read")
			require.Len(t, f.Problems, 1)
			assert.Equal(t, filepath.Join(dir, tc.name), f.Problems[0].File)
			assert.Contains(t, f.Problems[0].Message, tc.want)
		})
	}
}

func TestNothingFound(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x.json"), []byte(`{}`), 0o644))
	f, err := fleet.Scan(fleet.Options{Dir: dir, Now: fleettest.Now})
	require.ErrorIs(t, err, fleet.ErrNothing)
	assert.Equal(t, 1, f.ProblemsTotal)
	_, err = fleet.Scan(fleet.Options{Dir: filepath.Join(dir, "missing")})
	assert.ErrorContains(t, err, "--reports")
}

func TestProblemsAreCapped(t *testing.T) {
	dir := t.TempDir()
	for i := range 30 {
		require.NoError(t, os.WriteFile(filepath.Join(dir, strings.Repeat("x", i+1)+".json"), []byte(`[]`), 0o644))
	}
	writeJSON(t, filepath.Join(dir, "h", "ok.json"), fleettest.Report("SRV1", "files", fleettest.Now, report.Success, 0, 1))
	f, err := fleet.Scan(fleet.Options{Dir: dir, Now: fleettest.Now, MaxProblems: 10})
	require.NoError(t, err)
	require.Len(t, f.Problems, 10)
	assert.Equal(t, 30, f.ProblemsTotal)
	assert.Equal(t, filepath.Join(dir, "x.json"), f.Problems[0].File, "the first in name order are kept")
	var b bytes.Buffer
	f.WriteProblems(&b)
	assert.Contains(t, b.String(), "... and 20 more file(s) not read")
}

// --reports may name a link to the folder (a symlink, a junction): it is
// walked through; links below it are not followed.
func TestReportsFolderThroughALink(t *testing.T) {
	dir := t.TempDir()
	writeJSON(t, filepath.Join(dir, "real", "SRV1", "r.json"), fleettest.Report("SRV1", "files", fleettest.Now, report.Success, 0, 1))
	require.NoError(t, os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "link")))
	require.NoError(t, os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "real", "loop")))
	f, err := fleet.Scan(fleet.Options{Dir: filepath.Join(dir, "link"), Now: fleettest.Now})
	require.NoError(t, err)
	require.Len(t, f.Jobs, 1)
	assert.Equal(t, 1, f.Reports, "the loop back to the folder is not followed")
	assert.Equal(t, filepath.Join(dir, "link", "SRV1", "r.json"), f.Jobs[0].Source)
}

// A collected file's name is shown on the console without the terminal
// escapes it holds.
func TestProblemsKeepTerminalEscapesOut(t *testing.T) {
	dir := t.TempDir()
	name := "a\x1b]0;owned\a\x1b[2J\u009b31m.json"
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(`[]`), 0o644))
	writeJSON(t, filepath.Join(dir, "h", "ok.json"), fleettest.Report("SRV1", "files", fleettest.Now, report.Success, 0, 1))
	f, err := fleet.Scan(fleet.Options{Dir: dir, Now: fleettest.Now})
	require.NoError(t, err)
	require.Len(t, f.Problems, 1)
	assert.Equal(t, filepath.Join(dir, name), f.Problems[0].File, "the JSON keeps the name as it is")
	var b bytes.Buffer
	f.WriteProblems(&b)
	assert.Equal(t, "vssmirror: "+filepath.Join(dir, "a?]0;owned??[2J?31m.json")+": not a vssmirror report (not a JSON object)\n", b.String())
}

// The page escapes what it shows from the files (here a file name) and
// links each job to its report, relative to the page.
func TestFleetPage(t *testing.T) {
	dir := t.TempDir()
	_, err := fleettest.Write(dir, 6)
	require.NoError(t, err)
	evil := filepath.Join(dir, `<script>alert(1)<script>.json`)
	require.NoError(t, os.WriteFile(evil, []byte(`{}`), 0o644))
	f, err := fleet.Scan(fleet.Options{Dir: dir, Now: fleettest.Now})
	require.NoError(t, err)
	pageFile := filepath.Join(dir, "fleet.html")
	require.NoError(t, f.WritePage(pageFile, time.UTC))
	html, err := os.ReadFile(pageFile)
	require.NoError(t, err)
	s := string(html)
	assert.NotContains(t, s, "<script")
	assert.Contains(t, s, "&lt;script&gt;alert(1)&lt;script&gt;.json")
	assert.Equal(t, len(f.Jobs), strings.Count(s, "<tr class="))
	assert.Contains(t, s, `<a href="srv0003.corp.example/sql-last.json">sql</a>`)
	assert.Contains(t, s, `id="chart-status"`)
	assert.NotContains(t, s, "http://", "nothing loaded from the network")

	var table bytes.Buffer
	require.NoError(t, f.WriteTable(&table, time.UTC))
	lines := strings.Split(strings.TrimSpace(table.String()), "\n")
	assert.Regexp(t, `^STATUS\s+HOST\s+JOB\s+LAST RUN\s+LAST SUCCESS\s+OUTCOME\s+BYTES\s+FILES FAILED\s+SHADOWS LEAKED$`, lines[0])
	assert.Len(t, lines, len(f.Jobs)+1)
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	data, err := json.Marshal(v)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o644))
}
