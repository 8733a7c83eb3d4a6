package vssid

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestValid(t *testing.T) {
	good := "{76fe1ac4-15f7-4bcd-987e-8e1acb462fb7}"
	assert.True(t, Valid(good))
	for _, bad := range []string{"", "76fe1ac4-15f7-4bcd-987e-8e1acb462fb7", good + "\nexec C:\\evil.cmd", good + " ", " " + good,
		"{76fe1ac4-15f7-4bcd-987e-8e1acb462fb}", "{76fe1ac4-15f7-4bcd-987e-8e1acb462fbz}", good + good} {
		assert.False(t, Valid(bad), "%q", bad)
	}
	assert.True(t, ValidLoose("76fe1ac4-15f7-4bcd-987e-8e1acb462fb7"))
	assert.True(t, ValidLoose(good))
	assert.False(t, ValidLoose("{x}"))
}

func TestFindAll(t *testing.T) {
	a := "{76fe1ac4-15f7-4bcd-987e-8e1acb462fb7}"
	b := "{B5946137-7B9F-4925-AF80-51ABD60B20D5}"
	assert.Equal(t, []string{a, b}, FindAll("Shadow copy ID = "+a+" set "+b+"."))
	assert.Nil(t, FindAll("no id here, 76fe1ac4-15f7-4bcd-987e-8e1acb462fb7 has no braces"))
}
