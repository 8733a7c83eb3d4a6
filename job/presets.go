package job

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/vssmirror/vssmirror/internal/atomicfile"
)

//go:embed presets/*.yaml
var presetFS embed.FS

// PresetNames lists the example jobs `vssmirror init --preset` can write.
func PresetNames() []string {
	entries, _ := presetFS.ReadDir("presets")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// Preset returns the commented example job file of the named preset.
func Preset(name string) ([]byte, error) {
	data, err := presetFS.ReadFile("presets/" + name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("unknown preset %q; choose one of %s", name, strings.Join(PresetNames(), ", "))
	}
	return data, nil
}

// WritePreset writes the named preset to path. It refuses to overwrite an
// existing file, and writes through a temporary file so that path either
// holds the whole preset or does not exist.
func WritePreset(name, path string) error {
	data, err := Preset(name)
	if err != nil {
		return err
	}
	if err := atomicfile.CreateNew(path, data, 0o644); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists; choose another --out or remove it first", path)
		}
		return err
	}
	return nil
}
