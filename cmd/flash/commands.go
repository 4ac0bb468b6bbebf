package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/flash-srs/flash/cmd/flash/internal/flags"
)

// A command is one flash subcommand. `flash help`, `flash help NAME` and
// `flash NAME --help` print only what these fields and the command's flag
// set say, so a command's usage cannot drift from what it accepts.
//
// To add a command: write its setup function (declare the flags on fs,
// return the function that runs it) and add one entry to commands.
type command struct {
	name    string
	args    string // the positional arguments in the synopsis, e.g. "FILE.toml"
	summary string // one line for the command list
	details string // paragraphs for `flash help NAME`, after the synopsis
	db      bool   // opens the database, so it takes --db

	// setup declares the command's flags on fs (the placeholder of a
	// flag's value in its usage is the word in backquotes) and returns the
	// function that runs the command with its positional arguments once
	// fs is parsed. It only declares: help and usage call it too.
	setup func(fs *flags.FlagSet, e *env) func(args []string) error
}

// commands is every command, in the order `flash help` lists them. It is
// set in init because help and sim look commands up.
var commands []*command

func init() {
	commands = []*command{
		{
			name:    "review",
			summary: "study the cards that are due",
			details: `Shows the due cards of every deck (or of --deck) in a screen; rate each
1 Again, 2 Hard, 3 Good, 4 Easy. When the database holds no deck, the built-in
deck is imported first. --plain is a line mode for scripts and screen readers.`,
			db:    true,
			setup: cmdReview,
		},
		{
			name:    "import",
			args:    "FILE.toml",
			summary: "add or update a deck from a TOML file",
			details: `Adds new cards, updates changed ones (their history is kept), retires the
cards missing from the file and restores retired ones that come back, and says
which options changed. A bad file is refused as a whole, with every problem
listed. --builtin imports this flash's built-in deck again, with no file: a deck
imported from a file with the built-in deck's id gets none of its fixes until
then.`,
			db:    true,
			setup: cmdImport,
		},
		{
			name:    "stats",
			summary: "readiness per exam question, forecast, retention, calibration",
			details: `Prints readiness per exam question (now, or at --at DATE), the cards by
state, the forecast and history of reviews, true retention, calibration, memory
and time. Opens the database read-only.`,
			db:    true,
			setup: cmdStats,
		},
		{
			name:    "exam",
			args:    "[DATE]",
			summary: "plan every study day toward an exam on DATE; show the plan",
			details: `With DATE (YYYY-MM-DD) sets the deck's exam: review then plans each day so
that on the exam day every card's recall, as FSRS predicts it, is at least
--target, within --minutes a day (new cards early and interleaved across
questions, no interval jumping over the exam, a final pass over weak cards).
Without DATE shows the plan: readiness on the exam day per question if you
follow it and if you stop now, and the plan per day. --clear removes the exam;
after the exam day scheduling is plain FSRS again. A date in the past, a target
outside 0.70–0.99 or a budget of 0 is refused, and nothing is written.`,
			db:    true,
			setup: cmdExam,
		},
		{
			name:    "export",
			summary: "the review log for the FSRS optimizer; a copy of the database",
			details: `--revlog writes the review log as the FSRS optimizer's revlog.csv;
--backup writes a consistent copy of the database. Existing files are kept
unless --force.`,
			db:    true,
			setup: cmdExport,
		},
		{
			name:    "optimize",
			summary: "fit FSRS's weights to your own reviews",
			details: `Fits FSRS-5's 19 weights to the review log of --deck (or of all decks), the
way the reference FSRS optimizer does, prints how well the default and the fitted
weights predict your recall (log-loss and RMSE(bins), in-sample and on held-out
later reviews), and stores the weights with the deck: review, the previews and
stats use them from then on, and the cards' memory states are recomputed.
Fewer than 8 reviews on a later day than the card's previous one keep the
weights in use. --dry-run stores nothing; --reset goes back to the defaults.
--revlog FILE.csv fits to a log in the FSRS optimizer's CSV convention (as
'flash export --revlog' writes it) and stores nothing.`,
			db:    true,
			setup: cmdOptimize,
		},
		{
			name:    "unsuspend",
			args:    "CARD-ID...",
			summary: "study suspended cards (leeches) again; they stay flagged",
			details: `CARD-ID is DECK/CARD, or CARD when only one deck has that id. Put "--"
before ids that start with "-".`,
			db:    true,
			setup: cmdUnsuspend,
		},
		{
			name:    "sim",
			args:    "KIND",
			summary: "run a simulation on its own; 'flash sim help' lists them",
			details: `Runs one simulation and prints a report (--json: its outputs). 'flash sim
help' lists every kind with its params, defaults and limits.`,
			setup: cmdSim,
		},
		{
			name:    "version",
			summary: "print the version",
			setup:   cmdVersion,
		},
		{
			name:    "help",
			args:    "[COMMAND]",
			summary: "print this help, or a command's",
			setup:   cmdHelp,
		},
	}
}

// lookupCommand returns the command called name, or nil.
func lookupCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

const dbUsage = "the database `PATH` (default $FLASH_DB, else $XDG_DATA_HOME/flash/flash.db, else ~/.local/share/flash/flash.db)"

// flagSet is a command's flags as newFlagSet declares them.
type flagSet struct {
	*flags.FlagSet
	help *bool
	db   *string                   // nil for a command that does not open the database
	run  func(args []string) error // runs the command once the flags are parsed
}

// newFlagSet returns c's flag set with its flags declared. --db (for a
// command that opens the database) and -h/--help are declared here, for
// every command alike. Usage lists the flags in the order they are
// declared.
func (c *command) newFlagSet(e *env) flagSet {
	fs := flagSet{FlagSet: flags.NewFlagSet(c.name)}
	fs.run = c.setup(fs.FlagSet, e)
	if c.db {
		fs.db = fs.String("db", "", dbUsage)
	}
	fs.help = fs.BoolP("help", "h", false, "print this help")
	return fs
}

