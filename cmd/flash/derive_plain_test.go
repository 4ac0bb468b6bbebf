package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// plainDeriveDeck has one derive card whose check names three outputs of
// ntk-decay, with K = diag(4, 2, 1) and η = 0.25: λ_max = 4, λ_min = 1,
// τ_fast = 1/(ηλ_max) = 1, τ_slow = 1/(ηλ_min) = 4.
const plainDeriveDeck = `format = 1
id = "pd"
title = "Plain derive"

[[question]]
id = "q"
paper = "P"
text = "Q?"

[[card]]
id = "d"
question = "q"
kind = "derive"
front = "Give λ_max, τ_fast and τ_slow."
back = "λ_max = 4, τ_fast = 1, τ_slow = 4."
[card.sim]
kind = "ntk-decay"
params = { K = [[4.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]], y = [1.0, 1.0, 1.0], eta = 0.25 }
check = ["lambda_max", "tau_fast — the fastest component", "tau_slow"]
`

// TestReviewPlain_DeriveChecksEveryOutput: --plain prints one comparison
// line per output the check names.
func TestReviewPlain_DeriveChecksEveryOutput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	if r := runFlash(t, "", clock(fixedNow), "--db", db, "import", writeFile(t, "pd.toml", plainDeriveDeck)); r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}
	input := "tau_slow = 4\nlambda_max = 4\ntau_fast = 2\n\n3\n"
	r := runFlash(t, input, clock(fixedNow), "--db", db, "review", "--plain")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		`lambda_max: simulation 4 · you: 4, from "= 4" · 0.0% apart (close)`,
		"Check tau_fast: the fastest component",
		`tau_fast: simulation 1 · you: 2, from "= 2" · 100.0% apart (far off)`,
		`tau_slow: simulation 4 · you: 4, from "= 4" · 0.0% apart (close)`,
		"saved: pd/d Good",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	// The lines come in the check's order.
	if strings.Index(r.stdout, "lambda_max: simulation") > strings.Index(r.stdout, "tau_fast: simulation") ||
		strings.Index(r.stdout, "tau_fast: simulation") > strings.Index(r.stdout, "tau_slow: simulation") {
		t.Errorf("comparisons out of the check's order:\n%s", r.stdout)
	}
}

// TestImport_CheckNamingNoOutput: import refuses a check that names no
// output of the card's sim kind, naming the file, line, card and the known
// names, and writes nothing.
func TestImport_CheckNamingNoOutput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	src := strings.Replace(plainDeriveDeck, `"tau_slow"]`, `"tau_slw"]`, 1)
	r := runFlash(t, "", clock(fixedNow), "--db", db, "import", writeFile(t, "typo.toml", src))
	if r.code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
	}
	want := `typo.toml:19: card "d": sim ntk-decay: check "tau_slw": no output of ntk-decay (known: lambda_max, lambda_min, tau_fast, tau_slow,`
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
	}
}
