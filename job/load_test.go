package job

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// problems returns the problems of a job text as "line: field: message".
func problems(t *testing.T, text string) []string {
	t.Helper()
	_, err := Parse("job.yaml", []byte(text))
	require.Error(t, err)
	var je *Error
	require.ErrorAs(t, err, &je)
	var out []string
	for _, p := range je.Problems {
		out = append(out, fmt.Sprintf("%d: %s: %s", p.Line, p.Field, p.Message))
	}
	return out
}

func TestLoadRefusesHugeFiles(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "job.yaml")
	pad := func(n int) []byte {
		b := []byte(base)
		for len(b) < n {
			b = append(b, "# padding padding padding padding padding padding padding padding\n"...)
		}
		return b[: n-1 : n-1]
	}
	// Exactly the limit is fine.
	data := append(pad(MaxFileSize), '\n')
	require.Len(t, data, MaxFileSize)
	require.NoError(t, os.WriteFile(p, data, 0o644))
	_, err := Load(p)
	require.NoError(t, err)
	// One byte more is refused, with the file's size, before it is read.
	require.NoError(t, os.WriteFile(p, append(data, '\n'), 0o644))
	_, err = Load(p)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrInvalid))
	assert.EqualError(t, err, p+": the file holds 1048577 bytes, more than the 1 MiB a job file may have (a job file of a hundred sources takes a few KB); is it the right file?")
	// A sparse 2 GiB file costs no memory to refuse.
	big := filepath.Join(dir, "big.yaml")
	f, err := os.Create(big)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(2<<30))
	require.NoError(t, f.Close())
	_, err = Load(big)
	assert.ErrorContains(t, err, "more than the 1 MiB a job file may have")
}

func TestLoadRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(dir)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrInvalid))
	assert.ErrorContains(t, err, "is a folder, not a job file")
	if runtime.GOOS != "windows" {
		_, err = Load("/dev/zero")
		require.Error(t, err)
		assert.True(t, errors.Is(err, ErrInvalid))
		assert.EqualError(t, err, "/dev/zero: is a device, not a job file; give the path of a YAML job file")
		// A link to a job file is fine.
		p := filepath.Join(dir, "job.yaml")
		require.NoError(t, os.WriteFile(p, []byte(base), 0o644))
		require.NoError(t, os.Symlink(p, filepath.Join(dir, "link.yaml")))
		_, err = Load(filepath.Join(dir, "link.yaml"))
		assert.NoError(t, err)
	}
	_, err = Load(filepath.Join(dir, "missing.yaml"))
	require.Error(t, err)
	assert.False(t, errors.Is(err, ErrInvalid), "a file that cannot be read is a file error")
}

func TestMultipleDocuments(t *testing.T) {
	for _, tt := range []struct{ name, text, want string }{
		{"second document", base + "---\nversion: 1\n", "7: : the file holds more than one YAML document"},
		{"broken second document", base + "---\nversion: [\n", "7: : the file holds more than one YAML document"},
		{"broken second document with comments", base + "# end\n\n--- # next\n  x: [: \n", "9: : the file holds more than one YAML document"},
		{"document after end marker", base + "...\nfoo: [\n", "8: : the file holds more than one YAML document"},
		{"empty second document", base + "---\n# nothing\n", "7: : the file holds more than one YAML document"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := problems(t, tt.text)
			require.Len(t, got, 1)
			assert.True(t, strings.HasPrefix(got[0], tt.want), got[0])
			assert.Contains(t, got[0], "a job file holds exactly one")
		})
	}
	// Markers around one document are fine.
	for _, text := range []string{"---\n" + base, "---\n" + base + "...\n", base + "...\n# end\n", "--- # job\n" + base} {
		_, err := Parse("job.yaml", []byte(text))
		assert.NoError(t, err, text)
	}
}

func TestTabIndentation(t *testing.T) {
	got := problems(t, strings.Replace(base, "  - path", "\t- path", 1))
	require.Len(t, got, 1)
	assert.Contains(t, got[0], "6: : YAML syntax: ")
	assert.Contains(t, got[0], "line 6 is indented with a tab; YAML forbids tabs for indentation: use spaces")
	got = problems(t, base+"robocopy:\n  \tretries: 3\n")
	assert.Contains(t, got[0], "8: : YAML syntax: ")
	assert.Contains(t, got[0], "use spaces")
	// A tab after the colon is not indentation, and allowed.
	_, err := Parse("job.yaml", []byte(base+"robocopy:\n  retries:\t3\n"))
	assert.NoError(t, err)
}

