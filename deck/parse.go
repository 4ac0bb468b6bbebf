package deck

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// MaxSize is the largest deck file Parse accepts, in bytes.
const MaxSize = 16 << 20

// Limits on option values; outside them a deck is refused.
const (
	MinDesiredRetention = 0.70
	MaxDesiredRetention = 0.99
	MaxPerDay           = 9999
)

// validID reports whether id is lowercase letters, digits and '-',
// starting with a letter or digit.
func validID(id string) bool {
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' && i > 0) {
			return false
		}
	}
	return id != ""
}

// tableName is how messages name the i-th [[question]] or [[card]] table:
// by its id, or by its number when it has none. It is formatted only for
// a message.
type tableName struct {
	kind string // "question" or "card"
	i    int
	id   string
}

func (t tableName) String() string {
	if t.id != "" {
		return fmt.Sprintf("%s %q", t.kind, t.id)
	}
	return fmt.Sprintf("%s %d", t.kind, t.i+1)
}

// Problem is one thing wrong with a deck file, with where it is.
// Parse returns every Problem in a file joined with errors.Join.
type Problem struct {
	File   string
	Line   int // 1-based; 0 when unknown
	Column int // 1-based; 0 when unknown
	Msg    string
}

func (p *Problem) Error() string {
	switch {
	case p.Line > 0 && p.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Msg)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	default:
		return fmt.Sprintf("%s: %s", p.File, p.Msg)
	}
}

