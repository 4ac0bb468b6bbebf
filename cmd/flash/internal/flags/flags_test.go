package flags

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// testSet declares one flag of each kind, the way flash's commands do.
type testSet struct {
	fs    *FlagSet
	deck  *string
	plain *bool
	help  *bool
	n     *int
	r     *float64
	qs    *[]string
	kv    *pairs
}

func newTestSet() testSet {
	fs := NewFlagSet("test")
	ts := testSet{fs: fs, kv: &pairs{}}
	ts.deck = fs.String("deck", "", "the deck `ID`")
	ts.plain = fs.Bool("plain", false, "line mode")
	ts.n = fs.Int("minutes", 30, "study `N` minutes")
	ts.r = fs.Float64("target", 0.9, "recall `R`")
	ts.qs = fs.StringArray("question", []string{"default"}, "question `ID` (repeat for several)")
	fs.Var(ts.kv, "set", "set `name=value`")
	ts.help = fs.BoolP("help", "h", false, "print this help")
	return ts
}

// pairs is a custom Value: repeated name=value flags.
type pairs struct{ list []string }

func (p *pairs) String() string { return strings.Join(p.list, ",") }
func (p *pairs) Type() string   { return "name=value" }
func (p *pairs) Set(s string) error {
	if !strings.Contains(s, "=") {
		return fmt.Errorf("want name=value, got %q", s)
	}
	p.list = append(p.list, s)
	return nil
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, ts testSet)
		rest  []string
	}{
		{"nothing", nil, func(t *testing.T, ts testSet) {
			if *ts.deck != "" || *ts.plain || *ts.n != 30 || *ts.r != 0.9 || !reflect.DeepEqual(*ts.qs, []string{"default"}) {
				t.Errorf("defaults changed: %q %v %d %v %q", *ts.deck, *ts.plain, *ts.n, *ts.r, *ts.qs)
			}
			if ts.fs.Changed("deck") || ts.fs.Changed("plain") || ts.fs.Changed("nope") {
				t.Error("Changed without flags")
			}
		}, []string{}},
		{"value after =", []string{"--deck=a=b", "--minutes=0x10", "--target=.75"}, func(t *testing.T, ts testSet) {
			if *ts.deck != "a=b" || *ts.n != 16 || *ts.r != 0.75 {
				t.Errorf("got %q %d %v", *ts.deck, *ts.n, *ts.r)
			}
		}, []string{}},
		{"value as next argument", []string{"--deck", "--plain", "--minutes", "1_000"}, func(t *testing.T, ts testSet) {
			if *ts.deck != "--plain" || *ts.plain || *ts.n != 1000 {
				t.Errorf("got %q %v %d", *ts.deck, *ts.plain, *ts.n)
			}
		}, []string{}},
		{"empty value", []string{"--deck=", "x"}, func(t *testing.T, ts testSet) {
			if *ts.deck != "" || !ts.fs.Changed("deck") {
				t.Errorf("got %q, changed %v", *ts.deck, ts.fs.Changed("deck"))
			}
		}, []string{"x"}},
		{"bool takes no separate value", []string{"--plain", "false"}, func(t *testing.T, ts testSet) {
			if !*ts.plain || !ts.fs.Changed("plain") {
				t.Error("--plain did not set plain")
			}
		}, []string{"false"}},
		{"bool with =", []string{"--plain=true", "--plain=0"}, func(t *testing.T, ts testSet) {
			if *ts.plain || !ts.fs.Changed("plain") {
				t.Errorf("plain %v changed %v, want false and true", *ts.plain, ts.fs.Changed("plain"))
			}
		}, []string{}},
		{"repeated array replaces the default", []string{"--question", "a", "--question=b,c", "--question", ""}, func(t *testing.T, ts testSet) {
			if want := []string{"a", "b,c", ""}; !reflect.DeepEqual(*ts.qs, want) {
				t.Errorf("got %q, want %q", *ts.qs, want)
			}
		}, []string{}},
		{"custom value", []string{"--set", "a=1", "--set=b=[2]"}, func(t *testing.T, ts testSet) {
			if want := []string{"a=1", "b=[2]"}; !reflect.DeepEqual(ts.kv.list, want) {
				t.Errorf("got %q", ts.kv.list)
			}
		}, []string{}},
		{"interspersed", []string{"x", "--plain", "-", "y", "--deck", "d", "z"}, func(t *testing.T, ts testSet) {
			if !*ts.plain || *ts.deck != "d" {
				t.Error("flags after positional arguments not set")
			}
		}, []string{"x", "-", "y", "z"}},
		{"-- ends the flags", []string{"a", "--", "--plain", "-h", "--"}, func(t *testing.T, ts testSet) {
			if *ts.plain || *ts.help {
				t.Error("a flag after -- was set")
			}
		}, []string{"a", "--plain", "-h", "--"}},
		{"shorthand", []string{"-h"}, func(t *testing.T, ts testSet) {
			if !*ts.help || !ts.fs.Changed("help") {
				t.Error("-h did not set help")
			}
		}, []string{}},
		{"shorthand group", []string{"-hh"}, func(t *testing.T, ts testSet) {
			if !*ts.help {
				t.Error("-hh did not set help")
			}
		}, []string{}},
		{"shorthand with =", []string{"-h", "-h=false"}, func(t *testing.T, ts testSet) {
			if *ts.help {
				t.Error("-h=false left help set")
			}
		}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestSet()
			if err := ts.fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			tt.check(t, ts)
			if !reflect.DeepEqual(ts.fs.Args(), tt.rest) {
				t.Errorf("Args() = %q, want %q", ts.fs.Args(), tt.rest)
			}
		})
	}
}

