package winname

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDevice(t *testing.T) {
	for _, p := range []string{"CON", "con", "Nul.txt", "COM1", "lpt9.log", "AUX ", "COM¹", "CONIN$"} {
		assert.True(t, Device(p), p)
	}
	for _, p := range []string{"CONSOLE", "COM", "COM10", "LPTX", "nullable", "a", "xCON"} {
		assert.False(t, Device(p), p)
	}
}

func TestShort(t *testing.T) {
	for _, p := range []string{"_VSSMI~1", "_vssmi~2", "PROGRA~1.TXT", "A~12"} {
		assert.True(t, Short(p), p)
	}
	for _, p := range []string{"_vssmirror", "data~old", "backup~", "~1", "ABCDEFG~1"} {
		assert.False(t, Short(p), p)
	}
}
