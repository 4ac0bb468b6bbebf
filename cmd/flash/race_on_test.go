//go:build race

package main

// raceBuild makes the end-to-end tests build the flash binary with the
// race detector when the tests themselves run with it (go test -race).
const raceBuild = true
