//go:build race

package main

// raceBuild makes the end-to-end tests build the flash binary with the
// race detector when the tests themselves run with it (go test -race).
const raceBuild = true

// raceSlow scales the tests' waits: the race detector makes code 2–20
// times slower (go.dev/doc/articles/race_detector), the binary's start
// included.
const raceSlow = 5
