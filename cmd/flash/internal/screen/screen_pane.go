package screen

import (
	"regexp"
	"strings"
	"sync"

	"github.com/flash-srs/flash/cmd/flash/internal/show"
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// pane is a text view that wraps its text itself (see wrapTagged: a short
// formula in brackets stays on one line, list items keep their hanging
// indent) and says when there is more than it shows: "↓ more" on its
// bottom border, or on its last row when it has no border, and "↑ more" on
// its top border once scrolled down.
type pane struct {
	*tview.TextView
	src     string // the text as set, with tview style tags
	wrapped int    // the width src was last wrapped for; 0: not yet
	lines   int    // how many lines src wraps to at that width
	border  bool
}

// newPane returns a pane without a border.
func newPane() *pane {
	tv := tview.NewTextView().SetDynamicColors(true).SetWordWrap(true).SetScrollable(true)
	return &pane{TextView: tv}
}

// newBorderedPane returns a pane with a border and title.
func newBorderedPane(title string) *pane {
	p := newPane()
	p.border = true
	p.TextView.SetBorder(true).SetTitle(title).SetTitleAlign(tview.AlignLeft)
	return p
}

// SetText sets the text (with tview style tags); it is wrapped when drawn.
func (p *pane) SetText(text string) *pane {
	p.src = strings.TrimRight(text, "\n")
	p.wrapped = 0
	p.TextView.SetText(p.src)
	return p
}

// Draw wraps the text for the pane's width when that changed, draws it,
// and marks the directions in which there is more.
func (p *pane) Draw(screen tcell.Screen) {
	x, y, w, h := p.GetRect()
	_, _, iw, ih := p.GetInnerRect()
	if iw <= 0 || ih <= 0 {
		p.TextView.Draw(screen)
		return
	}
	if iw != p.wrapped {
		lines := wrapTagged(p.src, iw)
		p.wrapped, p.lines = iw, len(lines)
		p.TextView.SetText(strings.Join(lines, "\n"))
	}
	bordered := p.border
	overflow := p.lines > ih
	if overflow && !bordered {
		// The last row is the marker's, so that it hides no text.
		p.SetRect(x, y, w, h-1)
		p.TextView.Draw(screen)
		p.SetRect(x, y, w, h)
		ih--
	} else {
		p.TextView.Draw(screen)
	}
	if !overflow {
		return
	}
	row, _ := p.GetScrollOffset()
	st := styleBold.Foreground(colorAccent)
	if row+ih < p.lines {
		const more = " ↓ more "
		switch {
		case bordered:
			put(screen, x+max(1, w-show.Width(more)-2), y+h-1, w-2, more, st)
		default:
			fill(screen, x, y+h-1, w, styleText)
			put(screen, x+max(0, w-show.Width(more)-1), y+h-1, w, more, st)
		}
	} else if !bordered {
		fill(screen, x, y+h-1, w, styleText)
	}
	if row > 0 && bordered && w-show.Width(" ↑ more ")-2 > show.Width(p.GetTitle())+1 {
		const above = " ↑ more "
		put(screen, x+max(1, w-show.Width(above)-2), y, w-2, above, st)
	}
}

// answerBox is the derive card's answer box: a text area that, like a
// pane, says when the answer goes on below (or above) what it shows.
type answerBox struct {
	*tview.TextArea
}

func (a *answerBox) Draw(screen tcell.Screen) {
	a.TextArea.Draw(screen)
	x, y, w, h := a.GetRect()
	_, _, iw, ih := a.GetInnerRect()
	text := a.GetText()
	if text == "" || iw <= 0 || ih <= 0 {
		return
	}
	// The text area wraps at word boundaries as tview.WordWrap does.
	lines := 0
	for _, para := range strings.Split(text, "\n") {
		lines += max(1, len(tview.WordWrap(tview.Escape(para), iw)))
	}
	row, _ := a.GetOffset()
	st := styleBold.Foreground(colorAccent)
	if row+ih < lines {
		const more = " ↓ more "
		put(screen, x+max(1, w-show.Width(more)-2), y+h-1, w-2, more, st)
	}
	if row > 0 && w-show.Width(" ↑ more ")-2 > show.Width(a.GetTitle())+1 {
		const above = " ↑ more "
		put(screen, x+max(1, w-show.Width(above)-2), y, w-2, above, st)
	}
}

// maxGroup is the widest bracket group that wrapTagged keeps on one line: a
// formula like 𝒩(0, 1) or (4, 4), not a remark in parentheses.
const maxGroup = 24

// The patterns of wrapTagged, compiled when the screen first wraps text
// rather than when any flash command starts.
var (
	// tagRE matches the style tags flash writes: [::b], [teal::b], [-::-].
	tagRE = lazyRegexp(`\[[a-zA-Z0-9#\-]*:[a-zA-Z0-9#\-]*:[a-zA-Z\-]*\]`)
	// escapedRE matches text escaped by tview.Escape, which must not be
	// split: "[a b[]" shows as "[a b]".
	escapedRE = lazyRegexp(`\[[a-zA-Z0-9_,;: \-\."#]+\[+\]`)
	// listRE matches the start of a list item and the spaces before it:
	// "- ", "• ", "1. ", "2) ", "а) ".
	listRE = lazyRegexp(`^( *)((?:[-•*–·▪‣◦]|\d{1,2}[.)]|[a-zа-яё][).]) +)?`)
)

// lazyRegexp returns a function that compiles expr on its first call and
// returns the same *regexp.Regexp on every call.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// wrapTagged breaks text with tview style tags into lines of at most width
// cells. It breaks at spaces, but not inside a bracket group of at most
// maxGroup cells (𝒩(0, 1) stays whole); a line that begins a list item
// ("- ", "1. ") or with spaces continues under the item's text (a hanging
// indent); a word longer than a line is cut. Style tags take no width and
// are never cut; each line keeps the tags in the order written, so a
// tview.TextView shows the lines in the styles of the whole text.
func wrapTagged(text string, width int) []string {
	width = max(width, 1)
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		out = append(out, wrapPara(para, width)...)
	}
	return out
}