func TestUTF16(t *testing.T) {
	u16 := func(bom []byte, le bool) []byte {
		out := append([]byte{}, bom...)
		for _, c := range []byte(base) {
			if le {
				out = append(out, c, 0)
			} else {
				out = append(out, 0, c)
			}
		}
		return out
	}
	for name, data := range map[string][]byte{
		"le": u16([]byte{0xFF, 0xFE}, true), "be": u16([]byte{0xFE, 0xFF}, false),
	} {
		// Notepad's "Unicode": read as UTF-16.
		j, err := Parse("job.yaml", data)
		require.NoError(t, err, name)
		assert.Equal(t, "fs", j.Name, name)
	}
	got := problems(t, string(u16(nil, true)))
	require.Len(t, got, 1)
	assert.Contains(t, got[0], "1: : the file holds NUL bytes")
	assert.Contains(t, got[0], "save the file as UTF-8")
	// A UTF-8 byte order mark is fine.
	_, err := Parse("job.yaml", append([]byte("\ufeff"), base...))
	assert.NoError(t, err)
}

func TestDoubleQuotedWindowsPaths(t *testing.T) {
	for _, tt := range []struct{ name, text, want string }{
		{"backspace", strings.Replace(base, `'\\nas01\backups\fs'`, `"E:\b"`, 1),
			`4: destination: it contains the control character U+0008 (in double quotes YAML reads \b as an escape: use single quotes, 'E:\b')`},
		{"newline", strings.Replace(base, `'D:\Shares'`, `"D:\new"`, 1),
			`6: sources[0].path: it contains a line break, which ends a command in cmd.exe (in double quotes YAML reads \n as an escape: use single quotes, 'D:\new')`},
		{"escaped backslashes kept", strings.Replace(base, `'D:\Shares'`, `"D:\\Shares\temp"`, 1),
			`6: sources[0].path: it contains the control character U+0009 (in double quotes YAML reads \t as an escape: use single quotes, 'D:\Shares\temp')`},
		{"in a list", base + "    exclude_dirs: [\"D:\\\\Shares\\new\", ok]\n",
			`7: sources[0].exclude_dirs[0]: it contains a line break, which ends a command in cmd.exe (in double quotes YAML reads \n as an escape: use single quotes, 'D:\Shares\new')`},
		// Escapes that give printable characters would pass unnoticed.
		{"hex escape", strings.Replace(base, `'D:\Shares'`, `"D:\\Data\xfer"`, 1),
			`6: sources[0].path: in double quotes YAML reads \x as an escape, so the value is "D:\\Dataþr"; use single quotes, 'D:\Data\xfer'`},
		{"nbsp escape", strings.Replace(base, `'D:\Shares'`, `"D:\\Shares\_old"`, 1),
			`6: sources[0].path: in double quotes YAML reads \_ as an escape, so the value is "D:\\Shares\u00a0old"; use single quotes, 'D:\Shares\_old'`},
		{"multi-line quoted", strings.Replace(base, `'D:\Shares'`, "\"D:\\\\Shares\n      \\xfer\"", 1),
			`6: sources[0].path: in double quotes YAML reads \x as an escape`},
		{"invalid escape", strings.Replace(base, `'D:\Shares'`, `"D:\Shares"`, 1),
			`6: : YAML syntax: found unknown escape character (in double quotes YAML reads \ as the start of an escape: use single quotes for Windows paths, 'D:\Shares')`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := problems(t, tt.text)
			assert.Contains(t, strings.Join(got, "\n"), tt.want)
		})
	}
	// Double quotes with only \\ and \" escapes are fine.
	j, err := Parse("job.yaml", []byte(strings.Replace(base, `'D:\Shares'`, `"D:\\Shares\\a b"`, 1)))
	require.NoError(t, err)
	assert.Equal(t, `D:\Shares\a b`, j.Sources[0].Path)
	// Unicode escapes elsewhere pass (only escapes in a value are judged).
	_, err = Parse("job.yaml", []byte(base+"notify:\n  email:\n    host: \"smtp.example.test\"\n    from: \"b@x.test\"\n    to: [\"a@b.test\"]\n"))
	require.NoError(t, err)
}

// Windows drops trailing dots and spaces: "Data." is "Data", so two sources
// mirroring into Data and Data. would wipe each other.
func TestTrailingDotOrSpaceRefused(t *testing.T) {
	for _, in := range []string{
		"sources:\n  - path: 'D:\\Data'\n    target: 'Data'\n  - path: 'E:\\Other'\n    target: 'Data.'\n",
		"sources:\n  - path: 'D:\\Data'\n    target: 'Data '\n",
		"sources:\n  - path: 'D:\\Data.'\n",
	} {
		_, err := Parse("job.yaml", []byte("version: 1\nname: fs\nscripts_dir: 'C:\\vss'\ndestination: 'E:\\Backup'\n"+in))
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), "ends in a dot or a space", in)
	}
}
