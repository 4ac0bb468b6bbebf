// Package flags parses flash's command lines: GNU-style long flags
// (--name, --name=value, --name value), one-letter shorthands (-h), and
// "--" to end the flags. Its syntax, help layout and error
// messages are those of github.com/spf13/pflag, which flash used before;
// unlike pflag it does not import net (for IP-address flags), whose cgo
// resolver made every default build of flash dynamically linked and each
// command start a few milliseconds later.
package flags

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A Value is the value of a flag: Set parses one occurrence on the command
// line, String formats the value (at declaration, for the default shown in
// help) and Type names its kind ("bool", "int", "string", ...).
type Value interface {
	String() string
	Set(string) error
	Type() string
}

// A Flag is one declared flag.
type Flag struct {
	Name      string // long name, without the dashes
	Shorthand string // one letter, or ""
	Usage     string // help text; a `word` in backquotes names the value
	Value     Value
	DefValue  string // Value.String() when the flag was declared
	Changed   bool   // set on the command line
}

// A FlagSet is a set of flags and the arguments left after parsing.
// Its zero value is not usable: call NewFlagSet.
type FlagSet struct {
	name         string
	flags        []*Flag // in the order they were declared
	interspersed bool
	args         []string
}

// NewFlagSet returns an empty flag set called name (named in the panic
// of a flag declared twice). Flags and positional arguments may come in
// any order until SetInterspersed(false).
func NewFlagSet(name string) *FlagSet {
	return &FlagSet{name: name, interspersed: true}
}

// SetInterspersed says whether flags may follow positional arguments.
// When false, the first argument that is not a flag ends the flags: it and
// everything after it are positional.
func (fs *FlagSet) SetInterspersed(ok bool) { fs.interspersed = ok }

// Var declares a flag with the given value; its default is v's value now.
// It panics if the name is declared already.
func (fs *FlagSet) Var(v Value, name, usage string) { fs.VarP(v, name, "", usage) }

// VarP is Var with a shorthand letter (or "" for none), given as -x.
func (fs *FlagSet) VarP(v Value, name, shorthand, usage string) {
	if fs.Lookup(name) != nil {
		panic(fmt.Sprintf("flag set %s: flag --%s declared twice", fs.name, name))
	}
	if shorthand != "" {
		if utf8.RuneCountInString(shorthand) != 1 {
			panic(fmt.Sprintf("flag set %s: shorthand %q of --%s is not one letter", fs.name, shorthand, name))
		}
		if f := fs.lookupShorthand(shorthand); f != nil {
			panic(fmt.Sprintf("flag set %s: shorthand -%s of --%s is used by --%s", fs.name, shorthand, name, f.Name))
		}
	}
	fs.flags = append(fs.flags, &Flag{Name: name, Shorthand: shorthand, Usage: usage, Value: v, DefValue: v.String()})
}

// String declares a string flag and returns where its value is kept.
func (fs *FlagSet) String(name, value, usage string) *string {
	p := new(string)
	fs.StringVar(p, name, value, usage)
	return p
}

// StringVar declares a string flag kept in *p.
func (fs *FlagSet) StringVar(p *string, name, value, usage string) {
	*p = value
	fs.Var((*stringValue)(p), name, usage)
}

// Bool declares a boolean flag and returns where its value is kept.
func (fs *FlagSet) Bool(name string, value bool, usage string) *bool {
	return fs.BoolP(name, "", value, usage)
}

// BoolP is Bool with a shorthand letter.
func (fs *FlagSet) BoolP(name, shorthand string, value bool, usage string) *bool {
	p := new(bool)
	*p = value
	fs.VarP((*boolValue)(p), name, shorthand, usage)
	return p
}

// BoolVar declares a boolean flag kept in *p.
func (fs *FlagSet) BoolVar(p *bool, name string, value bool, usage string) {
	*p = value
	fs.Var((*boolValue)(p), name, usage)
}

// Int declares an int flag and returns where its value is kept.
func (fs *FlagSet) Int(name string, value int, usage string) *int {
	p := new(int)
	fs.IntVar(p, name, value, usage)
	return p
}

// IntVar declares an int flag kept in *p. Its values are read as Go
// integer literals (0x10, 0o17, 1_000 too).
func (fs *FlagSet) IntVar(p *int, name string, value int, usage string) {
	*p = value
	fs.Var((*intValue)(p), name, usage)
}

// Float64 declares a float64 flag and returns where its value is kept.
func (fs *FlagSet) Float64(name string, value float64, usage string) *float64 {
	p := new(float64)
	*p = value
	fs.Var((*float64Value)(p), name, usage)
	return p
}

// StringArray declares a repeatable string flag and returns where its
// values are kept: each occurrence adds one value, taken whole (commas
// are not split), and the first replaces the default.
func (fs *FlagSet) StringArray(name string, value []string, usage string) *[]string {
	p := new([]string)
	*p = value
	fs.Var(&stringArrayValue{p: p}, name, usage)
	return p
}

// Lookup returns the flag called name, or nil.
func (fs *FlagSet) Lookup(name string) *Flag {
	for _, f := range fs.flags {
		if f.Name == name {
			return f
		}
	}
	return nil
}

func (fs *FlagSet) lookupShorthand(s string) *Flag {
	for _, f := range fs.flags {
		if f.Shorthand == s {
			return f
		}
	}
	return nil
}

