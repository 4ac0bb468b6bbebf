package flags

import (
	"fmt"
	"strings"
)

// UnquoteUsage returns the name of f's value and f's usage without the
// backquotes: for "the deck `ID`" it returns "ID" and "the deck ID". With
// no backquoted word the name is the value's type ("float" for float64),
// and "" for a boolean flag, which takes no value.
func UnquoteUsage(f *Flag) (name, usage string) {
	before, rest, ok := strings.Cut(f.Usage, "`")
	if ok {
		if name, after, ok := strings.Cut(rest, "`"); ok {
			return name, before + name + after
		}
	}
	switch t := f.Value.Type(); t {
	case "bool":
		return "", f.Usage
	case "float64":
		return "float", f.Usage
	default:
		return t, f.Usage
	}
}

// FlagUsages returns the help for every flag, one flag a line in the
// order they were declared:
//
//	-h, --help        print this help
//	    --deck ID     study only the deck ID
//
// with the usages in one column, wrapped to width columns, and each
// default that is not its type's zero value after the usage.
func (fs *FlagSet) FlagUsages(width int) string {
	heads := make([]string, len(fs.flags))
	col := 0
	for i, f := range fs.flags {
		head := "      --" + f.Name
		if f.Shorthand != "" {
			head = "  -" + f.Shorthand + ", --" + f.Name
		}
		if name, _ := UnquoteUsage(f); name != "" {
			head += " " + name
		}
		heads[i] = head
		col = max(col, len(head))
	}
	col += 3 // at least three spaces between the longest head and its usage
	var b strings.Builder
	for i, f := range fs.flags {
		_, usage := UnquoteUsage(f)
		if !f.defaultIsZero() {
			if f.Value.Type() == "string" {
				usage += fmt.Sprintf(" (default %q)", f.DefValue)
			} else {
				usage += fmt.Sprintf(" (default %s)", f.DefValue)
			}
		}
		b.WriteString(heads[i])
		b.WriteString(strings.Repeat(" ", col-len(heads[i])))
		b.WriteString(wrap(usage, col, width))
		b.WriteString("\n")
	}
	return b.String()
}

// defaultIsZero reports whether f's default is its type's zero value,
// which help leaves out.
func (f *Flag) defaultIsZero() bool {
	if f.Value.Type() == "string" {
		return f.DefValue == ""
	}
	switch f.DefValue {
	case "", "false", "0", "[]":
		return true
	}
	return false
}

// wrap breaks text into lines for a column that starts at indent in a
// line of width columns. A line ends at the last space before width-5,
// unless the rest of the text fits within width, so that the last line is
// no short orphan. When the column has fewer than 24 columns the text
// starts on its own line, at 16; when even that is too narrow, it is not
// wrapped at all. Lengths are counted in bytes, as pflag did: a line with
// non-ASCII letters comes out shorter, never wider.
func wrap(text string, indent, width int) string {
	const minRoom, slop = 24, 5
	var b strings.Builder
	if width-indent < minRoom {
		indent = 16
		if width-indent < minRoom {
			return text
		}
		b.WriteString("\n" + strings.Repeat(" ", indent))
	}
	room := width - indent
	for {
		if len(text) < room {
			b.WriteString(text)
			break
		}
		cut := strings.LastIndexByte(text[:room-slop], ' ')
		if cut <= 0 {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:cut])
		text = text[cut+1:]
		if text == "" {
			break
		}
		b.WriteString("\n" + strings.Repeat(" ", indent))
	}
	return b.String()
}
