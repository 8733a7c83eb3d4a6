// Package suggest finds the "did you mean" candidate for a misspelt word:
// an unknown job file key, a diskshadow command, a lint rule.
package suggest

import "strings"

// Nearest returns the candidate closest to s by edit distance (case
// insensitive), or "" when none is within len(s)/2+1 edits: close enough to
// be a typo, not a different word.
func Nearest(s string, candidates []string) string {
	best, bestD := "", len([]rune(s))/2+1
	ls := strings.ToLower(s)
	for _, c := range candidates {
		if d := Distance(ls, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// Distance returns the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and transpositions of two adjacent
// characters each cost 1 ("exti" is 1 from "exit").
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
