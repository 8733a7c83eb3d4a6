package job

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// readmeJob returns the YAML block under "## The job file" in the README.
func readmeJob(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	_, section, ok := strings.Cut(text, "\n## The job file\n")
	require.True(t, ok, `README.md has no "## The job file" section`)
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	_, block, ok := strings.Cut(section, "```yaml\n")
	require.True(t, ok, `"## The job file" has no yaml block`)
	block, _, ok = strings.Cut(block, "\n```")
	require.True(t, ok, "the yaml block is not closed")
	return block + "\n"
}

// TestReadmeJobShowsTheDefaults: the README's annotated job file says
// "every field but version, name, scripts_dir, destination and
// sources[].path has the default shown". It parses, shows every field, and
// every field but those (and the sources) is what Defaults has.
func TestReadmeJobShowsTheDefaults(t *testing.T) {
	got, err := Parse("README.md", []byte(readmeJob(t)))
	require.NoError(t, err, "the README's job file is valid")

	want := Defaults()
	want.Version, want.Name, want.ScriptsDir, want.Destination = got.Version, got.Name, got.ScriptsDir, got.Destination
	want.Sources = got.Sources
	for _, d := range diffFields(reflect.ValueOf(want), reflect.ValueOf(*got), "") {
		t.Errorf("README.md, ## The job file: %s", d)
	}

	// Every field is in the block (a new field needs a README line).
	for _, path := range fieldPaths(reflect.TypeOf(Job{}), "") {
		if strings.HasPrefix(path, "sources.") {
			path = "sources[0]" + strings.TrimPrefix(path, "sources") // the first source
		}
		if got.Line(path) == 0 {
			t.Errorf("README.md, ## The job file: %s is not shown", path)
		}
	}
}

// yamlKey is the job file key of a struct field, "" for a field that is
// not in the job file.
func yamlKey(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if key == "-" {
		return ""
	}
	return key
}

// hasKeys reports whether t is a struct decoded field by field (its fields
// have yaml keys), rather than from one value (Sets, Duration).
func hasKeys(t reflect.Type) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := range t.NumField() {
		if yamlKey(t.Field(i)) != "" {
			return true
		}
	}
	return false
}

// diffFields lists the fields of two jobs that differ, by their job file
// path; an empty list and a missing one are the same.
func diffFields(want, got reflect.Value, path string) []string {
	if hasKeys(want.Type()) {
		var out []string
		for i := range want.NumField() {
			if key := yamlKey(want.Type().Field(i)); key != "" {
				p := key
				if path != "" {
					p = path + "." + key
				}
				out = append(out, diffFields(want.Field(i), got.Field(i), p)...)
			}
		}
		return out
	}
	if want.Kind() == reflect.Slice && want.Len() == 0 && got.Len() == 0 {
		return nil
	}
	if !reflect.DeepEqual(want.Interface(), got.Interface()) {
		return []string{path + ": the README shows " + show(got) + ", the default is " + show(want)}
	}
	return nil
}

func show(v reflect.Value) string { return fmt.Sprintf("%+v", v.Interface()) }

// fieldPaths lists the job file path of every field of t ("shadow.writers",
// "sources.path", ...), down to the values decoded as one.
func fieldPaths(t reflect.Type, path string) []string {
	if t.Kind() == reflect.Slice && hasKeys(t.Elem()) {
		t = t.Elem()
	}
	if !hasKeys(t) {
		return []string{path}
	}
	var out []string
	for i := range t.NumField() {
		if key := yamlKey(t.Field(i)); key != "" {
			p := key
			if path != "" {
				p = path + "." + key
			}
			out = append(out, fieldPaths(t.Field(i).Type, p)...)
		}
	}
	return out
}
