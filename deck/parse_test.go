package deck

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const validDeck = `format = 1
id = "demo"
title = "Demo"
language = "en"

[options]
desired_retention = 0.85
new_per_day = 5

[[question]]
id = "q1"
paper = "Paper"
text = "What is it?"

[[card]]
id = "c1"
question = "q1"
front = "Front"
back = "Back"
tags = ["t"]

[[card]]
id = "c2"
question = "q1"
kind = "derive"
front = "Work it out"
back = "The answer"
[card.sim]
kind = "ntk-decay"
params = { n = 8, eta = 0.1 }
check = "tau_slow"
`

func TestParse_Valid(t *testing.T) {
	d, err := Parse("demo.toml", []byte(validDeck))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if d.ID != "demo" || d.Title != "Demo" || d.Format != 1 {
		t.Errorf("header = %q %q %d", d.ID, d.Title, d.Format)
	}
	want := Options{DesiredRetention: 0.85, NewPerDay: 5, ReviewsPerDay: DefaultReviewsPerDay, NewOrder: NewOrderDeck}
	if d.Options != want {
		t.Errorf("options = %+v, want %+v (defaults filled in)", d.Options, want)
	}
	if len(d.Cards) != 2 || d.Cards[0].Kind != KindBasic || d.Cards[1].Kind != KindDerive {
		t.Fatalf("cards = %+v", d.Cards)
	}
	if s := d.Cards[1].Sim; s == nil || s.Kind != "ntk-decay" || s.Params["n"] != int64(8) {
		t.Errorf("sim = %+v", s)
	}
}

// TestParse_Check reads a check written as one string or as an array of
// names, each with or without a note.
func TestParse_Check(t *testing.T) {
	for _, tt := range []struct {
		check string
		want  []string // entries
		names []string
	}{
		{`"tau_slow"`, []string{"tau_slow"}, []string{"tau_slow"}},
		{`"tau_slow — время спада"`, []string{"tau_slow — время спада"}, []string{"tau_slow"}},
		{`["lambda_max", "lambda_min: the smallest", "tau_slow"]`,
			[]string{"lambda_max", "lambda_min: the smallest", "tau_slow"}, []string{"lambda_max", "lambda_min", "tau_slow"}},
		{"[\n  \"tau_fast - fast\",\n  \"tau_slow\",\n]", []string{"tau_fast - fast", "tau_slow"}, []string{"tau_fast", "tau_slow"}},
	} {
		src := strings.Replace(validDeck, `check = "tau_slow"`, "check = "+tt.check, 1)
		d, err := Parse("demo.toml", []byte(src))
		if err != nil {
			t.Errorf("check = %s: %v", tt.check, err)
			continue
		}
		s := d.Cards[1].Sim
		if !slices.Equal(s.Check, tt.want) || !slices.Equal(s.Names(), tt.names) {
			t.Errorf("check = %s: entries %q names %q, want %q %q", tt.check, s.Check, s.Names(), tt.want, tt.names)
		}
	}
}

func TestCheckName(t *testing.T) {
	for _, tt := range []struct{ entry, name, note string }{
		{"tau_slow", "tau_slow", ""},
		{"  tau_slow  ", "tau_slow", ""},
		{"tau_slow — время, за которое", "tau_slow", "время, за которое"},
		{"S_11 – элемент (1,1)", "S_11", "элемент (1,1)"},
		{"p_max: weight", "p_max", "weight"},
		{"y_last_1 - first", "y_last_1", "first"},
	} {
		name, note := CheckName(tt.entry)
		if name != tt.name || note != tt.note {
			t.Errorf("CheckName(%q) = %q, %q; want %q, %q", tt.entry, name, note, tt.name, tt.note)
		}
	}
}

