package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/flash-srs/flash/cmd/flash/internal/flags"
	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/scheduler/session"
	"github.com/flash-srs/flash/storage"
	"github.com/flash-srs/flash/storage/importer"
)

func cmdImport(fs *flags.FlagSet, e *env) func([]string) error {
	dry := fs.Bool("dry-run", false, "print the plan and write nothing")
	builtin := fs.Bool("builtin", false, "import this flash's built-in deck (again): it then follows the built-in deck, fixes included")
	return func(pos []string) error {
		switch {
		case *builtin && len(pos) > 0:
			return usagef("import: --builtin takes no file, got %q", pos[0])
		case *builtin:
			return importSource(e, "the built-in deck", deck.BuiltinSource(), *dry)
		case len(pos) != 1:
			return usagef("import: want one deck file, got %d arguments", len(pos))
		}
		data, err := importer.ReadFile(pos[0])
		if err != nil {
			return err
		}
		return importSource(e, pos[0], data, *dry)
	}
}

// importSource imports the deck file name holding data and reports what
// changed: the cards, the options, and whether the deck follows the
// built-in deck.
func importSource(e *env, name string, data []byte, dry bool) error {
	res, err := importer.Import(e.dbPath, name, data, e.now(), dry, func(st *storage.Store, d *deck.Deck) {
		savePlans(e, st, d.ID)
	})
	if err != nil {
		return err
	}
	printPlan(e.stdout, res.Plan, dry)
	if res.Old != nil {
		printDeckChanges(e.stdout, *res.Old, res.Deck, dry)
	}
	if res.Deck.ID == deck.Builtin().ID {
		printBuiltinNote(e.stdout, res.Old, res.Deck.ID, name, res.Source.Builtin, dry)
	}
	if dry {
		fmt.Fprintln(e.stdout, "nothing was written")
	}
	return nil
}

// savePlans saves again the exam plans of the day and the days ahead of
// the decks ids (session.SavePlan; nothing for a deck without an exam)
// after a command changed what they are made from and so dropped them
// (an import, new weights, an unsuspended card), so that the next review
// reads its plan instead of making it. What the command did is stored
// already: a failure here is only a warning.
func savePlans(e *env, st *storage.Store, ids ...string) {
	decks, err := st.Decks()
	for _, id := range ids {
		if err == nil {
			err = session.SavePlan(st, decks, id, e.now())
		}
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "flash: warning:", err)
	}
}

// printDeckChanges reports a changed title and changed [options]:
// "options: desired_retention 0.9 → 0.85".
func printDeckChanges(w io.Writer, old storage.DeckInfo, d *deck.Deck, dry bool) {
	prefix := ""
	if dry {
		prefix = "dry run: "
	}
	if old.Title != d.Title {
		fmt.Fprintf(w, "%stitle: %q → %q\n", prefix, old.Title, d.Title)
	}
	if ch := deck.OptionChanges(old.Options, d.Options); len(ch) > 0 {
		fmt.Fprintf(w, "%soptions: %s\n", prefix, strings.Join(ch, ", "))
	}
}

// printBuiltinNote says whether the deck with the built-in deck's id
// follows the built-in deck: a newer flash updates such a deck with its
// fixes (keeping history), but not one imported from another file, which
// would otherwise stop getting them without a word.
func printBuiltinNote(w io.Writer, old *storage.DeckInfo, id, name string, builtin, dry bool) {
	follows := "follows"
	if dry {
		follows = "would follow"
	}
	switch {
	case builtin && (old == nil || !old.Builtin):
		fmt.Fprintf(w, "%s: this is the built-in deck; the deck %s it again, and a newer flash's fixes to it arrive by themselves\n", id, follows)
	case builtin:
		// It was and stays the built-in deck: nothing to say.
	case old == nil || old.Builtin:
		fmt.Fprintf(w, "note: %s is the built-in deck's id; the deck %s %s from now on, and a newer flash's fixes to the built-in deck will not arrive (flash import --builtin goes back to it, history kept)\n", id, follows, name)
	}
}

// printPlan prints the counts of an import, and for a dry run the ids
// behind every count that changes something.
func printPlan(w io.Writer, p storage.Plan, dry bool) {
	prefix := ""
	if dry {
		prefix = "dry run: "
	}
	fmt.Fprintf(w, "%s%s: %d added, %d updated, %d unchanged, %d retired, %d restored\n",
		prefix, p.Deck, len(p.Added), len(p.Updated), len(p.Unchanged), len(p.Retired), len(p.Restored))
	if !dry {
		return
	}
	for _, g := range []struct {
		name string
		ids  []string
	}{{"add", p.Added}, {"update", p.Updated}, {"retire", p.Retired}, {"restore", p.Restored}} {
		if len(g.ids) > 0 {
			fmt.Fprintf(w, "  %s: %s\n", g.name, idList(g.ids, planIDs))
		}
	}
}

// planIDs is how many ids of each kind a dry run lists before it counts the
// rest: enough to check an edit, not a wall of text for a 10k-card deck.
const planIDs = 20

// idList joins ids, listing at most max of them and counting the rest.
func idList(ids []string, max int) string {
	if len(ids) <= max {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s … and %d more", strings.Join(ids[:max], ", "), len(ids)-max)
}

// ensureDeck puts the built-in deck into a database that holds no deck,
// or brings a stored copy of it up to date (importer.EnsureBuiltin), says
// so on log, and returns the decks in the store.
func ensureDeck(st *storage.Store, now time.Time, log io.Writer) ([]storage.DeckInfo, error) {
	decks, ch, err := importer.EnsureBuiltin(st, now)
	switch {
	case err != nil:
		return nil, err
	case ch == nil:
	case ch.First:
		fmt.Fprintf(log, "flash: imported the built-in deck %q (%d cards) into %s\n", ch.Deck.ID, len(ch.Plan.Added), st.Path())
	default:
		fmt.Fprintf(log, "flash: updated the built-in deck %q: %d added, %d updated, %d retired\n",
			ch.Deck.ID, len(ch.Plan.Added), len(ch.Plan.Updated), len(ch.Plan.Retired))
	}
	return decks, nil
}
