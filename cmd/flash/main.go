// Command flash is a spaced-repetition flashcard program for the terminal.
//
// See README.md for the commands, the deck format and where data lives.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/flash-srs/flash/cmd/flash/internal/flags"
	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/sims"
	"github.com/flash-srs/flash/storage"
)

// version is set at link time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version from the build info is used.
var version = ""

// Package deck checks derive cards' simulations with the checker it is
// handed: deck, and storage below it, do not link sims.
func init() { deck.UseSims(sims.Checker{}) }

func main() {
	err := protect(func() error {
		return run(os.Args[1:], &env{
			stdin:  os.Stdin,
			stdout: os.Stdout,
			stderr: os.Stderr,
			getenv: os.Getenv,
			now:    time.Now,
		})
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
		if u.cmd != "" {
			fmt.Fprintf(w, "Run 'flash help %s' for usage.\n", u.cmd)
		} else {
			fmt.Fprintln(w, "Run 'flash help' for usage.")
		}
	}
}

// run parses the global flags and dispatches to a command.
func run(args []string, e *env) error {
	fs := flags.NewFlagSet("flash")
	fs.SetInterspersed(false) // the first argument that is no flag names the command
	fs.StringVar(&e.db, "db", "", dbUsage)
	help := fs.BoolP("help", "h", false, "print the usage")
	showVersion := fs.Bool("version", false, "print the version")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if err := e.setClock(); err != nil {
		return err
	}
	args = fs.Args()
	switch {
	case *help:
		return printUsage(e.stdout, e)
	case *showVersion:
		args = []string{"version"}
	case len(args) == 0:
		return printUsage(e.stdout, e)
	}
	c := lookupCommand(args[0])
	if c == nil {
		return unknownCommand(args[0])
	}
	return c.run(args[1:], e)
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

// setClock makes $FLASH_NOW, when set, the current time of every command:
// the clock starts at that time when flash starts and runs on from there,
// in the local time zone. It is for tests and scripted runs that follow
// a plan day by day. Every command takes its time from e.now, so this is
// the one place where the clock is set.
func (e *env) setClock() error {
	if e.getenv == nil {
		return nil
	}
	v := e.getenv("FLASH_NOW")
	if v == "" {
		return nil
	}
	at, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return usagef("FLASH_NOW=%q is not an RFC 3339 time (like 2026-01-05T09:00:00+01:00)", v)
	}
	at = at.In(time.Local)
	real := e.now
	if real == nil {
		real = time.Now
	}
	start := real()
	e.now = func() time.Time { return at.Add(real().Sub(start)) }
	return nil
}

// dbPath resolves the database path: --db, else $FLASH_DB, else the XDG
// default.
func (e *env) dbPath() (string, error) {
	if e.db != "" {
		return e.db, nil
	}
	return storage.DefaultPath(e.getenv)
}
