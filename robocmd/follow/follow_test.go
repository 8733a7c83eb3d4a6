package follow

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/internal/utf16text"
	"github.com/vssmirror/vssmirror/robocmd"
)

const header = "\r\n-------------------------------------------------------------------------------\r\n" +
	"   ROBOCOPY     ::     Robust File Copy for Windows                              \r\n" +
	"-------------------------------------------------------------------------------\r\n\r\n" +
	"  Started : Friday, July 24, 2026 11:08:15 AM\r\n   Source : S:\\Shares\\\r\n     Dest : \\\\nas01\\b\\Shares\\\r\n\r\n" +
	"    Files : *.*\r\n\t    \r\n  Options : *.* /S /E /DCOPY:DA /COPY:DAT /PURGE /MIR /NP /R:2 /W:5 \r\n\r\n" +
	"------------------------------------------------------------------------------\r\n\r\n"

// body is a mirror's file list: a folder, files (one of them "4.2 m"), an
// extra, a file that fails after its retries and one retried with success.
const body = "\t                   5\tS:\\Shares\\\r\n" +
	"\t    New File  \t\t     100\ta.txt\r\n" +
	"\t    Newer     \t\t   4.2 m\tbig.iso\r\n" +
	"\t  *EXTRA File \t\t      12\told.tmp\r\n" +
	"\t  New Dir          2\tS:\\Shares\\sub dir\\\r\n" +
	"\t    New File  \t\t      50\tlocked.db\r\n" +
	"2026/07/24 11:08:20 ERROR 32 (0x00000020) Copying File S:\\Shares\\sub dir\\locked.db\r\n" +
	"The process cannot access the file because it is being used by another process.\r\n" +
	"Waiting 5 seconds... Retrying...\r\n" +
	"\t    New File  \t\t      50\tlocked.db\r\n" +
	"2026/07/24 11:08:25 ERROR 32 (0x00000020) Copying File S:\\Shares\\sub dir\\locked.db\r\n" +
	"The process cannot access the file because it is being used by another process.\r\n\r\n" +
	"ERROR: RETRY LIMIT EXCEEDED.\r\n\r\n" +
	"\t    New File  \t\t      70\tbusy.doc\r\n" +
	"2026/07/24 11:08:26 ERROR 33 (0x00000021) Copying File S:\\Shares\\sub dir\\busy.doc\r\n" +
	"The process cannot access the file because another process has locked a portion of the file.\r\n" +
	"Waiting 5 seconds... Retrying...\r\n" +
	"\t    New File  \t\t      70\tbusy.doc\r\n"

const summary = "\r\n------------------------------------------------------------------------------\r\n\r\n" +
	"               Total    Copied   Skipped  Mismatch    FAILED    Extras\r\n" +
	"    Dirs :         2         1         1         0         0         0\r\n" +
	"   Files :         5         3         1         0         1         1\r\n" +
	"   Bytes :     4.2 m     4.2 m         0         0        50        12\r\n" +
	"   Times :   0:00:01   0:00:01                       0:00:00   0:00:00\r\n\r\n" +
	"   Ended : Friday, July 24, 2026 11:09:06 AM\r\n\r\n"

var big = int64(4404019) // 4.2 m, rounded as the parser does

// TestFollowGrowingLog writes a UTF-16 /UNILOG log a few bytes at a time,
// cut anywhere (inside a code unit, a line, a pair), polling after each
// write: the counts only grow, and the end is what the log says.
func TestFollowGrowingLog(t *testing.T) {
	data := utf16text.EncodeLE(header + body + summary)
	for _, step := range []int{1, 3, 7, 64, len(data)} {
		t.Run(fmt.Sprint(step), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "src1.log")
			f := New(path)
			st, err := f.Poll()
			require.NoError(t, err)
			assert.False(t, st.Exists, "no log yet")
			w, err := os.Create(path)
			require.NoError(t, err)
			defer w.Close()
			var prev Stats
			for off := 0; off < len(data); off += step {
				_, err := w.Write(data[off:min(off+step, len(data))])
				require.NoError(t, err)
				st, err := f.Poll()
				require.NoError(t, err)
				assert.Equal(t, int64(min(off+step, len(data))), st.Offset, "every byte read once")
				assert.GreaterOrEqual(t, st.Failed, prev.Failed)
				assert.GreaterOrEqual(t, st.Extras, prev.Extras)
				prev = st
			}
			assert.True(t, prev.Exists)
			assert.True(t, prev.Started)
			assert.True(t, prev.Finished)
			assert.Equal(t, int64(3), prev.Files, "a.txt, big.iso, busy.doc; locked.db failed")
			assert.Equal(t, 100+big+70, prev.Bytes)
			assert.Equal(t, int64(1), prev.Extras)
			assert.Equal(t, int64(1), prev.Failed)
			assert.Equal(t, int64(3), prev.Errors)
			assert.Equal(t, int64(2), prev.Dirs)
			assert.Equal(t, int64(7), prev.Scanned, "5 files in the root, 2 in the new folder")
			assert.Equal(t, `S:\Shares\sub dir\busy.doc`, prev.Current)
			assert.True(t, prev.Summary)
			assert.Equal(t, robocmd.Counts{Total: 5, Copied: 3, Skipped: 1, Failed: 1, Extras: 1}, prev.SummaryFiles)
			assert.Equal(t, big, prev.SummaryBytes.Copied)
		})
	}
}

