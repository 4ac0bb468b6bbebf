package main

import (
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flash-srs/flash/storage"
)

// TestE2E_PlainKillAfterAck runs the real binary in line mode, rates cards,
// kills it with SIGKILL right after the second rating was acknowledged, and
// checks that both ratings are in the reopened database.
func TestE2E_PlainKillAfterAck(t *testing.T) {
	db := filepath.Join(t.TempDir(), "flash.db")
	p := startPlain(t, nil, "--db", db, "review", "--plain")
	cmd, stdin, lines := p.cmd, p.stdin, p.lines

	acked := regexp.MustCompile(`^saved: (\S+) (Again|Hard|Good|Easy), due in `)
	var saved []string
	deadline := time.After(30 * time.Second)
	ratings := []string{"3", "1"}
loop:
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("flash ended early; saved %v", saved)
			}
			switch {
			case strings.HasPrefix(line, "Your answer"):
				io.WriteString(stdin, "42\n\n")
			case strings.HasPrefix(line, "(Enter: show"):
				io.WriteString(stdin, "\n")
			case strings.HasPrefix(line, "rating ["):
				io.WriteString(stdin, ratings[len(saved)]+"\n")
			case acked.MatchString(line):
				saved = append(saved, acked.FindStringSubmatch(line)[1])
				if len(saved) == len(ratings) {
					cmd.Process.Signal(syscall.SIGKILL)
					break loop
				}
			}
		case <-deadline:
			t.Fatalf("timed out; saved %v", saved)
		}
	}
	for range lines {
	}
	<-p.exited

	st, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		t.Fatalf("consistency check: %v", err)
	}
	var got []string
	err = st.Reviews(time.Time{}, time.Time{}, func(r storage.Review) error {
		got = append(got, r.Deck+"/"+r.Card+" "+r.Rating.String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{saved[0] + " Good", saved[1] + " Again"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("log after kill = %v, want %v", got, want)
	}
}
