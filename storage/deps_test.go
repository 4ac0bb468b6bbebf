package storage

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps_NoSims: the persistence layer links neither the simulations nor
// gonum (issue 10): deck checks derive cards through a checker the program
// hands it, so storage, which keeps deck's types, needs neither. The same
// holds for the study session and the statistics above it.
func TestDeps_NoSims(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command to list the dependencies: %v", err)
	}
	for _, pkg := range []string{".", "../scheduler/session", "../scheduler/stats"} {
		out, err := exec.Command(gocmd, "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for dep := range strings.FieldsSeq(string(out)) {
			if strings.HasPrefix(dep, "gonum.org/") || dep == "github.com/flash-srs/flash/sims" || strings.HasPrefix(dep, "github.com/flash-srs/flash/sims/") {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}