// Problems returns the individual problems in an error returned by Parse,
// or nil when err holds none.
func Problems(err error) []*Problem {
	var out []*Problem
	var walk func(error)
	walk = func(e error) {
		if p, ok := e.(*Problem); ok {
			out = append(out, p)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	return out
}

// file mirrors the TOML document. Pointers tell a missing key from a zero.
type file struct {
	Format    *int       `toml:"format"`
	ID        string     `toml:"id"`
	Title     string     `toml:"title"`
	Language  string     `toml:"language"`
	Options   rawOptions `toml:"options"`
	Questions []Question `toml:"question"`
	Cards     []rawCard  `toml:"card"`
}

// rawCard is a [[card]] table as written: its sim's check may be a string
// or an array.
type rawCard struct {
	ID       string   `toml:"id"`
	Question string   `toml:"question"`
	Kind     string   `toml:"kind"`
	Front    string   `toml:"front"`
	Back     string   `toml:"back"`
	Tags     []string `toml:"tags"`
	Sim      *rawSim  `toml:"sim"`
}

type rawSim struct {
	Kind   string         `toml:"kind"`
	Params map[string]any `toml:"params"`
	Check  any            `toml:"check"` // string or []any
}

type rawOptions struct {
	DesiredRetention *float64 `toml:"desired_retention"`
	NewPerDay        *int     `toml:"new_per_day"`
	ReviewsPerDay    *int     `toml:"reviews_per_day"`
	NewOrder         *string  `toml:"new_order"`
}

// Parse decodes and validates a deck. name is used in messages only (a file
// name, or "builtin" for the embedded deck). On any problem it returns a nil
// Deck and an error joining every problem found, each a *Problem naming the
// file and the line, or the card.
func Parse(name string, data []byte) (*Deck, error) {
	return parse(&parser{name: name, data: data})
}

// ParseShared is Parse for a caller that keeps data as it is while it
// uses the deck: the deck's strings may share data's memory instead of a
// copy of it (a 10k-card file is 5 MB). data must not change afterwards.
func ParseShared(name string, data []byte) (*Deck, error) {
	return parse(&parser{name: name, data: data, shared: true})
}

func parse(p *parser) (*Deck, error) {
	d := p.parse()
	if len(p.errs) > 0 {
		p.resolveLines()
		return nil, errors.Join(p.errs...)
	}
	return d, nil
}

type parser struct {
	name string
	data []byte
	errs []error
	refs []lineRef // where each of errs is, until resolveLines

	checkAll bool // check every card whole in validate (tests: no cleanCards)
	shared   bool // strings may share data (ParseShared)
}

// lineRef says where a problem is: a known line, or a key (or table
// header) whose line is looked up only when there are problems to report.
// Walking the document for lines costs as much as decoding it.
type lineRef struct {
	line int     // when sect is lineKnown
	sect section // where key is
	i    int     // the index of the question or card
	key  string  // "" for the table header
	sim  bool    // key is in the card's [card.sim]
}

type section int8

const (
	lineKnown section = iota
	sectTop
	sectOptions
	sectQuestion
	sectCard
)

func lineAt(line int) lineRef    { return lineRef{line: line} }
func topKey(k string) lineRef    { return lineRef{sect: sectTop, key: k} }
func optionKey(k string) lineRef { return lineRef{sect: sectOptions, key: k} }

// tableRef is the i-th [[question]] or [[card]] table.
type tableRef struct {
	sect section
	i    int
}

func (t tableRef) line(key string) lineRef { return lineRef{sect: t.sect, i: t.i, key: key} }
func (t tableRef) sim(key string) lineRef  { return lineRef{sect: t.sect, i: t.i, key: key, sim: true} }

func (p *parser) add(at lineRef, col int, format string, args ...any) {
	p.errs = append(p.errs, &Problem{File: p.name, Line: at.line, Column: col, Msg: fmt.Sprintf(format, args...)})
	p.refs = append(p.refs, at)
}

// resolveLines fills in the lines of problems found after decoding.
func (p *parser) resolveLines() {
	var ps *positions
	for i, at := range p.refs {
		if at.sect == lineKnown {
			continue
		}
		if ps == nil {
			idx := index(p.data)
			ps = &idx
		}
		var line int
		switch at.sect {
		case sectTop:
			line = ps.top[at.key]
		case sectOptions:
			line = ps.options[at.key]
		case sectQuestion, sectCard:
			t := ps.question(at.i)
			if at.sect == sectCard {
				t = ps.card(at.i)
			}
			if at.sim {
				line = t.sim(at.key)
			} else {
				line = t.line(at.key)
			}
		}
		p.errs[i].(*Problem).Line = line
	}
}

func (p *parser) parse() *Deck {
	if len(p.data) > MaxSize {
		p.add(lineRef{}, 0, "file is %d bytes; the limit is %d (16 MiB)", len(p.data), MaxSize)
		return nil
	}
	var f file
	// decodeFast declines text that is not UTF-8 (go-toml's parser checks
	// it as it goes), which is reported here.
	if decodeFast(p.data, p.shared, &f) {
		return p.validate(&f)
	}
	if !utf8.Valid(p.data) {
		line, col := invalidUTF8(p.data)
		p.add(lineAt(line), col, "text is not valid UTF-8")
		return nil
	}
	f = file{}
	dec := toml.NewDecoder(bytes.NewReader(p.data)).DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		var strict *toml.StrictMissingError
		var de *toml.DecodeError
		switch {
		case errors.As(err, &strict):
			for _, e := range strict.Errors {
				line, col := e.Position()
				p.add(lineAt(line), col, "unknown key %q", strings.Join(e.Key(), "."))
			}
			// The values that did match were decoded: go on validating,
			// so the file's other problems are reported too.
		case errors.As(err, &de):
			line, col := de.Position()
			p.add(lineAt(line), col, "%s", strings.TrimPrefix(de.Error(), "toml: "))
			return nil
		default:
			p.add(lineRef{}, 0, "%s", strings.TrimPrefix(err.Error(), "toml: "))
			return nil
		}
	}
	return p.validate(&f)
}

func (p *parser) validate(f *file) *Deck {
	d := &Deck{
		ID:        f.ID,
		Title:     strings.TrimSpace(f.Title),
		Language:  f.Language,
		Questions: f.Questions,
		Cards:     make([]Card, len(f.Cards)),
		Options: Options{
			DesiredRetention: DefaultDesiredRetention,
			NewPerDay:        DefaultNewPerDay,
			ReviewsPerDay:    DefaultReviewsPerDay,
			NewOrder:         DefaultNewOrder,
		},
	}
	switch {
	case f.Format == nil:
		p.add(lineRef{}, 0, "missing format (want format = %d)", Format)
	case *f.Format != Format:
		p.add(topKey("format"), 0, "format %d is not supported; this flash reads format %d", *f.Format, Format)
	default:
		d.Format = *f.Format
	}
	switch {
	case f.ID == "":
		p.add(topKey("id"), 0, "missing or empty deck id")
	case !validID(f.ID):
		p.add(topKey("id"), 0, "deck id %q: use lowercase letters, digits and '-', starting with a letter or digit", f.ID)
	}
	if d.Title == "" {
		p.add(topKey("title"), 0, "missing or empty title")
	} else if i := strings.IndexFunc(d.Title, isControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(d.Title[i:])
		p.add(topKey("title"), 0, "title holds the control character %U", r)
	}

	o := f.Options
	if v := o.DesiredRetention; v != nil {
		if !(*v >= MinDesiredRetention && *v <= MaxDesiredRetention) {
			p.add(optionKey("desired_retention"), 0, "options.desired_retention = %v is out of range %.2f..%.2f", *v, MinDesiredRetention, MaxDesiredRetention)
		}
		d.Options.DesiredRetention = *v
	}
	for _, it := range []struct {
		key string
		v   *int
		dst *int
	}{
		{"new_per_day", o.NewPerDay, &d.Options.NewPerDay},
		{"reviews_per_day", o.ReviewsPerDay, &d.Options.ReviewsPerDay},
	} {
		if it.v == nil {
			continue
		}
		if *it.v < 0 || *it.v > MaxPerDay {
			p.add(optionKey(it.key), 0, "options.%s = %d is out of range 0..%d", it.key, *it.v, MaxPerDay)
		}
		*it.dst = *it.v
	}
	if v := o.NewOrder; v != nil {
		switch *v {
		case NewOrderDeck, NewOrderInterleaved:
			d.Options.NewOrder = *v
		default:
			p.add(optionKey("new_order"), 0, "options.new_order = %q: want %q or %q", *v, NewOrderInterleaved, NewOrderDeck)
		}
	}

	questions := make(map[string]bool, len(f.Questions))
	for i := range d.Questions {
		q := &d.Questions[i]
		at := tableRef{sectQuestion, i}
		where := p.checkID("question", i, q.ID, at, questions)
		if strings.TrimSpace(q.Paper) == "" {
			p.add(at.line("paper"), 0, "%s: missing or empty paper", where)
		}
		if strings.TrimSpace(q.Text) == "" {
			p.add(at.line("text"), 0, "%s: missing or empty text", where)
		}
		p.checkText(where, at, "paper", q.Paper)
		p.checkText(where, at, "text", q.Text)
	}

	if len(d.Cards) == 0 {
		p.add(lineRef{}, 0, "the deck has no cards")
	}
	var clean []bool
	if !p.checkAll {
		clean = cleanCards(f.Cards, questions)
	}
	cards := make(map[string]bool, len(f.Cards))
	for i := range d.Cards {
		c := &d.Cards[i]
		at := tableRef{sectCard, i}
		rc := &f.Cards[i]
		*c = Card{ID: rc.ID, Question: rc.Question, Kind: rc.Kind, Front: rc.Front, Back: rc.Back, Tags: rc.Tags}
		where := p.checkID("card", i, c.ID, at, cards)
		if clean != nil && clean[i] {
			// Nothing below has anything to say about it.
			c.Kind = KindBasic
			continue
		}
		switch {
		case c.Question == "":
			p.add(at.line(""), 0, "%s: missing question (the id of a [[question]])", where)
		case !questions[c.Question]:
			p.add(at.line("question"), 0, "%s: unknown question %q", where, c.Question)
		}
		if strings.TrimSpace(c.Front) == "" {
			p.add(at.line("front"), 0, "%s: missing or empty front", where)
		}
		if strings.TrimSpace(c.Back) == "" {
			p.add(at.line("back"), 0, "%s: missing or empty back", where)
		}
		p.checkText(where, at, "front", c.Front)
		p.checkText(where, at, "back", c.Back)
		for _, t := range c.Tags {
			if t == "" || strings.ContainsAny(t, " \t\n") {
				p.add(at.line("tags"), 0, "%s: tag %q: tags are single words", where, t)
			}
		}
		if c.Kind == "" {
			c.Kind = KindBasic
		}
		switch c.Kind {
		case KindBasic:
			if rc.Sim != nil {
				p.add(at.sim(""), 0, "%s: a basic card has a [card.sim]; set kind = \"derive\" or remove it", where)
			}
		case KindDerive:
			p.validateSim(c, rc.Sim, at, where)
		default:
			p.add(at.line("kind"), 0, "%s: unknown kind %q (want \"basic\" or \"derive\")", where, c.Kind)
		}
	}
	if len(p.errs) > 0 {
		return nil
	}
	return d
}

// cleanCards reports, for each card, whether the checks of the cards
// loop in validate other than checkID's find nothing wrong with it, and
// it is a basic card: the loop then has nothing more to do for it. Those
// checks read every byte of the card text, so they run on every core
// first (in twice as many parts as cores: a core whose part ends early
// takes another); a card with anything to report is checked again in the
// loop, which says what is wrong in file order.
func cleanCards(cards []rawCard, questions map[string]bool) []bool {
	clean := make([]bool, len(cards))
	check := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			clean[i] = cleanCard(&cards[i], questions)
		}
	}
	const minPart = 1024
	parts := max(1, min(2*runtime.GOMAXPROCS(0), len(cards)/minPart))
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		wg.Go(func() { check(p*len(cards)/parts, (p+1)*len(cards)/parts) })
	}
	check(0, len(cards)/parts)
	wg.Wait()
	return clean
}

