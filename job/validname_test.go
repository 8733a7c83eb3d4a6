package job

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestValidName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"fileserver", true},
		{"SQL_01-nightly", true},
		{strings.Repeat("a", MaxNameLen), true},
		{strings.Repeat("a", MaxNameLen+1), false},
		{"", false},
		{`..\x`, false},
		{"a b", false},
		{"café", false},
	} {
		assert.Equal(t, tc.ok, ValidName(tc.name), "%q", tc.name)
	}
}

// ValidSetName accepts every name Sets.Names makes, and "" (sets: single).
func TestValidSetName(t *testing.T) {
	for _, s := range []Sets{{Mode: SetsWeekday}, {Mode: SetsRotate, Count: 366}} {
		for _, n := range s.Names() {
			assert.True(t, ValidSetName(n), n)
		}
	}
	assert.True(t, ValidSetName(""))
	for _, bad := range []string{"set 1", "..", "a/b", "\x1b]0;x\a", strings.Repeat("a", 65)} {
		assert.False(t, ValidSetName(bad), "%q", bad)
	}
}
