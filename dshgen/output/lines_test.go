package output

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadLinesSurvivesOverlongLines(t *testing.T) {
	id := "{11111111-2222-3333-4444-555555555555}"
	in := "first\r\n" + strings.Repeat("x", 2<<20) + "\r\n" + "Alias vssm_d for shadow ID " + id + " set as environment variable.\r\nlast"
	var got []string
	require.NoError(t, ReadLines(strings.NewReader(in), func(l string) { got = append(got, l) }))
	require.Len(t, got, 4)
	assert.Equal(t, "first", got[0])
	assert.Len(t, got[1], MaxLine+3)
	assert.True(t, strings.HasSuffix(got[1], "..."))
	assert.Contains(t, got[2], id)
	assert.Equal(t, "last", got[3])

	// The parser keeps reading after a 2 MB line: the shadow after it is seen.
	out, err := Parse(strings.NewReader(in))
	require.NoError(t, err)
	require.Len(t, out.Shadows, 1)
	assert.Equal(t, id, out.Shadows[0].ID)
}