// Counts in the middle of the copy: a file whose copy failed is not
// counted as copied while robocopy retries it.
func TestFollowMidCopy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "src1.log")
	cut := strings.Index(body, "Waiting 5")
	require.NoError(t, os.WriteFile(path, utf16text.EncodeLE(header+body[:cut]), 0o644))
	st, err := New(path).Poll()
	require.NoError(t, err)
	assert.Equal(t, int64(2), st.Files, "locked.db is being retried")
	assert.Equal(t, int64(0), st.Failed, "not given up yet")
	assert.False(t, st.Finished)
}

// With /R:0 robocopy goes on without a retry or a give-up line: the error
// counts as failed at the next line.
func TestFollowNoRetries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "src1.log")
	log := strings.Replace(header, "/R:2", "/R:0", 1) +
		"\t                   5\tS:\\Shares\\\r\n" +
		"\t    New File  \t\t      50\tlocked.db\r\n" +
		"2026/07/24 11:08:20 ERROR 5 (0x00000005) Copying File S:\\Shares\\locked.db\r\nAccess is denied.\r\n\r\n" +
		"\t    New File  \t\t      10\tnext.txt\r\n"
	require.NoError(t, os.WriteFile(path, []byte(log), 0o644)) // a /LOG in bytes
	st, err := New(path).Poll()
	require.NoError(t, err)
	assert.Equal(t, int64(1), st.Failed)
	assert.Equal(t, int64(1), st.Files)
	assert.Equal(t, `S:\Shares\next.txt`, st.Current)
}

// Real logs: a Russian /MT log in CP866 (full paths, localized classes and
// error word) and an English one whose destination was unreachable.
func TestFollowFixtures(t *testing.T) {
	for _, c := range []struct {
		name          string
		files, extras int64
		failed        int64
		listOnly      bool
	}{
		{"02_ru_cp866_mt32_error5_retries_retry_limit_extra.log", -1, 4, 1, false},
		{"05_en_tee_error53_retries_retry_limit_exceeded.log", 0, 0, 2, false},
		{"01_en_mir_extra_deletions_success.log", -1, -1, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, err := New(filepath.Join("../../testdata/robocopy", c.name)).Poll()
			require.NoError(t, err)
			want, err := os.Open(filepath.Join("../../testdata/robocopy", c.name))
			require.NoError(t, err)
			defer want.Close()
			l, err := robocmd.ParseLog(want, robocmd.LogOptions{})
			require.NoError(t, err)
			j := l.Jobs[len(l.Jobs)-1]
			if c.extras >= 0 {
				assert.Equal(t, c.extras, st.Extras)
			} else {
				assert.Equal(t, j.FileClasses["extra"], st.Extras, "as the full parse counts them")
			}
			if c.files >= 0 {
				assert.Equal(t, c.files, st.Files)
			}
			assert.Equal(t, c.failed, st.Failed)
			assert.Equal(t, int64(j.ErrorsTotal), st.Errors)
			assert.Equal(t, j.Summary, st.Summary)
			if j.Summary {
				assert.Equal(t, j.Files, st.SummaryFiles)
			}
		})
	}
}

// BenchmarkFollow measures what following a log costs: each operation
// appends 1,000 file lines (UTF-16, as /UNILOG+ writes them; the writing is
// not timed) and polls once, as the runner does each second. ns/op is
// then the CPU time per 1,000 lines; at 1,000 lines a second,
// ns/op / 1e9 * 100 is the share of one core ("%core" reports it).
func BenchmarkFollow(b *testing.B) {
	path := filepath.Join(b.TempDir(), "src1.log")
	w, err := os.Create(path)
	require.NoError(b, err)
	defer w.Close()
	_, err = w.Write(utf16text.EncodeLE(header))
	require.NoError(b, err)
	var chunk strings.Builder
	for i := 0; i < 1000; i++ {
		switch {
		case i%100 == 0:
			fmt.Fprintf(&chunk, "\t  New Dir         %3d\tS:\\Shares\\dept %d\\projects\\2026\\\r\n", i%40, i)
		default:
			fmt.Fprintf(&chunk, "\t    New File  \t\t  %6d\tquarterly figures %d.xlsx\r\n", i*13%99991, i)
		}
	}
	lines := utf16text.EncodeLE(chunk.String())[2:] // no byte order mark when appending
	f := New(path)
	b.SetBytes(int64(len(lines)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		_, err := w.Write(lines)
		require.NoError(b, err)
		b.StartTimer()
		st, err := f.Poll()
		if err != nil || st.Files == 0 {
			b.Fatal(err, st)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e9*100, "%core")
}
