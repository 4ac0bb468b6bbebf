// Command flash is a spaced-repetition flashcard program for the terminal.
//
// See README.md for the commands, the deck format and where data lives.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/flash-srs/flash/storage"
)

// version is set at link time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version from the build info is used.
var version = ""

func main() {
	err := run(os.Args[1:], &env{
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		getenv: os.Getenv,
		now:    time.Now,
	})
	if err != nil {
		printError(os.Stderr, err)
	}
	os.Exit(exitCode(err))
}

// env is everything a command takes from the outside world, so that tests
// can run commands in-process with their own streams, variables and clock.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time

	db string // --db; empty means the default path
}

// printError writes err one line per problem, each prefixed with "flash:".
func printError(w io.Writer, err error) {
	for _, line := range strings.Split(strings.TrimRight(err.Error(), "\n"), "\n") {
		fmt.Fprintln(w, "flash:", line)
	}
	var u *usageError
	if errors.As(err, &u) {
		fmt.Fprintln(w, "Run 'flash help' for usage.")
	}
}

const usage = `flash — spaced-repetition flashcards in the terminal

Usage:
  flash [--db PATH] review [--deck ID] [--plain]   study the cards that are due
  flash [--db PATH] import FILE.toml [--dry-run]   add or update a deck from a file
  flash [--db PATH] stats [--deck ID] [--at DATE] [--json] [--plot FILE.png]
                                                   readiness per exam question,
                                                   forecast, retention, calibration
  flash [--db PATH] export [--revlog FILE.csv] [--backup FILE.db] [--force]
                                                   review log for the FSRS optimizer;
                                                   a consistent copy of the database
  flash [--db PATH] unsuspend CARD-ID...           study a suspended card (a leech)
                                                   again; it stays flagged
  flash sim KIND [--set name=value ...] [--in FILE.json] [--json]
                                                   run a simulation on its own
  flash sim help                                   list simulations and parameters
  flash version                                    print the version
  flash help                                       print this help

Global flags:
  --db PATH   the database file (default $FLASH_DB, else
              $XDG_DATA_HOME/flash/flash.db, else ~/.local/share/flash/flash.db)

On first use 'review' and 'stats' import the built-in deck (13 exam questions
on four ML papers), so 'flash review' works with no file at hand.

Exit status: 0 ok, 1 failure, 2 usage error.
`

// run parses the global flags and dispatches to a command.
func run(args []string, e *env) error {
	fs := flag.NewFlagSet("flash", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&e.db, "db", "", "database file")
	help := fs.Bool("help", false, "")
	fs.BoolVar(help, "h", false, "")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if *help {
		fmt.Fprint(e.stdout, usage)
		return nil
	}
	args = fs.Args()
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return usagef("no command given")
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "review":
		return cmdReview(args, e)
	case "import":
		return cmdImport(args, e)
	case "stats":
		return cmdStats(args, e)
	case "export":
		return cmdExport(args, e)
	case "unsuspend":
		return cmdUnsuspend(args, e)
	case "sim":
		return runSim(args, e.stdin, e.stdout, e.stderr)
	case "version", "--version":
		fmt.Fprintf(e.stdout, "flash %s\n", buildVersion())
		return nil
	case "help":
		fmt.Fprint(e.stdout, usage)
		return nil
	default:
		return usagef("unknown command %q", cmd)
	}
}

func buildVersion() string {
	v := version
	goVersion := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = bi.Main.Version
		}
		goVersion = bi.GoVersion
	}
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	if goVersion != "" {
		v += " (" + goVersion + ")"
	}
	return v
}

// dbPath resolves the database path: --db, else $FLASH_DB, else the XDG
// default.
func (e *env) dbPath() (string, error) {
	if e.db != "" {
		return e.db, nil
	}
	return storage.DefaultPath(e.getenv)
}

// parseFlags parses a command's flags, which may come before or after its
// positional arguments (flash import deck.toml --dry-run).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
