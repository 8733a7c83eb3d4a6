package job

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// manySources is a job of n sources on four volumes, each with its own
// default target, plus one exclude each.
func manySources(n int) []byte {
	var b strings.Builder
	b.WriteString("version: 1\nname: big\nscripts_dir: 'C:\\vss'\ndestination: '\\\\nas\\b'\nsources:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - path: '%c:\\data\\f%05d'\n    exclude_dirs: [tmp]\n", "DEFG"[i%4], i)
	}
	return []byte(b.String())
}

// TestManySources validates 20,000 sources (it took 84 s when overlaps
// were checked pair by pair), then the same with overlaps at the end.
func TestManySources(t *testing.T) {
	data := manySources(20000)
	j, err := Parse("big.yaml", data)
	require.NoError(t, err)
	require.Len(t, j.Sources, 20000)
	assert.Equal(t, `G\data\f19999`, j.Sources[19999].Target)

	// An overlap of the last source with the first, and of an exact duplicate.
	more := string(data) + "  - path: 'H:\\x'\n    target: 'd\\DATA\\f00000\\sub'\n  - path: 'H:\\y'\n    target: 'E\\data\\f00001'\n  - path: 'H:\\z'\n    target: 'F'\n"
	_, err = Parse("big.yaml", []byte(more))
	var je *Error
	require.ErrorAs(t, err, &je)
	var got []string
	for _, p := range je.Problems {
		got = append(got, fmt.Sprintf("%d: %s: %s", p.Line, p.Field, p.Message))
	}
	require.Len(t, got, 3, strings.Join(got, "\n"))
	assert.Contains(t, got[0], `40007: sources[20000].target: "d\\DATA\\f00000\\sub" overlaps the target "D\\data\\f00000" of sources[0]`)
	assert.Contains(t, got[1], `40009: sources[20001].target: "E\\data\\f00001" overlaps the target "E\\data\\f00001" of sources[1]`)
	assert.Contains(t, got[2], `40011: sources[20002].target: "F" overlaps the target "F\\data\\f00002" of sources[2]`)
}

// BenchmarkValidateManySources: go test ./job -run XXX -bench ManySources -benchmem
func BenchmarkValidateManySources(b *testing.B) {
	data := manySources(20000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Parse("big.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestOverlapsMatchPairwise compares the map-based overlap check with the
// pairwise definition (inside) on random targets.
func TestOverlapsMatchPairwise(t *testing.T) {
	parts := []string{"a", "A", "b", "a b", "a.b", "ab", "é", "É"}
	rng := uint32(1)
	next := func(n int) int { rng = rng*1664525 + 1013904223; return int(rng>>8) % n }
	for round := 0; round < 300; round++ {
		n := 1 + next(8)
		j := &Job{}
		for i := 0; i < n; i++ {
			depth := 1 + next(3)
			var p []string
			for d := 0; d < depth; d++ {
				p = append(p, parts[next(len(parts))])
			}
			j.Sources = append(j.Sources, Source{Target: strings.Join(p, `\`)})
		}
		want := map[int]int{}
		for b := range j.Sources {
			for a := 0; a < b; a++ {
				ta, tb := j.Sources[a].Target, j.Sources[b].Target
				if inside(ta, tb) || inside(tb, ta) {
					want[b] = a
					break
				}
			}
		}
		v := &validator{j: j}
		v.overlaps()
		got := map[int]int{}
		for _, p := range v.problems {
			var b, a int
			_, err := fmt.Sscanf(p.Field, "sources[%d].target", &b)
			require.NoError(t, err)
			i := strings.LastIndex(p.Message, "of sources[")
			_, err = fmt.Sscanf(p.Message[i:], "of sources[%d]", &a)
			require.NoError(t, err)
			got[b] = a
		}
		require.Equal(t, want, got, "%+v", j.Sources)
	}
}
