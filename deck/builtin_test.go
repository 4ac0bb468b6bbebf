package deck

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The size rule of the built-in deck (README, "The built-in deck"):
//
//   - every front, trimmed, ends in '?' and holds no other '?': it asks one
//     question;
//   - every back's last line is its source line, starting "Источник: ";
//   - the back of a basic card that is not a rehearsal card has at most
//     maxBackLines lines before its source line (blank lines count);
//   - each question has exactly one rehearsal card (tag "rehearsal", front
//     starting "Ответьте на весь вопрос"), whose back is an outline of any
//     length;
//   - no line of a front or a back is wider than maxColumns (a column is a
//     character; combining marks take none).
const (
	maxBackLines     = 4
	maxColumns       = 76
	sourcePrefix     = "Источник: "
	rehearsalTag     = "rehearsal"
	rehearsalOpening = "Ответьте на весь вопрос"
)

func TestBuiltin_SizeRule(t *testing.T) {
	d := Builtin()
	rehearsals := map[string]int{}
	for _, c := range d.Cards {
		rehearsal := isRehearsal(c)
		if rehearsal {
			rehearsals[c.Question]++
			if !strings.HasPrefix(strings.TrimSpace(c.Front), rehearsalOpening) {
				t.Errorf("%s: a rehearsal card's front starts %q", c.ID, rehearsalOpening)
			}
		}
		if err := oneQuestion(c.Front); err != "" {
			t.Errorf("%s: front %s", c.ID, err)
		}
		lines := strings.Split(strings.TrimSpace(c.Back), "\n")
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, sourcePrefix) {
			t.Errorf("%s: the back's last line is not its source line (%q…): %q", c.ID, sourcePrefix, last)
		}
		if n := len(lines) - 1; c.Kind == KindBasic && !rehearsal && n > maxBackLines {
			t.Errorf("%s: back has %d lines besides its source line; at most %d", c.ID, n, maxBackLines)
		}
		for _, s := range []struct{ name, text string }{{"front", c.Front}, {"back", c.Back}} {
			for i, line := range strings.Split(s.text, "\n") {
				if w := columns(line); w > maxColumns {
					t.Errorf("%s: %s line %d is %d columns wide; at most %d: %q", c.ID, s.name, i+1, w, maxColumns, line)
				}
			}
		}
	}
	for _, q := range d.Questions {
		if rehearsals[q.ID] != 1 {
			t.Errorf("question %s has %d rehearsal cards, want 1", q.ID, rehearsals[q.ID])
		}
	}
}

func isRehearsal(c Card) bool {
	for _, t := range c.Tags {
		if t == rehearsalTag {
			return true
		}
	}
	return false
}

// oneQuestion returns what is wrong with front under the size rule, or "".
func oneQuestion(front string) string {
	f := strings.TrimSpace(front)
	switch n := strings.Count(f, "?"); {
	case !strings.HasSuffix(f, "?"):
		return "does not end in '?'"
	case n > 1:
		return "asks " + string(rune('0'+min(n, 9))) + " questions (one '?' at the end, no other)"
	}
	return ""
}

// columns is the width of line in a terminal, taking every character as
// one column except combining marks.
func columns(line string) int {
	n := 0
	for _, r := range line {
		if !unicode.In(r, unicode.Mn, unicode.Me) {
			n++
		}
	}
	return n
}

// TestSizeRule_Checks checks that the rule's helpers catch what they are
// for, so that a deck passing TestBuiltin_SizeRule is one that obeys it.
func TestSizeRule_Checks(t *testing.T) {
	for front, bad := range map[string]bool{
		"Что такое NTK?":                   false,
		"\nЧто такое NTK?\n":               false,
		"Что такое NTK? Как он меняется?":  true,
		"Что такое NTK и как он меняется.": true,
		"Запишите формулу.":                true,
	} {
		if got := oneQuestion(front) != ""; got != bad {
			t.Errorf("oneQuestion(%q) flags %v, want %v", front, got, bad)
		}
	}
	if n := columns("x̃ᵢ"); n != 2 {
		t.Errorf("columns(x̃ᵢ) = %d, want 2 (the tilde combines)", n)
	}
	if n := columns("матрица Грама"); n != utf8.RuneCountInString("матрица Грама") {
		t.Errorf("columns of Cyrillic = %d", n)
	}
}
