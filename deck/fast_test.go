package deck

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
)

// slowDecode is what Parse did before decodeFast, and still does when
// decodeFast declines: go-toml's strict decoder.
func slowDecode(data []byte) (file, error) {
	var f file
	err := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().Decode(&f)
	return f, err
}

// sameAsGoTOML fails t when decodeFast takes data but decodes it otherwise
// than go-toml, or takes a file go-toml refuses. It reports whether
// decodeFast took data.
func sameAsGoTOML(t *testing.T, data []byte) bool {
	t.Helper()
	var fast file
	if !decodeFast(data, false, &fast) {
		return false
	}
	if !utf8.Valid(data) {
		t.Fatalf("decodeFast took text that is not UTF-8:\n%q", data)
	}
	slow, err := slowDecode(data)
	if err != nil {
		t.Fatalf("decodeFast took a file go-toml refuses (%v):\n%s", err, data)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("decodeFast and go-toml differ:\nfast %#v\nslow %#v\nfile:\n%s", fast, slow, data)
	}
	return true
}

func TestDecodeFast_SameAsGoTOML(t *testing.T) {
	takes := map[string]string{
		"valid":   validDeck,
		"builtin": string(BuiltinSource()),
		"empty tags and arrays": "format = 1\n[[card]]\nid = \"a\"\ntags = []\n[card.sim]\nkind = \"k\"\n" +
			"check = []\nparams = { a = [], b = {}, c = [[1, 2], [3.5e-1]], d = true, e = false, f = \"x\\ty\", g = -7, h = +0.25 }\n",
		"strings of every kind": "id = 'lit\\eral'\ntitle = \"\"\"\nmulti \\\n  line\"\"\"\nlanguage = '''\nraw\n'''\n" +
			"[[question]]\nid = \"q\\u00e9\"\npaper = \"\"\ntext = \"\\\"\"\n",
		"options":             "[options]\ndesired_retention = 0.85\nnew_per_day = 0\nreviews_per_day = -3\nnew_order = \"interleaved\"\n",
		"float with exponent": "[options]\ndesired_retention = 9E-1\n",
		"quoted keys":         "\"format\" = 1\n['options']\n\"new_per_day\" = 5\n",
		"tables in any order": "[[card]]\nid = \"a\"\n[[question]]\nid = \"q\"\n[[card]]\nid = \"b\"\n[card.sim]\nkind = \"s\"\n[options]\nnew_per_day = 1\n",
		"only comments":       "# nothing\n\n",
		"no document":         "",
	}
	for name, doc := range takes {
		t.Run(name, func(t *testing.T) {
			if !sameAsGoTOML(t, []byte(doc)) {
				t.Errorf("decodeFast declined a plain file:\n%s", doc)
			}
		})
	}
	// Files decodeFast leaves to go-toml: errors to report, and valid
	// forms it does not decode itself.
	declines := map[string]string{
		"syntax error":          "format = \n",
		"unknown key":           "format = 1\ncolour = \"red\"\n",
		"key in upper case":     "ID = \"x\"\n",
		"unknown table":         "[extra]\n",
		"repeated key":          "id = \"a\"\nid = \"b\"\n",
		"repeated card key":     "[[card]]\nfront = \"a\"\nfront = \"b\"\n",
		"repeated options":      "[options]\n[options]\n",
		"repeated sim":          "[[card]]\n[card.sim]\n[card.sim]\n",
		"sim before any card":   "[card.sim]\n",
		"sim after another":     "[[card]]\n[options]\n[card.sim]\n",
		"inline sim":            "[[card]]\nsim = { kind = \"x\" }\n",
		"sim params table":      "[[card]]\n[card.sim.params]\nn = 1\n",
		"dotted key":            "[[card]]\nsim.kind = \"x\"\n",
		"wrong type":            "format = \"1\"\n",
		"float for an int":      "[options]\nnew_per_day = 1.0\n",
		"int for a float":       "[options]\ndesired_retention = 1\n",
		"hex integer":           "format = 0x1\n",
		"underscore integer":    "format = 1_0\n",
		"integer too large":     "format = 99999999999999999999\n",
		"inf":                   "[options]\ndesired_retention = inf\n",
		"a tag not a string":    "[[card]]\ntags = [\"a\", 1]\n",
		"params not a table":    "[[card]]\n[card.sim]\nparams = 3\n",
		"date in params":        "[[card]]\n[card.sim]\nparams = { d = 2024-01-02 }\n",
		"repeated params key":   "[[card]]\n[card.sim]\nparams = { a = 1, a = 2 }\n",
		"card as a plain table": "[card]\nid = \"x\"\n",
	}
	for name, doc := range declines {
		t.Run(name, func(t *testing.T) {
			if sameAsGoTOML(t, []byte(doc)) {
				t.Errorf("decodeFast took a file it should leave to go-toml:\n%s", doc)
			}
		})
	}
}