// TestParse_NotInterspersed: the first positional argument ends the flags,
// as flash's global flags do before the command name.
func TestParse_NotInterspersed(t *testing.T) {
	ts := newTestSet()
	ts.fs.SetInterspersed(false)
	if err := ts.fs.Parse([]string{"--plain", "review", "--deck", "d", "--", "x"}); err != nil {
		t.Fatal(err)
	}
	if !*ts.plain || *ts.deck != "" {
		t.Errorf("plain %v, deck %q; want true and unset", *ts.plain, *ts.deck)
	}
	if want := []string{"review", "--deck", "d", "--", "x"}; !reflect.DeepEqual(ts.fs.Args(), want) {
		t.Errorf("Args() = %q, want %q", ts.fs.Args(), want)
	}
}

func TestParse_Errors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--frob"}, "unknown flag: --frob"},
		{[]string{"--frob=1"}, "unknown flag: --frob"},
		{[]string{"--Deck", "x"}, "unknown flag: --Deck"},
		{[]string{"--dec", "x"}, "unknown flag: --dec"}, // no abbreviations
		{[]string{"---deck"}, "bad flag syntax: ---deck"},
		{[]string{"--=x"}, "bad flag syntax: --=x"},
		{[]string{"-x"}, "unknown shorthand flag: 'x' in -x"},
		{[]string{"-hx"}, "unknown shorthand flag: 'x' in -x"},
		{[]string{"-h="}, "unknown shorthand flag: '=' in -="},
		{[]string{"-é"}, "unknown shorthand flag: 'é' in -é"},
		{[]string{"--deck"}, "flag needs an argument: --deck"},
		{[]string{"--question", "a", "--question"}, "flag needs an argument: --question"},
		{[]string{"--plain=maybe"}, `invalid argument "maybe" for "--plain" flag: strconv.ParseBool: parsing "maybe": invalid syntax`},
		{[]string{"-h=no"}, `invalid argument "no" for "-h, --help" flag: strconv.ParseBool: parsing "no": invalid syntax`},
		{[]string{"--minutes", "1.5"}, `invalid argument "1.5" for "--minutes" flag: strconv.ParseInt: parsing "1.5": invalid syntax`},
		{[]string{"--target=x"}, `invalid argument "x" for "--target" flag: strconv.ParseFloat: parsing "x": invalid syntax`},
		{[]string{"--set", "a"}, `invalid argument "a" for "--set" flag: want name=value, got "a"`},
		{[]string{"x", "-x", "--frob"}, "unknown shorthand flag: 'x' in -x"}, // the first mistake
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			err := newTestSet().fs.Parse(tt.args)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Parse(%q) = %v, want %q", tt.args, err, tt.want)
			}
		})
	}
}

// TestParse_FailedValueKeepsOld: a value that does not parse changes
// neither the flag nor Changed.
func TestParse_FailedValueKeepsOld(t *testing.T) {
	ts := newTestSet()
	if err := ts.fs.Parse([]string{"--minutes", "x"}); err == nil {
		t.Fatal("no error")
	}
	if *ts.n != 30 || ts.fs.Changed("minutes") {
		t.Errorf("minutes %d, changed %v", *ts.n, ts.fs.Changed("minutes"))
	}
}

func TestDeclareTwicePanics(t *testing.T) {
	for _, declare := range []func(fs *FlagSet){
		func(fs *FlagSet) { fs.String("deck", "", "") },
		func(fs *FlagSet) { fs.BoolP("hidden", "h", false, "") },
		func(fs *FlagSet) { fs.BoolP("two", "ab", false, "") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			declare(newTestSet().fs)
		}()
	}
}

