package storage

import (
	"math/rand/v2"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// synth makes log entries of deck "ml" with real go-fsrs scheduling:
// cards are studied round robin, seconds to minutes apart, with ratings
// drawn from a fixed seed.
type synth struct {
	f     *fsrs.FSRS
	rng   *rand.Rand
	ids   []string
	cards []fsrs.Card
	now   time.Time
	i     int
}

func newSynth(ids []string) *synth {
	g := &synth{
		f: fsrs.NewFSRS(fsrs.DefaultParam()), rng: rand.New(rand.NewPCG(7, 11)),
		ids: ids, cards: make([]fsrs.Card, len(ids)), now: t0,
	}
	for i := range g.cards {
		g.cards[i] = fsrs.NewCard()
	}
	return g
}

// next returns the next n entries, later than all before.
func (g *synth) next(n int) []Review {
	out := make([]Review, n)
	for i := range out {
		j := g.i % len(g.ids)
		g.now = g.now.Add(time.Duration(1+g.rng.IntN(300)) * time.Second)
		rating := fsrs.Rating(1 + g.rng.IntN(4))
		info := g.f.Next(g.cards[j], g.now, rating)
		out[i] = Review{
			Deck: "ml", Card: g.ids[j], At: g.now, Rating: rating,
			Before: g.cards[j], After: info.Card,
			ElapsedDays: info.ReviewLog.ElapsedDays, ScheduledDays: info.ReviewLog.ScheduledDays,
			Duration: time.Duration(1+g.rng.IntN(20000)) * time.Millisecond,
		}
		if g.i%97 == 0 {
			out[i].Answer = "Θ(n) ∂L/∂θ"
		}
		g.cards[j] = info.Card
		g.i++
	}
	return out
}

// synthReviews returns n entries over ids.
func synthReviews(ids []string, n int) []Review { return newSynth(ids).next(n) }
