package script

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// corpusDir holds real diskshadow scripts from public repositories, each
// with a .verdict file: per line that matters, the expected finding (rule
// ID) or "none", the documentation it rests on, and why. SOURCES.md says
// where each script comes from.
const corpusDir = "testdata/corpus"

// minPrecision and minRecall are the bar for lint on real scripts.
const (
	minPrecision = 0.90
	minRecall    = 0.90
)

// verdict is one judged line of a corpus script.
type verdict struct {
	line int
	rule string // a rule ID, or "none"
	doc  string
	why  string
}

func readVerdicts(t *testing.T, path string) []verdict {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err, "every corpus script needs its .verdict file")
	defer f.Close()
	var out []verdict
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		head, why, ok := strings.Cut(text, " -- ")
		require.True(t, ok, "%s:%d: want `line rule documentation -- why`", path, n)
		fields := strings.Fields(head)
		require.GreaterOrEqual(t, len(fields), 3, "%s:%d: want `line rule documentation -- why`", path, n)
		line, err := strconv.Atoi(fields[0])
		require.NoError(t, err, "%s:%d", path, n)
		v := verdict{line: line, rule: fields[1], doc: strings.Join(fields[2:], " "), why: why}
		if v.rule != "none" {
			assert.NotPanics(t, func() { ruleOf(v.rule) }, "%s:%d: unknown rule %s", path, n, v.rule)
		}
		out = append(out, v)
	}
	require.NoError(t, sc.Err())
	return out
}

// measured is the comparison of lint's findings with the verdicts.
type measured struct {
	scripts, tp, fp, fn int
	fps, fns            []string
}

func (m measured) precision() float64 { return float64(m.tp) / float64(m.tp+m.fp) }
func (m measured) recall() float64    { return float64(m.tp) / float64(m.tp+m.fn) }

// measureCorpus lints every corpus script and compares the errors and
// warnings (information findings are not verdicts) with the verdicts, by
// rule and line.
func measureCorpus(t *testing.T) measured {
	t.Helper()
	scripts, err := filepath.Glob(filepath.Join(corpusDir, "*.dsh"))
	require.NoError(t, err)
	sources, err := os.ReadFile(filepath.Join(corpusDir, "SOURCES.md"))
	require.NoError(t, err)
	var m measured
	for _, p := range scripts {
		name := filepath.Base(p)
		assert.Contains(t, string(sources), name, "SOURCES.md must name every corpus script")
		verdicts := readVerdicts(t, strings.TrimSuffix(p, ".dsh")+".verdict")
		want := map[string]bool{}
		for _, v := range verdicts {
			if v.rule != "none" {
				want[fmt.Sprintf("%d:%s", v.line, v.rule)] = true
			}
		}
		r, err := LintFile(p)
		require.NoError(t, err)
		got := map[string]bool{}
		for _, f := range r.Findings {
			if f.Severity != SevInfo {
				got[fmt.Sprintf("%d:%s", f.Line, f.Rule)] = true
			}
		}
		for k := range got {
			if want[k] {
				m.tp++
			} else {
				m.fp++
				m.fps = append(m.fps, name+":"+k)
			}
		}
		for k := range want {
			if !got[k] {
				m.fn++
				m.fns = append(m.fns, name+":"+k)
			}
		}
		m.scripts++
	}
	sort.Strings(m.fps)
	sort.Strings(m.fns)
	return m
}

// TestCorpusPrecisionRecall is the measure: lint on real diskshadow
// scripts, judged line by line against Microsoft's documentation, must
// reach 90% precision and 90% recall. Run it with -v for the figures.
func TestCorpusPrecisionRecall(t *testing.T) {
	m := measureCorpus(t)
	require.GreaterOrEqual(t, m.scripts, 20, "the corpus holds at least 20 real scripts")
	t.Logf("corpus: %d scripts, %d expected findings, %d reported; true positives %d, false positives %d, false negatives %d",
		m.scripts, m.tp+m.fn, m.tp+m.fp, m.tp, m.fp, m.fn)
	t.Logf("precision %.1f%% (%d/%d), recall %.1f%% (%d/%d)", 100*m.precision(), m.tp, m.tp+m.fp, 100*m.recall(), m.tp, m.tp+m.fn)
	for _, f := range m.fps {
		t.Logf("false positive: %s", f)
	}
	for _, f := range m.fns {
		t.Logf("false negative: %s", f)
	}
	assert.GreaterOrEqual(t, m.precision(), minPrecision, "precision")
	assert.GreaterOrEqual(t, m.recall(), minRecall, "recall")
}

// TestCorpusVerdictsCiteDocumentation: every verdict names what it rests on.
func TestCorpusVerdictsCiteDocumentation(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.verdict"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, p := range files {
		_, err := os.Stat(strings.TrimSuffix(p, ".verdict") + ".dsh")
		assert.NoError(t, err, "%s has no script", p)
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Contains(t, string(data), "# source: https://github.com/", p)
		for _, v := range readVerdicts(t, p) {
			assert.NotEmpty(t, v.why, "%s:%d", p, v.line)
			if v.rule != "none" {
				ok := strings.Contains(v.doc, "learn.microsoft.com") || strings.Contains(v.doc, "undocumented") || strings.Contains(v.doc, "docs/WINDOWS.md")
				assert.True(t, ok, "%s:%d: %s rests on %q", p, v.line, v.rule, v.doc)
			}
		}
	}
}
