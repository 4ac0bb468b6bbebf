package optimize

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestReadRevlog_Good(t *testing.T) {
	in := "card_id,review_time,review_rating,review_state,review_duration\r\n" +
		"7,1704067200000,3,0,5000\r\n" +
		"7,1704153600000,1,2,4000\r\n"
	got, err := ReadRevlog(strings.NewReader(in), "log.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []Review{{7, 1704067200000, 3, 0}, {7, 1704153600000, 1, 2}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %v, want %v", got, want)
	}
	// Columns in another order, no duration.
	got, err = ReadRevlog(strings.NewReader("review_state,review_rating,card_id,review_time\n2,4,9,100\n"), "x.csv")
	if err != nil || len(got) != 1 || got[0] != (Review{9, 100, 4, 2}) {
		t.Errorf("reordered columns: %v, %v", got, err)
	}
}

func TestReadRevlog_Bad(t *testing.T) {
	const header = "card_id,review_time,review_rating,review_state,review_duration\n"
	for _, tc := range []struct {
		name, in, want string
	}{
		{"missing column", "card_id,review_time,review_state,review_duration\n1,2,0,0\n", "log.csv:1: missing column review_rating"},
		{"bad rating", header + "1,1000,3,0,0\n1,2000,5,2,0\n", `log.csv:3: review_rating "5" is not 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)`},
		{"time not a number", header + "1,yesterday,3,0,0\n", `log.csv:2: review_time "yesterday" is not a time in milliseconds since 1970`},
		{"not UTF-8", header + "1,1000,3,0,0\n1,2000,3,\xff,0\n", "log.csv:3: not UTF-8"},
		{"card not a number", header + "x1,1000,3,0,0\n", `log.csv:2: card_id "x1" is not an integer`},
		{"field count", header + "1,1000,3\n", "log.csv:2: 3 fields, the header has 5"},
		{"empty", "", "log.csv: empty file"},
		{"header only", header, "log.csv: the review log is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadRevlog(strings.NewReader(tc.in), "log.csv")
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != 1 {
				t.Errorf("%d lines of error, want one: %v", len(lines), err)
			}
			if !strings.HasPrefix(lines[0], tc.want) {
				t.Errorf("error %q, want it to start with %q", err, tc.want)
			}
		})
	}
}

func TestRun_TooSmallSaysWhatIsNeeded(t *testing.T) {
	revs := Synthesize(3, 12)
	_, err := Run(revs, Clock{DayStart: 4}, Options{})
	if err == nil || !strings.Contains(err.Error(), "at least 8 needed") {
		t.Errorf("error %v, want one saying at least 8 items are needed", err)
	}
}

// TestRun_SameDayOnlySaysWhatIsNeeded: a log whose cards were all reviewed
// on one day only (a learner's first day) has no item at all; the error
// still says how many are needed.
func TestRun_SameDayOnlySaysWhatIsNeeded(t *testing.T) {
	day := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC).UnixMilli()
	var revs []Review
	for c := range uint64(30) {
		revs = append(revs,
			Review{Card: c, Time: day + int64(c)*1000, Rating: 3, State: 0},
			Review{Card: c, Time: day + 600_000 + int64(c)*1000, Rating: 3, State: 1})
	}
	_, err := Run(revs, Clock{DayStart: 4}, Options{})
	if err == nil || !errors.Is(err, ErrNotEnoughData) || !strings.Contains(err.Error(), "at least 8 needed") {
		t.Errorf("error %v, want ErrNotEnoughData saying at least 8 items are needed", err)
	}
}

func TestRun_Deterministic(t *testing.T) {
	revs := Synthesize(11, 6000)
	a, err := Run(revs, Clock{DayStart: 4}, Options{Workers: 1, Epochs: 5})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(revs, Clock{DayStart: 4}, Options{Workers: 3, Epochs: 5})
	if err != nil {
		t.Fatal(err)
	}
	if a.Weights != b.Weights || a.Fitted != b.Fitted || *a.HeldOut != *b.HeldOut {
		t.Errorf("1 worker and 3 workers differ:\n%v\n%v", a, b)
	}
	if a.HeldOut.Fitted.LogLoss >= a.HeldOut.Default.LogLoss {
		t.Errorf("held-out log-loss fitted %.4f not below default %.4f", a.HeldOut.Fitted.LogLoss, a.HeldOut.Default.LogLoss)
	}
}

// FuzzReadRevlog: any input gives reviews or a clear error, never a
// panic; every review read has a rating 1..4 and a state 0..5, and every
// error line names the file.
func FuzzReadRevlog(f *testing.F) {
	const header = "card_id,review_time,review_rating,review_state,review_duration\n"
	f.Add(header + "1,1000,3,0,5\n1,90000000,1,2,5\n")
	f.Add("review_state,card_id,review_rating,review_time\r\n0,1,3,5\r\n")
	f.Add(header + "1,1000,3,\xff,0\n")
	f.Add(header + "1,-5,3,0,0\n,,,,\n")
	f.Add("")
	var b strings.Builder
	b.WriteString(header)
	for _, r := range Synthesize(9, 120) {
		fmt.Fprintf(&b, "%d,%d,%d,%d,0\n", r.Card, r.Time, r.Rating, r.State)
	}
	f.Add(b.String())
	f.Fuzz(func(t *testing.T, in string) {
		revs, err := ReadRevlog(strings.NewReader(in), "f.csv")
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "f.csv") {
					t.Fatalf("error line %q does not name the file", line)
				}
			}
			return
		}
		if len(revs) == 0 {
			t.Fatal("no error and no reviews")
		}
		for _, r := range revs {
			if r.Rating < 1 || r.Rating > 4 || r.State < 0 || r.State > 5 || r.Time < 0 {
				t.Fatalf("review %+v out of range", r)
			}
		}
		// A log that reads also builds a dataset, and a fit of it either
		// works or says there is not enough data.
		if _, err := NewDataset(revs, Clock{DayStart: 4}); err != nil {
			t.Fatalf("NewDataset: %v", err)
		}
		if len(revs) <= 300 {
			rep, err := Run(revs, Clock{DayStart: 4}, Options{Workers: 1})
			if err != nil && !errors.Is(err, ErrNotEnoughData) {
				t.Fatalf("Run: %v", err)
			}
			if err == nil && !Valid(rep.Weights) {
				t.Fatalf("weights out of bounds: %v", rep.Weights)
			}
		}
	})
}
