package fleet_test

import (
	"flag"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/runner/fleet"
	"github.com/vssmirror/vssmirror/runner/fleet/fleettest"
)

var writeDir = flag.String("fleet.write", "", "write the benchmark's folder of 1,000 hosts here (TestWriteBenchFolder), to time `vssmirror fleet` on it")

// TestWriteBenchFolder writes the benchmark's folder where -fleet.write
// says, for measuring the command itself (time, peak memory).
func TestWriteBenchFolder(t *testing.T) {
	if *writeDir == "" {
		t.Skip("only with -fleet.write DIR")
	}
	_, err := fleettest.Write(*writeDir, 1000)
	require.NoError(t, err)
}

// BenchmarkScan1000Hosts reads 1,000 hosts' collected files: 3,334
// reports (3 per host in run folders, and an sql job's on every third
// host), 1,000 histories of 30 runs and 40 foreign or damaged files.
// Besides time and allocations it reports the peak of the live heap
// sampled during the scans (peak-heap-MiB): it stays flat as the number
// of reports grows, since only one row per job is kept.
func BenchmarkScan1000Hosts(b *testing.B) { benchmarkScan(b, 1000) }

// BenchmarkScan250Hosts is the same on a quarter of the hosts: its
// peak-heap-MiB beside the 1,000 hosts' shows what grows with the fleet.
func BenchmarkScan250Hosts(b *testing.B) { benchmarkScan(b, 250) }

func benchmarkScan(b *testing.B, hosts int) {
	dir := b.TempDir()
	gen, err := fleettest.Write(dir, hosts)
	require.NoError(b, err)
	stop, peak := samplePeakHeap()
	var f *fleet.Fleet
	for b.Loop() {
		f, err = fleet.Scan(fleet.Options{Dir: dir, Now: gen.Now})
		if err != nil {
			b.Fatal(err)
		}
	}
	stop()
	require.Len(b, f.Jobs, len(gen.Jobs))
	b.ReportMetric(float64(f.Reports+f.Histories+f.ProblemsTotal)/b.Elapsed().Seconds()*float64(b.N), "files/s")
	b.ReportMetric(float64(*peak)/(1<<20), "peak-heap-MiB")
}

// samplePeakHeap samples the heap's live objects every millisecond
// (runtime/metrics does not stop the world) until stop is called.
func samplePeakHeap() (stop func(), peak *uint64) {
	var max uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > max {
				max = v
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }, &max
}
