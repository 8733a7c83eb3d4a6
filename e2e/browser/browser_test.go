//go:build browser

package browser

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/runner/fleet"
	"github.com/vssmirror/vssmirror/runner/fleet/fleettest"
	"github.com/vssmirror/vssmirror/runner/history"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// artifacts is where the pages and their screenshots stay after the
// test: $VSSMIRROR_ARTIFACTS (CI points it outside its throwaway clone),
// else build/browser in the repository.
func artifacts(t *testing.T) string {
	dir := os.Getenv("VSSMIRROR_ARTIFACTS")
	if dir == "" {
		_, file, _, _ := runtime.Caller(0)
		dir = filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(file))), "build", "browser")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// chromium finds Debian's chromium (or VSSMIRROR_CHROMIUM); in CI a
// missing browser is a failure, elsewhere a skip with what to install.
func chromium(t *testing.T) string {
	if p := os.Getenv("VSSMIRROR_CHROMIUM"); p != "" {
		return p
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("chromium is not installed: CI must run bash e2e/install-deps.sh first (%v)", err)
		}
		t.Skip("chromium is not installed: run bash e2e/install-deps.sh (Debian's chromium package)")
	}
	return p
}

// browse opens pageFile in a fresh headless Chromium and returns a
// context on its tab, the messages the page logged and the URLs it asked
// for (collected until done is called).
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	console  []string
	requests []string
}

func open(t *testing.T, pageFile string) *browser {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	tctx, tcancel := chromedp.NewContext(actx)
	t.Cleanup(tcancel)
	b := &browser{ctx: tctx}
	require.NoError(t, chromedp.Listen(tctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		if r, ok := ev.(*network.EventRequestWillBeSent); ok {
			b.requests = append(b.requests, r.Request.URL)
		}
	}))
	lctx, lcancel := context.WithCancel(tctx)
	messages := chromedp.Console(lctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, fmt.Sprintf("%s: %s", m.Type, m.Text))
			b.mu.Unlock()
		}
	})
	t.Cleanup(func() { lcancel(); wg.Wait() })
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(pageFile)}
	require.NoError(t, chromedp.Do(tctx, chromedp.Navigate(u.String()), chromedp.WaitReady("footer")))
	return b
}

// eval runs a script on the page.
func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	require.NoError(t, err, js)
	return v
}

// finish checks that the page logged nothing and loaded nothing but
// itself, and keeps its screenshot.
func (b *browser) finish(t *testing.T, pageFile, shot string) {
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(shot, png, 0o644))
	t.Logf("screenshot: %s", shot)
	time.Sleep(200 * time.Millisecond) // let late console messages arrive
	b.mu.Lock()
	defer b.mu.Unlock()
	assert.Empty(t, b.console, "console messages")
	self := (&url.URL{Scheme: "file", Path: filepath.ToSlash(pageFile)}).String()
	for _, r := range b.requests {
		assert.Equal(t, self, r, "the page asks for nothing but itself")
	}
}

