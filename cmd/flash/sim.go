package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/flash-srs/flash/cmd/flash/internal/flags"
	"github.com/flash-srs/flash/sims"
)

// setFlag collects repeated --set name=value flags in order.
type setFlag struct {
	names  []string
	values []any
}

func (s *setFlag) String() string { return strings.Join(s.names, ",") }

// Type names the value in usage messages.
func (s *setFlag) Type() string { return "name=value" }

// Set parses name=value; the value is JSON when it parses as JSON
// (numbers, arrays, true/false, null, "quoted"), else a plain string.
func (s *setFlag) Set(arg string) error {
	name, raw, ok := strings.Cut(arg, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return fmt.Errorf("want name=value, got %q", arg)
	}
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		v = raw
	}
	s.names = append(s.names, name)
	s.values = append(s.values, v)
	return nil
}

// cmdSim implements `flash sim KIND [--set name=value ...] [--in FILE.json]
// [--json]` and `flash sim help [KIND]`. --in - reads the JSON params from
// stdin. Params from --set override those from --in. Usage mistakes (flags,
// unknown kind) are usage errors; bad params and failed runs are plain
// errors, one line per problem.
func cmdSim(fs *flags.FlagSet, e *env) func([]string) error {
	var sets setFlag
	fs.Var(&sets, "set", "set param `name=value` (repeatable; the value is JSON if it parses, else a string)")
	in := fs.String("in", "", "read params from a JSON object in `FILE.json` (- for stdin)")
	asJSON := fs.Bool("json", false, "print the outputs as JSON")
	return func(pos []string) error {
		return runSim(pos, &sets, *in, *asJSON, e.stdin, e.stdout)
	}
}

func runSim(pos []string, sets *setFlag, in string, asJSON bool, stdin io.Reader, stdout io.Writer) error {
	if len(pos) == 0 {
		return usagef("sim: no kind given (%s)", kindList())
	}
	if pos[0] == "help" {
		if len(pos) > 2 {
			return usagef("sim help: want at most one kind, got %q", pos[1:])
		}
		return simHelp(stdout, pos[1:])
	}
	if len(pos) > 1 {
		return usagef("sim: want one kind, got %q", pos)
	}
	kind := pos[0]
	if _, ok := sims.Lookup(kind); !ok {
		return usagef("sim: unknown kind %q (%s)", kind, kindList())
	}
	params := map[string]any{}
	if in != "" {
		p, err := readSimInput(in, stdin)
		if err != nil {
			return err
		}
		params = p
	}
	for i, name := range sets.names {
		params[name] = sets.values[i]
	}
	res, err := sims.RunWith(kind, params, sims.Options{Clock: time.Now})
	if err != nil {
		return prefixLines("sim "+kind+": ", err)
	}
	if asJSON {
		b, err := json.MarshalIndent(res.JSON, "", "  ")
		if err != nil {
			return fmt.Errorf("sim %s: encode JSON: %w", kind, err)
		}
		b = append(b, '\n')
		_, err = stdout.Write(b)
		return err
	}
	_, err = io.WriteString(stdout, res.Text)
	return err
}

func kindList() string {
	var names []string
	for _, s := range sims.Specs() {
		names = append(names, s.Kind)
	}
	return "kinds: " + strings.Join(names, ", ")
}

// readSimInput reads the --in file (or stdin for "-") as JSON params.
func readSimInput(path string, stdin io.Reader) (map[string]any, error) {
	var r io.Reader
	name := path
	if path == "-" {
		r, name = stdin, "stdin"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("sim: %w", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, sims.MaxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("sim: read %s: %w", name, err)
	}
	p, err := sims.ParseParams(data)
	if err != nil {
		return nil, fmt.Errorf("sim: %s: %w", name, err)
	}
	return p, nil
}

// prefixLines puts prefix before every line of err's message, so that
// each problem of a joined error names the simulation.
func prefixLines(prefix string, err error) error {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return &prefixedError{msg: strings.Join(lines, "\n"), err: err}
}

type prefixedError struct {
	msg string
	err error
}

func (e *prefixedError) Error() string { return e.msg }
func (e *prefixedError) Unwrap() error { return e.err }

// simHelp lists the kinds (or one kind) with their params, defaults and
// the names of their numbers.
func simHelp(w io.Writer, kinds []string) error {
	specs := sims.Specs()
	if len(kinds) == 1 {
		s, ok := sims.Lookup(kinds[0])
		if !ok {
			return usagef("sim help: unknown kind %q (%s)", kinds[0], kindList())
		}
		specs = []sims.Spec{s}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s\n       flash sim help [KIND]\n\n", lookupCommand("sim").synopsis(&env{}))
	b.WriteString(simWrap("", "", "--set name=value sets one param (the value is read as JSON when it can be, "+
		"else as a string: --set times=[0,1,10] --set target=square); --in FILE.json gives params as one JSON object "+
		"(matrices as arrays of rows), --set overrides it; --json prints the outputs as JSON."))
	for _, s := range specs {
		fmt.Fprintf(&b, "\n%s\n", s.Kind)
		b.WriteString(simWrap("  ", "  ", s.Summary))
		b.WriteString("  Params (name = default, type):\n")
		for _, p := range s.Params {
			def := "none"
			if p.Default != nil {
				if j, err := json.Marshal(p.Default); err == nil {
					def = string(j)
				}
			}
			fmt.Fprintf(&b, "    %s = %s (%s)\n", p.Name, def, p.Type)
			b.WriteString(simWrap("        ", "        ", p.Doc))
		}
		b.WriteString("  Numbers (what a card's check can name):\n")
		for _, n := range s.Numbers {
			b.WriteString(simWrap("    "+n.Name+": ", "        ", n.Doc))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// simWrap wraps text at 78 columns: lead before the first line, indent
// before the others.
func simWrap(lead, indent, text string) string {
	const width = 78
	var b strings.Builder
	b.WriteString(lead)
	col := len([]rune(lead))
	for i, word := range strings.Fields(text) {
		wl := len([]rune(word))
		if i > 0 {
			if col+1+wl > width {
				b.WriteString("\n" + indent)
				col = len([]rune(indent))
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(word)
		col += wl
	}
	b.WriteByte('\n')
	return b.String()
}
