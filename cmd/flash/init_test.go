package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// initBudget is the most a package of flash may allocate while it is
// initialised: the package-level tables of sims/answer (2.6 kB) fit, a
// registry of every simulation's spec (6.5 kB, now built on first use) or
// the screen's compiled patterns (12.6 kB) do not.
const initBudget = 4 << 10

// TestInit_Lean: flash's own packages do little when the process starts,
// since every command pays for it before it does anything (flash --help
// spends most of its time in package initialisation). What only some
// commands need, such as the simulations' specs or the review screen's
// patterns, is built on first use. GODEBUG=inittrace=1 makes the runtime
// report each package's initialisation; this checks the bytes allocated,
// which unlike the time do not depend on the machine's load.
func TestInit_Lean(t *testing.T) {
	cmd := exec.Command(flashBinary(t), "--help")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("flash --help: %v\n%s", err, stderr.String())
	}
	seen := 0
	for _, line := range strings.Split(stderr.String(), "\n") {
		// init github.com/flash-srs/flash/sims @1.2 ms, 0.3 ms clock, 6512 bytes, 31 allocs
		var pkg string
		var at, clock float64
		var size, allocs int
		if _, err := fmt.Sscanf(line, "init %s @%f ms, %f ms clock, %d bytes, %d allocs", &pkg, &at, &clock, &size, &allocs); err != nil {
			continue
		}
		seen++
		if strings.HasPrefix(pkg, "github.com/flash-srs/flash") && size > initBudget {
			t.Errorf("%s allocates %d bytes (%d allocations) at start-up, more than %d: build what only some commands need on first use", pkg, size, allocs, initBudget)
		}
	}
	if seen == 0 {
		t.Fatalf("no inittrace lines on stderr:\n%s", stderr.String())
	}
}
