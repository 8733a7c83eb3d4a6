package manifest

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 11, 20, 22, 30, 1, 500, time.UTC)

func header() Header {
	return Header{Kind: KindManifest, Job: "fs", Host: "SRV01", RunID: "20261120T223000Z-abcdef", BackupType: "copy",
		Shadows: []Shadow{{Volume: "D", Alias: "vssm_d", ID: "{11111111-2222-3333-4444-555555555555}", Expose: "S"}},
		Writers: WriterInfo{Mode: "writers"}}
}

// write writes sources of n files each and returns the file name.
func write(t testing.TB, dir string, limit int, sources ...[]Entry) string {
	w, err := NewWriter(dir, ManifestName, header(), limit)
	require.NoError(t, err)
	for i, files := range sources {
		require.NoError(t, w.BeginSource(Source{Index: i + 1, Path: `D:\S` + fmt.Sprint(i), Target: `D\S` + fmt.Sprint(i)}))
		for _, e := range files {
			require.NoError(t, w.Add(e))
		}
		require.NoError(t, w.EndSource())
	}
	name, err := w.Close()
	require.NoError(t, err)
	return name
}

func readAll(t testing.TB, dir string) ([][]Entry, *Reader, error) {
	r, err := Open(dir, ManifestName, KindManifest)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	var out [][]Entry
	for {
		_, ok, err := r.NextSource()
		if err != nil || !ok {
			return out, r, err
		}
		var files []Entry
		for {
			e, ok, err := r.NextFile()
			if err != nil {
				return out, r, err
			}
			if !ok {
				break
			}
			files = append(files, e)
		}
		out = append(out, files)
	}
}

func entries(names ...string) []Entry {
	var es []Entry
	for i, n := range names {
		es = append(es, Entry{Path: n, Size: int64(i * 10), MTime: t0.Add(time.Duration(i) * time.Second)})
	}
	return es
}

func TestRoundTripPlainAndGzip(t *testing.T) {
	a := entries(`a\b.txt`, `a-c`, `a.txt`, `quote"back\slash`, "tab\u00e9", "ünï cödé")
	b := entries(`x`)
	for _, tc := range []struct {
		name  string
		limit int
		want  string
	}{{"small", GzipAbove, ManifestName}, {"large", 100, ManifestName + GzSuffix}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			// A previous run's other form is removed.
			require.NoError(t, os.WriteFile(filepath.Join(dir, ManifestName), []byte("old"), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, ManifestName+GzSuffix), []byte("old"), 0o644))
			assert.Equal(t, tc.want, write(t, dir, tc.limit, a, b))
			names, _ := filepath.Glob(filepath.Join(dir, "*"))
			assert.Equal(t, []string{filepath.Join(dir, tc.want)}, names, "one form, no temporary file")
			got, r, err := readAll(t, dir)
			require.NoError(t, err)
			require.Len(t, got, 2)
			for i, e := range a {
				assert.Equal(t, e.Path, got[0][i].Path)
				assert.Equal(t, e.Size, got[0][i].Size)
				assert.True(t, e.MTime.Equal(got[0][i].MTime), "%s vs %s", e.MTime, got[0][i].MTime)
			}
			assert.Equal(t, Totals{Files: 7, Bytes: 150}, r.Totals())
			assert.Equal(t, "SRV01", r.Header.Host)
			assert.Equal(t, "{11111111-2222-3333-4444-555555555555}", r.Header.Shadows[0].ID)
		})
	}
}

func TestWriterRefusesDisorderAndBadPaths(t *testing.T) {
	w, err := NewWriter(t.TempDir(), ManifestName, header(), GzipAbove)
	require.NoError(t, err)
	require.NoError(t, w.BeginSource(Source{Index: 1, Target: `D\S`}))
	require.NoError(t, w.Add(Entry{Path: `b`}))
	assert.Error(t, w.Add(Entry{Path: `a`}), "out of order")
	assert.Error(t, w.Add(Entry{Path: `b`}), "a duplicate")
	assert.Error(t, w.Add(Entry{Path: `..\x`}))
	w.Abort()
}