// TestDecodeFast_DeclinesInvalidUTF8 holds decodeFast to declining text
// that is not UTF-8 wherever it is (Parse then reports it): each of several
// invalid sequences is put at, and over, every byte of a file with every
// kind of string, comments, arrays and an inline table. decodeFast does not
// check the text itself but relies on go-toml's parser to.
func TestDecodeFast_DeclinesInvalidUTF8(t *testing.T) {
	doc := `# a comment é
format = 1
id = 'lit' # trailing ∂
title = """
multi é\
  line"""
language = '''
raw Θ
'''
[options]
desired_retention = 0.9
[[question]]
id = "q\u00e9"
text = "λ \" x"
[[card]]
id = "c"
question = "q"
front = "∇ f"
back = "b"
tags = ["t", 'ü']
[card.sim]
kind = "k"
check = ["σ"]
params = { a = [1, 2.5], s = { t = 'ξ' } }
`
	var f file
	if !decodeFast([]byte(doc), false, &f) {
		t.Fatalf("decodeFast declined the valid file:\n%s", doc)
	}
	bad := []string{"\xff", "\x80", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80", "\xf0\x9f\x98"}
	n := 0
	for i := 0; i <= len(doc); i++ {
		for _, b := range bad {
			for _, data := range []string{doc[:i] + b + doc[i:], doc[:i] + b + doc[min(i+1, len(doc)):]} {
				if utf8.ValidString(data) {
					continue // b completed a sequence cut at i
				}
				n++
				var f file
				if decodeFast([]byte(data), false, &f) {
					t.Fatalf("decodeFast took text that is not UTF-8 (%q at %d):\n%q", b, i, data)
				}
			}
		}
	}
	if n < 10*len(doc) {
		t.Fatalf("only %d invalid files tried", n)
	}
	if _, err := Parse("x.toml", []byte(doc[:20]+"\xff"+doc[20:])); err == nil || !strings.Contains(err.Error(), "text is not valid UTF-8") {
		t.Errorf("Parse: %v, want text is not valid UTF-8", err)
	}
}

// The fuzz corpus of Parse, and every input FuzzParse finds, decode the same
// both ways whenever decodeFast takes them.
func FuzzDecodeFast(f *testing.F) {
	f.Add([]byte(validDeck))
	f.Add(BuiltinSource())
	f.Add([]byte("[[card]]\ntags = []\n[card.sim]\ncheck = [\"a\", 1.5e3, -0, true]\nparams = { K = [[1, 2], [3]], s = { t = 'x' } }\n"))
	seeds, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzParse", "*"))
	for _, path := range seeds {
		raw, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		// Corpus files hold go test fuzz v1 entries: []byte("...").
		for _, line := range strings.Split(string(raw), "\n") {
			if v, ok := strings.CutPrefix(line, "[]byte("); ok {
				if s, err := strconv.Unquote(strings.TrimSuffix(v, ")")); err == nil {
					f.Add([]byte(s))
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsGoTOML(t, data)
	})
}

// indexControl finds what strings.IndexFunc(s, isControl) finds.
func TestIndexControl(t *testing.T) {
	for _, s := range []string{
		"", "plain", "tab\tnew\nline\r", "bell\a", "esc\x1b[2J", "del\x7f", "c1 \u0085 next line", "\u009f",
		"кириллица λ ∂L/∂θ", "not c1 \u00a0 \u00c2", "\xc2", "\xc2\x20", "bad \xff utf-8 \x01", "é\u0080",
		"a long plain line of text, no control in it at all", "a long line\twith tabs\nand new lines\r\n and then\x1b[2J",
		"0123456\xc2\x85", "01234567\x7f", "012345678901234\x00", "0123456λ\u0080", "Σᵢ λᵢ ∂L/∂θ kernel\u009f",
	} {
		if got, want := indexControl(s), strings.IndexFunc(s, isControl); got != want {
			t.Errorf("indexControl(%q) = %d, want %d", s, got, want)
		}
	}
}

// validID accepts what the pattern ids were checked with accepts.
func TestValidID(t *testing.T) {
	pattern := regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	for _, id := range []string{"", "a", "0", "-", "-a", "a-", "a-b-9", "A", "a_b", "a b", "é", "q1-card-10", "a\x00"} {
		if got, want := validID(id), pattern.MatchString(id); got != want {
			t.Errorf("validID(%q) = %v, want %v", id, got, want)
		}
	}
}

func FuzzIndexControl(f *testing.F) {
	f.Add("c1 \u0085 \x01")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := indexControl(s), strings.IndexFunc(s, isControl); got != want {
			t.Errorf("indexControl(%q) = %d, want %d", s, got, want)
		}
	})
}

// bigDeck returns a deck file of n cards with every kind of string, a
// derive card every 50 cards, and extra text put before card i for each i
// in extra.
func bigDeck(n int, extra map[int]string) string {
	var b strings.Builder
	b.WriteString("format = 1\nid = \"big\"\ntitle = \"Big\"\n\n[[question]]\nid = \"q\"\npaper = \"P\"\ntext = \"Q?\"\n")
	for i := range n {
		b.WriteString(extra[i])
		fmt.Fprintf(&b, "\n[[card]]\nid = \"c%d\"\nquestion = \"q\"\nfront = \"Front %d: λᵢ \\\"quoted\\\" and a tab\\t.\"\n", i, i)
		fmt.Fprintf(&b, "back = '''\nBack %d, over\nlines.'''\ntags = [\"t%d\", 'x']\n", i, i%7)
		if i%50 == 0 {
			fmt.Fprintf(&b, "kind = \"derive\"\n[card.sim]\nkind = \"ntk-decay\"\ncheck = [\"tau_fast\", \"tau_slow — n\"]\nparams = { n = 2, eta = 0.2, K = [[4.0, 0.0], [0.0, 1.%d]], y = [1.0, 1.0] }\n", i)
		}
	}
	return b.String()
}

// A large file decoded in parts on several cores decodes as go-toml
// decodes it, wherever the cuts fall.
func TestDecodeFast_Parts(t *testing.T) {
	const n = 8000 // over 1 MiB: four parts of at least 256 KiB
	cases := []struct {
		name  string
		doc   string
		takes bool
	}{
		{"plain", bigDeck(n, nil), true},
		{"options in the last part", bigDeck(n, map[int]string{n - 2: "\n[options]\nnew_per_day = 3\n"}), true},
		{"options in two parts", bigDeck(n, map[int]string{1: "\n[options]\n", n - 2: "\n[options]\nnew_per_day = 3\n"}), false},
		{"question in a later part", bigDeck(n, map[int]string{n / 2: "\n[[question]]\nid = \"q2\"\n"}), true},
		// A card at a quarter of the file whose back, to past the middle
		// of it, is lines that look like [[card]] headers: a cut falls
		// inside the string for any number of parts, the parts fail to
		// decode, and the file is decoded whole.
		{"header-like lines in strings", bigDeck(n, map[int]string{n / 4: "\n[[card]]\nid = \"s\"\nback = \"\"\"\n" + strings.Repeat("[[card]] is not a header here\n", 40000) + "\"\"\"\n"}), true},
		{"error in a later part", bigDeck(n, map[int]string{3 * n / 4: "\n[[card]]\nfront = 1\n"}), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.doc)
			if ends := splitCards(data, 4); len(ends) != 4 {
				t.Fatalf("the file of %d bytes is cut in %d parts, not 4", len(data), len(ends))
			}
			slow, slowErr := slowDecode(data)
			for parts := 1; parts <= 4; parts++ {
				var fast file
				took := decodeFastParts(data, false, &fast, parts)
				switch {
				case took && slowErr != nil:
					t.Fatalf("%d parts: took a file go-toml refuses: %v", parts, slowErr)
				case took && !reflect.DeepEqual(fast, slow):
					t.Fatalf("%d parts: decoded otherwise than go-toml", parts)
				case !took && c.takes:
					t.Fatalf("%d parts: declined a plain file", parts)
				}
				if c.name == "header-like lines in strings" && parts > 1 {
					var f file
					if decodeParts(data, false, splitCards(data, parts), &f) {
						t.Fatalf("%d parts: the parts decoded, though a cut fell inside a string", parts)
					}
				}
			}
		})
	}
}