// cleanCard is one card's part of cleanCards.
func cleanCard(rc *rawCard, questions map[string]bool) bool {
	if rc.Question == "" || !questions[rc.Question] ||
		strings.TrimSpace(rc.Front) == "" || strings.TrimSpace(rc.Back) == "" ||
		indexControl(rc.Front) >= 0 || indexControl(rc.Back) >= 0 {
		return false
	}
	for _, t := range rc.Tags {
		if t == "" || strings.ContainsAny(t, " \t\n") {
			return false
		}
	}
	return (rc.Kind == "" || rc.Kind == KindBasic) && rc.Sim == nil
}

// checkText refuses control characters other than newlines and tabs in text
// that is printed to a terminal: an escape sequence in a deck could clear
// the screen or retitle the window.
func (p *parser) checkText(where tableName, at tableRef, key, v string) {
	if i := indexControl(v); i >= 0 {
		r, _ := utf8.DecodeRuneInString(v[i:])
		p.add(at.line(key), 0, "%s: %s holds the control character %U", where, key, r)
	}
}

// indexControl is strings.IndexFunc(s, isControl), a byte at a time: in
// UTF-8 the control characters are the bytes below 0x20 and 0x7f, and
// U+0080..U+009F, which are 0xc2 followed by 0x80..0x9f. It skips eight
// bytes at a time while none of them is below 0x20, 0x7f or 0xc2.
func indexControl(s string) int {
	const lsb, msb = 0x0101010101010101, 0x8080808080808080
	i := 0
	for {
		for ; i+8 <= len(s); i += 8 {
			x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			below := (x - 0x20*lsb) &^ x & msb
			del, c2 := x^(0x7f*lsb), x^(0xc2*lsb)
			if below|(del-lsb)&^del&msb|(c2-lsb)&^c2&msb != 0 {
				break
			}
		}
		if i >= len(s) {
			return -1
		}
		// Look at the next eight bytes (or fewer, at the end) one by one.
		for end := min(i+8, len(s)); i < end; i++ {
			switch c := s[i]; {
			case c >= 0x20 && c < 0x7f:
			case c < 0x20 && c != '\n' && c != '\t' && c != '\r', c == 0x7f:
				return i
			case c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f:
				return i
			}
		}
	}
}