// TestSim_UnmarshalJSON reads both shapes of a stored check: a string (cards
// stored before a check could name several outputs) and an array.
func TestSim_UnmarshalJSON(t *testing.T) {
	for in, want := range map[string][]string{
		`{"kind":"ntk-decay","check":"tau_slow — x"}`:   {"tau_slow — x"},
		`{"kind":"ntk-decay","check":["a","b"]}`:        {"a", "b"},
		`{"kind":"ntk-decay","params":{"n":3}}`:         nil,
		`{"kind":"ntk-decay","check":null,"params":{}}`: nil,
	} {
		var s Sim
		if err := json.Unmarshal([]byte(in), &s); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if s.Kind != "ntk-decay" || !slices.Equal(s.Check, want) {
			t.Errorf("%s: got %+v, want check %q", in, s, want)
		}
	}
	var s Sim
	if err := json.Unmarshal([]byte(`{"check":3}`), &s); err == nil {
		t.Error("a numeric check was accepted")
	}
	b, err := json.Marshal(Sim{Kind: "k", Check: []string{"a"}})
	if err != nil || string(b) != `{"kind":"k","check":["a"]}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
}

func TestParse_DefaultOptions(t *testing.T) {
	src := strings.Replace(validDeck, "[options]\ndesired_retention = 0.85\nnew_per_day = 5\n", "", 1)
	d, err := Parse("demo.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := Options{DefaultDesiredRetention, DefaultNewPerDay, DefaultReviewsPerDay, DefaultNewOrder}
	if d.Options != want {
		t.Errorf("options = %+v, want %+v", d.Options, want)
	}
}

func TestParse_NewOrder(t *testing.T) {
	for _, order := range []string{NewOrderDeck, NewOrderInterleaved} {
		src := strings.Replace(validDeck, "new_per_day = 5\n", "new_per_day = 5\nnew_order = \""+order+"\"\n", 1)
		d, err := Parse("demo.toml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if d.Options.NewOrder != order {
			t.Errorf("new_order = %q: parsed as %q", order, d.Options.NewOrder)
		}
	}
}

// TestParse_Bad has one case per kind of bad input. want is a regexp that
// one reported problem must match; it names the file and the line (and the
// column for syntax errors) or the card.
func TestParse_Bad(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string
		want string
	}{
		{"syntax error", func(s string) string { return strings.Replace(s, `front = "Front"`, `front = "Front`, 1) },
			`^demo\.toml:18:\d+: `},
		{"unknown top key", func(s string) string { return strings.Replace(s, `language = "en"`, `langauge = "en"`, 1) },
			`^demo\.toml:4:1: unknown key "langauge"$`},
		{"unknown card key", func(s string) string { return strings.Replace(s, `front = "Front"`, `frnt = "Front"`, 1) },
			`^demo\.toml:18:1: unknown key "card.frnt"$`},
		{"unknown sim key", func(s string) string { return strings.Replace(s, `check = "tau_slow"`, `chek = "tau_slow"`, 1) },
			`^demo\.toml:\d+:1: unknown key "card.sim.chek"$`},
		{"missing format", func(s string) string { return strings.Replace(s, "format = 1\n", "", 1) },
			`^demo\.toml: missing format`},
		{"newer format", func(s string) string { return strings.Replace(s, "format = 1", "format = 2", 1) },
			`^demo\.toml:1: format 2 is not supported`},
		{"empty deck id", func(s string) string { return strings.Replace(s, `id = "demo"`, `id = ""`, 1) },
			`^demo\.toml:2: missing or empty deck id`},
		{"bad deck id", func(s string) string { return strings.Replace(s, `id = "demo"`, `id = "Demo Deck"`, 1) },
			`^demo\.toml:2: deck id "Demo Deck"`},
		{"empty title", func(s string) string { return strings.Replace(s, `title = "Demo"`, `title = "  "`, 1) },
			`^demo\.toml:3: missing or empty title`},
		{"retention out of range", func(s string) string { return strings.Replace(s, "0.85", "0.5", 1) },
			`^demo\.toml:7: options\.desired_retention = 0\.5 is out of range 0\.70\.\.0\.99`},
		{"negative new per day", func(s string) string { return strings.Replace(s, "new_per_day = 5", "new_per_day = -1", 1) },
			`^demo\.toml:8: options\.new_per_day = -1 is out of range`},
		{"unknown new order", func(s string) string {
			return strings.Replace(s, "new_per_day = 5", "new_per_day = 5\nnew_order = \"random\"", 1)
		}, `^demo\.toml:9: options\.new_order = "random": want "interleaved" or "deck"$`},
		{"question without text", func(s string) string { return strings.Replace(s, `text = "What is it?"`, `text = ""`, 1) },
			`^demo\.toml:13: question "q1": missing or empty text`},
		{"card without back", func(s string) string { return strings.Replace(s, `back = "Back"`, "", 1) },
			`^demo\.toml:15: card "c1": missing or empty back`},
		{"card with empty front", func(s string) string { return strings.Replace(s, `front = "Front"`, `front = ""`, 1) },
			`^demo\.toml:18: card "c1": missing or empty front`},
		{"bad card id", func(s string) string { return strings.Replace(s, `id = "c1"`, `id = "C_1"`, 1) },
			`^demo\.toml:16: card "C_1": bad id`},
		{"duplicate card id", func(s string) string { return strings.Replace(s, `id = "c2"`, `id = "c1"`, 1) },
			`^demo\.toml:23: card "c1": duplicate card id`},
		{"unknown question", func(s string) string { return strings.Replace(s, `question = "q1"`, `question = "q9"`, 1) },
			`^demo\.toml:17: card "c1": unknown question "q9"`},
		{"unknown kind", func(s string) string { return strings.Replace(s, `kind = "derive"`, `kind = "cloze"`, 1) },
			`^demo\.toml:25: card "c2": unknown kind "cloze"`},
		{"derive without sim", func(s string) string { return s[:strings.Index(s, "[card.sim]")] },
			`^demo\.toml:22: card "c2": a derive card needs a \[card\.sim\] table`},
		{"unknown sim kind", func(s string) string { return strings.Replace(s, `kind = "ntk-decay"`, `kind = "ntk-dekay"`, 1) },
			`^demo\.toml:29: card "c2": sim: unknown kind "ntk-dekay" \(known: .*ntk-decay`},
		{"bad sim params", func(s string) string { return strings.Replace(s, "eta = 0.1", "eta = -1", 1) },
			`^demo\.toml:30: card "c2": sim ntk-decay: .*eta`},
		{"unknown sim param", func(s string) string { return strings.Replace(s, "eta = 0.1", "etta = 0.1", 1) },
			`^demo\.toml:30: card "c2": sim ntk-decay: .*etta`},
		{"empty check", func(s string) string { return strings.Replace(s, `check = "tau_slow"`, `check = ""`, 1) },
			`^demo\.toml:31: card "c2": sim: missing or empty check`},
		{"check naming no output", func(s string) string { return strings.Replace(s, `check = "tau_slow"`, `check = "tau_slw"`, 1) },
			`^demo\.toml:31: card "c2": sim ntk-decay: check "tau_slw": no output of ntk-decay \(known: lambda_max, .*tau_slow`},
		{"check array naming no output", func(s string) string {
			return strings.Replace(s, `check = "tau_slow"`, `check = ["tau_slow", "p_max — from another kind"]`, 1)
		}, `^demo\.toml:31: card "c2": sim ntk-decay: check "p_max": no output of ntk-decay \(known: `},
		{"check array with a number", func(s string) string { return strings.Replace(s, `check = "tau_slow"`, `check = ["tau_slow", 3]`, 1) },
			`^demo\.toml:31: card "c2": sim: check: want a string or an array of strings, found 3`},
		{"check a number", func(s string) string { return strings.Replace(s, `check = "tau_slow"`, `check = 3`, 1) },
			`^demo\.toml:31: card "c2": sim: check: want a string or an array of strings`},
		{"check empty array", func(s string) string { return strings.Replace(s, `check = "tau_slow"`, `check = []`, 1) },
			`^demo\.toml:31: card "c2": sim: missing or empty check`},
		{"check missing", func(s string) string { return strings.Replace(s, "check = \"tau_slow\"\n", "", 1) },
			`^demo\.toml:\d+: card "c2": sim: missing or empty check`},
		{"check name twice", func(s string) string {
			return strings.Replace(s, `check = "tau_slow"`, `check = ["tau_slow", "tau_slow — again"]`, 1)
		}, `^demo\.toml:31: card "c2": sim: check names tau_slow twice`},
		{"check not a name", func(s string) string { return strings.Replace(s, `check = "tau_slow"`, `check = "the slow time"`, 1) },
			`^demo\.toml:31: card "c2": sim: check "the slow time": write the name of an output`},
		{"check with a line break", func(s string) string {
			return strings.Replace(s, `check = "tau_slow"`, `check = "tau_slow — a\nb"`, 1)
		},
			`^demo\.toml:31: card "c2": sim: check "tau_slow — a\\nb" holds a control character or a line break`},
		{"sim on a basic card", func(s string) string { return strings.Replace(s, `kind = "derive"`, `kind = "basic"`, 1) },
			`^demo\.toml:28: card "c2": a basic card has a \[card\.sim\]`},
		{"not UTF-8", func(s string) string { return strings.Replace(s, "Back", "B\xffck", 1) },
			`^demo\.toml:19:10: text is not valid UTF-8$`},
		{"control character", func(s string) string { return strings.Replace(s, `back = "Back"`, `back = "B\u001b[2Jack"`, 1) },
			`^demo\.toml:19: card "c1": back holds the control character U\+001B$`},
		{"wrong type", func(s string) string { return strings.Replace(s, `tags = ["t"]`, `tags = "t"`, 1) },
			`^demo\.toml:20:\d+: cannot decode TOML string into .*Tags`},
		{"no cards", func(s string) string { return s[:strings.Index(s, "[[card]]")] },
			`^demo\.toml: the deck has no cards$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.edit(validDeck)
			if src == validDeck {
				t.Fatal("edit changed nothing")
			}
			d, err := Parse("demo.toml", []byte(src))
			if err == nil {
				t.Fatalf("Parse accepted the deck: %+v", d)
			}
			re := regexp.MustCompile(tt.want)
			for _, p := range Problems(err) {
				if re.MatchString(p.Error()) {
					return
				}
			}
			t.Errorf("no problem matches %q; got:\n%v", tt.want, err)
		})
	}
}

// TestParse_AllProblemsAtOnce checks that one file with several mistakes
// reports every one of them, not just the first.
func TestParse_AllProblemsAtOnce(t *testing.T) {
	src := strings.NewReplacer(
		`front = "Front"`, `frnt = "Front"`,
		`back = "Back"`, `back = ""`,
		`question = "q1"`, `question = "nope"`,
		"0.85", "1.5",
	).Replace(validDeck)
	_, err := Parse("demo.toml", []byte(src))
	ps := Problems(err)
	if len(ps) < 5 {
		t.Fatalf("got %d problems, want at least 5 (unknown key, empty front, empty back, unknown question, retention):\n%v", len(ps), err)
	}
	for _, p := range ps {
		if p.Line == 0 {
			t.Errorf("problem without a line: %v", p)
		}
	}
}

func TestParse_TooBig(t *testing.T) {
	big := bytes.Repeat([]byte("#"), MaxSize+1)
	_, err := Parse("big.toml", big)
	if err == nil || !strings.Contains(err.Error(), "16 MiB") {
		t.Fatalf("err = %v, want the 16 MiB limit named", err)
	}
}

func TestCard_Hash(t *testing.T) {
	d, err := Parse("demo.toml", []byte(validDeck))
	if err != nil {
		t.Fatal(err)
	}
	a, b := d.Cards[0], d.Cards[0]
	if a.Hash() != b.Hash() {
		t.Fatal("equal cards hash differently")
	}
	b.Back += "!"
	if a.Hash() == b.Hash() {
		t.Fatal("an edited back keeps the hash")
	}
	c := d.Cards[1]
	// A card whose check names one output hashes as it did when check was
	// a single string, so that upgrading flash reports no edited cards.
	if got, want := c.Hash(), "155131e8a57eef00956f2bac28aab151eb770ecf289d249052718260ddc2e1da"; got != want {
		t.Errorf("hash of a one-output derive card = %s, want %s (the hash before check became a list)", got, want)
	}
	c3 := c
	c3.Sim = &Sim{Kind: c.Sim.Kind, Params: c.Sim.Params, Check: []string{"tau_slow", "lambda_max"}}
	if c.Hash() == c3.Hash() {
		t.Fatal("adding a check output keeps the hash")
	}
	c2 := c
	c2.Sim = &Sim{Kind: c.Sim.Kind, Params: map[string]any{"eta": 0.1, "n": int64(8)}, Check: c.Sim.Check}
	if c.Hash() != c2.Hash() {
		t.Fatal("param order changes the hash")
	}
}

func TestBuiltin(t *testing.T) {
	d := Builtin()
	if d.ID != "ml-papers" {
		t.Errorf("id = %q", d.ID)
	}
	qs := map[string]int{}
	for _, c := range d.Cards {
		qs[c.Question]++
	}
	if len(d.Questions) != 13 {
		t.Errorf("%d questions, want the 13 exam questions", len(d.Questions))
	}
	for _, q := range d.Questions {
		if qs[q.ID] == 0 {
			t.Errorf("question %s has no cards", q.ID)
		}
	}
	latex := regexp.MustCompile(`\\[a-zA-Z]+|\$`)
	for _, c := range d.Cards {
		for _, s := range []string{c.Front, c.Back} {
			if latex.MatchString(s) {
				t.Errorf("card %s: raw LaTeX in %q", c.ID, latex.FindString(s))
			}
		}
	}
}

// TestBuiltin_QuestionsMatchExam checks the built-in deck carries the exam
// questions word for word (testdata/questions.txt is the exam's list).
func TestBuiltin_QuestionsMatchExam(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "questions.txt"))
	if err != nil {
		t.Fatal(err)
	}
	exam := string(raw)
	for _, q := range Builtin().Questions {
		if !strings.Contains(exam, q.Text) {
			t.Errorf("question %s text is not in questions.txt: %q", q.ID, q.Text)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(validDeck))
	f.Add(BuiltinSource())
	f.Add([]byte("format = 1\n[[card]]\n[card.sim]\nparams = { K = [[1, 2], [3]] }\n"))
	f.Add([]byte(strings.Replace(validDeck, `check = "tau_slow"`, `check = ["tau_slow — a", "lambda_max", 3]`, 1)))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("fuzz.toml", data)
		if err == nil && d == nil {
			t.Fatal("nil deck without error")
		}
		if err != nil && d != nil {
			t.Fatal("deck and error both returned")
		}
		if err == nil {
			for _, c := range d.Cards {
				_ = c.Hash()
			}
		}
	})
}
