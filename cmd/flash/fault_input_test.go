package main

import (
	"github.com/flash-srs/flash/cmd/flash/internal/flashtest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/flash-srs/flash/deck"
	"github.com/flash-srs/flash/storage"
)

// Bad input everywhere: odd text in cards through both review modes, odd
// terminals through the real binary, and arbitrary keyboard input to the
// line mode (FuzzReviewPlain). FuzzParse (package deck) and FuzzParseInput
// (package sims, the `flash sim --in` JSON) cover the two file formats.

// TestOddText_Plain rates every odd card in the line mode: nothing breaks,
// every back is printed whole.
func TestOddText_Plain(t *testing.T) {
	src := flashtest.OddDeck()
	if _, err := deck.Parse("odd.toml", []byte(src)); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "flash.db")
	if r := runFlash(t, "", clock(fixedNow), "--db", db, "import", writeFile(t, "odd.toml", src)); r.code != 0 {
		t.Fatal(r.stderr)
	}
	cards := flashtest.OddCards()
	r := runFlash(t, strings.Repeat("\n4\n", len(cards)), clock(fixedNow), "--db", db, "review", "--plain")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, c := range cards {
		if !strings.Contains(r.stdout, "A: "+strings.TrimSpace(c.Back)+"\n") {
			t.Errorf("the back of %s is not printed whole", c.ID)
		}
		if !strings.Contains(r.stdout, "saved: odd/"+c.ID+" Easy") {
			t.Errorf("%s not rated", c.ID)
		}
	}

	// An input line over the line mode's 1 MiB limit ends the session with
	// the summary and an error saying why.
	r = runFlash(t, "\n"+strings.Repeat("4", 2<<20)+"\n4\n", clock(fixedNow), "--db", importSmall(t), "review", "--plain")
	if r.code != 1 || strings.Contains(r.stdout, "saved:") || !strings.Contains(r.stdout, "Reviewed 0 cards") ||
		!strings.Contains(r.stderr, "flash: read input: bufio.Scanner: token too long") {
		t.Errorf("a 2 MiB input line: exit %d, stderr %q\n%.500s", r.code, r.stderr, r.stdout)
	}
}

// TestOddText_ControlCharacters: a deck holding control characters (TOML's
// \u001b) is refused at import, naming each place, so a card cannot send
// escape sequences to the learner's terminal; carriage returns (a deck saved
// with CRLF line ends) are allowed and never reach stdout.
func TestOddText_ControlCharacters(t *testing.T) {
	src := strings.NewReplacer(
		`front = "Front A"`, `front = "Front A \u001b]0;PWNED\u0007 \u001b[2J"`,
		`back = "Back A"`, `back = "Back A \u007f"`,
		`text = "Q?"`, `text = "Q? \u001b[5mblink"`,
		`title = "Small deck"`, `title = "Small \u009b31m deck"`,
	).Replace(smallDeck)
	db := filepath.Join(t.TempDir(), "flash.db")
	file := writeFile(t, "ctl.toml", src)
	r := runFlash(t, "", clock(fixedNow), "--db", db, "import", file)
	if r.code != 1 {
		t.Fatalf("import of control characters: exit %d", r.code)
	}
	for _, want := range []string{
		file + `:3: title holds the control character U+009B`,
		file + `:8: question "q": text holds the control character U+001B`,
		file + `:13: card "a": front holds the control character U+001B`,
		file + `:14: card "a": back holds the control character U+007F`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}

	crlf := strings.ReplaceAll(strings.Replace(smallDeck, `back = "Back A"`, "back = \"\"\"\nBack A\nline 2\"\"\"", 1), "\n", "\r\n")
	if r := runFlash(t, "", clock(fixedNow), "--db", db, "import", writeFile(t, "crlf.toml", crlf)); r.code != 0 {
		t.Fatalf("import of a CRLF deck: %s", r.stderr)
	}
	r = runFlash(t, "\n4\n", clock(fixedNow), "--db", db, "review", "--plain")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, c := range r.stdout {
		if (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c < 0xa0) {
			t.Fatalf("control character %U on stdout:\n%q", c, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "A: Back A\nline 2\n") {
		t.Errorf("the CRLF back is not printed as two lines:\n%s", r.stdout)
	}
}

// TestE2E_OddTerminals starts `flash review` on pseudo-terminals that are
// odd: no TERM at all, an unknown TERM, TERM=dumb at 20×5, a monochrome
// vt100, and a 20×5 xterm. Each shows the line mode or a screen (for 20×5
// the note asking for a bigger one), quits cleanly with status 0 and prints
// no Go panic.
func TestE2E_OddTerminals(t *testing.T) {
	bin := flashBinary(t)
	for _, tc := range []struct {
		name       string
		term       string // "" leaves TERM unset
		cols, rows uint16
	}{
		{"TERM unset", "", 80, 24},
		{"TERM unknown", "no-such-terminal-xyz", 80, 24},
		{"dumb 20x5", "dumb", 20, 5},
		{"vt100", "vt100", 80, 24},
		{"xterm 20x5", "xterm-256color", 20, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, "--db", filepath.Join(t.TempDir(), "flash.db"), "review")
			cmd.Env = []string{"HOME=" + t.TempDir(), "LANG=C.UTF-8", "TZ=UTC", "PATH=" + os.Getenv("PATH")}
			if tc.term != "" {
				cmd.Env = append(cmd.Env, "TERM="+tc.term)
			}
			f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: tc.rows, Cols: tc.cols})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			defer cmd.Process.Kill()
			term := newVT(int(tc.cols), int(tc.rows))
			var mu sync.Mutex
			var raw strings.Builder
			go func() {
				buf := make([]byte, 4096)
				for {
					n, err := f.Read(buf)
					mu.Lock()
					raw.Write(buf[:n])
					mu.Unlock()
					term.write(buf[:n])
					if err != nil {
						return
					}
				}
			}()
			output := func() string {
				mu.Lock()
				defer mu.Unlock()
				return raw.String() + "\n" + term.String()
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()

			deadline := time.Now().Add(10 * time.Second)
			lineMode := false
			for {
				s := output()
				if strings.Contains(s, "(Enter: show the answer") {
					lineMode = true
					break
				}
				if strings.Contains(s, "Show answer") || strings.Contains(s, "terminal is") {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("neither the line mode nor a screen after 10 s:\n%s", s)
				}
				time.Sleep(10 * time.Millisecond)
			}
			if lineMode {
				f.WriteString("q\n")
			} else {
				f.WriteString("\x03") // Ctrl-C, a key on the screen: quit at once
			}
			select {
			case err := <-exited:
				if err != nil {
					t.Errorf("exit: %v\n%s", err, output())
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("flash did not quit (line mode %v):\n%s", lineMode, output())
			}
			if s := output(); strings.Contains(s, "goroutine ") || strings.Contains(s, "panic") {
				t.Errorf("output holds a Go panic:\n%s", s)
			}
			t.Logf("line mode: %v", lineMode)
		})
	}
}

