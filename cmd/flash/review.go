package main

import (
	"bufio"
	"fmt"
	"github.com/flash-srs/flash/cmd/flash/internal/screen"
	"github.com/flash-srs/flash/cmd/flash/internal/show"
	"io"
	"os"
	"strings"

	"github.com/flash-srs/flash/cmd/flash/internal/flags"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/session"
	"github.com/flash-srs/flash/scheduler/stats"
	"github.com/flash-srs/flash/storage"
	"github.com/flash-srs/flash/storage/safefile"
	"github.com/open-spaced-repetition/go-fsrs/v3"
	"golang.org/x/term"
)

func cmdReview(fs *flags.FlagSet, e *env) func([]string) error {
	deckID := fs.String("deck", "", "study only the deck `ID`")
	questions := fs.StringArray("question", nil, "study only the cards of exam question `ID` (repeat for several)")
	tag := fs.String("tag", "", "study only the cards with tag `TAG`")
	ahead := fs.Bool("ahead", false, "study cards that are not due yet, lowest predicted recall (on the exam day) first")
	plain := fs.Bool("plain", false, "line mode for scripts, tests and screen readers")
	return func(pos []string) error {
		if len(pos) > 0 {
			return usagef("review: unexpected argument %q", pos[0])
		}
		return review(e, session.Options{Deck: *deckID, Questions: *questions, Tag: *tag, Ahead: *ahead}, *plain)
	}
}

func review(e *env, o session.Options, plain bool) error {
	if !plain && !(isTerminal(e.stdin) && isTerminal(e.stdout)) {
		return fmt.Errorf("review needs a terminal on stdin and stdout; use 'flash review --plain' for line mode")
	}
	st, err := openForReview(e)
	if err != nil {
		return err
	}
	defer st.Close()
	decks, err := ensureDeck(st, e.now(), e.stderr)
	if err != nil {
		return err
	}
	var s *session.Session
	err = withGC(queueGC, func() (err error) {
		s, err = session.Open(st, decks, o, e.now)
		return err
	})
	if err != nil {
		return err
	}
	s.Backups = dailyBackup(st)
	if plain {
		s.Backups.Warn = func(err error) { fmt.Fprintln(e.stderr, "flash: warning:", err) }
		err = reviewPlain(s, e.stdin, e.stdout)
	} else {
		err = screen.Review(s, e.stdout, e.stderr, func() error { return reviewPlain(s, e.stdin, e.stdout) })
		for _, w := range s.Backups.Failed() {
			fmt.Fprintln(e.stderr, "flash: warning:", w)
		}
	}
	if err == nil {
		// The exam plans of the day and the days ahead, for the next
		// sessions to start from.
		s.BeforePlanning = collectBeforePlans
		if err := s.SavePlans(); err != nil {
			fmt.Fprintln(e.stderr, "flash: warning:", err)
		}
		// The summary of the log's older part, for flash stats.
		if err := stats.Summarize(st, e.now()); err != nil {
			fmt.Fprintln(e.stderr, "flash: warning:", err)
		}
	}
	return err
}

// dailyBackup returns the daily backup of st: session decides when, and
// storage writes it (not checking every record: that is slow on a large
// database and the first rating of the day waits for it).
func dailyBackup(st *storage.Store) *session.DailyBackup {
	return session.NewDailyBackup(st.Path(), func(name string) error {
		_, err := st.WriteBackup(name, safefile.Options{}, false)
		return err
	})
}

func openForReview(e *env) (*storage.Store, error) {
	path, err := e.dbPath()
	if err != nil {
		return nil, err
	}
	return storage.Open(path, storage.Options{})
}

func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// reviewPlain is the line mode: it prints the front, waits for a line,
// prints the back and the four intervals, and reads a rating: 1-4, u to
// undo, q to quit. End of input ends the session cleanly. Every rating is
// on disk before "saved:" is printed for it.
func reviewPlain(s *session.Session, in io.Reader, out io.Writer) error {
	p := &plain{s: s, in: bufio.NewScanner(in), out: out}
	p.in.Buffer(make([]byte, 64<<10), 1<<20)
	err := p.loop()
	p.printSummary()
	if err == nil && p.in.Err() != nil {
		err = fmt.Errorf("read input: %w", p.in.Err())
	}
	return err
}

type plain struct {
	s   *session.Session
	in  *bufio.Scanner
	out io.Writer
}

// read returns the next input line, trimmed, and false at end of input.
func (p *plain) read() (string, bool) {
	if !p.in.Scan() {
		return "", false
	}
	return strings.TrimSpace(p.in.Text()), true
}

func (p *plain) loop() error {
	var cur *session.Card
	for {
		if cur == nil {
			var ok bool
			var err error
			cur, ok, err = p.s.Next()
			if err != nil {
				return err
			}
			if !ok {
				return nil
			}
		}
		next, quit, err := p.card(cur)
		if err != nil || quit {
			return err
		}
		cur = next
	}
}

