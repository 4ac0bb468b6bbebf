package main

import (
	"debug/buildinfo"
	"testing"
)

// TestE2E_BinaryRace: the end-to-end binary is built with the race
// detector exactly when the tests run with it, so that go test -race
// (CI) checks the real program's goroutines too.
func TestE2E_BinaryRace(t *testing.T) {
	bi, err := buildinfo.ReadFile(flashBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	race := false
	for _, s := range bi.Settings {
		if s.Key == "-race" && s.Value == "true" {
			race = true
		}
	}
	if race != raceBuild {
		t.Errorf("binary built with -race %v, tests run with -race %v", race, raceBuild)
	}
}
