//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Windows-only code (ACLs, the job object, the Event Log, the platform
// probes) has Windows unit tests (files with //go:build windows). These
// tests cross-build those packages' test binaries and run them in the
// suite's wine prefix, set up by TestMain (wine_test.go). Each Windows test
// asserts real behaviour where wine implements it and skips with the
// reason where it does not; here every test that wine can exercise must
// PASS, and the others may only PASS or SKIP.

// wuStatus is what a Windows test must end with under wine.
type wuStatus int

const (
	wuPass       wuStatus = iota // wine implements what it checks
	wuPassOrSkip                 // wine lacks it: the test skips with the reason
)

var (
	wuBuildOnce sync.Once
	wuBuildErr  error
)

// wuBuild cross-builds the Windows test binaries of the packages with
// Windows-only code into build/e2e: runner.test.exe, state.test.exe,
// notify.test.exe.
func wuBuild(t *testing.T) {
	t.Helper()
	wuBuildOnce.Do(func() {
		cmd := exec.Command("go", "test", "-c", "-o", root+string(filepath.Separator), "./runner", "./runner/state", "./runner/notify")
		cmd.Dir = filepath.Dir(filepath.Dir(root))
		cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			wuBuildErr = fmt.Errorf("building the Windows test binaries: %v\n%s", err, out)
		}
	})
	require.NoError(t, wuBuildErr)
}

var wuResult = regexp.MustCompile(`(?m)^--- (PASS|FAIL|SKIP): (\S+)`)

// wuRun runs one test binary under wine with -test.v for the given tests
// and checks each one's result. It returns the combined output.
func wuRun(t *testing.T, exe string, env []string, want map[string]wuStatus) string {
	t.Helper()
	wuBuild(t)
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "wine", filepath.Join(root, exe), "-test.v", "-test.count=1",
		"-test.timeout=4m", "-test.run", "^("+strings.Join(names, "|")+")$")
	cmd.Env = append(os.Environ(), env...)
	outb, err := cmd.CombinedOutput()
	out := string(outb)
	t.Logf("%s:\n%s", exe, wuSummary(out))
	require.NoError(t, err, "%s under wine:\n%s", exe, out)

	got := map[string]string{}
	for _, m := range wuResult.FindAllStringSubmatch(out, -1) {
		got[m[2]] = m[1]
	}
	for name, st := range want {
		switch st {
		case wuPass:
			assert.Equal(t, "PASS", got[name], "%s must pass under wine\n%s", name, out)
		case wuPassOrSkip:
			assert.Contains(t, []string{"PASS", "SKIP"}, got[name], "%s\n%s", name, out)
		}
	}
	return out
}

// wuSummary keeps the top-level results of a -test.v run, each skip with
// its reason (the log line before it), and counts skipped subtests.
func wuSummary(out string) string {
	var keep []string
	subSkips := 0
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "--- "):
			keep = append(keep, l)
			if strings.HasPrefix(l, "--- SKIP") && i > 0 && strings.Contains(lines[i-1], ".go:") {
				keep = append(keep, "      "+strings.TrimSpace(lines[i-1]))
			}
		case strings.HasPrefix(strings.TrimSpace(l), "--- SKIP"):
			subSkips++
		}
	}
	if subSkips > 0 {
		keep = append(keep, fmt.Sprintf("(%d subtests skipped)", subSkips))
	}
	return strings.Join(keep, "\n")
}

// TestWinUnitACL runs runner/state's ACL tests. Wine 8 keeps no file DACL
// (it maps Everyone's and the owner's entries to unix mode bits and makes
// a DACL up from the mode): only a folder Everyone may write is a DACL it
// round-trips.
func TestWinUnitACL(t *testing.T) {
	wuRun(t, "state.test.exe", nil, map[string]wuStatus{
		"TestCheckPrivateEveryoneWrite": wuPass,
		"TestCheckPrivateMissing":       wuPass,
		"TestMkdirPrivateDACL":          wuPassOrSkip,
		"TestMkdirPrivateExisting":      wuPassOrSkip,
		"TestMkdirPrivateInherited":     wuPassOrSkip,
		"TestCheckPrivate":              wuPassOrSkip,
		"TestCheckPrivateNullDACL":      wuPassOrSkip,
		"TestJudgeACETypes":             wuPass,
		"TestJudgeOwner":                wuPass,
		"TestCheckPrivateOwner":         wuPassOrSkip,
		"TestCheckPrivateFile":          wuPass,
		"TestMkdirPrivateRace":          wuPass,
		"TestMkdirPrivateLongPath":      wuPass,
	})
}