// Problems in the middle of a 10k-card file (decoded in parts, or by
// go-toml for an unknown key) name the file, the line and the card.
func TestParse_ProblemLinesInLargeFile(t *testing.T) {
	const n = 10000
	for _, c := range []struct {
		name, card, marker, want string
	}{
		{"empty front", "\n[[card]]\nid = \"bad\"\nquestion = \"q\"\nfront = \" \"\nback = \"b\"\n", "front = \" \"", `card "bad": missing or empty front`},
		{"unknown question", "\n[[card]]\nid = \"bad\"\nquestion = \"nope\"\nfront = \"f\"\nback = \"b\"\n", "question = \"nope\"", `card "bad": unknown question "nope"`},
		{"unknown key", "\n[[card]]\nid = \"bad\"\nquestion = \"q\"\nfront = \"f\"\nback = \"b\"\ncolour = \"red\"\n", "colour", `unknown key "card.colour"`},
		{"not UTF-8", "\n[[card]]\nid = \"bad\"\nquestion = \"q\"\nfront = \"f \xff\"\nback = \"b\"\n", "front = \"f \xff", "text is not valid UTF-8"},
		{"control character", "\n[[card]]\nid = \"bad\"\nquestion = \"q\"\nfront = \"f\"\nback = \"esc \\u001b\"\n", "back = \"esc", `card "bad": back holds the control character U+001B`},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := bigDeck(n, map[int]string{n / 2: c.card})
			line := strings.Count(doc[:strings.Index(doc, c.marker)], "\n") + 1
			if line < 10000 {
				t.Fatalf("the problem is on line %d, not in the middle of the file", line)
			}
			_, err := Parse("big.toml", []byte(doc))
			ps := Problems(err)
			if len(ps) != 1 {
				t.Fatalf("%d problems, want 1: %v", len(ps), err)
			}
			if p := ps[0]; p.File != "big.toml" || p.Line != line || !strings.Contains(p.Msg, c.want) {
				t.Errorf("got %v\nwant big.toml:%d: ...%s", p, line, c.want)
			}
		})
	}
}