// run parses c's flags from args and runs it. Flags and positional
// arguments may come in any order; "--" ends the flags.
func (c *command) run(args []string, e *env) error {
	fs := c.newFlagSet(e)
	if err := fs.Parse(args); err != nil {
		return &usageError{msg: fmt.Sprintf("%s: %v", c.name, err), cmd: c.name}
	}
	if *fs.help {
		return c.printUsage(e.stdout, e)
	}
	if fs.db != nil && fs.Changed("db") {
		e.db = *fs.db
	}
	err := fs.run(fs.Args())
	var u *usageError
	if errors.As(err, &u) && u.cmd == "" {
		u.cmd = c.name
	}
	return err
}

// synopsis is the command's usage line: "flash [--db PATH] NAME [flags] ARGS".
func (c *command) synopsis(e *env) string {
	fs := c.newFlagSet(e)
	parts := []string{"flash"}
	if c.db {
		parts = append(parts, "[--db PATH]")
	}
	parts = append(parts, c.name)
	if c.args != "" {
		parts = append(parts, c.args)
	}
	fs.VisitAll(func(f *flags.Flag) {
		if f.Name == "help" || f.Name == "db" {
			return
		}
		s := "--" + f.Name
		if name, _ := flags.UnquoteUsage(f); name != "" && f.Value.Type() != "bool" {
			s += " " + name
		}
		if strings.HasSuffix(f.Value.Type(), "Array") || f.Value.Type() == "name=value" {
			s += " ..."
		}
		parts = append(parts, "["+s+"]")
	})
	return wrapWords(parts, 78, "      ")
}

// printUsage writes `flash help NAME`: the synopsis, the details and the
// flags.
func (c *command) printUsage(w io.Writer, e *env) error {
	fs := c.newFlagSet(e)
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s\n\n", c.synopsis(e))
	text := c.details
	if text == "" {
		text = strings.ToUpper(c.summary[:1]) + c.summary[1:] + "."
	}
	fmt.Fprintf(&b, "%s\n\nFlags:\n%s", text, fs.FlagUsages(80))
	_, err := io.WriteString(w, b.String())
	return err
}

// printUsage writes the usage of flash: every command's synopsis and
// summary.
func printUsage(w io.Writer, e *env) error {
	var b strings.Builder
	b.WriteString("flash — spaced-repetition flashcards in the terminal\n\nUsage:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %s\n", c.synopsis(e))
		fmt.Fprintf(&b, "      %s\n", c.summary)
	}
	b.WriteString(`
Every command takes -h/--help; 'flash help COMMAND' says the same. Flags may
come before or after arguments; "--" ends the flags.

Global flags:
  --db PATH   the database file (default $FLASH_DB, else
              $XDG_DATA_HOME/flash/flash.db, else ~/.local/share/flash/flash.db)

On first use 'review' and 'stats' import the built-in deck (13 exam questions
on four ML papers), so 'flash review' works with no file at hand.

Exit status: 0 ok, 1 failure, 2 usage error.
`)
	_, err := io.WriteString(w, b.String())
	return err
}

// wrapWords joins words with spaces into lines of at most width columns
// (a word longer than that stands alone), continuation lines starting with
// indent.
func wrapWords(words []string, width int, indent string) string {
	var b strings.Builder
	col := 0
	for i, w := range words {
		n := len([]rune(w))
		switch {
		case i == 0:
		case col+1+n > width:
			b.WriteString("\n" + indent)
			col = len(indent)
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += n
	}
	return b.String()
}

// nearestCommand returns the command name closest to name, or "" when
// none is close enough to be what was meant: an edit distance of at most
// 2 (1 for short names), or name a prefix of exactly one command.
func nearestCommand(name string) string {
	best, bestDist := "", 1<<30
	var prefixed []string
	for _, c := range commands {
		if d := editDistance(name, c.name); d < bestDist {
			best, bestDist = c.name, d
		}
		if name != "" && strings.HasPrefix(c.name, name) {
			prefixed = append(prefixed, c.name)
		}
	}
	limit := 2
	if len([]rune(name)) <= 3 {
		limit = 1
	}
	if bestDist <= limit {
		return best
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	return ""
}

// editDistance is the Damerau–Levenshtein distance (optimal string
// alignment) between a and b, in runes: a swap of neighbours counts one.
func editDistance(a, b string) int {
	s, t := []rune(a), []rune(b)
	d := make([][]int, len(s)+1)
	for i := range d {
		d[i] = make([]int, len(t)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(s); i++ {
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(s)][len(t)]
}

func cmdVersion(fs *flags.FlagSet, e *env) func([]string) error {
	return func(args []string) error {
		if len(args) > 0 {
			return usagef("version: unexpected argument %q", args[0])
		}
		_, err := fmt.Fprintf(e.stdout, "flash %s\n", buildVersion())
		return err
	}
}

func cmdHelp(fs *flags.FlagSet, e *env) func([]string) error {
	return func(args []string) error {
		switch len(args) {
		case 0:
			return printUsage(e.stdout, e)
		case 1:
			c := lookupCommand(args[0])
			if c == nil {
				return unknownCommand(args[0])
			}
			return c.printUsage(e.stdout, e)
		}
		return usagef("help: want at most one command, got %q", args)
	}
}

// unknownCommand is the usage error for a command name flash does not
// know, suggesting the nearest one.
func unknownCommand(name string) error {
	if near := nearestCommand(name); near != "" {
		return usagef("unknown command %q; did you mean %q?", name, near)
	}
	return usagef("unknown command %q", name)
}