func isControl(r rune) bool {
	return r != '\n' && r != '\t' && r != '\r' && unicode.IsControl(r)
}

// checkID validates the id of the i-th table of a kind ("question" or
// "card"), records it in seen, and returns how messages name the table.
func (p *parser) checkID(kind string, i int, id string, at tableRef, seen map[string]bool) (where tableName) {
	where = tableName{kind, i, id}
	switch {
	case id == "":
		p.add(at.line(""), 0, "%s: missing or empty id", where)
	case !validID(id):
		p.add(at.line("id"), 0, "%s: bad id: use lowercase letters, digits and '-'", where)
	case seen[id]:
		p.add(at.line("id"), 0, "%s: duplicate %s id", where, kind)
	}
	seen[id] = true
	return where
}

// validateSim checks a derive card's [card.sim] and sets c.Sim from it.
func (p *parser) validateSim(c *Card, rs *rawSim, at tableRef, where tableName) {
	if rs == nil {
		p.add(at.line(""), 0, "%s: a derive card needs a [card.sim] table", where)
		return
	}
	s := &Sim{Kind: rs.Kind, Params: rs.Params}
	c.Sim = s
	s.Check = p.checkEntries(rs.Check, at, where)
	if s.Kind == "" {
		p.add(at.sim("kind"), 0, "%s: sim: missing kind", where)
		return
	}
	sims := simCheckerInUse()
	if sims == nil {
		p.add(at.sim("kind"), 0, "%s: sim: cannot check the simulation: this program gave deck no simulation checker (deck.UseSims)", where)
		return
	}
	if !sims.Known(s.Kind) {
		p.add(at.sim("kind"), 0, "%s: sim: unknown kind %q (known: %s)", where, s.Kind, strings.Join(sims.Kinds(), ", "))
		return
	}
	if err := sims.Validate(s.Kind, s.Params); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			p.add(at.sim("params"), 0, "%s: sim %s: %s", where, s.Kind, line)
		}
	}
	for _, name := range s.Names() {
		if err := sims.CheckOutput(s.Kind, name); err != nil {
			p.add(at.sim("check"), 0, "%s: sim %s: check %v", where, s.Kind, err)
		}
	}
}