// Cards checked first on every core (cleanCards) and those checked in
// file order give the problems, in the order and with the lines, that
// checking every card in file order gives. A 3000-card deck with a
// problem of some kind in one card of eight.
func TestParse_CleanCardsSameProblems(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	problems := []func(i int) string{
		func(i int) string {
			return fmt.Sprintf("id = \"c%d\"\nquestion = \"q\"\nfront = \"  \"\nback = \"b\"\n", i)
		},
		func(i int) string {
			return fmt.Sprintf("id = \"c%d\"\nquestion = \"q\"\nfront = \"f\"\nback = \"\"\n", i)
		},
		func(i int) string {
			return fmt.Sprintf("id = \"c%d\"\nquestion = \"q\"\nfront = \"f\\u0007\"\nback = \"b\"\n", i)
		},
		func(i int) string {
			return fmt.Sprintf("id = \"c%d\"\nquestion = \"q\"\nfront = \"f\"\nback = \"b\\u0085\"\n", i)
		},
		func(i int) string {
			return fmt.Sprintf("id = \"c%d\"\nquestion = \"nope\"\nfront = \"f\"\nback = \"b\"\n", i)
		},
		func(i int) string { return fmt.Sprintf("id = \"c%d\"\nfront = \"f\"\nback = \"b\"\n", i) },
		func(i int) string { return "id = \"Bad Id\"\nquestion = \"q\"\nfront = \"f\"\nback = \"b\"\n" },
		func(i int) string {
			return fmt.Sprintf("id = \"c%d\"\nquestion = \"q\"\nfront = \"f\"\nback = \"b\"\n", i/2)
		},
		func(i int) string { return "question = \"q\"\nfront = \"f\"\nback = \"b\"\n" },
		func(i int) string {
			return fmt.Sprintf("id = \"c%d\"\nquestion = \"q\"\nfront = \"f\"\nback = \"b\"\ntags = [\"a b\", \"\"]\n", i)
		},
		func(i int) string {
			return fmt.Sprintf("id = \"c%d\"\nquestion = \"q\"\nkind = \"cloze\"\nfront = \"f\"\nback = \"b\"\n", i)
		},
		func(i int) string {
			return fmt.Sprintf("id = \"c%d\"\nquestion = \"q\"\nkind = \"derive\"\nfront = \"f\"\nback = \"b\"\n", i)
		},
		func(i int) string {
			return fmt.Sprintf("id = \"c%d\"\nquestion = \"q\"\nfront = \"f\"\nback = \"b\"\n[card.sim]\nkind = \"ntk-decay\"\n", i)
		},
	}
	var b strings.Builder
	b.WriteString("format = 1\nid = \"big\"\ntitle = \"Big\"\n\n[[question]]\nid = \"q\"\npaper = \"P\"\ntext = \"Q?\"\n")
	for i := range 3000 {
		b.WriteString("\n[[card]]\n")
		if rng.IntN(8) == 0 {
			b.WriteString(problems[rng.IntN(len(problems))](i))
			continue
		}
		fmt.Fprintf(&b, "id = \"c%d\"\nquestion = \"q\"\nfront = \"Front %d\\tλ\"\nback = '''\nBack\nlines.'''\ntags = [\"t\"]\n", i, i)
	}
	data := []byte(b.String())
	_, err := Parse("big.toml", data)
	p := &parser{name: "big.toml", data: data, checkAll: true}
	p.parse()
	p.resolveLines()
	want := errors.Join(p.errs...)
	if err == nil || want == nil || len(Problems(err)) < 300 {
		t.Fatalf("%d problems (%v), want over 300", len(Problems(err)), err)
	}
	if err.Error() != want.Error() {
		t.Errorf("problems differ from checking every card in order:\n%v\nwant:\n%v", err, want)
	}
}

// ParseShared makes the deck Parse makes; Parse's deck keeps none of
// data's memory (data changed afterwards leaves the deck as it was), and
// ParseShared's does share it for a large file, decoded in parts.
func TestParseShared_SameAsParse(t *testing.T) {
	doc := []byte(bigDeck(8000, nil))
	want, err := Parse("big.toml", bytes.Clone(doc))
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Clone(doc)
	got, err := Parse("big.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	shared := bytes.Clone(doc)
	gotShared, err := ParseShared("big.toml", shared)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotShared, want) {
		t.Fatal("ParseShared made another deck than Parse")
	}
	for i := range data {
		data[i], shared[i] = 'x', 'x'
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("Parse's deck changed with the data it was parsed from")
	}
	if reflect.DeepEqual(gotShared, want) {
		t.Error("ParseShared's deck does not share its data")
	}
}
