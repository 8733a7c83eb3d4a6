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