// fuzzDeck is the deck of FuzzReviewPlain: basic cards and a derive card
// with a small simulation.
const fuzzDeck = `format = 1
id = "fz"
title = "Fuzz"

[options]
new_per_day = 5

[[question]]
id = "q"
paper = "P"
text = "Q?"

[[card]]
id = "a"
question = "q"
front = "Front A"
back = "Back A"

[[card]]
id = "b"
question = "q"
front = "Front B"
back = "Back B"

[[card]]
id = "d"
question = "q"
kind = "derive"
front = "Derive"
back = "tau = 1"
[card.sim]
kind = "ntk-decay"
params = { n = 2, K = [[4.0, 0.0], [0.0, 1.0]], y = [1.0, 1.0], f0 = [0.0, 0.0], eta = 0.2 }
check = "tau_slow"

[[card]]
id = "c"
question = "q"
front = "Front C"
back = "Back C"
`

// FuzzReviewPlain types arbitrary input into `flash review --plain` with a
// clock that moves on by step seconds at every look (so that learning
// cards come back): the session must end cleanly at end of input and leave
// a database that passes the check, with every card's state the After of
// its last rating.
func FuzzReviewPlain(f *testing.F) {
	f.Add([]byte("\n3\n\n1\n42\n\n2\nu\n\n4\nq\n"), uint16(30))
	f.Add([]byte("u\nu\n\n\n5\n\n\n4\n1\n1\n"), uint16(600))
	f.Add([]byte(""), uint16(0))
	f.Add([]byte("\x00\xff\xfe\n\r\n3\r\n"), uint16(1))
	f.Add([]byte("\n1\n\n1\n1e9\n\n1\n\n1\n\n1\n\n1\n\n1\n\n1\n\n1\n\n1\n"), uint16(65535))
	dir := f.TempDir()
	tmpl := filepath.Join(dir, "template.db")
	{
		st, err := storage.Open(filepath.Join(dir, "built.db"), storage.Options{})
		if err != nil {
			f.Fatal(err)
		}
		d, err := deck.Parse("fuzz.toml", []byte(fuzzDeck))
		if err != nil {
			f.Fatal(err)
		}
		if _, err := st.Import(d, storage.Source{Hash: "fuzz"}, fixedNow, false); err != nil {
			f.Fatal(err)
		}
		out, err := os.Create(tmpl)
		if err != nil {
			f.Fatal(err)
		}
		if _, err := st.Backup(out); err != nil {
			f.Fatal(err)
		}
		out.Close()
		st.Close()
	}
	template, err := os.ReadFile(tmpl)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, input []byte, step uint16) {
		db := filepath.Join(t.TempDir(), "flash.db")
		if err := os.WriteFile(db, template, 0o600); err != nil {
			t.Fatal(err)
		}
		now := fixedNow
		tick := func() time.Time { now = now.Add(time.Duration(step) * time.Second); return now }
		r := runFlash(t, string(input), tick, "--db", db, "review", "--plain")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		checkStatesFollowLog(t, readDB(t, db))
	})
}
