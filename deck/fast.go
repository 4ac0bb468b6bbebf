package deck

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"
	"unsafe"

	"github.com/pelletier/go-toml/v2/unstable"
)

// decodeFast decodes a deck file of the plain shape deck files have into
// f, in one pass of go-toml's low-level parser and without reflection.
// It reports false, leaving f to be thrown away, at anything it does not
// handle itself: text that is not UTF-8 (go-toml's parser refuses it in
// strings and comments, the only places where TOML allows bytes past
// ASCII, so the text is not checked again first), a syntax error, an unknown or
// repeated key or table, a dotted key, a value of another type than its
// field's, a date, an integer or float written in any but the plain
// decimal way. Parse then reports text that is not UTF-8, or decodes the
// file with go-toml's decoder, which reports the problems such a file has,
// or decodes the rare valid file this does not take; when
// decodeFast reports true, f is what that decoder would have made
// (TestDecodeFast_SameAsGoTOML and FuzzDecodeFast hold it to that).
//
// A large file is cut at [[card]] headers into parts decoded on every core
// at once (TestDecodeFast_Parts); a cut that falls inside a string makes its
// parts fail, and the file is decoded whole. There are twice as many parts
// as cores: a core that ends its part early (the other one was taken by
// other work meanwhile, such as the import's hashing the file) takes
// another.
func decodeFast(data []byte, shared bool, f *file) bool {
	return decodeFastParts(data, shared, f, 2*runtime.GOMAXPROCS(0))
}

// decodeFastParts is decodeFast decoding a large document in up to n
// parts at once.
func decodeFastParts(data []byte, shared bool, f *file, n int) bool {
	if parts := splitCards(data, n); len(parts) > 1 && decodeParts(data, shared, parts, f) {
		return true
	}
	*f = file{}
	ok, _ := decodeChunk(data, shared, f)
	return ok
}

// splitCards cuts a large document into up to n parts of about equal size
// at lines that start with "[[card]]", returned as the offsets where the
// second and later parts start (and where the last part ends), or one part
// for a small document.
func splitCards(data []byte, n int) []int {
	const minPart = 256 << 10
	n = min(n, len(data)/minPart, 4)
	if n < 2 {
		return []int{len(data)}
	}
	cuts := make([]int, 0, n)
	from := 0
	for i := 1; i < n; i++ {
		j := bytes.Index(data[max(from, i*len(data)/n):], []byte("\n[[card]]"))
		if j < 0 {
			break
		}
		from = max(from, i*len(data)/n) + j + 1
		cuts = append(cuts, from)
	}
	return append(cuts, len(data))
}

// decodeParts decodes the parts of data that ends (from splitCards) on every
// core, and joins them into f. A part that fails, for instance because a
// cut fell inside a multi-line string, fails it all. Each part but the first
// starts with a [[card]] header, so it holds no top-level keys, and only
// [[card]], [[question]] and [options] tables, which join in order.
func decodeParts(data []byte, shared bool, ends []int, f *file) bool {
	files := make([]file, len(ends))
	oks := make([]bool, len(ends))
	options := make([]bool, len(ends)) // whether the part has [options]
	var wg sync.WaitGroup
	for i := 1; i < len(ends); i++ {
		wg.Go(func() { oks[i], options[i] = decodeChunk(data[ends[i-1]:ends[i]], shared, &files[i]) })
	}
	oks[0], options[0] = decodeChunk(data[:ends[0]], shared, &files[0])
	wg.Wait()
	*f = files[0]
	nq, nc := 0, 0
	for i := range files {
		if !oks[i] {
			return false
		}
		nq += len(files[i].Questions)
		nc += len(files[i].Cards)
	}
	f.Questions = make([]Question, 0, nq)
	f.Cards = make([]rawCard, 0, nc)
	for i := range files {
		if i > 0 && options[i] {
			if options[0] {
				return false // [options] twice: go-toml reports it
			}
			options[0] = true
			f.Options = files[i].Options
		}
		f.Questions = append(f.Questions, files[i].Questions...)
		f.Cards = append(f.Cards, files[i].Cards...)
	}
	if len(f.Questions) == 0 {
		f.Questions = nil
	}
	if len(f.Cards) == 0 {
		f.Cards = nil
	}
	return true
}

