package storage

import (
	"math/rand/v2"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// synthReviews makes n log entries of deck "ml" over ids with real go-fsrs
// scheduling: cards are studied round robin, a few minutes apart, with
// ratings drawn from a fixed seed.
func synthReviews(ids []string, n int) []Review {
	f := fsrs.NewFSRS(fsrs.DefaultParam())
	rng := rand.New(rand.NewPCG(7, 11))
	cards := make([]fsrs.Card, len(ids))
	for i := range cards {
		cards[i] = fsrs.NewCard()
	}
	out := make([]Review, n)
	now := t0
	for i := range out {
		j := i % len(ids)
		now = now.Add(time.Duration(1+rng.IntN(300)) * time.Second)
		rating := fsrs.Rating(1 + rng.IntN(4))
		info := f.Next(cards[j], now, rating)
		out[i] = Review{
			Deck: "ml", Card: ids[j], At: now, Rating: rating,
			Before: cards[j], After: info.Card,
			ElapsedDays: info.ReviewLog.ElapsedDays, ScheduledDays: info.ReviewLog.ScheduledDays,
			Duration: time.Duration(1+rng.IntN(20000)) * time.Millisecond,
		}
		if i%97 == 0 {
			out[i].Answer = "Θ(n) ∂L/∂θ"
		}
		cards[j] = info.Card
	}
	return out
}
