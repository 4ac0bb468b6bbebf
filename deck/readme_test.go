package deck

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the README's table of the built-in deck")

// Markers around the table in README.md that TestBuiltin_READMETable keeps.
const (
	tableBegin = "<!-- deck table: go test ./deck -run READMETable -update -->\n"
	tableEnd   = "<!-- end of deck table -->\n"
)

// deckTable is the README's table of the built-in deck: per question its
// cards, derive cards, the longest back besides the source line (of the
// cards the size rule bounds: neither derive nor rehearsal cards, then of
// derive cards) and the rehearsal card's outline.
func deckTable(d *Deck) string {
	type row struct{ cards, derive, basic, deriveBack, rehearsal int }
	rows := map[string]*row{}
	var total row
	backLines := func(c Card) int { return strings.Count(strings.TrimSpace(c.Back), "\n") }
	for _, c := range d.Cards {
		r := rows[c.Question]
		if r == nil {
			r = &row{}
			rows[c.Question] = r
		}
		n := backLines(c)
		r.cards++
		switch {
		case c.Kind == KindDerive:
			r.derive++
			r.deriveBack = max(r.deriveBack, n)
		case isRehearsal(c):
			r.rehearsal = max(r.rehearsal, n)
		default:
			r.basic = max(r.basic, n)
		}
	}
	var b strings.Builder
	b.WriteString("| question | cards | derive cards | longest back (basic) | longest back (derive) | rehearsal outline |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: |\n")
	dash := func(n, of int) string {
		if of == 0 {
			return "–"
		}
		return fmt.Sprint(n)
	}
	for _, q := range d.Questions {
		r := rows[q.ID]
		if r == nil {
			r = &row{}
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %d |\n", q.ID, r.cards, r.derive, r.basic, dash(r.deriveBack, r.derive), r.rehearsal)
		total.cards += r.cards
		total.derive += r.derive
		total.basic = max(total.basic, r.basic)
		total.deriveBack = max(total.deriveBack, r.deriveBack)
		total.rehearsal = max(total.rehearsal, r.rehearsal)
	}
	fmt.Fprintf(&b, "| all | %d | %d | %d | %s | %d |\n", total.cards, total.derive, total.basic, dash(total.deriveBack, total.derive), total.rehearsal)
	return b.String()
}

// TestBuiltin_READMETable checks that the README's table of the built-in
// deck is the deck's; -update rewrites it.
func TestBuiltin_READMETable(t *testing.T) {
	path := filepath.Join("..", "README.md")
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(readme, []byte(tableBegin))
	j := bytes.Index(readme, []byte(tableEnd))
	if i < 0 || j < i {
		t.Fatalf("README.md has no deck table between %q and %q", tableBegin, tableEnd)
	}
	got := string(readme[i+len(tableBegin) : j])
	want := "\n" + deckTable(Builtin()) + "\n"
	if got == want {
		return
	}
	if *update {
		out := append(append(bytes.Clone(readme[:i+len(tableBegin)]), want...), readme[j:]...)
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's deck table is out of date (go test ./deck -run READMETable -update); want\n%s", want)
}
