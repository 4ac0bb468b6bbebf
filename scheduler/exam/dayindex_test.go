package exam

import (
	"testing"
	"time"

	"github.com/flash-srs/flash/scheduler"
)

// TestDayIndex_SameAsCalendar checks the plan's precomputed day numbers
// against the calendar arithmetic they replace, hour by hour over 70
// days, across changes to and from summer time (Berlin; Santiago, whose
// clocks change at midnight) and before day 0.
func TestDayIndex_SameAsCalendar(t *testing.T) {
	for _, name := range []string{"UTC", "Europe/Berlin", "America/Santiago", "Australia/Lord_Howe"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, now := range []time.Time{
			time.Date(2025, 3, 20, 9, 30, 0, 0, loc),
			time.Date(2025, 3, 30, 2, 0, 0, 0, loc),
			time.Date(2025, 10, 1, 23, 59, 0, 0, loc),
		} {
			day0 := scheduler.StudyDay(now)
			const last = 61
			x := newDayIndex(day0, last, loc)
			if x.start == nil && name != "Australia/Lord_Howe" {
				t.Errorf("%s %v: no precomputed days", name, now)
			}
			for h := -72; h < 70*24; h++ {
				for _, m := range []time.Duration{0, 59*time.Minute + 59*time.Second} {
					due := now.Add(time.Duration(h)*time.Hour + m).UTC()
					want := min(max(daysBetween(day0, scheduler.StudyDay(due.In(loc))), 0), last)
					if got := x.of(due); got != want {
						t.Fatalf("%s, now %v: day of %v is %d, want %d", name, now, due.In(loc), got, want)
					}
				}
			}
		}
	}
}