// TestWinUnitRunner runs runner's job object and platform tests. Wine 8
// implements job objects: a child of a process in a job is in the job,
// TerminateJobObject kills the tree, and KILL_ON_JOB_CLOSE kills it when
// the killed parent's handle closes; only QueryInformationJobObject's limit
// flags are a stub (zeros).
func TestWinUnitRunner(t *testing.T) {
	const used, free = "q", "k"
	link := filepath.Join(prefix, "dosdevices", used+":")
	target := filepath.Join(root, "winunit-drive-"+used)
	require.NoError(t, os.MkdirAll(target, 0o755))
	os.Remove(link)
	require.NoError(t, os.Symlink(target, link))
	defer os.Remove(link)
	if _, err := os.Lstat(filepath.Join(prefix, "dosdevices", free+":")); err == nil {
		require.NoError(t, os.Remove(filepath.Join(prefix, "dosdevices", free+":")))
	}
	wuRun(t, "runner.test.exe", []string{"VSSMIRROR_WINUNIT_USED_LETTER=" + used, "VSSMIRROR_WINUNIT_FREE_LETTER=" + free}, map[string]wuStatus{
		"TestTreeCancelKillsGrandchild":  wuPass,
		"TestKilledParentTakesChildDown": wuPass,
		"TestTreeJobObject":              wuPassOrSkip,
		"TestDefaultDiskshadow":          wuPass,
		"TestDefaultStateDir":            wuPass,
		"TestIsServer":                   wuPass,
		"TestIsElevated":                 wuPass,
		"TestUsedLetters":                wuPass,
	})
}

// wine's ReportEventW is a stub that writes its arguments to debug
// channels: "fixme:advapi:ReportEventW (handle,type,category,id,...)"
// then the string on channel eventlog, class trace (success, information),
// warn (warning) or err (error).
var (
	wuReportCall = regexp.MustCompile(`fixme:advapi:ReportEventW \([0-9A-Fa-f]+,0x([0-9a-f]{4}),0x[0-9a-f]{4},0x([0-9a-f]{8}),`)
	wuReportText = regexp.MustCompile(`(trace|warn|err):eventlog:ReportEventW L"(.*)"`)
)

type wuEvent struct{ typ, id, class, text string }

// TestWinUnitEventLog runs runner/notify's Event Log tests and reads from
// wine's debug channels what LogEvent handed ReportEvent: the event type,
// the outcome's event ID and the text, summary first.
func TestWinUnitEventLog(t *testing.T) {
	out := wuRun(t, "notify.test.exe", []string{"WINEDEBUG=-all,fixme+advapi,+eventlog"}, map[string]wuStatus{
		"TestLogEvent":                 wuPass,
		"TestLogEventSourceRegistered": wuPass,
		"TestLogEventLongText":         wuPass,
		"TestEventIDsHaveMessages":     wuPassOrSkip, // wine ships no EventCreate.exe
		"TestLogEventReadBack":         wuPassOrSkip, // wine's ReadEventLogW reports an empty log
	})
	var events []wuEvent
	var pending *wuEvent
	for _, l := range strings.Split(out, "\n") {
		if m := wuReportCall.FindStringSubmatch(l); m != nil {
			pending = &wuEvent{typ: m[1], id: m[2]}
		} else if m := wuReportText.FindStringSubmatch(l); m != nil && pending != nil {
			pending.class, pending.text = m[1], m[2]
			events = append(events, *pending)
			pending = nil
		}
	}
	// TestLogEvent's events (eventlog_windows_test.go): run ID
	// winunit-<outcome>, job winunit.
	for _, want := range []struct {
		outcome, upper string
		typ, class     string
		id             uint32
	}{
		{"success", "SUCCESS", "0004", "trace", 100},
		{"copy_failed", "COPY_FAILED", "0002", "warn", 110},
		{"snapshot_failed", "SNAPSHOT_FAILED", "0001", "err", 111},
		{"timeout", "TIMEOUT", "0001", "err", 115},
		{"cleanup_failed", "CLEANUP_FAILED", "0001", "err", 114},
	} {
		prefix := "vssmirror winunit run winunit-" + want.outcome + ": " + want.upper + " ("
		var found *wuEvent
		for i := range events {
			if strings.HasPrefix(events[i].text, prefix) {
				found = &events[i]
				break
			}
		}
		if !assert.NotNil(t, found, "no ReportEventW call for %s in wine's debug output:\n%s", want.outcome, out) {
			continue
		}
		assert.Equal(t, want.typ, found.typ, "%s: event type", want.outcome)
		assert.Equal(t, want.class, found.class, "%s: wine's channel class for the type", want.outcome)
		assert.Equal(t, fmt.Sprintf("%08x", want.id), found.id, "%s: event ID", want.outcome)
		assert.Contains(t, found.text, `\nfiles not copied:\nnot copied: S:\\Data\\locked.pst (error 32: in use)`, "%s: the failed file after the summary", want.outcome)
	}
}