func TestCheckPath(t *testing.T) {
	for _, p := range []string{"", `\a`, `a\..\b`, `a\\b`, `C:\x`, `a/b`, "a\x01", `.`, "\xff"} {
		assert.Error(t, CheckPath(p), "%q", p)
	}
	for _, p := range []string{`a`, `a\b c\d.txt`, `100%`, `&^!()`, `ünï`} {
		assert.NoError(t, CheckPath(p), "%q", p)
	}
}

// Walk's order is ComparePaths' order, whatever the names.
func TestWalkOrderIsComparePathsOrder(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{"a/b", "a-c", "a.txt", "a/z/y", "B", "b", "a0", "ab/c", "a b"} {
		require.NoError(t, os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, p), []byte(p), 0o644))
	}
	require.NoError(t, os.MkdirAll(filepath.Join(root, "skipme", "x"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "skipme", "x", "f"), nil, 0o644))
	var got []string
	for e, err := range Walk(root, func(rel string) bool { return rel == "skipme" }) {
		require.NoError(t, err)
		got = append(got, e.Path)
	}
	assert.True(t, slices.IsSortedFunc(got, ComparePaths), "%q", got)
	assert.Len(t, got, 9)
	assert.NotContains(t, got, `skipme\x\f`)
	assert.Equal(t, []string{`B`, `a\b`, `a\z\y`, `a b`, `a-c`, `a.txt`, `a0`, `ab\c`, `b`}, got)
}

func TestReaderRefusesTamperedDocuments(t *testing.T) {
	good := `{"schema":1,"kind":"vssmirror-manifest","shadows":[],"sources":[{"index":1,"path":"D:\\S","target":"D\\S","files":[%s],"file_count":%d,"bytes":%d}],"file_count":%d,"bytes":%d}`
	e := func(p string, size int) string {
		return fmt.Sprintf(`{"path":%q,"size":%d,"mtime":"2026-11-20T22:30:01Z"}`, p, size)
	}
	for _, tc := range []struct{ name, doc, want string }{
		{"disorder", fmt.Sprintf(good, e("b", 1)+","+e("a", 1), 2, 2, 2, 2), "not in the order"},
		{"traversal", fmt.Sprintf(good, e(`..\..\Windows\x`, 1), 1, 1, 1, 1), "'..'"},
		{"source totals", fmt.Sprintf(good, e("a", 1), 2, 1, 2, 1), "the totals say 2 files"},
		{"document totals", fmt.Sprintf(good, e("a", 1), 1, 1, 5, 1), "the totals say 5 files"},
		{"negative", fmt.Sprintf(good, e("a", -1), 1, -1, 1, -1), "negative"},
		{"schema", `{"schema":2,"kind":"vssmirror-manifest","sources":[]}`, "schema 2"},
		{"kind", `{"schema":1,"kind":"vssmirror-hashes","sources":[]}`, "kind"},
		{"shadow", `{"schema":1,"kind":"vssmirror-manifest","shadows":[{"id":"x & calc"}],"sources":[]}`, "GUID"},
		{"truncated", fmt.Sprintf(good, e("a", 1), 1, 1, 1, 1)[:120], "unexpected EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, ManifestName), []byte(tc.doc), 0o644))
			_, _, err := readAll(t, dir)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	dir := t.TempDir()
	_, _, err := readAll(t, dir)
	assert.ErrorIs(t, err, ErrNotFound)
	require.NoError(t, os.WriteFile(filepath.Join(dir, ManifestName), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ManifestName+GzSuffix), nil, 0o644))
	_, _, err = readAll(t, dir)
	assert.ErrorContains(t, err, "both exist")
}

// gen yields n entries in ComparePaths order, 1,000 files a folder, built
// in one reused buffer (as a walk hands out one entry at a time), so that
// the benchmark counts the writer's allocations only.
func gen(n int, fn func(Entry) error) error {
	buf := make([]byte, 0, 64)
	for i := 0; i < n; i++ {
		buf = append(buf[:0], "dir"...)
		buf = appendPadded(buf, i/1000, 5)
		buf = append(buf, `\file`...)
		buf = appendPadded(buf, i, 7)
		buf = append(buf, ".docx"...)
		if err := fn(Entry{Path: unsafe.String(unsafe.SliceData(buf), len(buf)), Size: int64(i), MTime: t0}); err != nil {
			return err
		}
	}
	return nil
}

func appendPadded(b []byte, v, width int) []byte {
	start := len(b)
	b = strconv.AppendInt(b, int64(v), 10)
	for len(b)-start < width {
		b = append(b[:start+1], b[start:]...)
		b[start] = '0'
	}
	return b
}

// BenchmarkWriteManifest writes a manifest of 1,000,000 files (gzip):
// the allocations reported per op show the memory does not grow with the
// number of files (no entry is kept).
func BenchmarkWriteManifest(b *testing.B) {
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		w, err := NewWriter(dir, ManifestName, header(), GzipAbove)
		require.NoError(b, err)
		require.NoError(b, w.BeginSource(Source{Index: 1, Target: `D\S`}))
		require.NoError(b, gen(1_000_000, w.Add))
		require.NoError(b, w.EndSource())
		_, err = w.Close()
		require.NoError(b, err)
	}
}

