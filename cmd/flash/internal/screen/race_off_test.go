//go:build !race

package screen

// raceSlow: see race_on_test.go.
const raceSlow = 1
