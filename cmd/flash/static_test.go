package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestBinary_Static: flash links neither net nor cgo, so a plain `go build`
// or `go install` gives a statically linked binary. That is worth
// milliseconds on every command: a dynamically linked flash first runs the
// dynamic loader, which maps and relocates libc, and its Go start-up does
// more for cgo; on the 2-core VM `flash --help` took about 4.5 ms longer
// that way (14.4 against 9.8 ms), against a start-to-first-card budget of
// 15 ms. Until flash had its own flag parser, pflag's net import (for its
// IP-address flags) made every default build dynamic. A new dependency
// that imports net, os/user or any cgo brings that back and fails here.
func TestBinary_Static(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}: {{join .Imports \" \"}}", ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1") // what a default build on a machine with a C compiler links
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ": ")
		for _, imp := range strings.Fields(imports) {
			if imp == "net" || imp == "runtime/cgo" || imp == "C" {
				t.Errorf("%s imports %s, so flash is linked dynamically", pkg, imp)
			}
		}
	}

	// The binary the end-to-end tests run. A -race build needs cgo, so
	// only a plain one shows what `go build` gives.
	if raceBuild || runtime.GOOS != "linux" {
		return
	}
	f, err := elf.Open(flashBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the flash binary has a %v program header: it is linked dynamically", p.Type)
		}
	}
}