// checkEntries turns a check as written (a string or an array of strings)
// into its entries, reporting a missing or empty check, an entry that is
// not an output name with an optional note, and a name given twice.
func (p *parser) checkEntries(v any, at tableRef, where tableName) []string {
	var entries []string
	switch v := v.(type) {
	case nil:
	case string:
		entries = []string{v}
	case []any:
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				p.add(at.sim("check"), 0, "%s: sim: check: want a string or an array of strings, found %v", where, e)
				return nil
			}
			entries = append(entries, s)
		}
	default:
		p.add(at.sim("check"), 0, "%s: sim: check: want a string or an array of strings, found %v", where, v)
		return nil
	}
	if len(entries) == 0 || len(entries) == 1 && strings.TrimSpace(entries[0]) == "" {
		p.add(at.sim("check"), 0, "%s: sim: missing or empty check (the name of an output of the simulation)", where)
		return nil
	}
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		name, _, ok := splitCheck(e)
		switch {
		case strings.ContainsFunc(e, unicode.IsControl):
			p.add(at.sim("check"), 0, "%s: sim: check %q holds a control character or a line break", where, e)
		case !ok:
			p.add(at.sim("check"), 0, "%s: sim: check %q: write the name of an output, optionally followed by \" — \" and a note", where, e)
		case seen[name]:
			p.add(at.sim("check"), 0, "%s: sim: check names %s twice", where, name)
		}
		seen[name] = true
	}
	return entries
}

// invalidUTF8 returns the 1-based line and column of the first byte that is
// not valid UTF-8.
func invalidUTF8(b []byte) (line, col int) {
	line, col = 1, 1
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			return line, col
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		b = b[size:]
	}
	return line, col
}