// card shows one card and handles input until it is rated, undone or the
// session ends. It returns the card to show next (nil: ask the queue).
func (p *plain) card(cur *session.Card) (next *session.Card, quit bool, err error) {
	c := p.s.Counts()
	note := ""
	if pl, ok := p.s.Exam(cur.State.Deck); ok {
		if h := show.ExamHeader(pl, p.s.Now()); h != "" {
			note = " · " + h
		}
	}
	fmt.Fprintf(p.out, "\n== %s · %s  [new %d · learning %d · review %d]%s\n",
		shown(cur.Deck.Title), cur.Card.ID, c.New, c.Learning, c.Review, note)
	if cur.Question.Text != "" {
		fmt.Fprintf(p.out, "Question %s (%s): %s\n", cur.Question.ID, shown(cur.Question.Paper), shown(cur.Question.Text))
	}
	fmt.Fprintf(p.out, "Q: %s\n", shown(strings.TrimSpace(cur.Card.Front)))

	var answer string
	if cur.Card.Sim != nil {
		fmt.Fprintln(p.out, "Your answer (end with an empty line; u undo, q quit):")
		var lines []string
		for {
			line, ok := p.read()
			if !ok {
				return nil, true, nil
			}
			if len(lines) == 0 && (line == "q" || line == "u") {
				return p.command(line)
			}
			if line == "" {
				break
			}
			lines = append(lines, line)
		}
		answer = strings.Join(lines, "\n")
		fmt.Fprintln(p.out, shown(deriveReport(cur.Card, answer)))
	} else {
		fmt.Fprintln(p.out, "(Enter: show the answer · u undo · q quit)")
		line, ok := p.read()
		if !ok {
			return nil, true, nil
		}
		if line == "q" || line == "u" {
			return p.command(line)
		}
	}
	fmt.Fprintf(p.out, "A: %s\n", shown(strings.TrimSpace(cur.Card.Back)))
	fmt.Fprintln(p.out, ratingLine(cur.Preview))
	for {
		fmt.Fprintln(p.out, "rating [1-4, u undo, q quit]:")
		line, ok := p.read()
		if !ok {
			return nil, true, nil
		}
		switch line {
		case "1", "2", "3", "4":
			r := fsrs.Rating(line[0] - '0')
			rev, err := p.s.Rate(cur, r, answer)
			if err != nil {
				return nil, true, err
			}
			fmt.Fprintf(p.out, "saved: %s %s, due in %s\n", cur.Item.Key, r, scheduler.FormatInterval(rev.After.Due.Sub(rev.At)))
			if rev.Leech {
				fmt.Fprintf(p.out, "leech: %s lapsed %d times; it is suspended and flagged (flash unsuspend %s)\n",
					cur.Card.ID, rev.After.Lapses, cur.Item.Key)
			}
			return nil, false, nil
		case "u", "q":
			return p.command(line)
		default:
			fmt.Fprintf(p.out, "unknown input %q\n", line)
		}
	}
}

// command handles u and q typed at any prompt.
func (p *plain) command(line string) (*session.Card, bool, error) {
	if line == "q" {
		return nil, true, nil
	}
	if !p.s.CanUndo() {
		fmt.Fprintln(p.out, "nothing to undo")
		return nil, false, nil
	}
	cur, err := p.s.Undo()
	if err != nil {
		return nil, true, err
	}
	fmt.Fprintf(p.out, "undone: %s\n", cur.Item.Key)
	return cur, false, nil
}

// shown makes deck text safe to print on a terminal: control characters
// other than newline and tab (ESC could start a sequence that retitles the
// window or rewrites the screen) become their Unicode control pictures
// (␛, ␇) or, for the C1 range, U+FFFD; carriage returns (a deck written
// with CRLF line ends) are dropped.
func shown(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return -1
		case r < 0x20:
			return 0x2400 + r
		case r == 0x7f:
			return '␡'
		case r >= 0x80 && r < 0xa0:
			return '\uFFFD'
		}
		return r
	}, s)
}

// ratingLine renders the four buttons with the interval each would give.
func ratingLine(pv [4]scheduler.Outcome) string {
	names := [4]string{"Again", "Hard", "Good", "Easy"}
	parts := make([]string, 4)
	for i := range pv {
		parts[i] = fmt.Sprintf("%d %s (%s)", i+1, names[i], scheduler.FormatInterval(pv[i].Interval))
	}
	return strings.Join(parts, " · ")
}

func (p *plain) printSummary() {
	sum := p.s.Summary()
	fmt.Fprintln(p.out, show.Summary(sum, p.s.Now()))
}