func wrapPara(para string, width int) []string {
	if tview.TaggedStringWidth(para) <= width {
		return []string{para}
	}
	// The hanging indent: leading tags, spaces and a list marker.
	lead := 0
	for {
		loc := tagRE().FindStringIndex(para[lead:])
		if loc == nil || loc[0] != 0 {
			break
		}
		lead += loc[1]
	}
	indent := show.Width(listRE().FindString(para[lead:]))
	if indent > width/2 {
		indent = 0
	}
	protected := protectedSpaces(para)
	type word struct{ space, text string }
	var words []word
	for i := 0; i < len(para); {
		j := i
		for j < len(para) && para[j] == ' ' && !protected[j] {
			j++
		}
		k := j
		for k < len(para) && (para[k] != ' ' || protected[k]) {
			k++
		}
		words = append(words, word{para[i:j], para[j:k]})
		i = k
	}
	var lines []string
	var line strings.Builder
	lw := 0
	newLine := func() {
		lines = append(lines, strings.TrimRight(line.String(), " "))
		line.Reset()
		line.WriteString(strings.Repeat(" ", indent))
		lw = indent
	}
	for n, wd := range words {
		ww := tview.TaggedStringWidth(wd.text)
		sw := len(wd.space) // at n == 0, the paragraph's own leading spaces
		if n > 0 && lw == indent && len(lines) > 0 {
			sw = 0 // a continuation line starts at its indent
		}
		if lw+sw+ww > width && lw > indent {
			newLine()
			sw = 0
		}
		if sw > 0 {
			line.WriteString(wd.space)
			lw += sw
		}
		rest := wd.text
		for lw+ww > width && rest != "" {
			head, tail := cutTagged(rest, width-lw)
			if head == "" {
				if lw == indent && indent > 0 {
					indent = 0 // no room even for one character after the indent
					line.Reset()
					lw = 0
					continue
				}
				break
			}
			line.WriteString(head)
			newLine()
			rest = tail
			ww = tview.TaggedStringWidth(rest)
		}
		line.WriteString(rest)
		lw += ww
	}
	lines = append(lines, strings.TrimRight(line.String(), " "))
	return lines
}

// protectedSpaces marks the spaces of para that wrapping must not break
// at: those inside a bracket group or a quotation of at most maxGroup
// cells, and inside text tview.Escape escaped.
func protectedSpaces(para string) map[int]bool {
	var prot map[int]bool
	mark := func(from, to int) {
		for i := from; i < to; i++ {
			if para[i] == ' ' {
				if prot == nil {
					prot = map[int]bool{}
				}
				prot[i] = true
			}
		}
	}
	for _, loc := range escapedRE().FindAllStringIndex(para, -1) {
		mark(loc[0], loc[1])
	}
	// A short quotation: "= 1", «0,085».
	open := -1
	for i := 0; i < len(para); i++ {
		if para[i] != '"' {
			continue
		}
		if open < 0 {
			open = i
			continue
		}
		if tview.TaggedStringWidth(para[open:i+1]) <= maxGroup {
			mark(open, i)
		}
		open = -1
	}
	for i := 0; i < len(para); i++ {
		if c := para[i]; c != '(' && c != '[' && c != '{' {
			continue
		}
		if loc := tagRE().FindStringIndex(para[i:min(len(para), i+40)]); loc != nil && loc[0] == 0 {
			continue // a style tag, not a bracket
		}
		depth := 0
		for j := i; j < len(para) && j < i+256; j++ {
			switch para[j] {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth--
			}
			if depth == 0 {
				if tview.TaggedStringWidth(para[i:j+1]) <= maxGroup {
					mark(i, j)
				}
				break
			}
		}
	}
	return prot
}

// cutTagged splits s after at most w cells, at a character boundary
// outside style tags; head is "" when not even one character fits.
func cutTagged(s string, w int) (head, tail string) {
	tags := tagRE().FindAllStringIndex(s, -1)
	inTag := func(i int) bool {
		for _, t := range tags {
			if i > t[0] && i < t[1] {
				return true
			}
		}
		return false
	}
	best := 0
	for i := range s {
		if i == 0 || inTag(i) {
			continue
		}
		if tview.TaggedStringWidth(s[:i]) > w {
			break
		}
		best = i
	}
	if best == 0 {
		if tview.TaggedStringWidth(s) <= w {
			return s, ""
		}
		return "", s
	}
	return s[:best], s[best:]
}