// decodeChunk decodes data, the whole document or a part of it, into f,
// and says whether it holds an [options] table. The strings in f share a
// copy of data, or with shared set data itself.
func decodeChunk(data []byte, shared bool, f *file) (ok, options bool) {
	d := &fastDecoder{data: data}
	if shared {
		d.str = unsafe.String(unsafe.SliceData(data), len(data))
	} else {
		d.str = string(data)
	}
	var p unstable.Parser
	p.Reset(data)
	if n := bytes.Count(data, []byte("[[card]]")); n > 0 {
		f.Cards = make([]rawCard, 0, n)
	}
	const (
		inTop = iota
		inOptions
		inQuestion
		inCard
		inSim
	)
	in := inTop
	var seen uint16 // the keys of the current table met so far, by bit
	var optionsSeen bool
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			it := e.Key()
			if !it.Next() {
				return false, false
			}
			first := it.Node().Data
			var second []byte
			if it.Next() {
				second = it.Node().Data
				if it.Next() {
					return false, false
				}
			}
			switch {
			case e.Kind == unstable.ArrayTable && second == nil && string(first) == "card":
				f.Cards = append(f.Cards, rawCard{})
				in = inCard
			case e.Kind == unstable.ArrayTable && second == nil && string(first) == "question":
				f.Questions = append(f.Questions, Question{})
				in = inQuestion
			case e.Kind == unstable.Table && second == nil && string(first) == "options" && !optionsSeen:
				optionsSeen = true
				in = inOptions
			case e.Kind == unstable.Table && in == inCard && string(first) == "card" && string(second) == "sim":
				f.Cards[len(f.Cards)-1].Sim = &rawSim{}
				in = inSim
			default:
				return false, false
			}
			seen = 0
		case unstable.KeyValue:
			it := e.Key()
			if !it.Next() {
				return false, false
			}
			key := it.Node().Data
			if it.Next() {
				return false, false // a dotted key
			}
			v := e.Value()
			var bit uint16
			var ok bool
			switch in {
			case inTop:
				bit, ok = d.top(f, key, v)
			case inOptions:
				bit, ok = d.options(&f.Options, key, v)
			case inQuestion:
				bit, ok = d.question(&f.Questions[len(f.Questions)-1], key, v)
			case inCard:
				bit, ok = d.card(&f.Cards[len(f.Cards)-1], key, v)
			case inSim:
				bit, ok = d.sim(f.Cards[len(f.Cards)-1].Sim, key, v)
			}
			if !ok || seen&bit != 0 {
				return false, false
			}
			seen |= bit
		default:
			return false, false
		}
	}
	if len(f.Cards) == 0 {
		f.Cards = nil // the count above also counted "[[card]]" in strings
	}
	return p.Error() == nil, optionsSeen
}

type fastDecoder struct {
	data []byte
	str  string // data as a string: values that are bytes of data share it
}

func (d *fastDecoder) top(f *file, key []byte, v *unstable.Node) (uint16, bool) {
	switch string(key) {
	case "format":
		n, ok := d.int(v)
		f.Format = &n
		return 1, ok
	case "id":
		return 2, d.setString(&f.ID, v)
	case "title":
		return 4, d.setString(&f.Title, v)
	case "language":
		return 8, d.setString(&f.Language, v)
	}
	return 0, false
}

func (d *fastDecoder) options(o *rawOptions, key []byte, v *unstable.Node) (uint16, bool) {
	switch string(key) {
	case "desired_retention":
		x, ok := d.float(v)
		o.DesiredRetention = &x
		return 1, ok
	case "new_per_day":
		n, ok := d.int(v)
		o.NewPerDay = &n
		return 2, ok
	case "reviews_per_day":
		n, ok := d.int(v)
		o.ReviewsPerDay = &n
		return 4, ok
	case "new_order":
		var s string
		ok := d.setString(&s, v)
		o.NewOrder = &s
		return 8, ok
	}
	return 0, false
}

func (d *fastDecoder) question(q *Question, key []byte, v *unstable.Node) (uint16, bool) {
	switch string(key) {
	case "id":
		return 1, d.setString(&q.ID, v)
	case "paper":
		return 2, d.setString(&q.Paper, v)
	case "text":
		return 4, d.setString(&q.Text, v)
	}
	return 0, false
}

func (d *fastDecoder) card(c *rawCard, key []byte, v *unstable.Node) (uint16, bool) {
	switch string(key) {
	case "id":
		return 1, d.setString(&c.ID, v)
	case "question":
		return 2, d.setString(&c.Question, v)
	case "kind":
		return 4, d.setString(&c.Kind, v)
	case "front":
		return 8, d.setString(&c.Front, v)
	case "back":
		return 16, d.setString(&c.Back, v)
	case "tags":
		if v.Kind != unstable.Array {
			return 0, false
		}
		n := 0
		for it := v.Children(); it.Next(); {
			n++
		}
		c.Tags = make([]string, 0, n)
		for it := v.Children(); it.Next(); {
			t := it.Node()
			if t.Kind != unstable.String {
				return 0, false
			}
			c.Tags = append(c.Tags, d.string(t.Data))
		}
		return 32, true
	}
	return 0, false
}