// Changed reports whether the flag called name was set on the command
// line (false for a flag that is not declared).
func (fs *FlagSet) Changed(name string) bool {
	f := fs.Lookup(name)
	return f != nil && f.Changed
}

// VisitAll calls fn for every flag, in the order they were declared.
func (fs *FlagSet) VisitAll(fn func(*Flag)) {
	for _, f := range fs.flags {
		fn(f)
	}
}

// Args returns the positional arguments left after Parse.
func (fs *FlagSet) Args() []string { return fs.args }

// Parse sets the flags from args (the command line without the program
// or command name) and keeps the other arguments for Args. A boolean flag
// takes no separate value (--plain, --plain=false); every other flag
// takes the next argument unless its value follows "=". Shorthands may be
// grouped (-hv). "--" ends the flags; so does the first positional
// argument unless flags are interspersed. The first mistake ends parsing
// with an error naming it; flags set before it stay set.
func (fs *FlagSet) Parse(args []string) error {
	fs.args = make([]string, 0, len(args))
	for len(args) > 0 {
		a := args[0]
		args = args[1:]
		var err error
		switch {
		case len(a) < 2 || a[0] != '-': // "-" alone is positional too
			fs.args = append(fs.args, a)
			if !fs.interspersed {
				fs.args = append(fs.args, args...)
				return nil
			}
		case a == "--":
			fs.args = append(fs.args, args...)
			return nil
		case a[1] == '-':
			args, err = fs.parseLong(a, args)
		default:
			args, err = fs.parseShorthands(a, args)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// parseLong parses the long flag a ("--name" or "--name=value"), taking
// its value from rest when it needs one, and returns what is left of rest.
func (fs *FlagSet) parseLong(a string, rest []string) ([]string, error) {
	name := a[2:]
	if name[0] == '-' || name[0] == '=' {
		return rest, fmt.Errorf("bad flag syntax: %s", a)
	}
	name, value, hasValue := strings.Cut(name, "=")
	f := fs.Lookup(name)
	switch {
	case f == nil:
		return rest, fmt.Errorf("unknown flag: --%s", name)
	case hasValue:
	case f.isBool():
		value = "true"
	case len(rest) > 0:
		value, rest = rest[0], rest[1:]
	default:
		return rest, fmt.Errorf("flag needs an argument: --%s", name)
	}
	return rest, f.set(value)
}

// parseShorthands parses a group of shorthands a ("-h", "-hv", "-h=false",
// or "-xVALUE" and "-x VALUE" for a flag that takes a value) and returns
// what is left of rest.
func (fs *FlagSet) parseShorthands(a string, rest []string) ([]string, error) {
	for s := a[1:]; s != ""; {
		r, size := utf8.DecodeRuneInString(s)
		f := fs.lookupShorthand(s[:size])
		if f == nil {
			return rest, fmt.Errorf("unknown shorthand flag: %q in -%s", r, s)
		}
		var value string
		switch after := s[size:]; {
		case len(after) > 1 && after[0] == '=':
			value, s = after[1:], ""
		case f.isBool():
			value, s = "true", after
		case after != "":
			value, s = after, ""
		case len(rest) > 0:
			value, s, rest = rest[0], "", rest[1:]
		default:
			return rest, fmt.Errorf("flag needs an argument: %q in -%s", r, s)
		}
		if err := f.set(value); err != nil {
			return rest, err
		}
	}
	return rest, nil
}

// set sets f from one occurrence on the command line.
func (f *Flag) set(value string) error {
	if err := f.Value.Set(value); err != nil {
		name := "--" + f.Name
		if f.Shorthand != "" {
			name = "-" + f.Shorthand + ", " + name
		}
		return fmt.Errorf("invalid argument %q for %q flag: %v", value, name, err)
	}
	f.Changed = true
	return nil
}

// isBool reports whether f takes no separate value on the command line.
func (f *Flag) isBool() bool {
	_, ok := f.Value.(*boolValue)
	return ok
}

type stringValue string

func (v *stringValue) Set(s string) error { *v = stringValue(s); return nil }
func (v *stringValue) String() string     { return string(*v) }
func (v *stringValue) Type() string       { return "string" }

type boolValue bool

func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	*v = boolValue(b)
	return nil
}
func (v *boolValue) String() string { return strconv.FormatBool(bool(*v)) }
func (v *boolValue) Type() string   { return "bool" }

type intValue int

func (v *intValue) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, strconv.IntSize)
	if err != nil {
		return err
	}
	*v = intValue(n)
	return nil
}
func (v *intValue) String() string { return strconv.Itoa(int(*v)) }
func (v *intValue) Type() string   { return "int" }

type float64Value float64

func (v *float64Value) Set(s string) error {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	*v = float64Value(x)
	return nil
}
func (v *float64Value) String() string { return strconv.FormatFloat(float64(*v), 'g', -1, 64) }
func (v *float64Value) Type() string   { return "float64" }

type stringArrayValue struct {
	p   *[]string
	set bool // set on the command line: the default is gone
}

func (v *stringArrayValue) Set(s string) error {
	if !v.set {
		*v.p, v.set = nil, true
	}
	*v.p = append(*v.p, s)
	return nil
}
func (v *stringArrayValue) String() string { return "[" + strings.Join(*v.p, ",") + "]" }
func (v *stringArrayValue) Type() string   { return "stringArray" }