func TestUnquoteUsage(t *testing.T) {
	fs := NewFlagSet("test")
	fs.String("a", "", "the deck `ID` to `use`")
	fs.String("b", "", "a `lone backquote")
	fs.Float64("c", 0, "a number")
	fs.Bool("d", false, "a `switch`")
	fs.Bool("e", false, "a switch")
	fs.StringArray("f", nil, "strings")
	tests := []struct{ flag, name, usage string }{
		{"a", "ID", "the deck ID to `use`"},
		{"b", "string", "a `lone backquote"},
		{"c", "float", "a number"},
		{"d", "switch", "a switch"},
		{"e", "", "a switch"},
		{"f", "stringArray", "strings"},
	}
	for _, tt := range tests {
		name, usage := UnquoteUsage(fs.Lookup(tt.flag))
		if name != tt.name || usage != tt.usage {
			t.Errorf("--%s: %q, %q; want %q, %q", tt.flag, name, usage, tt.name, tt.usage)
		}
	}
}

func TestFlagUsages(t *testing.T) {
	fs := NewFlagSet("test")
	fs.String("deck", "", "study only the deck `ID`")
	fs.String("mode", "fast", "the `MODE`")
	fs.Float64("target", 0.9, "recall `R` every card should have on the exam day, 0.70–0.99")
	fs.Int("minutes", 0, "study `N` minutes a day")
	fs.StringArray("question", nil, "study only the cards of exam question `ID` (repeat for several)")
	fs.Bool("plain", false, "line mode for scripts, tests and screen readers")
	fs.BoolP("help", "h", false, "print this help")
	want := `      --deck ID       study only the deck ID
      --mode MODE     the MODE (default "fast")
      --target R      recall R every card should have on the exam day,
                      0.70–0.99 (default 0.9)
      --minutes N     study N minutes a day
      --question ID   study only the cards of exam question ID (repeat for
                      several)
      --plain         line mode for scripts, tests and screen readers
  -h, --help          print this help
`
	if got := fs.FlagUsages(80); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWrap(t *testing.T) {
	long := "one two three four five six seven eight nine ten eleven twelve"
	tests := []struct {
		text          string
		indent, width int
		want          string
	}{
		{"short", 10, 80, "short"},
		// A line ends at the last space before width-5 ...
		{long, 10, 50, "one two three four five six seven\n          eight nine ten eleven twelve"},
		// ... unless the rest fits in the line.
		{long[:len(long)-7], 10, 70, "one two three four five six seven eight nine ten eleven"},
		{"averyveryverylongwordwithoutanyspaceinit and more", 10, 40, "averyveryverylongwordwithoutanyspaceinit and more"},
		// A column under 24 wide starts on its own line at 16.
		{long, 50, 70, "\n                one two three four five six seven eight nine ten\n                eleven twelve"},
		// Too narrow even then: not wrapped at all.
		{long, 30, 39, long},
	}
	for _, tt := range tests {
		if got := wrap(tt.text, tt.indent, tt.width); got != tt.want {
			t.Errorf("wrap(%q, %d, %d) =\n%q\nwant\n%q", tt.text, tt.indent, tt.width, got, tt.want)
		}
	}
}

// FuzzParse: any command line parses without a panic, into positional
// arguments taken in order from the line, or into one of the parser's
// errors.
func FuzzParse(f *testing.F) {
	for _, line := range []string{"", "--deck d x", "-h --plain=false", "a -- --b", "-hx", "--set=a=1 --question q", "---x --=y", "-é", "-h= -"} {
		f.Add(line, true)
	}
	f.Fuzz(func(t *testing.T, line string, interspersed bool) {
		args := strings.Split(line, " ")
		ts := newTestSet()
		ts.fs.SetInterspersed(interspersed)
		if err := ts.fs.Parse(args); err != nil {
			for _, prefix := range []string{"unknown flag: --", "unknown shorthand flag: ", "bad flag syntax: ", "flag needs an argument: ", "invalid argument "} {
				if strings.HasPrefix(err.Error(), prefix) {
					return
				}
			}
			t.Fatalf("Parse(%q): unexpected error %q", args, err)
		}
		rest := args
		for _, a := range ts.fs.Args() {
			for len(rest) > 0 && rest[0] != a {
				rest = rest[1:]
			}
			if len(rest) == 0 {
				t.Fatalf("Parse(%q): Args() = %q is not taken in order from the line", args, ts.fs.Args())
			}
			rest = rest[1:]
		}
	})
}
