package scheduler

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// WeightsKey returns the settings key under which a deck's fitted FSRS
// weights are stored.
func WeightsKey(deckID string) string { return "weights/" + deckID }

// Fitted is the value stored under WeightsKey (as JSON): FSRS-5 weights
// fitted to the learner's own review log by flash optimize.
type Fitted struct {
	Weights  []float64 `json:"weights"` // the 19 weights, in go-fsrs's order
	FittedAt time.Time `json:"fitted_at"`
	// Scope is the deck whose log they were fitted to, "" for all decks.
	Scope   string `json:"scope"`
	Reviews int    `json:"reviews"` // reviews in the log fitted to
	Items   int    `json:"items"`   // reviews that were predicted (on a later day than the card's previous)
	// LogLossDefault and LogLossFitted are the mean log-loss of the
	// default and of the fitted weights on those items.
	LogLossDefault float64 `json:"log_loss_default"`
	LogLossFitted  float64 `json:"log_loss_fitted"`
	// Pretrained is true when the log was big enough to fit only the four
	// initial stabilities; the other weights are the defaults.
	Pretrained bool `json:"pretrained,omitempty"`
}

// ParseFitted decodes and checks a stored Fitted value: 19 finite weights,
// the first four (initial stabilities) positive.
func ParseFitted(b []byte) (Fitted, error) {
	var f Fitted
	if err := json.Unmarshal(b, &f); err != nil {
		return Fitted{}, err
	}
	if len(f.Weights) != len(fsrs.Weights{}) {
		return Fitted{}, fmt.Errorf("%d weights, want %d", len(f.Weights), len(fsrs.Weights{}))
	}
	for i, w := range f.Weights {
		if math.IsNaN(w) || math.IsInf(w, 0) || (i < 4 && w <= 0) || w < 0 {
			return Fitted{}, fmt.Errorf("weight %d is %v", i, w)
		}
	}
	return f, nil
}

// InUse are the weights a deck is scheduled and predicted with.
type InUse struct {
	Weights fsrs.Weights
	// Fitted is the stored fit the weights come from; nil when they are
	// go-fsrs's defaults.
	Fitted *Fitted
}

// DefaultWeights returns the InUse of a deck without fitted weights.
func DefaultWeights() InUse { return InUse{Weights: fsrs.DefaultWeights()} }

// String describes the weights for a person: "go-fsrs defaults" or
// "fitted 2026-11-30 to 12345 reviews (all decks)".
func (u InUse) String() string {
	if u.Fitted == nil {
		return "go-fsrs defaults"
	}
	f := u.Fitted
	s := fmt.Sprintf("fitted %s to %d reviews", f.FittedAt.Format(time.DateOnly), f.Reviews)
	if f.Scope == "" {
		s += " (all decks)"
	}
	if f.Pretrained {
		s += ", initial stabilities only"
	}
	return s
}

// SettingReader reads a stored setting: its value and whether there is
// one (*storage.Store satisfies it).
type SettingReader interface {
	Setting(key string) (value string, ok bool, err error)
}

// LoadWeights returns the weights in use for deckID: the fitted ones
// stored under WeightsKey(deckID), else go-fsrs's defaults. A stored value
// that does not parse is an error naming the key.
func LoadWeights(s SettingReader, deckID string) (InUse, error) {
	v, ok, err := s.Setting(WeightsKey(deckID))
	if err != nil {
		return InUse{}, err
	}
	if !ok {
		return DefaultWeights(), nil
	}
	f, err := ParseFitted([]byte(v))
	if err != nil {
		return InUse{}, fmt.Errorf("setting %s: %w", WeightsKey(deckID), err)
	}
	var w fsrs.Weights
	copy(w[:], f.Weights)
	return InUse{Weights: w, Fitted: &f}, nil
}

// Rating is one review of a card's history: when and how it was rated.
type Rating struct {
	At     time.Time
	Rating fsrs.Rating
}

// Memory replays the whole history of the card key (its reviews in time
// order, from its first) with s's weights and returns the card as s would
// have left it: what the card's memory state is under new weights.
// Ratings outside Again..Easy are skipped.
func (s *Scheduler) Memory(key string, history []Rating) fsrs.Card {
	c := fsrs.NewCard()
	for _, r := range history {
		if r.Rating < fsrs.Again || r.Rating > fsrs.Easy {
			continue
		}
		c = s.Rate(key, c, r.At, r.At, r.Rating).Card
	}
	return c
}
