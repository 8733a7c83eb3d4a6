package suggest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"exit", "exit", 0}, {"exti", "exit", 1}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"écrire", "ecrire", 1}} {
		assert.Equal(t, c.d, Distance(c.a, c.b), "%s/%s", c.a, c.b)
	}
}

func TestNearest(t *testing.T) {
	cands := []string{"destination", "scripts_dir", "sources"}
	assert.Equal(t, "destination", Nearest("destinaton", cands))
	assert.Equal(t, "sources", Nearest("Sources", cands))
	assert.Equal(t, "", Nearest("robocopy", cands))
	assert.Equal(t, "expose", Nearest("expsoe", []string{"exec", "expose", "exit"}))
}

func ExampleNearest() {
	fmt.Println(Nearest("crate", []string{"create", "delete", "expose"}))
	fmt.Printf("%q\n", Nearest("backup", []string{"create", "delete", "expose"}))
	// Output:
	// create
	// ""
}