// positions records the lines of keys so that problems found after decoding
// can still name a line.
type positions struct {
	top       map[string]int
	options   map[string]int
	questions []tablePos
	cards     []tablePos
}

// tablePos is where one [[question]] or [[card]] table and its keys are.
type tablePos struct {
	header  int
	keys    map[string]int
	simHead int
	simKeys map[string]int
}

func (t tablePos) line(key string) int {
	if l, ok := t.keys[key]; ok {
		return l
	}
	return t.header
}

func (t tablePos) sim(key string) int {
	if l, ok := t.simKeys[key]; ok {
		return l
	}
	if t.simHead > 0 {
		return t.simHead
	}
	if l, ok := t.keys["sim"]; ok { // sim = { ... } inline
		return l
	}
	return t.header
}

func (ps positions) question(i int) tablePos {
	if i < len(ps.questions) {
		return ps.questions[i]
	}
	return tablePos{}
}

func (ps positions) card(i int) tablePos {
	if i < len(ps.cards) {
		return ps.cards[i]
	}
	return tablePos{}
}

// index walks the document once more with the low-level parser to find the
// line of every table header and key. The document already decoded, so
// parse errors here cannot happen; if one does, lines are left unknown.
func index(data []byte) positions {
	ps := positions{top: map[string]int{}, options: map[string]int{}}
	var pr unstable.Parser
	pr.Reset(data)
	lc := lineCounter{data: data, line: 1}
	cur := ps.top
	var curTable *tablePos
	for pr.NextExpression() {
		e := pr.Expression()
		switch e.Kind {
		case unstable.ArrayTable, unstable.Table:
			key := joinKey(e.Key())
			line := lc.lineOf(e.Key())
			curTable = nil
			switch {
			case e.Kind == unstable.ArrayTable && key == "card":
				ps.cards = append(ps.cards, tablePos{header: line, keys: map[string]int{}})
				curTable = &ps.cards[len(ps.cards)-1]
				cur = curTable.keys
			case e.Kind == unstable.ArrayTable && key == "question":
				ps.questions = append(ps.questions, tablePos{header: line, keys: map[string]int{}})
				curTable = &ps.questions[len(ps.questions)-1]
				cur = curTable.keys
			case key == "card.sim" && len(ps.cards) > 0:
				c := &ps.cards[len(ps.cards)-1]
				c.simHead = line
				c.simKeys = map[string]int{}
				cur = c.simKeys
			case key == "options":
				cur = ps.options
			default:
				cur = map[string]int{}
			}
		case unstable.KeyValue:
			it := e.Key()
			if it.Next() {
				k := string(it.Node().Data)
				if _, seen := cur[k]; !seen {
					cur[k] = lc.lineOf(e.Key())
				}
			}
		}
	}
	return ps
}

func joinKey(it unstable.Iterator) string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return strings.Join(parts, ".")
}

// lineOf returns the 1-based line of the first key part, or 0 when its bytes
// are not part of the document (a quoted key with escapes is decoded into a
// fresh buffer).
//
// Keys come in document order, so it counts newlines on from the previous
// key rather than from the start: one pass over the file in all, not one
// per key (a 10k-card deck has 60k keys).
func (lc *lineCounter) lineOf(it unstable.Iterator) int {
	if !it.Next() {
		return 0
	}
	data := lc.data
	b := it.Node().Data
	off := cap(data) - cap(b)
	if len(b) == 0 || off < 0 || off+len(b) > len(data) || &data[off] != &b[0] {
		return 0
	}
	if off < lc.off {
		lc.off, lc.line = 0, 1
	}
	lc.line += bytes.Count(data[lc.off:off], []byte{'\n'})
	lc.off = off
	return lc.line
}

// lineCounter remembers the line of the last offset lineOf looked up.
type lineCounter struct {
	data []byte
	off  int // an offset into data
	line int // the 1-based line of off
}
