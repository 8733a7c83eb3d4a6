package robocmd

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestClassify(t *testing.T) {
	for code := -5; code <= 40; code++ {
		want := Success
		switch {
		case code < 0 || code >= 16:
			want = Fatal
		case code >= 8:
			want = Partial
		}
		assert.Equal(t, want, Classify(code), "exit %d", code)
	}
	assert.Equal(t, "partial", Partial.String())
}

func TestDescribe(t *testing.T) {
	assert.Equal(t, "files copied, extras found", Describe(3))
	assert.Equal(t, "files copied, some files failed", Describe(9))
	assert.Contains(t, Describe(16), "fatal")
	assert.Contains(t, Describe(-1), "killed")
}

func ExampleClassify() {
	for _, code := range []int{0, 1, 3, 7, 8, 16, -1} {
		fmt.Println(code, Classify(code))
	}
	// Output:
	// 0 success
	// 1 success
	// 3 success
	// 7 success
	// 8 partial
	// 16 fatal
	// -1 fatal
}
