package screen

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

func TestWrapTagged(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		width int
		want  []string
	}{
		{"a formula group stays whole", "веса из 𝒩(0, 1) при инициализации", 13,
			[]string{"веса из", "𝒩(0, 1) при", "инициализации"}},
		{"a vector stays whole", "ответ (4, 4, 4) верно", 12,
			[]string{"ответ", "(4, 4, 4)", "верно"}},
		{"a long remark in brackets breaks", "итог (это длинное пояснение к результату в скобках) ясно", 20,
			[]string{"итог (это длинное", "пояснение к", "результату в", "скобках) ясно"}},
		{"a dash item keeps its hanging indent", "- первый пункт списка длинный", 14,
			[]string{"- первый пункт", "  списка", "  длинный"}},
		{"a numbered item keeps its hanging indent", "  1. шаг градиента по θ", 16,
			[]string{"  1. шаг", "     градиента", "     по θ"}},
		{"a bullet item", "• φ(x) = elu(x) + 1 > 0", 12,
			[]string{"• φ(x) =", "  elu(x) + 1", "  > 0"}},
		{"tags take no width", "[::b]жирный текст[::-] и обычный", 11,
			[]string{"[::b]жирный", "текст[::-] и", "обычный"}},
		{"a long word is cut", "abcdefghijkl", 5,
			[]string{"abcde", "fghij", "kl"}},
		{"short lines stay", "a\nb c", 10, []string{"a", "b c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wrapTagged(tt.text, tt.width)
			for _, l := range got {
				if w := tview.TaggedStringWidth(l); w > tt.width {
					t.Errorf("line %q is %d wide, over %d", l, w, tt.width)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("wrapTagged(%q, %d) =\n%q\nwant\n%q", tt.text, tt.width, got, tt.want)
			}
			// No word is lost or changed.
			if a, b := strings.Join(strings.Fields(strings.Join(got, " ")), ""), strings.Join(strings.Fields(tt.text), ""); a != b {
				t.Errorf("text changed: %q, want %q", a, b)
			}
			if strings.Contains(tt.text, "𝒩(0, 1)") && !strings.Contains(strings.Join(got, "\n"), "𝒩(0, 1)") {
				t.Errorf("𝒩(0, 1) broken: %q", got)
			}
		})
	}
}

// TestWrapTagged_Random wraps random text of words, formulas, tags and
// list items at many widths: no line is wider than the width, and no
// character other than a space is lost or added.
func TestWrapTagged_Random(t *testing.T) {
	pieces := []string{"слово", "word", "𝒩(0, 1)", "(4, 4)", "[::b]", "[::-]", "[teal::b]", "[-::-]", "θ⁽ᴸ⁾", "—", "1/√w",
		"длинноесловобезпробелов", "- ", "1. ", "\n", "  ", "ŷ", "λᵢ", "(пояснение в скобках подлиннее чем группа)"}
	seed := uint64(1)
	next := func(n int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int(seed>>33) % n
	}
	for i := range 400 {
		var b strings.Builder
		for range 3 + next(30) {
			b.WriteString(pieces[next(len(pieces))])
			if next(3) > 0 {
				b.WriteString(" ")
			}
		}
		text := b.String()
		width := 6 + next(40)
		got := wrapTagged(text, width)
		for _, l := range got {
			if w := tview.TaggedStringWidth(l); w > width {
				t.Fatalf("case %d: line %q is %d wide, over %d; text %q", i, l, w, width, text)
			}
		}
		if a, b := strings.Join(strings.Fields(strings.Join(got, " ")), ""), strings.Join(strings.Fields(text), ""); a != b {
			t.Fatalf("case %d: text changed:\n got %q\nwant %q", i, a, b)
		}
	}
}

// scrLongBack is a rehearsal card whose back is 15 lines, with a formula
// that a plain word wrap breaks at 70 columns (𝒩(0,⏎1)) and list items
// that wrap.
var scrLongBack = `
format = 1
id = "t"
title = "Long"

[[question]]
id = "q"
paper = "P"
text = "Q"

[[card]]
id = "long"
question = "q"
front = "Расскажите всё"
back = """
` + strings.Repeat("слово ", 10) + `a 𝒩(0, 1) конец.
- первый пункт списка, достаточно длинный, чтобы не уместиться в одну строку экрана
- второй пункт
1. нумерованный пункт, тоже длинный настолько, что переносится на следующую строку
` + strings.Repeat("Строка ответа.\n", 10) + `Последняя строка."""

[[card]]
id = "d"
question = "q"
kind = "derive"
front = "Посчитайте τ"
back = """
` + strings.Repeat("Шаг решения.\n", 12) + `Итог: τ = 1."""
[card.sim]
kind = "ntk-decay"
params = { n = 8 }
check = "tau_fast"
`

// TestReviewScreen_OverflowMarkers: at 70×20 a long back and a derive
// card's panes say that there is more, formulas in brackets are not broken
// and list items keep their hanging indent.
func TestReviewScreen_OverflowMarkers(t *testing.T) {
	st, clk := scrOpen(t, scrLongBack)
	h := scrStart(t, st, clk, 70, 20)
	h.waitText("Расскажите всё")
	h.key(' ')
	s := h.waitText("↓ more", "𝒩(0, 1)", "1 Again")
	rows := strings.Split(s, "\n")
	checked := 0
	for i, r := range rows {
		if strings.HasSuffix(strings.TrimSpace(r), "𝒩(0,") {
			t.Errorf("row %d breaks the formula: %q", i, r)
		}
		for _, item := range []string{"- первый пункт", "1. нумерованный"} {
			j := strings.Index(r, item)
			if j < 0 || i+1 >= len(rows) || strings.Contains(rows[i+1], "↓ more") {
				continue
			}
			checked++
			next := rows[i+1]
			marker := len(strings.SplitN(item, " ", 2)[0]) + 1 // "- " or "1. "
			want := strings.Repeat(" ", len([]rune(r[:j]))+marker)
			if !strings.HasPrefix(next, want) || strings.HasPrefix(next, want+" ") {
				t.Errorf("the item %q does not continue under its text:\n%q\n%q", item, r, next)
			}
		}
	}
	if checked == 0 {
		t.Errorf("no wrapped list item on screen:\n%s", s)
	}
	if strings.Contains(s, "Последняя строка.") {
		t.Fatalf("the whole back fits; the test needs a longer one:\n%s", s)
	}
	// Scrolled to the end, the marker goes.
	h.special(tcell.KeyEnd)
	h.waitText("Последняя строка.")
	h.waitGone("↓ more")

	// The derive card: its panes overflow at 70×20 and say so.
	h.key('3')
	h.waitText("Посчитайте τ")
	h.special(tcell.KeyEnter)
	// A long answer: the box scrolls with the cursor and says what is
	// above; back at the top, what is below.
	for i := range 14 {
		h.typeText(fmt.Sprintf("строка %d", i))
		h.special(tcell.KeyEnter)
	}
	h.typeText("τ = 1")
	h.waitText("τ = 1", "↑ more")
	for range 15 { // up to the start of the answer
		h.special(tcell.KeyUp)
	}
	h.waitText("строка 0", "↓ more")
	h.special(tcell.KeyCtrlR)
	s = h.waitText("Simulation · ntk-decay", "Card's answer", "↓ more")
	if strings.Contains(s, "Итог: τ = 1.") {
		t.Fatalf("the derive back fits; the test needs a longer one:\n%s", s)
	}
	// The card's back pane: Tab to it and scroll to its end.
	h.special(tcell.KeyTab)
	h.special(tcell.KeyEnd)
	h.waitText("Итог: τ = 1.")
}
