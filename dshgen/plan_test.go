package dshgen

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/templates"
)

// The copy script's thresholds are robocmd's constants, reached through the
// plan: a template (the default or an override) reads them as data.
func TestThresholdsAreTemplateData(t *testing.T) {
	j := loadExample(t, "fileserver")
	p, err := NewPlan(j)
	require.NoError(t, err)
	assert.Equal(t, robocmd.MinPartial, p.MinPartial)
	assert.Equal(t, robocmd.MinFatal, p.MinFatal)
	assert.Equal(t, robocmd.GuardRefusedExit, p.GuardRefusedExit)

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, templates.CopyCmd), []byte("{{.MinPartial}} {{.MinFatal}} {{.GuardRefusedExit}}\n"), 0o644))
	b, err := Render(j, RenderOptions{TemplateDir: dir})
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("%d %d %d\r\n", robocmd.MinPartial, robocmd.MinFatal, robocmd.GuardRefusedExit), string(b.Files[1].Data))
}