func (d *fastDecoder) sim(s *rawSim, key []byte, v *unstable.Node) (uint16, bool) {
	switch string(key) {
	case "kind":
		return 1, d.setString(&s.Kind, v)
	case "params":
		if v.Kind != unstable.InlineTable {
			return 0, false
		}
		m, ok := d.table(v)
		s.Params = m
		return 2, ok
	case "check":
		x, ok := d.value(v)
		s.Check = x
		return 4, ok
	}
	return 0, false
}

// value decodes a value as go-toml decodes it into an interface{}.
func (d *fastDecoder) value(v *unstable.Node) (any, bool) {
	switch v.Kind {
	case unstable.String:
		return d.string(v.Data), true
	case unstable.Integer:
		n, ok := plainInt(v.Data)
		return n, ok
	case unstable.Float:
		return plainFloat(v.Data)
	case unstable.Bool:
		return v.Data[0] == 't', true
	case unstable.Array:
		out := []any{}
		for it := v.Children(); it.Next(); {
			x, ok := d.value(it.Node())
			if !ok {
				return nil, false
			}
			out = append(out, x)
		}
		return out, true
	case unstable.InlineTable:
		return d.table(v)
	}
	return nil, false
}

// table decodes an inline table of plain keys into a map.
func (d *fastDecoder) table(v *unstable.Node) (map[string]any, bool) {
	m := map[string]any{}
	for it := v.Children(); it.Next(); {
		kv := it.Node()
		if kv.Kind != unstable.KeyValue {
			return nil, false
		}
		k := kv.Key()
		if !k.Next() {
			return nil, false
		}
		name := string(k.Node().Data)
		if k.Next() {
			return nil, false
		}
		if _, dup := m[name]; dup {
			return nil, false
		}
		x, ok := d.value(kv.Value())
		if !ok {
			return nil, false
		}
		m[name] = x
	}
	return m, true
}

func (d *fastDecoder) setString(dst *string, v *unstable.Node) bool {
	if v.Kind != unstable.String {
		return false
	}
	*dst = d.string(v.Data)
	return true
}

// string returns b as a string, sharing d.str when b is bytes of the
// document (a string without escapes) rather than a decoded copy.
func (d *fastDecoder) string(b []byte) string {
	off := cap(d.data) - cap(b)
	if len(b) > 0 && off >= 0 && off+len(b) <= len(d.data) && &d.data[off] == &b[0] {
		return d.str[off : off+len(b)]
	}
	return string(b)
}

func (d *fastDecoder) int(v *unstable.Node) (int, bool) {
	if v.Kind != unstable.Integer {
		return 0, false
	}
	n, ok := plainInt(v.Data)
	return int(n), ok && int64(int(n)) == n
}

func (d *fastDecoder) float(v *unstable.Node) (float64, bool) {
	if v.Kind != unstable.Float {
		return 0, false
	}
	return plainFloat(v.Data)
}

// plainInt parses a decimal integer without underscores: [+-]digits, no
// leading zero.
func plainInt(b []byte) (int64, bool) {
	digits := b
	if len(digits) > 0 && (digits[0] == '+' || digits[0] == '-') {
		digits = digits[1:]
	}
	if !allDigits(digits) || len(digits) > 1 && digits[0] == '0' {
		return 0, false
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	return n, err == nil
}

// plainFloat parses a float written [+-]int[.digits][e[+-]digits], with an
// integer part as plainInt's, no underscores, and a fraction or an exponent.
func plainFloat(b []byte) (float64, bool) {
	s := b
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	i := digitRun(s)
	if i == 0 || i > 1 && s[0] == '0' {
		return 0, false
	}
	s = s[i:]
	frac := len(s) > 0 && s[0] == '.'
	if frac {
		i := digitRun(s[1:])
		if i == 0 {
			return 0, false
		}
		s = s[1+i:]
	}
	exp := len(s) > 0 && (s[0] == 'e' || s[0] == 'E')
	if exp {
		s = s[1:]
		if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
			s = s[1:]
		}
		i := digitRun(s)
		if i == 0 {
			return 0, false
		}
		s = s[i:]
	}
	if len(s) > 0 || !frac && !exp {
		return 0, false
	}
	x, err := strconv.ParseFloat(string(b), 64)
	return x, err == nil
}

func digitRun(b []byte) int {
	for i, c := range b {
		if c < '0' || c > '9' {
			return i
		}
	}
	return len(b)
}

func allDigits(b []byte) bool { return len(b) > 0 && digitRun(b) == len(b) }
