package robocmd

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

func fixture(t testing.TB, name string) *Log {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join("../testdata/robocopy", name+"*"))
	require.NoError(t, err)
	require.Len(t, matches, 1, name)
	f, err := os.Open(matches[0])
	require.NoError(t, err)
	defer f.Close()
	l, err := ParseLog(f, LogOptions{})
	require.NoError(t, err, name)
	return l
}

// u is v units of mult bytes, rounded as robocopy's display was.
func u(v float64, mult int64) int64 { return int64(math.Round(v * float64(mult))) }

const (
	k = 1 << 10
	m = 1 << 20
	g = 1 << 30
)

// The expected values below were read off each log by eye (its summary
// table, header and error lines), not produced by the parser.
func TestFixtureEnglishMirror(t *testing.T) {
	l := fixture(t, "01_")
	require.Len(t, l.Jobs, 1)
	j := l.Jobs[0]
	assert.Equal(t, "ascii", l.Encoding)
	assert.Equal(t, `C:\Users\Tom\Desktop\IN609_OE1\`, j.Source)
	assert.Equal(t, `C:\Users\Tom\Desktop\IN609_OE1\Files_Backup\`, j.Dest)
	assert.Contains(t, j.Switches, "/MIR")
	assert.Equal(t, "Friday, 31 March 2023 11:06:37 pm", j.Started)
	assert.Equal(t, "Friday, 31 March 2023 11:06:39 pm", j.Ended)
	assert.Equal(t, Counts{144, 143, 1, 0, 0, 7}, j.Dirs)
	assert.Equal(t, Counts{454, 454, 0, 0, 0, 151}, j.Files)
	assert.Equal(t, Counts{u(6.91, m), u(6.91, m), 0, 0, 0, u(37.3, k)}, j.Bytes)
	assert.Equal(t, int64(5740251), j.SpeedBytesPerSec)
	assert.Equal(t, Deletions{Files: 151, Dirs: 7}, j.Deleted)
	assert.Equal(t, int64(454), j.FileClasses["new"])
	assert.Equal(t, int64(151), j.FileClasses["extra"])
	assert.Equal(t, Success, j.Outcome)
	assert.Empty(t, j.Errors)
}

func TestFixtureRussianCP866(t *testing.T) {
	l := fixture(t, "02_")
	require.Len(t, l.Jobs, 1)
	j := l.Jobs[0]
	assert.Equal(t, "cp866", l.Encoding)
	assert.Equal(t, `p:\PROJECTS\FUJIMIR\`, j.Dest, "Назначение = ... (with '=')")
	assert.Equal(t, "вторник, 30 декабря 2025 г. 00:49:05", j.Started)
	assert.Equal(t, Counts{96, 93, 92, 0, 0, 1}, j.Dirs)
	assert.Equal(t, Counts{180, 22, 157, 0, 1, 4}, j.Files)
	assert.Equal(t, Counts{u(33.97, m), u(2.67, m), u(31.30, m), 0, 538, u(6.92, m)}, j.Bytes)
	assert.Equal(t, int64(1671206), j.SpeedBytesPerSec, "1 671 206 with NBSP grouping")
	require.Len(t, j.Errors, 1)
	e := j.Errors[0]
	assert.Equal(t, 5, e.Code)
	assert.Equal(t, "Копирование файла", e.Action)
	assert.Equal(t, `C:\Users\Ihor\.gemini\antigravity\scratch\fujimir-modern\.gitignore`, e.Path)
	assert.Equal(t, "Отказано в доступе.", e.Message)
	assert.Equal(t, 4, e.Attempts, "one /MT line glued the error to a file line")
	assert.True(t, e.RetryLimitExceeded)
	assert.Equal(t, 4, j.ErrorsTotal)
	assert.Equal(t, Partial, j.Outcome)
}

func TestFixtureRetryLimitNoSummary(t *testing.T) {
	l := fixture(t, "05_")
	j := l.Jobs[0]
	assert.False(t, j.Summary)
	assert.Equal(t, Fatal, j.Outcome)
	assert.Equal(t, `c:\rwg\`, j.Source, "an error line inside the header does not shift the fields")
	assert.Equal(t, `\\falcon\rwg$\`, j.Dest)
	assert.Equal(t, 8, j.ErrorsTotal)
	assert.Equal(t, 2, j.RetryLimitExceeded)
	assert.Equal(t, 4, j.RetryWaits)
	require.Len(t, j.Errors, 3)
	assert.Equal(t, "Accessing Destination Directory", j.Errors[1].Action)
	assert.Equal(t, "The network path was not found.", j.Errors[1].Message)
	assert.Equal(t, 3, j.Errors[1].Attempts)
}

func TestFixtureSummaryOnly(t *testing.T) {
	j := fixture(t, "06_").Jobs[0]
	assert.Equal(t, Counts{10, 10, 0, 0, 0, 0}, j.Files)
	assert.Equal(t, u(76.290, g), j.Bytes.Copied)
	assert.Equal(t, int64(1915409756), j.SpeedBytesPerSec)
	assert.Equal(t, "0:05:15", j.TimeTotal)

	l := fixture(t, "07_")
	assert.Equal(t, "utf-16le", l.Encoding)
	j = l.Jobs[0]
	assert.Equal(t, Counts{991, 981, 10, 0, 0, 0}, j.Dirs)
	assert.Equal(t, Counts{6755, 6743, 12, 0, 0, 1}, j.Files)
	assert.Equal(t, Counts{u(2.430, g), u(2.430, g), u(6.4, k), 0, 0, 0}, j.Bytes)
	assert.Equal(t, int64(334750079), j.SpeedBytesPerSec)
	assert.Equal(t, Deletions{}, j.Deleted, "no /MIR: extras are not deleted")
}

func TestFixtureFrenchCP850(t *testing.T) {
	l := fixture(t, "08_")
	assert.Equal(t, "cp850", l.Encoding)
	j := l.Jobs[0]
	assert.Equal(t, "mardi 7 avril 2026 21:17:14", j.Started)
	assert.Equal(t, Counts{22, 22, 0, 0, 0, 0}, j.Dirs)
	assert.Equal(t, Counts{41, 41, 0, 0, 0, 0}, j.Files)
	assert.Equal(t, u(6.23, m), j.Bytes.Copied)
	assert.Equal(t, int64(43311158), j.SpeedBytesPerSec)
	assert.Equal(t, int64(41), j.FileClasses["new"])
	assert.Equal(t, Success, j.Outcome)
}

func TestFixtureMultiJob(t *testing.T) {
	l := fixture(t, "11_")
	require.Len(t, l.Jobs, 7)
	assert.Equal(t, Counts{19, 19, 0, 0, 0, 0}, l.Jobs[0].Files)
	assert.Equal(t, int64(4030753403), l.Jobs[0].SpeedBytesPerSec)
	for _, j := range l.Jobs[1:] {
		assert.Equal(t, Counts{19, 0, 19, 0, 0, 0}, j.Files)
		assert.Equal(t, u(476.65, m), j.Bytes.Skipped)
		assert.Equal(t, int64(0), j.SpeedBytesPerSec, "no speed lines when nothing was copied")
	}
	assert.Equal(t, `C:\robo_testing\`, l.Jobs[1].Dest)

	l = fixture(t, "15_")
	assert.Equal(t, "cp936", l.Encoding)
	require.Len(t, l.Jobs, 25)
	assert.Equal(t, "2025年4月25日 19:15:06", l.Jobs[0].Started)
	assert.Equal(t, Counts{33, 33, 0, 0, 0, 0}, l.Jobs[0].Files)
	assert.Equal(t, u(2.41, m), l.Jobs[0].Bytes.Copied)
	assert.Equal(t, int64(63230575), l.Jobs[0].SpeedBytesPerSec)
	assert.Equal(t, Counts{33, 33, 0, 0, 0, 0}, l.Jobs[1].Files)
	assert.Equal(t, int64(76643121), l.Jobs[1].SpeedBytesPerSec)
	assert.Equal(t, Counts{53, 53, 0, 0, 0, 0}, l.Jobs[2].Files)
	assert.Equal(t, u(80.0, k), l.Jobs[2].Bytes.Copied)
	assert.Equal(t, int64(33), l.Jobs[0].FileClasses["new"])
}

func TestParseCountsStyles(t *testing.T) {
	for in, want := range map[string]Counts{
		"  6.91 m    6.91 m         0         0         0    37.3 k": {u(6.91, m), u(6.91, m), 0, 0, 0, u(37.3, k)},
		"1.5 t 1 g 2 K 3 M 0 0":         {int64(1.5 * (1 << 40)), g, 2 * k, 3 * m, 0, 0},
		"6,23 m 6,23 m 0 0 0 0":         {u(6.23, m), u(6.23, m), 0, 0, 0, 0},
		"2147483648 2147483648 0 0 0 0": {2147483648, 2147483648, 0, 0, 0, 0},
		"1\u00a0234\u00a0567 0 0 0 0 0": {1234567, 0, 0, 0, 0, 0},
	} {
		got, ok := parseCounts(in)
		require.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"1 2 3", "a b c d e f", "1 2 3 4 5 6 7", "0:00:01 0:00:01 0:00:00 0:00:00"} {
		_, ok := parseCounts(bad)
		assert.False(t, ok, bad)
	}
}

func TestParseSpeedStyles(t *testing.T) {
	for in, want := range map[string]int64{
		"5740251 Bytes/sec.":               5740251,
		"1,915,409,756 Bytes/sec.":         1915409756,
		"1.915.409.756 Bytes/s.":           1915409756,
		"43\u00a0311\u00a0158 Octets/sec.": 43311158,
		"1\u202f671\u202f206 Байт/сек.":    1671206,
		"1'915'409 Bytes/Sek.":             1915409,
		"63,230,575 字节/秒。":                 63230575,
	} {
		got, ok := parseSpeed(in)
		require.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"Friday, July 24, 2026", "30/12/2025 00:49:21", "2025年4月25日 19:15:06", ""} {
		_, ok := parseSpeed(bad)
		assert.False(t, ok, bad)
	}
}

// englishLog builds a small log in robocopy's English layout, with the
// header labels replaced by label (for the code page tests).
func englishLog(started, source, dest string, files Counts, errLine string) string {
	var b strings.Builder
	b.WriteString("\r\n-------------------------------------------------------------------------------\r\n")
	b.WriteString("   ROBOCOPY     ::     Robust File Copy for Windows                              \r\n")
	b.WriteString("-------------------------------------------------------------------------------\r\n\r\n")
	fmt.Fprintf(&b, "  Started : %s\r\n   Source : %s\r\n     Dest : %s\r\n\r\n    Files : *.*\r\n\t    \r\n", started, source, dest)
	b.WriteString("  Options : *.* /S /E /DCOPY:DA /COPY:DAT /PURGE /MIR /NP /R:2 /W:5 \r\n\r\n")
	b.WriteString("------------------------------------------------------------------------------\r\n\r\n")
	fmt.Fprintf(&b, "\t                   2\t%s\r\n", source)
	fmt.Fprintf(&b, "\t    New File  \t\t     100\tfile one.txt\r\n")
	if errLine != "" {
		b.WriteString(errLine)
	}
	b.WriteString("\r\n------------------------------------------------------------------------------\r\n\r\n")
	b.WriteString("               Total    Copied   Skipped  Mismatch    FAILED    Extras\r\n")
	b.WriteString("    Dirs :         1         1         0         0         0         0\r\n")
	fmt.Fprintf(&b, "   Files : %9d %9d %9d %9d %9d %9d\r\n", files.Total, files.Copied, files.Skipped, files.Mismatch, files.Failed, files.Extras)
	b.WriteString("   Bytes :       100       100         0         0         0         0\r\n")
	b.WriteString("   Times :   0:00:00   0:00:00                       0:00:00   0:00:00\r\n\r\n")
	b.WriteString("   Ended : Friday, July 24, 2026 11:09:06 AM\r\n\r\n")
	return b.String()
}

func TestEncodings(t *testing.T) {
	src := `D:\Données\Comptabilité`
	text := englishLog("mardi 7 avril 2026", src, `\\nas\b`, Counts{1, 1, 0, 0, 0, 0}, "")
	ru := englishLog("вторник, 30 декабря 2025 г.", `D:\Документы\Отчёты`, `\\nas\b`, Counts{1, 1, 0, 0, 0, 0}, "")
	zh := englishLog("2025年4月25日 19:15:06", `D:\项目\文件`, `\\nas\b`, Counts{1, 1, 0, 0, 0, 0}, "")
	enc := func(e interface{ Bytes([]byte) ([]byte, error) }, s string) []byte {
		b, err := e.Bytes([]byte(s))
		require.NoError(t, err)
		return b
	}
	tests := []struct {
		name, wantEnc, wantSrc string
		data                   []byte
	}{
		{"utf-8", "utf-8", src, []byte(text)},
		{"utf-8 bom", "utf-8", src, append([]byte{0xEF, 0xBB, 0xBF}, text...)},
		{"utf-16le", "utf-16le", src, enc(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder(), text)},
		{"utf-16be", "utf-16be", src, enc(unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder(), text)},
		{"cp850", "cp850", src, enc(charmap.CodePage850.NewEncoder(), text)},
		{"cp866", "cp866", `D:\Документы\Отчёты`, enc(charmap.CodePage866.NewEncoder(), ru)},
		{"gbk", "cp936", `D:\项目\文件`, enc(simplifiedchinese.GBK.NewEncoder(), zh)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ParseLog(bytes.NewReader(tt.data), LogOptions{})
			require.NoError(t, err)
			assert.Equal(t, tt.wantEnc, l.Encoding)
			require.Len(t, l.Jobs, 1)
			assert.Equal(t, tt.wantSrc, l.Jobs[0].Source)
			assert.Equal(t, Counts{1, 1, 0, 0, 0, 0}, l.Jobs[0].Files)
		})
	}
	// A forced code page wins over the guess.
	l, err := ParseLog(bytes.NewReader(enc(charmap.CodePage850.NewEncoder(), text)), LogOptions{CodePage: 437})
	require.NoError(t, err)
	assert.Equal(t, "cp437", l.Encoding)
	_, err = ParseLog(strings.NewReader(text), LogOptions{CodePage: 12345})
	assert.ErrorContains(t, err, "not supported")
}

func TestCutAndEmptyAndForeign(t *testing.T) {
	full := englishLog("x", `D:\a`, `E:\b`, Counts{3, 3, 0, 0, 0, 0}, "")
	cut := full[:strings.Index(full, "   Files :")+12]
	l, err := ParseLog(strings.NewReader(cut), LogOptions{})
	require.NoError(t, err)
	assert.False(t, l.Jobs[0].Summary)
	assert.Equal(t, Fatal, l.Jobs[0].Outcome)

	_, err = ParseLog(strings.NewReader(""), LogOptions{})
	assert.ErrorIs(t, err, ErrNotRobocopyLog)
	_, err = ParseLog(strings.NewReader("Microsoft DiskShadow version 1.0\r\n-> set context persistent\r\n"), LogOptions{})
	assert.ErrorIs(t, err, ErrNotRobocopyLog)
	_, err = ParseLog(strings.NewReader("just some\ntext file\n"), LogOptions{})
	assert.ErrorIs(t, err, ErrNotRobocopyLog)
}

func TestErrorsAfterSummaryAndLineShapes(t *testing.T) {
	errLine := "2026/01/02 03:04:05 ERROR 5 (0x00000005) Copying File D:\\a\\locked file.db\r\nAccess is denied.\r\n\r\nWaiting 5 seconds... Retrying...\r\n" +
		"2026/01/02 03:04:10 ERROR 5 (0x00000005) Copying File D:\\a\\locked file.db\r\nAccess is denied.\r\n\r\nERROR: RETRY LIMIT EXCEEDED.\r\n\r\n"
	text := englishLog("x", `D:\a`, `E:\b`, Counts{3, 2, 0, 0, 1, 0}, errLine)
	text += "2026/01/02 03:05:00 ERROR 112 (0x00000070) Copying File D:\\a\\big.iso\r\nThere is not enough space on the disk.\r\n"
	l, err := ParseLog(strings.NewReader(text), LogOptions{})
	require.NoError(t, err)
	j := l.Jobs[0]
	require.Len(t, j.Errors, 2)
	assert.Equal(t, LogError{Time: "2026/01/02 03:04:05", Code: 5, Action: "Copying File", Path: `D:\a\locked file.db`, Message: "Access is denied.", Attempts: 2, RetryLimitExceeded: true}, j.Errors[0])
	assert.Equal(t, "There is not enough space on the disk.", j.Errors[1].Message, "errors after the summary belong to the job")
	assert.Equal(t, 1, j.RetryWaits)
	assert.Equal(t, Partial, j.Outcome)
}

func TestOutcomeWithExitCode(t *testing.T) {
	ok := englishLog("x", `D:\a`, `E:\b`, Counts{3, 3, 0, 0, 0, 0}, "")
	failed := englishLog("x", `D:\a`, `E:\b`, Counts{3, 2, 0, 0, 1, 0}, "")
	tests := []struct {
		log     string
		exit    int
		outcome Class
		note    string
	}{
		{ok, 1, Success, ""},
		{ok, 3, Success, ""},
		{ok, 8, Partial, "summary counts none"},
		{ok, 16, Fatal, "fatal although"},
		{ok, -1, Fatal, "fatal although"},
		{failed, 9, Partial, ""},
		{failed, 1, Partial, "trusting the summary"},
	}
	for _, tt := range tests {
		code := tt.exit
		l, err := ParseLog(strings.NewReader(tt.log), LogOptions{ExitCode: &code})
		require.NoError(t, err)
		j := l.Jobs[0]
		assert.Equal(t, tt.outcome, j.Outcome, "exit %d", tt.exit)
		if tt.note != "" {
			assert.Contains(t, strings.Join(j.Notes, "\n"), tt.note, "exit %d", tt.exit)
		} else {
			assert.Empty(t, j.Notes, "exit %d", tt.exit)
		}
		require.NotNil(t, j.ExitCode)
	}
}

func TestErrorDetailsBounded(t *testing.T) {
	var errs strings.Builder
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&errs, "2026/01/02 03:04:05 ERROR 5 (0x00000005) Copying File D:\\a\\f%d\r\nAccess is denied.\r\n", i)
	}
	l, err := ParseLog(strings.NewReader(englishLog("x", `D:\a`, `E:\b`, Counts{50, 0, 0, 0, 50, 0}, errs.String())), LogOptions{MaxErrors: 10})
	require.NoError(t, err)
	j := l.Jobs[0]
	assert.Len(t, j.Errors, 10)
	assert.Equal(t, 40, j.ErrorsOmitted)
	assert.Equal(t, 50, j.ErrorsTotal)
}

func FuzzParseLog(f *testing.F) {
	f.Add([]byte(englishLog("x", `D:\a`, `E:\b`, Counts{1, 1, 0, 0, 0, 0}, "")))
	f.Add([]byte("2026/01/02 03:04:05 ERROR 5 (0x00000005) Copying File D:\\x\r\n"))
	f.Add([]byte{0xFF, 0xFE, 'R', 0})
	f.Add([]byte("\t*EXTRA File\t\t 1\tx\r 5%\r\n   Dirs : 1 1 1 1 1 1\r\n"))
	f.Add([]byte("  Started : 3 Haziran 2024 Pazartesi\r\n   Source : D:\\Yaz\x8dl\x8dm\\\r\n\tNew File\t\t1\t\x9f\r\n"))
	f.Add([]byte("2024/06/03 10:15:02 \xbf\xc0\xb7\xf9 32 (0x00000020) \xc6\xc4\xc0\xcf D:\\\xc0\xda\xb7\xe1\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseLog(bytes.NewReader(data), LogOptions{MaxErrors: 5})
		if err != nil {
			return
		}
		for _, j := range l.Jobs {
			if len(j.Errors) > 5 || len(j.FileClasses) > 64 {
				t.Fatalf("unbounded: %d errors, %d classes", len(j.Errors), len(j.FileClasses))
			}
			if j.Outcome.String() == "" {
				t.Fatal("no outcome")
			}
		}
	})
}

// genLog streams a large, realistic log without holding it in memory:
// several jobs of verbose file lines, /MT-style interleaved error lines and
// retries, and a summary each.
type genLog struct {
	jobs, filesPerJob, job, file int
	buf                          bytes.Buffer
}

func (g *genLog) Read(p []byte) (int, error) {
	for g.buf.Len() < len(p) {
		if g.job == g.jobs {
			break
		}
		if g.file == 0 {
			full := englishLog("Friday, July 24, 2026 11:08:15 AM", `S:\Shares`, `\\nas01\backups\fs\D\Shares`, Counts{}, "")
			g.buf.WriteString(full[:strings.Index(full, "\t                   2")])
		}
		for i := 0; i < 100 && g.file < g.filesPerJob; i++ {
			g.file++
			switch {
			case g.file%1000 == 0:
				fmt.Fprintf(&g.buf, "\t    New File  \t\t   12345\tlocked %d.db2026/01/02 03:04:05 ERROR 32 (0x00000020) Copying File S:\\Shares\\dept\\locked %d.db\r\nThe process cannot access the file because it is being used by another process.\r\nWaiting 5 seconds... Retrying...\r\n", g.file, g.file)
			case g.file%7 == 0:
				fmt.Fprintf(&g.buf, "\tNew Dir          %d\tS:\\Shares\\dept %d\\sub folder\\\r\n", g.file%40, g.file)
			case g.file%5 == 0:
				fmt.Fprintf(&g.buf, "\t*EXTRA File \t\t    4.2 m\told report %d.xlsx\r\n", g.file)
			default:
				fmt.Fprintf(&g.buf, "\t    Newer     \t\t  %6d\tquarterly figures %d.xlsx\r\n", g.file*13%99991, g.file)
			}
		}
		if g.file == g.filesPerJob {
			g.buf.WriteString("\r\n------------------------------------------------------------------------------\r\n\r\n")
			g.buf.WriteString("               Total    Copied   Skipped  Mismatch    FAILED    Extras\r\n")
			g.buf.WriteString("    Dirs :       144       143         1         0         0         7\r\n")
			g.buf.WriteString("   Files :    100000     99990         0         0        10       151\r\n")
			g.buf.WriteString("   Bytes :   6.910 g   6.910 g         0         0    1.20 m    37.3 k\r\n")
			g.buf.WriteString("   Times :   0:10:01   0:09:01                       0:00:00   0:00:00\r\n\r\n")
			g.buf.WriteString("   Speed :           5740251 Bytes/sec.\r\n   Speed :           328.459 MegaBytes/min.\r\n")
			g.buf.WriteString("   Ended : Friday, July 24, 2026 11:09:06 AM\r\n\r\n")
			g.job++
			g.file = 0
		}
	}
	if g.buf.Len() == 0 {
		return 0, io.EOF
	}
	return g.buf.Read(p)
}

func TestGeneratedLogParses(t *testing.T) {
	l, err := ParseLog(&genLog{jobs: 3, filesPerJob: 5000}, LogOptions{})
	require.NoError(t, err)
	require.Len(t, l.Jobs, 3)
	for _, j := range l.Jobs {
		assert.Equal(t, int64(99990), j.Files.Copied)
		assert.Equal(t, 5, j.ErrorsTotal)
		assert.Len(t, j.Errors, 5)
		assert.Equal(t, 5, j.RetryWaits)
		// Of 5000 lines: every 1000th is an error, then every 7th a dir, then every 5th an extra.
		assert.Equal(t, int64(5000/5-5000/35-5000/1000), j.FileClasses["extra"])
		assert.Equal(t, int64(5000/7), j.FileClasses["new_dir"], "no multiple of 7000 (an error line) below 5000")
		assert.Equal(t, Partial, j.Outcome)
		// The parser reads lines without copying them (unsafe.String):
		// what it keeps must have been copied before the reader's buffer
		// was reused, megabytes ago.
		assert.Equal(t, `S:\Shares`, j.Source)
		assert.Equal(t, `\\nas01\backups\fs\D\Shares`, j.Dest)
		assert.Equal(t, "Friday, July 24, 2026 11:08:15 AM", j.Started)
		assert.Equal(t, "Friday, July 24, 2026 11:09:06 AM", j.Ended)
		assert.Equal(t, "0:10:01", j.TimeTotal)
		assert.Equal(t, LogError{Time: "2026/01/02 03:04:05", Code: 32, Action: "Copying File", Path: `S:\Shares\dept\locked 1000.db`,
			Message: "The process cannot access the file because it is being used by another process.", Attempts: 1}, j.Errors[0])
		assert.Contains(t, j.Switches, "/MIR")
	}
}

// BenchmarkParseLog reports throughput (MB/s) and allocations on generated
// logs of 10 MB, 100 MB and 1 GB. "onejob" is one robocopy run whose file
// list grows (B/op must stay flat: memory does not depend on the log's
// size); "jobs" appends ever more runs (B/op grows only with the per-run
// results kept). The generated job is replayed, so generating costs nothing.
// "utf8" is the job as generated; "utf16le" is the same job encoded as
// UTF-16LE with a byte order mark, as /UNILOG+ writes it (the logs vssmirror
// writes). The size in a name and MB/s are of the file's bytes: a UTF-16
// log of a size holds about half the lines of a UTF-8 one. cpu-MB/s is
// the same throughput per second of CPU time (reportCPU).
func BenchmarkParseLog(b *testing.B) {
	job, err := io.ReadAll(&genLog{jobs: 1, filesPerJob: 20_000})
	require.NoError(b, err)
	bodyStart := bytes.Index(job, []byte("\t    Newer"))
	summary := bytes.LastIndex(job, []byte("\r\n------"))
	u16 := func(s []byte) []byte {
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().Bytes(s)
		require.NoError(b, err)
		return out
	}
	for _, enc := range []struct {
		name string
		bom  []byte
		conv func([]byte) []byte
	}{
		{"utf8", nil, func(s []byte) []byte { return s }},
		{"utf16le", []byte{0xFF, 0xFE}, u16},
	} {
		head := append(append([]byte{}, enc.bom...), enc.conv(job[:bodyStart])...)
		body, tail := enc.conv(job[bodyStart:summary]), enc.conv(job[summary:])
		encJob := enc.conv(job)
		for _, size := range []struct {
			name  string
			bytes int64
		}{{"10MB", 10 << 20}, {"100MB", 100 << 20}, {"1GB", 1 << 30}} {
			b.Run(enc.name+"/onejob/"+size.name, func(b *testing.B) {
				n := int(size.bytes / int64(len(body)))
				b.SetBytes(int64(len(head) + n*len(body) + len(tail)))
				b.ReportAllocs()
				cpu := cpuTime()
				for i := 0; i < b.N; i++ {
					r := io.MultiReader(bytes.NewReader(head), &repeatReader{data: body, n: n}, bytes.NewReader(tail))
					l, err := ParseLog(r, LogOptions{})
					if err != nil || len(l.Jobs) != 1 || !l.Jobs[0].Summary {
						b.Fatal(err)
					}
				}
				reportCPU(b, cpu, int64(len(head)+n*len(body)+len(tail)))
			})
			b.Run(enc.name+"/jobs/"+size.name, func(b *testing.B) {
				n := int(size.bytes / int64(len(encJob)))
				b.SetBytes(int64(len(enc.bom) + n*len(encJob)))
				b.ReportAllocs()
				cpu := cpuTime()
				for i := 0; i < b.N; i++ {
					r := io.MultiReader(bytes.NewReader(enc.bom), &repeatReader{data: encJob, n: n})
					l, err := ParseLog(r, LogOptions{})
					if err != nil || len(l.Jobs) != n {
						b.Fatal(err, len(l.Jobs))
					}
				}
				reportCPU(b, cpu, int64(len(enc.bom)+n*len(encJob)))
			})
		}
	}
}

// reportCPU reports the file bytes parsed per second of the process's CPU
// time since start ("cpu-MB/s"): the speed on one core, steadier than
// MB/s (wall time) on a machine other work shares.
func reportCPU(b *testing.B, start time.Duration, size int64) {
	if cpu := cpuTime() - start; cpu > 0 && start > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "cpu-MB/s")
	}
}

// repeatReader yields data n times.
type repeatReader struct {
	data []byte
	n    int
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	c := copy(p, r.data[r.off:])
	r.off += c
	if r.off == len(r.data) {
		r.off = 0
		r.n--
	}
	return c, nil
}

func localFixture(t testing.TB, name string, opts LogOptions) *Log {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	require.NoError(t, err)
	defer f.Close()
	l, err := ParseLog(f, opts)
	require.NoError(t, err, name)
	return l
}

// A German log whose summary table follows the file list (or the header)
// with no dashed line before it, as in a German log posted to
// MicrosoftDocs/windowsserverdocs#1956: the table is found by its shape.
func TestSummaryWithoutDashes(t *testing.T) {
	l := localFixture(t, "de_cp850_no_dashes_before_summary.log", LogOptions{})
	assert.Equal(t, "cp850", l.Encoding)
	require.Len(t, l.Jobs, 1)
	j := l.Jobs[0]
	assert.True(t, j.Summary)
	assert.Equal(t, "Montag, 3. Juni 2024 10:15:00", j.Started)
	assert.Equal(t, `D:\Daten\Büro\`, j.Source)
	assert.Equal(t, `\\nas01\Sicherung\Büro\`, j.Dest)
	assert.Equal(t, Counts{2, 1, 1, 0, 0, 0}, j.Dirs)
	assert.Equal(t, Counts{4, 4, 0, 0, 0, 0}, j.Files)
	assert.Equal(t, Counts{u(2.113, m), u(2.113, m), 0, 0, 0, 0}, j.Bytes)
	assert.Equal(t, "0:00:01", j.TimeTotal)
	assert.Equal(t, int64(2216101), j.SpeedBytesPerSec)
	assert.Equal(t, "Montag, 3. Juni 2024 10:15:01", j.Ended)
	assert.Equal(t, map[string]int64{"new": 3, "newer": 1, "new_dir": 1}, j.FileClasses)
	assert.Equal(t, Success, j.Outcome)
	assert.Empty(t, j.Notes)

	l = localFixture(t, "de_cp850_nfl_ndl_no_dashes_before_summary.log", LogOptions{})
	assert.Equal(t, "cp850", l.Encoding)
	j = l.Jobs[0]
	assert.True(t, j.Summary)
	assert.Equal(t, `E:\Freigaben\`, j.Source)
	assert.Equal(t, Counts{1204, 26, 1178, 0, 0, 0}, j.Dirs, "'.' groups thousands in a count")
	assert.Equal(t, Counts{43210, 4321, 38889, 0, 2, 0}, j.Files)
	assert.Equal(t, Counts{u(2.032, 1<<40), u(1.25, g), u(2.031, 1<<40), 0, u(12.5, k), 0}, j.Bytes)
	assert.Equal(t, "15:11:31", j.TimeTotal)
	assert.Equal(t, "3:47:52", j.TimeCopying)
	assert.Equal(t, int64(98352445), j.SpeedBytesPerSec)
	assert.Equal(t, "Montag, 3. Juni 2024 13:40:12", j.Ended)
	assert.Equal(t, Partial, j.Outcome)

	// The English layout with the dashes before the summary removed.
	text := strings.Replace(englishLog("x", `D:\a`, `E:\b`, Counts{3, 3, 0, 0, 0, 0}, ""),
		"\r\n------------------------------------------------------------------------------\r\n\r\n               Total", "\r\n\r\n               Total", 1)
	require.Equal(t, 2, strings.Count(text, "-----\r\n")-1, "banner dashes (2) and the header's dashes remain")
	l, err := ParseLog(strings.NewReader(text), LogOptions{})
	require.NoError(t, err)
	assert.True(t, l.Jobs[0].Summary)
	assert.Equal(t, Counts{3, 3, 0, 0, 0, 0}, l.Jobs[0].Files)
	assert.Equal(t, Success, l.Jobs[0].Outcome)
}

func TestSummaryRowShape(t *testing.T) {
	for _, s := range []string{
		"    Dirs :       144       143         1         0         0         7",
		"   Verzeich.:         2         1         1         0         0         0",
		"       Bytes:   2.032 t   1.250 g   2.031 t         0   12.5 k         0",
		"   Каталогов :        96        93        92         0         0         1",
		"    目录:         1         1         0         0         0         0",
	} {
		_, ok := summaryRow(s)
		assert.True(t, ok, s)
	}
	for _, s := range []string{
		"  Options : *.* /S /E",
		"      Zeiten:   0:00:01   0:00:01                       0:00:00   0:00:00",
		"   Speed :             5740251 Bytes/sec.",
		"\t    New File  \t\t     100\tfile one.txt",
		"   Files : 1 2 3 4 5",
		`C:\x: 1 2 3 4 5 6`,
		"2026/01/02 03:04:05 ERROR 5 (0x00000005) Copying File D:\\a",
	} {
		_, ok := summaryRow(s)
		assert.False(t, ok, s)
	}
}

// A list-only run (/L) deletes nothing: what /MIR would delete goes to
// WouldDelete, and Files.Extras stays as printed (the deletion guard reads it).
func TestListOnlyDeletesNothing(t *testing.T) {
	text := englishLog("x", `D:\a`, `E:\b`, Counts{10, 4, 6, 0, 0, 5}, "\t*EXTRA File \t\t     100\told.txt\r\n")
	text = strings.Replace(text, "/MIR /NP", "/MIR /L /NP", 1)
	text = strings.Replace(text, "    Dirs :         1         1         0         0         0         0", "    Dirs :         1         1         0         0         0         2", 1)
	l, err := ParseLog(strings.NewReader(text), LogOptions{})
	require.NoError(t, err)
	j := l.Jobs[0]
	assert.True(t, j.ListOnly)
	assert.Contains(t, j.Switches, "/L")
	assert.Equal(t, Deletions{}, j.Deleted, "/L deletes nothing")
	assert.Equal(t, Deletions{Files: 5, Dirs: 2}, j.WouldDelete)
	assert.Equal(t, int64(5), j.Files.Extras)
	assert.Equal(t, int64(5), DeletionGuard(j, 50, 0).Deletes)

	// The same run without /L deletes the extras.
	l, err = ParseLog(strings.NewReader(strings.Replace(text, "/MIR /L /NP", "/MIR /NP", 1)), LogOptions{})
	require.NoError(t, err)
	j = l.Jobs[0]
	assert.False(t, j.ListOnly)
	assert.Equal(t, Deletions{Files: 5, Dirs: 2}, j.Deleted)
	assert.Equal(t, Deletions{}, j.WouldDelete)

	// /LOG:... and /LEV:n are not /L.
	l, err = ParseLog(strings.NewReader(strings.Replace(text, "/MIR /L /NP", "/MIR /LEV:2 /LOG:E:\\x.log /NP", 1)), LogOptions{})
	require.NoError(t, err)
	assert.False(t, l.Jobs[0].ListOnly)
	assert.Equal(t, Deletions{Files: 5, Dirs: 2}, l.Jobs[0].Deleted)
}

// rootErrorLog is an English log whose run failed on path (the destination
// or source folder itself) until the retry limit, with the given summary.
func rootErrorLog(word, action, path, giveUp string, dirs, files Counts) string {
	var e strings.Builder
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&e, "2026/01/02 03:04:%02d %s 5 (0x00000005) %s %s\r\nAccess is denied.\r\n", 5+5*i, word, action, path)
		if i < 2 {
			e.WriteString("Waiting 5 seconds... Retrying...\r\n")
		}
	}
	fmt.Fprintf(&e, "\r\n%s\r\n\r\n", giveUp)
	text := englishLog("x", `D:\a\`, `E:\Backup\`, files, "")
	text = strings.Replace(text, "\t                   2\tD:\\a\\\r\n\t    New File  \t\t     100\tfile one.txt\r\n", e.String(), 1)
	text = strings.Replace(text, "   Bytes :       100       100         0         0         0         0",
		fmt.Sprintf("   Bytes : %9d %9d %9d %9d %9d %9d", 100*files.Total, 100*files.Copied, 100*files.Skipped, 0, 100*files.Failed, 0), 1)
	return strings.Replace(text, "    Dirs :         1         1         0         0         0         0",
		fmt.Sprintf("    Dirs : %9d %9d %9d %9d %9d %9d", dirs.Total, dirs.Copied, dirs.Skipped, dirs.Mismatch, dirs.Failed, dirs.Extras), 1)
}

// A run that gave up on its destination (or source) folder itself copied
// nothing, whatever the summary counts: robocopy documents it as exit 16.
func TestRootFolderGaveUpIsFatal(t *testing.T) {
	none := Counts{}
	tests := []struct {
		name, word, action, path, giveUp string
		dirs, files                      Counts
		want                             Class
		note                             string
	}{
		{"dest", "ERROR", "Accessing Destination Directory", `E:\Backup\`, "ERROR: RETRY LIMIT EXCEEDED.", none, none, Fatal, `gave up on the destination folder E:\Backup\`},
		{"dest other case, no slash", "ERROR", "Creating Destination Directory", `e:\backup`, "ERROR: RETRY LIMIT EXCEEDED.", Counts{1, 0, 1, 0, 0, 0}, none, Fatal, "destination folder"},
		{"source", "ERROR", "Accessing Source Directory", `D:\a\`, "ERROR: RETRY LIMIT EXCEEDED.", none, none, Fatal, `gave up on the source folder D:\a\`},
		{"localized give-up", "ОШИБКА", "Доступ к папке назначения", `E:\Backup\`, "ОШИБКА: ПРЕВЫШЕН ПРЕДЕЛ ПОВТОРНЫХ ПОПЫТОК.", none, none, Fatal, "destination folder"},
		{"root failed but files copied", "ERROR", "Accessing Destination Directory", `E:\Backup\`, "ERROR: RETRY LIMIT EXCEEDED.", Counts{1, 1, 0, 0, 0, 0}, Counts{3, 3, 0, 0, 0, 0}, Success, "gave up after retries"},
		{"root recovered", "ERROR", "Accessing Destination Directory", `E:\Backup\`, "", none, none, Success, ""},
		{"a file, not the root", "ERROR", "Copying File", `E:\Backup\x.db`, "ERROR: RETRY LIMIT EXCEEDED.", none, Counts{1, 0, 0, 0, 1, 0}, Partial, ""},
		{"a subfolder", "ERROR", "Accessing Destination Directory", `E:\Backup\sub\`, "ERROR: RETRY LIMIT EXCEEDED.", Counts{2, 0, 1, 0, 1, 0}, none, Partial, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ParseLog(strings.NewReader(rootErrorLog(tt.word, tt.action, tt.path, tt.giveUp, tt.dirs, tt.files)), LogOptions{})
			require.NoError(t, err)
			j := l.Jobs[0]
			require.True(t, j.Summary)
			require.Len(t, j.Errors, 1)
			assert.Equal(t, 3, j.Errors[0].Attempts)
			assert.Equal(t, tt.giveUp != "", j.Errors[0].RetryLimitExceeded)
			assert.Equal(t, tt.want, j.Outcome)
			notes := strings.Join(j.Notes, "\n")
			if tt.note != "" {
				assert.Contains(t, notes, tt.note)
			}
			if tt.want == Fatal {
				assert.Contains(t, notes, "exit 16")
			}
		})
	}

	// An exit code that is not fatal does not hide it.
	code := 0
	l, err := ParseLog(strings.NewReader(rootErrorLog("ERROR", "Accessing Destination Directory", `E:\Backup\`, "ERROR: RETRY LIMIT EXCEEDED.", none, none)), LogOptions{ExitCode: &code})
	require.NoError(t, err)
	assert.Equal(t, Fatal, l.Jobs[0].Outcome)

	// Without a summary the run is fatal anyway; the note says why.
	j := fixture(t, "05_").Jobs[0]
	assert.Equal(t, Fatal, j.Outcome)
	assert.Contains(t, strings.Join(j.Notes, "\n"), `gave up on the destination folder \\falcon\rwg$\ (ERROR 53: The network path was not found.)`)
}

// Lines of any length are cut to maxLine and never stop the parse: a
// multi-megabyte file name, error message, CR-separated progress run or
// unterminated last line leaves everything after it readable.
func TestHugeLinesAreCut(t *testing.T) {
	huge := strings.Repeat("x", 5<<20)
	body := "\t    New File  \t\t     100\t" + huge + ".txt\r\n" +
		"2026/01/02 03:04:05 ERROR 5 (0x00000005) Copying File D:\\a\\f.db\r\n" + huge + "\r\n" +
		"\t    New File  \t\t     100\t" + strings.Repeat(" 1%\r", 1<<20) + "after.txt\r\n" +
		"\t    Newer     \t\t     100\tlast.txt\r\n"
	text := englishLog("x", `D:\a`, `E:\b`, Counts{4, 3, 0, 0, 1, 0}, body) + huge
	check := func(t *testing.T, l *Log) {
		require.Len(t, l.Jobs, 1)
		j := l.Jobs[0]
		assert.True(t, j.Summary, "the summary after the huge lines is read")
		assert.Equal(t, Counts{4, 3, 0, 0, 1, 0}, j.Files)
		assert.Equal(t, int64(3), j.FileClasses["new"])
		assert.Equal(t, int64(1), j.FileClasses["newer"])
		require.Len(t, j.Errors, 1)
		assert.LessOrEqual(t, len(j.Errors[0].Message), maxLine)
		assert.Greater(t, len(j.Errors[0].Message), maxLine/2)
		assert.Equal(t, "Friday, July 24, 2026 11:09:06 AM", j.Ended)
		assert.Equal(t, Partial, j.Outcome)
	}
	l, err := ParseLog(strings.NewReader(text), LogOptions{})
	require.NoError(t, err)
	check(t, l)

	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	require.NoError(t, err)
	l, err = ParseLog(bytes.NewReader(u16), LogOptions{})
	require.NoError(t, err)
	assert.Equal(t, "utf-16le", l.Encoding)
	check(t, l)

	// A huge line in an OEM code page.
	cp, err := charmap.CodePage850.NewEncoder().Bytes([]byte(strings.Replace(text, "f.db", "fé.db", 1)))
	require.NoError(t, err)
	l, err = ParseLog(bytes.NewReader(cp), LogOptions{CodePage: 850})
	require.NoError(t, err)
	check(t, l)
	assert.Equal(t, `D:\a\fé.db`, l.Jobs[0].Errors[0].Path)
}

// TestWriteGeneratedLog writes the benchmarks' generated log to a file for
// measuring whole commands (`vssmirror report` beside `wc -l`), when
// VSSMIRROR_WRITE_LOG names the file: VSSMIRROR_WRITE_LOG_MB its size in
// UTF-8 (default 100), VSSMIRROR_WRITE_LOG_ENC utf16le (default: as /UNILOG+
// writes it, with a byte order mark) or utf8.
func TestWriteGeneratedLog(t *testing.T) {
	path := os.Getenv("VSSMIRROR_WRITE_LOG")
	if path == "" {
		t.Skip("VSSMIRROR_WRITE_LOG not set")
	}
	mb := 100
	if v := os.Getenv("VSSMIRROR_WRITE_LOG_MB"); v != "" {
		var err error
		mb, err = strconv.Atoi(v)
		require.NoError(t, err)
	}
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	gen := &genLog{jobs: 1, filesPerJob: mb << 20 / 51} // about 51 bytes per file line
	if os.Getenv("VSSMIRROR_WRITE_LOG_ENC") == "utf8" {
		_, err = io.Copy(f, gen)
		require.NoError(t, err)
	} else {
		w := transform.NewWriter(f, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder())
		_, err = io.Copy(w, gen)
		require.NoError(t, err)
		require.NoError(t, w.Close())
	}
	require.NoError(t, f.Close())
}

// TestOnFile: every file line is reported with its job, class and full
// path (the directory line before it, then the name); directory lines
// are not.
func TestOnFile(t *testing.T) {
	log := "\r\n-------------------------------------------------------------------------------\r\n" +
		"   ROBOCOPY     ::     Robust File Copy for Windows                              \r\n" +
		"-------------------------------------------------------------------------------\r\n\r\n" +
		"  Started : Monday, January 2, 2026 3:04:00 AM\r\n   Source : S:\\Data\\\r\n     Dest : E:\\b\\Data\\\r\n\r\n" +
		"    Files : *.*\r\n\t    \r\n  Options : *.* /S /E /DCOPY:DAT /COPY:DAT /PURGE /MIR /NP /R:2 /W:5 \r\n\r\n" +
		"------------------------------------------------------------------------------\r\n\r\n" +
		"\t                   2\tS:\\Data\\\r\n" +
		"\t    Newer     \t\t     100\ta.txt\r\n" +
		"\t  New Dir          1\tS:\\Data\\sub & more\\\r\n" +
		"\t    New File  \t\t      12\tb c.db\r\n" +
		"\t    *EXTRA File \t\t       5\told.txt\r\n" +
		"\r\n------------------------------------------------------------------------------\r\n\r\n" +
		"               Total    Copied   Skipped  Mismatch    FAILED    Extras\r\n" +
		"    Dirs :         2         1         1         0         0         0\r\n" +
		"   Files :         2         2         0         0         0         1\r\n" +
		"   Bytes :       112       112         0         0         0         5\r\n" +
		"   Ended : Monday, January 2, 2026 3:04:01 AM\r\n"
	var got []string
	_, err := ParseLog(strings.NewReader(log+log), LogOptions{OnFile: func(job int, class, path string) {
		got = append(got, fmt.Sprintf("%d %s %s", job, class, path))
	}})
	require.NoError(t, err)
	want := []string{`0 newer S:\Data\a.txt`, `0 new S:\Data\sub & more\b c.db`, `0 extra S:\Data\sub & more\old.txt`}
	assert.Equal(t, append(want, strings.ReplaceAll(strings.Join(want, "\n"), "0 ", "1 ")), append(got[:3], strings.Join(got[3:], "\n")))
}