func TestHistoryPageInChromium(t *testing.T) {
	out := artifacts(t)
	dir := t.TempDir()
	stateDir, scripts := filepath.Join(dir, "state"), filepath.Join(dir, "scripts")
	require.NoError(t, fleettest.WriteHistory(stateDir, "fileserver", 45, fleettest.Now.Add(-time.Hour), 2))
	h, err := history.Read(history.Options{Job: "fileserver", StateDir: stateDir})
	require.NoError(t, err)
	// the newest ten runs have their run folder and report
	for _, r := range h.Runs[len(h.Runs)-10:] {
		rd := filepath.Join(scripts, "runs", r.RunID)
		require.NoError(t, os.MkdirAll(rd, 0o755))
		require.NoError(t, report.WriteFile(filepath.Join(rd, report.RunDirFile), fleettest.Report("SRV01", "fileserver", r.End, r.Outcome, r.ShadowsLeaked, 1)))
	}
	h, err = history.Read(history.Options{Job: "fileserver", StateDir: stateDir, ScriptsDir: scripts})
	require.NoError(t, err)
	failed := 0
	for _, r := range h.Runs {
		if r.Outcome != report.Success {
			failed++
		}
	}
	require.Positive(t, failed)
	pageFile := filepath.Join(out, "history.html")
	require.NoError(t, h.WritePage(history.PageOptions{File: pageFile, Host: "SRV01", Now: fleettest.Now, Location: time.UTC}))

	b := open(t, pageFile)
	assert.Equal(t, 45, eval[int](t, b, `document.querySelectorAll("#runs tbody tr").length`), "a row per run")
	assert.Equal(t, failed, eval[int](t, b, `document.querySelectorAll("#runs tbody tr:not(.ok)").length`), "failures highlighted")
	assert.Equal(t, "rgb(255, 235, 233)", eval[string](t, b, `getComputedStyle(document.querySelector("#runs tr.failed td")).backgroundColor`), "a failed run is shown red")
	assert.Equal(t, 10, eval[int](t, b, `document.querySelectorAll("#runs tbody a[href$='/vssmirror-report.json']").length`), "the runs with a run folder link to their report")
	for _, id := range []string{"chart-duration", "chart-bytes", "chart-failed"} {
		assert.Equal(t, 45, eval[int](t, b, `document.querySelectorAll("#`+id+` svg circle.point").length`), id)
		assert.Equal(t, 1, eval[int](t, b, `document.querySelectorAll("#`+id+` svg polyline.line").length`), id)
		assert.Greater(t, eval[float64](t, b, `document.querySelector("#`+id+` svg").getBoundingClientRect().width`), 300.0, id+" is laid out")
		assert.Equal(t, 5, eval[int](t, b, `document.querySelectorAll("#`+id+` svg line.grid").length`), id)
	}
	// a link really leads to the report
	href := eval[string](t, b, `document.querySelector("#runs tbody a").href`)
	u, err := url.Parse(href)
	require.NoError(t, err)
	assert.FileExists(t, u.Path)
	b.finish(t, pageFile, filepath.Join(out, "history.png"))
}

func TestFleetPageInChromium(t *testing.T) {
	out := artifacts(t)
	dir := filepath.Join(out, "fleet-reports")
	require.NoError(t, os.RemoveAll(dir))
	gen, err := fleettest.Write(dir, 110) // every status: host 101 leaked a shadow
	require.NoError(t, err)
	// one host whose job has only a history
	require.NoError(t, fleettest.WriteHistory(filepath.Join(dir, "srv9999", "state"), "archive", 5, fleettest.Now.Add(-72*time.Hour), 3))
	require.FileExists(t, state.HistoryPath(filepath.Join(dir, "srv9999", "state"), "archive"))
	f, err := fleet.Scan(fleet.Options{Dir: dir, Now: gen.Now})
	require.NoError(t, err)
	pageFile := filepath.Join(out, "fleet.html")
	require.NoError(t, f.WritePage(pageFile, time.UTC))

	b := open(t, pageFile)
	assert.Equal(t, len(gen.Jobs)+1, eval[int](t, b, `document.querySelectorAll("#jobs tbody tr").length`), "a row per host and job")
	assert.Equal(t, "leaked", eval[string](t, b, `document.querySelector("#jobs tbody tr").className`), "worst first")
	assert.Equal(t, len(gen.Jobs), eval[int](t, b, `document.querySelectorAll("#jobs tbody a[href]").length`), "jobs read from a report link to it")
	assert.Equal(t, len(gen.Problems), eval[int](t, b, `document.querySelectorAll("#problems li").length`), "every file not read has its line")
	assert.GreaterOrEqual(t, eval[int](t, b, `document.querySelectorAll("#chart-status svg rect.segment").length`), 4)
	text := eval[string](t, b, `document.body.innerText`)
	assert.True(t, strings.Contains(text, "broken.json: damaged JSON at byte"), "the damaged report is named")
	b.finish(t, pageFile, filepath.Join(out, "fleet.png"))
}
