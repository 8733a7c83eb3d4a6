package robocmd

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestArgs(t *testing.T) {
	o := Options{Mirror: true, FFT: true, Retries: 2, WaitSeconds: 5, Threads: 8, Copy: "DAT", DCopy: "DAT",
		BackupMode: true, ExcludeJunctions: true, ExcludeDirs: []string{"Temp"}, ExcludeFiles: []string{"*.tmp"}, ExtraArgs: []string{"/XA:T"}}
	assert.Equal(t, []string{`S:\Data`, `\\nas\b\D\Data`, "/MIR", "/FFT", "/R:2", "/W:5", "/MT:8", "/COPY:DAT", "/DCOPY:DAT", "/B", "/XJ", "/NP", "/XD", "Temp", "/XF", "*.tmp", "/XA:T"},
		Args(`S:\Data`, `\\nas\b\D\Data`, o))
	assert.Equal(t, []string{"a", "b", "/E", "/R:0", "/W:0", "/NP"}, Args("a", "b", Options{}))
}

func TestCheckExtraArg(t *testing.T) {
	for _, ok := range []string{"/XA:T", "/ipg:10", "/ZB", "/XO", "/MAXAGE:7"} {
		assert.NoError(t, CheckExtraArg(ok), ok)
	}
	for in, want := range map[string]string{
		"XA:T":       "not a robocopy switch",
		"/MIR":       "managed by vssmirror",
		"/log:x.txt": "managed by vssmirror",
		"/L":         "list-only",
		"/FOO":       "not a robocopy switch vssmirror knows",
		"/IPG":       "needs a value",
		"/XO:3":      "takes no value",
	} {
		err := CheckExtraArg(in)
		if assert.Error(t, err, in) {
			assert.Contains(t, err.Error(), want, in)
		}
	}
}
