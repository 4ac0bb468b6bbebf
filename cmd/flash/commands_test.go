package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/flash-srs/flash/cmd/flash/internal/flags"
)

// TestHelp_EveryCommand: -h, --help and `flash help CMD` print the
// command's usage, naming each of its flags, on stdout and exit 0.
func TestHelp_EveryCommand(t *testing.T) {
	for _, c := range commands {
		fs := c.newFlagSet(&env{})
		for _, args := range [][]string{{c.name, "-h"}, {c.name, "--help"}, {"help", c.name}} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				r := runFlash(t, "", clock(fixedNow), args...)
				if r.code != 0 || r.stderr != "" {
					t.Fatalf("exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
				}
				if want := "Usage: flash "; !strings.HasPrefix(r.stdout, want) || !strings.Contains(r.stdout, " "+c.name) {
					t.Errorf("stdout does not start with %q naming %s:\n%s", want, c.name, r.stdout)
				}
				for _, name := range flagNames(fs.FlagSet) {
					if !strings.Contains(r.stdout, "--"+name) {
						t.Errorf("usage lacks --%s:\n%s", name, r.stdout)
					}
				}
			})
		}
	}
}

// TestHelp_BeforeOtherMistakes: help wins over missing arguments, as in
// `flash import --help` with no file.
func TestHelp_BeforeOtherMistakes(t *testing.T) {
	r := runFlash(t, "", clock(fixedNow), "import", "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "Usage: flash [--db PATH] import FILE.toml [--dry-run]") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestRun_BareFlashPrintsUsage(t *testing.T) {
	r := runFlash(t, "", clock(fixedNow))
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, c := range commands {
		if !strings.Contains(r.stdout, " "+c.name) || !strings.Contains(r.stdout, c.summary) {
			t.Errorf("usage does not list %s with its summary:\n%s", c.name, r.stdout)
		}
	}
}

func TestRun_UnknownCommandSuggests(t *testing.T) {
	tests := []struct{ typed, want string }{
		{"reviw", "review"},
		{"reveiw", "review"}, // swapped letters
		{"improt", "import"},
		{"stat", "stats"},
		{"unsus", "unsuspend"}, // a prefix of one command
		{"exprt", "export"},
		{"frobnicate", ""},
		{"x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			r := runFlash(t, "", clock(fixedNow), tt.typed)
			if r.code != 2 {
				t.Errorf("exit %d, want 2", r.code)
			}
			hint := "did you mean"
			if tt.want == "" {
				if strings.Contains(r.stderr, hint) {
					t.Errorf("suggests something for %q: %s", tt.typed, r.stderr)
				}
				return
			}
			if want := `unknown command "` + tt.typed + `"; did you mean "` + tt.want + `"?`; !strings.Contains(r.stderr, want) {
				t.Errorf("stderr %q lacks %q", r.stderr, want)
			}
		})
	}
	// help CMD suggests too.
	r := runFlash(t, "", clock(fixedNow), "help", "reviw")
	if r.code != 2 || !strings.Contains(r.stderr, `did you mean "review"?`) {
		t.Errorf("help reviw: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestRun_UsageErrorNamesCommandHelp: a mistake in a command's flags points
// to that command's help.
func TestRun_UsageErrorNamesCommandHelp(t *testing.T) {
	r := runFlash(t, "", clock(fixedNow), "review", "--frob")
	if r.code != 2 || r.stderr != "flash: review: unknown flag: --frob\nRun 'flash help review' for usage.\n" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestRun_DoubleDashEndsFlags: every argument after "--" is positional,
// even when it looks like a flag, and flags may follow positional
// arguments before it.
func TestRun_DoubleDashEndsFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	deckFile := writeFile(t, "small.toml", smallDeck)
	if r := runFlash(t, "", clock(fixedNow), "import", deckFile, "--db", db); r.code != 0 {
		t.Fatalf("import with --db after the file: exit %d: %s", r.code, r.stderr)
	}
	r := runFlash(t, "", clock(fixedNow), "--db", db, "unsuspend", "--", "-x", "--y", "a")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (unknown cards): %s", r.code, r.stderr)
	}
	for _, want := range []string{`unknown card "-x"`, `unknown card "--y"`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr %q lacks %q", r.stderr, want)
		}
	}
	// Card "a" is resolved (and not suspended), so nothing was changed:
	// every id is resolved before any change.
	if strings.Contains(r.stdout, "unsuspended") {
		t.Errorf("changed something: %s", r.stdout)
	}
	// Without "--", -x is a flag unsuspend does not have.
	r = runFlash(t, "", clock(fixedNow), "--db", db, "unsuspend", "-x")
	if r.code != 2 || !strings.Contains(r.stderr, "unknown shorthand flag: 'x'") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// flagNames lists the flags declared on fs.
func flagNames(fs *flags.FlagSet) []string {
	var names []string
	fs.VisitAll(func(f *flags.Flag) { names = append(names, f.Name) })
	return names
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"review", "review", 0},
		{"reviw", "review", 1},
		{"reveiw", "review", 1},
		{"stats", "", 5},
		{"ревю", "рвю", 1},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
