//go:build race

package screen

// raceSlow scales the tests' waits: the race detector makes code 2–20
// times slower (go.dev/doc/articles/race_detector).
const raceSlow = 5
