package runner

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/runner/progress"
	"github.com/vssmirror/vssmirror/runner/report"
	"github.com/vssmirror/vssmirror/runner/state"
)

// syncBuffer is a console written by the run and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A run whose robocopy writes its log slowly (the robocopy double's slow
// mode, played by the diskshadow double's copy): from another "console",
// `status` sees the run going, the source being copied and its files
// copied so far growing; at the end it sees the outcome, and the history
// line keeps each source's counts (the next run's estimate).
func TestStatusDuringRun(t *testing.T) {
	e := newEnv(t, "")
	src := filepath.Join(t.TempDir(), "share")
	require.NoError(t, os.MkdirAll(src, 0o755))
	const files = 40
	for i := range files {
		require.NoError(t, os.WriteFile(filepath.Join(src, fmt.Sprintf("doc %02d.txt", i)), []byte(strings.Repeat("x", 100)), 0o644))
	}
	t.Setenv("FAKEDSH_ROBOCOPY_SRC", src)
	t.Setenv("ROBODOUBLE_SLOW", "25ms") // a second per source
	opts := e.opts()
	var console syncBuffer
	opts.Console = &console
	opts.Progress = ProgressOptions{Out: &console, Every: 200 * time.Millisecond, Poll: 20 * time.Millisecond, StatusEvery: 20 * time.Millisecond}

	type result struct {
		rep *report.Report
		err error
	}
	done := make(chan result)
	go func() {
		rep, err := Run(context.Background(), opts)
		done <- result{rep, err}
	}()
	seen := map[int][]int64{} // source -> files copied, as status saw them
	var res result
	deadline := time.After(60 * time.Second)
poll:
	for {
		select {
		case res = <-done:
			break poll
		case <-deadline:
			t.Fatal("the run did not end")
		case <-time.After(10 * time.Millisecond):
		}
		v, err := progress.Look(e.stateDir, "fs")
		require.NoError(t, err)
		if !v.Running || v.Status == nil || v.Status.State != progress.StateRunning || v.Status.Source == 0 {
			continue
		}
		s := v.Status.Sources[v.Status.Source-1]
		if s.State == progress.SourceCopying {
			seen[s.Index] = append(seen[s.Index], s.FilesCopied)
		}
	}
	require.NoError(t, res.err, console.String())
	assert.Equal(t, report.Success, res.rep.Outcome)
	for _, i := range []int{1, 2} {
		counts := seen[i]
		require.NotEmpty(t, counts, "source %d was seen copying", i)
		assert.IsNonDecreasing(t, counts)
		mid := 0
		for _, c := range counts {
			if c > 0 && c < files {
				mid++
			}
		}
		assert.Positive(t, mid, "source %d was seen part way: %v", i, counts)
	}
	assert.Contains(t, console.String(), "vssmirror: progress: source 1 of 2 (D:\\Shares): ")
	assert.Contains(t, console.String(), "vssmirror: progress: copy ended: 2 of 2 source(s) copied to the end, 80 files and 7.8 KiB copied, 0 failed")

	v, err := progress.Look(e.stateDir, "fs")
	require.NoError(t, err)
	assert.False(t, v.Running)
	require.NotNil(t, v.Status)
	assert.Equal(t, progress.StateFinished, v.Status.State)
	assert.Equal(t, report.Success, v.Status.Outcome)
	require.NotNil(t, v.LastRun)
	assert.Equal(t, res.rep.RunID, v.LastRun.RunID)
	require.Len(t, v.LastRun.Sources, 2)
	assert.Equal(t, `D:\Shares`, v.LastRun.Sources[0].Path)
	assert.Equal(t, int64(files), v.LastRun.Sources[0].FilesTotal)
	assert.Equal(t, int64(files), v.LastRun.Sources[1].FilesCopied)

	// The next run estimates from this one: the same 40 files.
	t.Setenv("ROBODOUBLE_SLOW", "")
	console = syncBuffer{}
	opts.Progress.Every = time.Hour
	rep, err := Run(context.Background(), opts)
	require.NoError(t, err, console.String())
	st, err := progress.ReadStatus(e.stateDir, "fs")
	require.NoError(t, err)
	assert.Equal(t, rep.RunID, st.RunID)
	require.Len(t, st.Sources, 2)
	assert.Equal(t, &progress.Estimate{From: progress.FromHistory, Measure: progress.MeasureScanned, Total: files, Files: files, Bytes: files * 100, RunID: res.rep.RunID}, st.Sources[0].Estimate)
}

// --quiet: no progress on the console, the status file all the same; a
// run that cannot take the lock leaves the running run's status alone.
func TestQuietRunAndLockedRunStatus(t *testing.T) {
	e := newEnv(t, "")
	rep, err := Run(context.Background(), e.opts())
	require.NoError(t, err)
	assert.NotContains(t, e.console.String(), "progress:")
	st, err := progress.ReadStatus(e.stateDir, "fs")
	require.NoError(t, err)
	require.NotNil(t, st)
	assert.Equal(t, rep.RunID, st.RunID)
	assert.Equal(t, progress.StateFinished, st.State)

	lock, err := state.Lock(e.stateDir, "fs")
	require.NoError(t, err)
	defer lock.Unlock()
	_, err = Run(context.Background(), e.opts())
	require.Error(t, err)
	again, err := progress.ReadStatus(e.stateDir, "fs")
	require.NoError(t, err)
	assert.Equal(t, st, again, "the locked-out run wrote no status")
}
