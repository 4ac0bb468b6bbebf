package exam

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/flash-srs/flash/scheduler"
)

// Settings is an exam as stored with its deck (as JSON, under Key).
type Settings struct {
	// Date is the exam's date, YYYY-MM-DD; the exam is at ExamHour
	// local time that day.
	Date string `json:"date"`
	// Target is the recall every card should have on the exam day.
	Target float64 `json:"target"`
	// Minutes is the study time per day.
	Minutes int `json:"minutes"`
	// Costs are the learner's answer times as measured from the log when
	// the exam was last set or shown by 'flash exam' with the database
	// writable; nil until then. A review session plans with them rather
	// than reading the whole log at start-up.
	Costs *Costs `json:"costs,omitempty"`
}

// Defaults and limits of Settings.
const (
	DefaultTarget  = 0.90
	MinTarget      = 0.70
	MaxTarget      = 0.99
	DefaultMinutes = 30
	MaxMinutes     = 24 * 60
	// ExamHour is the local hour at which the exam is taken to be; the
	// recall on the exam day is predicted for that time (as 'flash stats
	// --at DATE' reads a date).
	ExamHour = 9
)

// Key returns the settings key of deckID's exam.
func Key(deckID string) string { return "exam/" + deckID }

// At returns the exam's time in loc: ExamHour on its date.
func (s Settings) At(loc *time.Location) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, s.Date, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("exam date %q is not a date like 2026-06-15", s.Date)
	}
	return d.Add(ExamHour * time.Hour), nil
}

// Validate returns an error naming the first thing wrong with s at now: a
// date that is not a date or is in the past (an exam today is fine), a
// target outside MinTarget..MaxTarget, a budget not in 1..MaxMinutes.
func (s Settings) Validate(now time.Time) error {
	at, err := s.At(now.Location())
	if err != nil {
		return err
	}
	if scheduler.StudyDay(at).Before(scheduler.StudyDay(now)) {
		return fmt.Errorf("exam date %s is in the past (today is %s)", s.Date, scheduler.StudyDay(now).Format(time.DateOnly))
	}
	if math.IsNaN(s.Target) || s.Target < MinTarget || s.Target > MaxTarget {
		return fmt.Errorf("target %v is outside %.2f–%.2f", s.Target, MinTarget, MaxTarget)
	}
	if s.Minutes < 1 || s.Minutes > MaxMinutes {
		return fmt.Errorf("study time of %d minutes a day is outside 1–%d", s.Minutes, MaxMinutes)
	}
	return nil
}

// Encode returns s as stored.
func (s Settings) Encode() string {
	b, _ := json.Marshal(s) // a struct of plain fields: cannot fail
	return string(b)
}

// Decode reads stored settings; it checks the form, not whether the date
// has passed.
func Decode(v string) (Settings, error) {
	var s Settings
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return Settings{}, fmt.Errorf("stored exam: %w", err)
	}
	if _, err := s.At(time.UTC); err != nil {
		return Settings{}, fmt.Errorf("stored exam: %w", err)
	}
	if s.Target < MinTarget || s.Target > MaxTarget || s.Minutes < 1 || s.Minutes > MaxMinutes {
		return Settings{}, errors.New("stored exam: target or minutes out of range")
	}
	return s, nil
}

// DaysLeft returns the number of study days from the one holding now to
// the exam's (0 on the exam day, negative after it).
func DaysLeft(exam, now time.Time) int {
	return daysBetween(scheduler.StudyDay(now), scheduler.StudyDay(exam.In(now.Location())))
}
