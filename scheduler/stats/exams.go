package stats

import (
	"math"
	"time"

	"github.com/flash-srs/flash/scheduler/exam"
	"github.com/flash-srs/flash/storage"
)

// ExamStore is what Exams reads (*storage.Store satisfies it).
type ExamStore interface {
	exam.Store
	States(deckID string) ([]storage.CardState, error)
}

// Exams returns the readiness on the exam day of each deck of decks (of
// deckID only, unless "") whose exam is ahead, from the plan
// scheduler/exam makes for it; the probabilities are rounded to 3 places.
func Exams(st ExamStore, decks []storage.DeckInfo, deckID string, now time.Time) ([]ExamReadiness, error) {
	out := []ExamReadiness{}
	for _, d := range decks {
		if deckID != "" && d.ID != deckID {
			continue
		}
		set, ok, err := exam.Get(st, d.ID)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		states, err := st.States(d.ID)
		if err != nil {
			return nil, err
		}
		h, err := exam.ReadHistory(st, d.ID, now)
		if err != nil {
			return nil, err
		}
		p, err := exam.ForDeck(st, d, set, states, h, now, false)
		if err != nil {
			return nil, err
		}
		if p.DaysLeft == 0 && now.After(p.Exam) {
			continue // the exam is over
		}
		out = append(out, ExamReadiness{
			Deck: d.ID, Date: set.Date, At: p.Exam, DaysLeft: p.DaysLeft, Target: set.Target, Minutes: set.Minutes,
			Followed: round3(p.Followed), Low: round3(p.Low), High: round3(p.High), Stopped: round3(p.Stopped),
			Below: p.Below, MinutesNeeded: p.Needed,
		})
	}
	return out, nil
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
