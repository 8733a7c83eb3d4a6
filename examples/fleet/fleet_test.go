package fleet

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/vssmirror/vssmirror/runner/notify"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// written is what `run --prom` writes, read back from runner/notify's own
// output (not from a list kept here): metric names, label names, and the
// values of the outcome label.
type written struct {
	metrics  map[string]bool
	labels   map[string]bool
	outcomes map[string]bool
}

func whatVssmirrorWrites(t *testing.T) written {
	t.Helper()
	start := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	text, err := notify.PromText(state.HistoryEntry{Start: start, End: start.Add(time.Hour), Outcome: report.CopyFailed,
		FilesFailed: 3, ShadowsLeaked: 1, BytesCopied: 1 << 20}, "fileserver", start.Add(-24*time.Hour))
	require.NoError(t, err)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(text))
	require.NoError(t, err)
	w := written{metrics: map[string]bool{}, labels: map[string]bool{}, outcomes: map[string]bool{}}
	for name, mf := range families {
		w.metrics[name] = true
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				w.labels[l.GetName()] = true
				if l.GetName() == "outcome" {
					w.outcomes[l.GetValue()] = true
				}
			}
		}
	}
	require.NotEmpty(t, w.outcomes, "PromText writes an outcome label")
	return w
}

// promqlUse is what one PromQL expression uses of vssmirror's metrics.
type promqlUse struct {
	metrics   []string // vssmirror_* metric names
	recorded  []string // vssmirror:* recording rule names
	outcomes  []string // values compared with the outcome label by = or !=
	byLabels  []string // labels named in by/without/on/ignoring/group_*(...)
	selLabels []string // label names inside {...}
}

var (
	stringRE    = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
	commentRE   = regexp.MustCompile(`(?m)#.*$`)
	matcherRE   = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`)")
	braceRE     = regexp.MustCompile(`\{[^{}]*\}`)
	groupingRE  = regexp.MustCompile(`\b(by|without|on|ignoring|group_left|group_right)\s*\(([^()]*)\)`)
	identRE     = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)
	labelNameRE = regexp.MustCompile(`[a-zA-Z_][a-zA-Z0-9_]*`)
)

// parsePromQL extracts, with a small lexer's care (strings and comments
// blanked first, label selectors and grouping clauses read apart from
// metric names), what an expression uses. Pulling in the Prometheus
// server's own parser would add its whole module graph to vssmirror's.
func parsePromQL(expr string) promqlUse {
	var u promqlUse
	// Comments first (a '#' in a string is rare in these files and would
	// only hide text from the check, never invent a name).
	expr = commentRE.ReplaceAllString(expr, "")
	for _, m := range matcherRE.FindAllStringSubmatch(expr, -1) {
		if m[1] == "outcome" && (m[2] == "=" || m[2] == "!=") {
			u.outcomes = append(u.outcomes, strings.Trim(m[3], "\"'`"))
		}
	}
	noStrings := stringRE.ReplaceAllString(expr, `""`)
	for _, b := range braceRE.FindAllString(noStrings, -1) {
		for _, m := range matcherRE.FindAllStringSubmatch(strings.ReplaceAll(b, `""`, `"x"`), -1) {
			u.selLabels = append(u.selLabels, m[1])
		}
	}
	rest := braceRE.ReplaceAllString(noStrings, " ")
	for _, g := range groupingRE.FindAllStringSubmatch(rest, -1) {
		u.byLabels = append(u.byLabels, labelNameRE.FindAllString(g[2], -1)...)
	}
	rest = groupingRE.ReplaceAllString(rest, " ")
	rest = regexp.MustCompile(`\[[^\]]*\]`).ReplaceAllString(rest, " ") // range durations
	for _, id := range identRE.FindAllString(rest, -1) {
		switch {
		case strings.HasPrefix(id, "vssmirror_"):
			u.metrics = append(u.metrics, id)
		case strings.HasPrefix(id, "vssmirror:"):
			u.recorded = append(u.recorded, id)
		}
	}
	return u
}

