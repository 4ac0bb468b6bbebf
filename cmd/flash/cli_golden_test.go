package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// cliLines are command lines whose whole output (stdout, stderr, exit
// code) testdata/cli.golden pins: every usage text and the error of every
// kind of flag mistake. None of them opens a database: each either prints
// help or fails before its command runs.
var cliLines = [][]string{
	// Usage of flash.
	{},
	{"--help"},
	{"-h"},
	{"help"},
	{"--db", "x", "--help"},
	{"--db=", "help"},
	{"--version=false"},
	{"--help", "review"}, // the global --help wins over the command

	// Global flag mistakes.
	{"--frob"},
	{"--frob=1", "review"},
	{"-x"},
	{"-hx"},
	{"---x"},
	{"--=x"},
	{"--db"},
	{"--version", "--db"},
	{"--help=maybe"},
	{"-h=no"},
	{"review", "--version"}, // --version is global only
	{"--DB", "x", "review"},

	// Commands: unknown, misspelt, empty.
	{"bogus"},
	{"--db", "x", "reveiw"},
	{"-"},
	{""},
	{"--", "review", "x"},

	// Command flag mistakes.
	{"review", "--frob"},
	{"review", "-x"},
	{"review", "-hx"},
	{"review", "-é"},
	{"review", "-x", "-h"},
	{"review", "-h", "-x"}, // a mistake anywhere wins over help
	{"review", "--deck"},
	{"review", "--question"},
	{"review", "--question", "a", "--question"},
	{"review", "--plain=maybe"},
	{"review", "--ahead=", "x"},
	{"review", "--de", "x"}, // no abbreviations
	{"review", "--DECK", "x"},
	{"review", "--", "-x"},
	{"review", "-"},
	{"review", "x", "--plain", "--deck=d", "--question", "a", "--question=b", "--tag", "t", "--ahead=false"},
	{"review", "--plain", "true"}, // a bool flag takes no separate value
	{"exam", "--target", "abc"},
	{"exam", "--target=1e"},
	{"exam", "--minutes", "1.5"},
	{"exam", "--minutes=0x"},
	{"exam", "--minutes", "99999999999999999999"},
	{"exam", "--json=2"},
	{"exam", "--clear", "--json=false", "-h"},
	{"optimize", "--next-day-starts-at", "four"},
	{"optimize", "--timezone"},
	{"optimize", "--dry-run=t", "-h"},
	{"sim", "--set"},
	{"sim", "--set", "noequals"},
	{"sim", "--set", "=1"},
	{"sim", "--set=", "help"},
	{"sim", "--in"},
	{"sim", "--json", "-hh"},
	{"sim", "--set=a=1", "--set", "b=2", "bogus", "--json"},
	{"sim", "--", "--json"},
	{"sim", "--", "help", "x", "y"},
	{"import"},
	{"import", "a.toml", "b.toml"},
	{"import", "--builtin", "--dry-run=x"},
	{"stats", "--at"},
	{"stats", "--plot"},
	{"export", "--revlog"},
	{"export", "--force=yes"},
	{"unsuspend", "-x"},
	{"unsuspend", "--all"},
	{"version", "extra"},
	{"version", "--db", "x"},
	{"version", "--", "-h"},
	{"help", "review", "stats"},
	{"help", "--db", "x"},
	{"help", "reviw"},
	{"help", "-x"},
}

// TestCLI_Golden pins what flash prints for the command lines above, and
// for every command's help in all three spellings: the usage texts and the
// flag parser's error lines are part of flash's interface (the README
// quotes them, scripts match them). `go test -run TestCLI_Golden -update`
// rewrites testdata/cli.golden.
func TestCLI_Golden(t *testing.T) {
	var b strings.Builder
	show := func(args []string) result {
		r := runFlash(t, "", clock(fixedNow), args...)
		fmt.Fprintf(&b, "$ flash%s\nexit %d\n", quoteArgs(args), r.code)
		if r.stdout != "" {
			fmt.Fprintf(&b, "stdout:\n%s", r.stdout)
		}
		if r.stderr != "" {
			fmt.Fprintf(&b, "stderr:\n%s", r.stderr)
		}
		b.WriteString("\n")
		return r
	}
	for _, c := range commands {
		want := show([]string{"help", c.name})
		for _, h := range []string{"-h", "--help"} {
			if r := runFlash(t, "", clock(fixedNow), c.name, h); r != want {
				t.Errorf("flash %s %s differs from flash help %s:\n%+v\n%+v", c.name, h, c.name, r, want)
			}
		}
	}
	for _, args := range cliLines {
		show(args)
	}
	golden(t, "cli", b.String())
}

// quoteArgs writes args as a shell would need them: each after a space,
// quoted when empty or holding anything but plain characters.
func quoteArgs(args []string) string {
	var b strings.Builder
	for _, a := range args {
		b.WriteByte(' ')
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`") || strconv.Quote(a) != `"`+a+`"` {
			b.WriteString(strconv.Quote(a))
		} else {
			b.WriteString(a)
		}
	}
	return b.String()
}
