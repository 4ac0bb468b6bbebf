package main

import (
	"testing"

	"github.com/flash-srs/flash/scheduler/stats"
	"github.com/flash-srs/flash/storage"
)

// TestStats_SummaryFromReview: the end of a review session writes the
// summary of the log's older part (the scripted log has reviews on both
// sides of its cut), and stats then prints exactly what it printed before:
// the same golden text, the same JSON.
func TestStats_SummaryFromReview(t *testing.T) {
	sc := scriptedDB(t)
	args := [][]string{nil, {"--at", "2024-04-01"}, {"--json"}, {"--json", "--deck", "exam"}}
	before := make([]string, len(args))
	for i, a := range args {
		r := runCmd(t, cmdStats, sc.path, statsNow, a...)
		if r.code != 0 {
			t.Fatal(r.stderr)
		}
		before[i] = r.stdout
	}
	if r := runFlash(t, "", clock(statsNow), "--db", sc.path, "review", "--plain"); r.code != 0 {
		t.Fatalf("review: exit %d: %s", r.code, r.stderr)
	}
	st, err := storage.Open(sc.path, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	cut, _, ok, err := st.LogSummary()
	st.Close()
	if err != nil || !ok || !cut.Equal(statsNow.Add(-stats.SummaryAge)) {
		t.Fatalf("after review: summary cut %v, %v, %v; want %v", cut, ok, err, statsNow.Add(-stats.SummaryAge))
	}
	n := 0
	for _, r := range sc.log {
		if r.At.Before(cut) {
			n++
		}
	}
	if n == 0 || n == len(sc.log) {
		t.Fatalf("%d of %d reviews before the cut: want some on each side", n, len(sc.log))
	}
	for i, a := range args {
		r := runCmd(t, cmdStats, sc.path, statsNow, a...)
		if r.code != 0 {
			t.Fatal(r.stderr)
		}
		if r.stdout != before[i] {
			t.Errorf("stats %q with the summary:\n%s\nwithout:\n%s", a, r.stdout, before[i])
		}
	}
	golden(t, "stats_scripted", runCmd(t, cmdStats, sc.path, statsNow).stdout)
}