func TestParsePromQL(t *testing.T) {
	u := parsePromQL(`sum by (outcome, instance) (vssmirror_last_run_outcome{outcome!="success", exported_job=~"fs|sql"}) # vssmirror_not_this
	  > on (instance) group_left(exported_job) vssmirror:x:y - max_over_time(vssmirror_shadows_leaked[2d:1m]) unless label_replace(up, "vssmirror_label", "a", "", "")`)
	assert.Equal(t, []string{"vssmirror_last_run_outcome", "vssmirror_shadows_leaked"}, u.metrics)
	assert.Equal(t, []string{"vssmirror:x:y"}, u.recorded)
	assert.Equal(t, []string{"success"}, u.outcomes)
	assert.Equal(t, []string{"outcome", "instance", "instance", "exported_job"}, u.byLabels)
	assert.Equal(t, []string{"outcome", "exported_job"}, u.selLabels)
}

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Record string `yaml:"record"`
			Alert  string `yaml:"alert"`
			Expr   string `yaml:"expr"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

func readRules(t *testing.T) ruleFile {
	t.Helper()
	b, err := os.ReadFile("prometheus/vssmirror.rules.yml")
	require.NoError(t, err)
	var rf ruleFile
	require.NoError(t, yaml.Unmarshal(b, &rf))
	require.NotEmpty(t, rf.Groups)
	return rf
}

// allowedLabels are the labels an expression may select or group by: what
// vssmirror writes (its job label arrives as exported_job) and what
// Prometheus adds to every scraped series.
func allowedLabels(w written) map[string]bool {
	ok := map[string]bool{"instance": true, "job": true}
	for l := range w.labels {
		ok[l] = true
		if l == "job" {
			ok["exported_job"] = true
		}
	}
	return ok
}

// checkExpr reports, for one expression, each name vssmirror does not
// write.
func checkExpr(t assert.TestingT, where, expr string, w written, recorded map[string]bool) {
	u := parsePromQL(expr)
	for _, m := range u.metrics {
		assert.True(t, w.metrics[m], "%s uses %s, which vssmirror run --prom does not write (it writes %v)", where, m, keys(w.metrics))
	}
	for _, r := range u.recorded {
		assert.True(t, recorded[r], "%s uses %s, which no recording rule in vssmirror.rules.yml defines", where, r)
	}
	for _, o := range u.outcomes {
		assert.True(t, w.outcomes[o], "%s compares outcome with %q, which is no outcome vssmirror writes (%v)", where, o, keys(w.outcomes))
	}
	ok := allowedLabels(w)
	for _, l := range append(u.selLabels, u.byLabels...) {
		assert.True(t, ok[l], "%s uses the label %q, which vssmirror's metrics do not carry", where, l)
	}
}

// recorder is an assert.TestingT that only notes a failure.
type recorder struct{ failed bool }

func (r *recorder) Errorf(string, ...any) { r.failed = true }

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestRulesUseOnlyWhatVssmirrorWrites: a renamed metric, label or outcome
// in runner/notify or runner/report fails here, not at 3 a.m.
func TestRulesUseOnlyWhatVssmirrorWrites(t *testing.T) {
	w := whatVssmirrorWrites(t)
	rf := readRules(t)
	recorded := map[string]bool{}
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				recorded[r.Record] = true
			}
		}
	}
	used := map[string]bool{}
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			name := r.Record + r.Alert
			require.NotEmpty(t, r.Expr, name)
			checkExpr(t, "rule "+name, r.Expr, w, recorded)
			for _, m := range parsePromQL(r.Expr).metrics {
				used[m] = true
			}
		}
	}
	// The alerts the issue asks for watch these metrics; the rules must
	// still use each of them.
	for _, m := range []string{"vssmirror_last_success_timestamp_seconds", "vssmirror_last_run_outcome", "vssmirror_shadows_leaked",
		"vssmirror_last_run_files_failed", "vssmirror_last_run_duration_seconds", "vssmirror_last_run_timestamp_seconds"} {
		assert.True(t, used[m], "no rule uses %s", m)
	}
	// And the check itself can fail: a name vssmirror does not write is caught.
	for _, bad := range []string{`vssmirror_last_run_secondz > 0`, `vssmirror_last_run_outcome{outcome="succeeded"} == 1`,
		`vssmirror:no_such_rule > 0`, `sum by (host) (vssmirror_shadows_leaked)`} {
		probe := &recorder{}
		checkExpr(probe, "probe", bad, w, recorded)
		assert.True(t, probe.failed, "the check accepts %s", bad)
	}
}

type promtoolTests struct {
	Tests []struct {
		Name      string `yaml:"name"`
		AlertTest []struct {
			EvalTime  string `yaml:"eval_time"`
			Alertname string `yaml:"alertname"`
			ExpAlerts []any  `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
		InputSeries []struct {
			Series string `yaml:"series"`
		} `yaml:"input_series"`
	} `yaml:"tests"`
}