// BenchmarkReadManifest reads it back entry by entry.
func BenchmarkReadManifest(b *testing.B) {
	dir := b.TempDir()
	w, err := NewWriter(dir, ManifestName, header(), GzipAbove)
	require.NoError(b, err)
	require.NoError(b, w.BeginSource(Source{Index: 1, Target: `D\S`}))
	require.NoError(b, gen(1_000_000, w.Add))
	require.NoError(b, w.EndSource())
	_, err = w.Close()
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		got, r, err := countAll(dir)
		require.NoError(b, err)
		require.Equal(b, int64(1_000_000), got)
		require.Equal(b, int64(1_000_000), r.Totals().Files)
	}
}

func countAll(dir string) (int64, *Reader, error) {
	r, err := Open(dir, ManifestName, KindManifest)
	if err != nil {
		return 0, nil, err
	}
	defer r.Close()
	var n int64
	for {
		_, ok, err := r.NextSource()
		if err != nil || !ok {
			return n, r, err
		}
		for {
			_, ok, err := r.NextFile()
			if err != nil {
				return n, r, err
			}
			if !ok {
				break
			}
			n++
		}
	}
}

// The writer's memory does not grow with the files: adding an entry
// allocates nothing once the buffer is warm (gzip path).
func TestAddDoesNotAllocate(t *testing.T) {
	w, err := NewWriter(t.TempDir(), ManifestName, header(), 1024)
	require.NoError(t, err)
	defer w.Abort()
	require.NoError(t, w.BeginSource(Source{Index: 1, Target: `D\S`}))
	i := 0
	paths := make([]string, 20000)
	for k := range paths {
		paths[k] = fmt.Sprintf(`f%08d`, k)
	}
	for ; i < 1000; i++ {
		require.NoError(t, w.Add(Entry{Path: paths[i], Size: 1, MTime: t0}))
	}
	allocs := testing.AllocsPerRun(10000, func() {
		w.Add(Entry{Path: paths[i], Size: 1, MTime: t0})
		i++
	})
	assert.Zero(t, allocs)
}

func TestCheckPathRefusesDeviceNames(t *testing.T) {
	for _, p := range []string{`CON`, `a\NUL.txt`, `x\COM1`} {
		assert.Error(t, CheckPath(p), p)
	}
	assert.NoError(t, CheckPath(`a\CONSOLE\nullable.txt`))
}

// A crafted manifest with one endless value is refused once the value
// passes MaxToken, not read whole into memory; a string may hold the
// structural characters (they do not reset the count inside a string).
func TestOpenRefusesAnEndlessValue(t *testing.T) {
	for name, doc := range map[string]string{
		"string": `{"kind":"` + KindManifest + `","job":"` + strings.Repeat("a,{", MaxToken) + `"}`,
		"spaces": `{"kind":` + strings.Repeat(" ", MaxToken+1) + `"x"}`,
		"number": `{"schema":` + strings.Repeat("1", MaxToken+1) + `}`,
	} {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, ManifestName), []byte(doc), 0o644))
		_, err := Open(dir, ManifestName, KindManifest)
		require.Error(t, err, name)
		assert.ErrorContains(t, err, "a value longer than", name)
	}
}

func TestTokenGuardPassesEscapedQuotes(t *testing.T) {
	g := &tokenGuard{in: strings.NewReader(`{"a":"x\"}{,","b":1}`)}
	out, err := io.ReadAll(g)
	require.NoError(t, err)
	assert.Equal(t, `{"a":"x\"}{,","b":1}`, string(out))
	assert.False(t, g.inString)
}
