package robocmd

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestClassify(t *testing.T) {
	// Microsoft Learn, robocopy: 0-7 success, 8 or more at least one failure, 16 fatal.
	for code, want := range map[int]Class{
		-1073741510: Fatal, -1: Fatal, 0: Success, 1: Success, 2: Success, 3: Success, 4: Success, 5: Success,
		6: Success, 7: Success, 8: Partial, 9: Partial, 11: Partial, 15: Partial, 16: Fatal, 17: Fatal, 24: Fatal, 31: Fatal, 32: Fatal, 255: Fatal,
	} {
		assert.Equal(t, want, Classify(code), "exit %d", code)
	}
	assert.Equal(t, "partial", Partial.String())
}

func TestDescribe(t *testing.T) {
	assert.Equal(t, "files copied, extras found", Describe(3))
	assert.Equal(t, "files copied, some files failed", Describe(9))
	assert.Contains(t, Describe(16), "fatal")
	assert.Contains(t, Describe(-1), "killed")
	for _, code := range []int{32, 33, 64, 1 << 30} {
		assert.Contains(t, Describe(code), "not a robocopy exit code", "exit %d", code)
	}
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
