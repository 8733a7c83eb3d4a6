package fleet

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vssmirror/vssmirror/job"
	"github.com/vssmirror/vssmirror/runner/fleet/fleettest"
	"github.com/vssmirror/vssmirror/runner/report"
)

// Whatever a collected file holds, readReport gives a run or a problem,
// never a panic, and a run only from a report that passes the checks.
func FuzzReadReport(f *testing.F) {
	good, err := json.Marshal(fleettest.Report("SRV1", "files", fleettest.Now, report.CopyFailed, 1, 7))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][]byte{good, good[:len(good)/3], []byte(`{}`), []byte(`[]`), []byte(`{"schema":1,"job":"j","run_id":"r"}`),
		[]byte(`{"schema":1e400}`), []byte("\xff\xfe{\x00"), []byte(`{"schema":1,"job":"j","run_id":"r","host":"h","outcome":"success","start":"2026-01-01T00:00:00Z","end":"2026-01-01T00:00:00Z","sources":[{"files":{"copied":-1}}]}`)} {
		f.Add(seed)
	}
	dir := f.TempDir()
	path := filepath.Join(dir, "r.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		got := readReport(path, &buf)
		if got.problem != "" {
			return
		}
		if !job.ValidName(got.job) || !validHost(got.host) || !got.run.Outcome.Known() || got.run.End.Before(got.run.Start) ||
			got.run.BytesCopied < 0 || got.run.FilesFailed < 0 || got.run.Start.Equal(time.Time{}) {
			t.Fatalf("accepted an impossible report: %+v", got)
		}
	})
}