// TestEveryAlertHasFiringAndQuietTests: promtool runs the tests (make
// fleet-check); this checks they cover every alert both ways, and that the
// test series use only metrics vssmirror writes.
func TestEveryAlertHasFiringAndQuietTests(t *testing.T) {
	w := whatVssmirrorWrites(t)
	b, err := os.ReadFile("prometheus/vssmirror.rules.test.yml")
	require.NoError(t, err)
	var pt promtoolTests
	require.NoError(t, yaml.Unmarshal(b, &pt))
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, tc := range pt.Tests {
		for _, a := range tc.AlertTest {
			if len(a.ExpAlerts) > 0 {
				fires[a.Alertname] = true
			} else {
				quiet[a.Alertname] = true
			}
		}
		for _, s := range tc.InputSeries {
			name := s.Series[:strings.IndexAny(s.Series+"{", "{")]
			assert.True(t, w.metrics[name], "test %q feeds %s, which vssmirror does not write", tc.Name, name)
		}
	}
	for _, g := range readRules(t).Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			assert.True(t, fires[r.Alert], "no promtool test where %s fires", r.Alert)
			assert.True(t, quiet[r.Alert], "no promtool test where %s stays quiet", r.Alert)
		}
	}
}

type dashboard struct {
	UID           string `json:"uid"`
	Title         string `json:"title"`
	SchemaVersion int    `json:"schemaVersion"`
	Templating    struct {
		List []struct {
			Name       string `json:"name"`
			Definition string `json:"definition"`
		} `json:"list"`
	} `json:"templating"`
	Panels []struct {
		ID      int    `json:"id"`
		Type    string `json:"type"`
		Title   string `json:"title"`
		GridPos struct {
			X, Y, W, H int
		} `json:"gridPos"`
		Targets []struct {
			Expr  string `json:"expr"`
			RefID string `json:"refId"`
		} `json:"targets"`
	} `json:"panels"`
}

// TestDashboard: the Grafana dashboard is valid JSON with the panels the
// issue names, and its queries use only what vssmirror writes and the
// recording rules define.
func TestDashboard(t *testing.T) {
	w := whatVssmirrorWrites(t)
	recorded := map[string]bool{}
	for _, g := range readRules(t).Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				recorded[r.Record] = true
			}
		}
	}
	b, err := os.ReadFile("grafana/vssmirror-fleet.json")
	require.NoError(t, err)
	require.True(t, json.Valid(b), "grafana/vssmirror-fleet.json is not valid JSON")
	var d dashboard
	require.NoError(t, json.Unmarshal(b, &d))
	assert.NotEmpty(t, d.UID)
	assert.NotEmpty(t, d.Title)
	assert.Positive(t, d.SchemaVersion)
	ids := map[int]bool{}
	var used []string
	for _, p := range d.Panels {
		assert.False(t, ids[p.ID], "panel id %d twice", p.ID)
		ids[p.ID] = true
		assert.NotEmpty(t, p.Type, "panel %d", p.ID)
		assert.Positive(t, p.GridPos.W*p.GridPos.H, "panel %q has no size", p.Title)
		assert.LessOrEqual(t, p.GridPos.X+p.GridPos.W, 24, "panel %q is wider than Grafana's 24 columns", p.Title)
		require.NotEmpty(t, p.Targets, "panel %q has no query", p.Title)
		for _, tg := range p.Targets {
			// Grafana's variables are not PromQL: $instance is inside a
			// string, which the check skips.
			checkExpr(t, "panel "+p.Title, tg.Expr, w, recorded)
			used = append(used, parsePromQL(tg.Expr).metrics...)
		}
	}
	for _, v := range d.Templating.List {
		if v.Definition != "" {
			checkExpr(t, "variable "+v.Name, strings.NewReplacer("label_values(", "(").Replace(v.Definition), w, recorded)
		}
	}
	for _, m := range []string{"vssmirror_last_run_outcome", "vssmirror_last_success_timestamp_seconds", "vssmirror_last_run_bytes_copied",
		"vssmirror_last_run_duration_seconds", "vssmirror_shadows_leaked"} {
		assert.True(t, slices.Contains(used, m), "the dashboard has no panel on %s", m)
	}
}
