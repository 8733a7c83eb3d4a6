package page

import (
	"bytes"
	"html/template"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/runner/report"
)

func TestStatusOf(t *testing.T) {
	for _, tc := range []struct {
		o      report.Outcome
		leaked int
		want   Status
	}{
		{report.Success, 0, OK},
		{report.CopyFailed, 0, Warning},
		{report.SnapshotFailed, 0, Failed},
		{report.Locked, 0, Failed},
		{report.Failed, 0, Failed},
		{report.Outcome("from_the_future"), 0, Failed},
		{report.Success, 1, Leaked},
		{report.CleanupFailed, 2, Leaked},
	} {
		assert.Equal(t, tc.want, StatusOf(tc.o, tc.leaked), "%s leaked %d", tc.o, tc.leaked)
	}
	for i, s := range Statuses() {
		assert.Equal(t, i, s.Rank())
	}
	assert.Greater(t, Status("bogus").Rank(), Leaked.Rank())
}

func TestAxisTops(t *testing.T) {
	for _, tc := range []struct {
		name string
		top  func(float64) float64
		v    float64
		want float64
	}{
		{"count 0", countTop, 0, 4},
		{"count 3", countTop, 3, 4},
		{"count 5", countTop, 5, 8},
		{"count 31", countTop, 31, 40},
		{"count 81", countTop, 81, 120},
		{"count 1001", countTop, 1001, 1200},
		{"seconds 7", durationTop, 7, 8},
		{"seconds 61", durationTop, 61, 4 * 60},
		{"minutes 70", durationTop, 70 * 60, 4 * 3600},
		{"hours 13", durationTop, 13 * 3600, 20 * 3600},
		{"hours 41", durationTop, 41 * 3600, 48 * 3600},
		{"days 3", durationTop, 3 * 86400, 4 * 86400},
		{"bytes 900", bytesTop, 900, 1200},
		{"bytes 3.1 GiB", bytesTop, 3.1 * (1 << 30), 4 << 30},
		{"bytes 9 GiB", bytesTop, 9 << 30, 12 << 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.top(tc.v)
			assert.Equal(t, tc.want, got)
			assert.GreaterOrEqual(t, got, tc.v)
		})
	}
}

func TestNewChart(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 23, 30, 0, 0, time.UTC)
	samples := []Sample{ // out of order on purpose
		{Time: t0.Add(48 * time.Hour), Value: 30, Status: Failed, Label: "c"},
		{Time: t0, Value: 10, Status: OK, Label: "a"},
		{Time: t0.Add(24 * time.Hour), Value: 0, Status: Warning, Label: "b"},
	}
	c := NewChart("chart-x", "X", samples, CountAxis, time.UTC)
	require.Len(t, c.Points, 3)
	assert.Equal(t, c.Left, c.Points[0].X, "the first run on the left edge")
	assert.Equal(t, c.Right, c.Points[2].X, "the last on the right edge")
	assert.Equal(t, (c.Left+c.Right)/2, c.Points[1].X)
	assert.Equal(t, c.Bottom, c.Points[1].Y, "zero on the axis")
	assert.Equal(t, c.Top+(c.Bottom-c.Top)/4, c.Points[2].Y, "30 of a top of 40")
	assert.Equal(t, "2026-11-03 23:30 c: 30", c.Points[2].Title)
	assert.Equal(t, []string{"0", "10", "20", "30", "40"}, labels(c.YTicks))
	assert.Equal(t, []string{"2026-11-01", "2026-11-02", "2026-11-03"}, labels(c.XTicks))
	assert.Equal(t, "72,132 348,172 624,52", c.Line)

	one := NewChart("chart-x", "X", samples[:1], CountAxis, time.UTC)
	require.Len(t, one.Points, 1)
	assert.Equal(t, (one.Left+one.Right)/2, one.Points[0].X)
	assert.Len(t, one.XTicks, 1)
	assert.Empty(t, NewChart("chart-x", "X", nil, CountAxis, time.UTC).Points)
}

func labels(ts []Tick) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Label)
	}
	return out
}

func TestLinkTo(t *testing.T) {
	dir := t.TempDir()
	pageFile := filepath.Join(dir, "www", "history.html")
	l := LinkTo(pageFile, filepath.Join(dir, "runs", "a #1?x", "vssmirror-report.json"), "run 1")
	require.NotNil(t, l)
	assert.Equal(t, template.URL("../runs/a%20%231%3Fx/vssmirror-report.json"), l.URL)
	l = LinkTo(pageFile, filepath.Join(dir, "www", "c:d", "r.json"), "x")
	assert.Equal(t, template.URL("./c:d/r.json"), l.URL, "never read as a scheme")
	if runtime.GOOS == "windows" {
		l = LinkTo(`C:\pages\h.html`, `D:\runs\r.json`, "x")
		assert.Equal(t, template.URL("file:///D:/runs/r.json"), l.URL)
	}
}

func TestAge(t *testing.T) {
	assert.Equal(t, "40s", Age(40*time.Second))
	assert.Equal(t, "14m", Age(14*time.Minute+3*time.Second))
	assert.Equal(t, "5h 12m", Age(5*time.Hour+12*time.Minute))
	assert.Equal(t, "3d 4h", Age(76*time.Hour+59*time.Minute))
	assert.Equal(t, "in the future", Age(-time.Second))
	assert.Equal(t, "1h2m3s", Duration(3723.4))
	assert.Equal(t, "1h30m", Duration(5400))
	assert.Equal(t, "4h", Duration(4*3600))
	assert.Equal(t, "1h0m5s", Duration(3605))
	assert.Equal(t, "10m", Duration(600))
	assert.Equal(t, "50s", Duration(50))
	assert.Equal(t, "0s", Duration(0))
	assert.Equal(t, "UTC", Zone(time.UTC, time.Now()))
	assert.Equal(t, "X (UTC-03:30)", Zone(time.FixedZone("X", -(3*3600+1800)), time.Now()))
}

// Every value on a page is escaped for where it stands.
func TestHistoryPageEscapes(t *testing.T) {
	evil := `<script>alert("x")</script>`
	p := &HistoryPage{Job: evil, Host: evil, Generated: "now", Zone: "UTC", Source: evil, Notes: []string{evil},
		Summary: []Fact{{Label: evil, Value: evil}},
		Charts:  []Chart{NewChart("chart-duration", evil, []Sample{{Time: time.Now(), Value: 1, Status: OK, Label: evil}}, DurationAxis, time.UTC)},
		Rows:    []HistoryRow{{Status: Status(`x" onmouseover="alert(1)`), RunID: evil, Set: evil, Outcome: evil, Link: &Link{URL: "a.json", Text: evil}}}}
	var b bytes.Buffer
	require.NoError(t, WriteHistory(&b, p))
	s := b.String()
	assert.NotContains(t, s, "<script>")
	assert.NotContains(t, s, `" onmouseover="`)
	assert.Contains(t, s, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;")
	assert.Equal(t, 1, strings.Count(s, "<circle "))
}
