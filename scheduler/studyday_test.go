package scheduler_test

import (
	"math/rand/v2"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin even where the system has no zoneinfo

	"github.com/flash-srs/flash/scheduler"
)

func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestStudyDay(t *testing.T) {
	ber := berlin(t)
	utc := time.UTC
	d := func(y int, m time.Month, dd, h, min int, loc *time.Location) time.Time {
		return time.Date(y, m, dd, h, min, 0, 0, loc)
	}
	tests := []struct {
		name   string
		t      time.Time
		start  time.Time
		length time.Duration // NextStudyDay - StudyDay
	}{
		{"03:59 is yesterday", d(2024, 1, 2, 3, 59, utc), d(2024, 1, 1, 4, 0, utc), day},
		{"04:00 is today", d(2024, 1, 2, 4, 0, utc), d(2024, 1, 2, 4, 0, utc), day},
		{"midnight", d(2024, 1, 2, 0, 0, utc), d(2024, 1, 1, 4, 0, utc), day},
		{"late evening", d(2024, 1, 2, 23, 59, utc), d(2024, 1, 2, 4, 0, utc), day},
		{"new year's night", d(2024, 1, 1, 2, 0, utc), d(2023, 12, 31, 4, 0, utc), day},
		{"leap day", d(2024, 3, 1, 3, 0, utc), d(2024, 2, 29, 4, 0, utc), day},
		// Berlin springs forward on 2024-03-31 at 02:00 to 03:00: the
		// study day that holds that night has 23 hours.
		{"spring forward, before the gap", d(2024, 3, 31, 1, 30, ber), d(2024, 3, 30, 4, 0, ber), 23 * hour},
		{"spring forward, 03:30 CEST", d(2024, 3, 31, 3, 30, ber), d(2024, 3, 30, 4, 0, ber), 23 * hour},
		{"spring forward, 04:00 CEST", d(2024, 3, 31, 4, 0, ber), d(2024, 3, 31, 4, 0, ber), day},
		// Berlin falls back on 2024-10-27 at 03:00 to 02:00: 25 hours.
		{"fall back, first 02:30", time.Date(2024, 10, 27, 0, 30, 0, 0, utc).In(ber), d(2024, 10, 26, 4, 0, ber), 25 * hour},
		{"fall back, second 02:30", time.Date(2024, 10, 27, 1, 30, 0, 0, utc).In(ber), d(2024, 10, 26, 4, 0, ber), 25 * hour},
		{"fall back, 03:59 CET", d(2024, 10, 27, 3, 59, ber), d(2024, 10, 26, 4, 0, ber), 25 * hour},
		{"fall back, 04:00 CET", d(2024, 10, 27, 4, 0, ber), d(2024, 10, 27, 4, 0, ber), day},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scheduler.StudyDay(tt.t)
			if !got.Equal(tt.start) {
				t.Errorf("StudyDay(%v) = %v, want %v", tt.t, got, tt.start)
			}
			if got.Hour() != scheduler.DayStartHour || got.Minute() != 0 || got.Location() != tt.t.Location() {
				t.Errorf("StudyDay(%v) = %v, not at 04:00", tt.t, got)
			}
			next := scheduler.NextStudyDay(tt.t)
			if l := next.Sub(got); l != tt.length {
				t.Errorf("study day from %v to %v lasts %v, want %v", got, next, l, tt.length)
			}
		})
	}
}

func TestStudyDay_Location(t *testing.T) {
	// One instant, two time zones: the study day is the local one.
	tokyo := time.FixedZone("JST", 9*3600)
	ny := time.FixedZone("EST", -5*3600)
	at := time.Date(2024, 1, 2, 2, 0, 0, 0, time.UTC) // 11:00 in Tokyo, 21:00 on Jan 1 in New York
	tests := []struct {
		loc  *time.Location
		want time.Time
	}{
		{time.UTC, time.Date(2024, 1, 1, 4, 0, 0, 0, time.UTC)},
		{tokyo, time.Date(2024, 1, 2, 4, 0, 0, 0, tokyo)},
		{ny, time.Date(2024, 1, 1, 4, 0, 0, 0, ny)},
	}
	for _, tt := range tests {
		got := scheduler.StudyDay(at.In(tt.loc))
		if !got.Equal(tt.want) || got.Location() != tt.loc {
			t.Errorf("StudyDay in %v = %v, want %v", tt.loc, got, tt.want)
		}
	}
}

func TestStudyDay_TimeZoneChangeBetweenSessions(t *testing.T) {
	// Study in Berlin until 23:00, fly to New York, study again at 20:00
	// local (02:00 in Berlin). In New York it is still the same calendar
	// study day, which there started at 04:00 EST (10:00 in Berlin): the
	// reviews done in Berlin after 10:00 count towards today's limits.
	ber := berlin(t)
	ny := time.FixedZone("EST", -5*3600)
	session1 := time.Date(2024, 1, 2, 23, 0, 0, 0, ber)
	session2 := time.Date(2024, 1, 2, 20, 0, 0, 0, ny)
	day1, day2 := scheduler.StudyDay(session1), scheduler.StudyDay(session2)
	if _, _, d := day2.Date(); d != 2 {
		t.Fatalf("New York study day %v, want Jan 2", day2)
	}
	if !day2.After(day1) || !session1.After(day2) {
		t.Errorf("Berlin day %v, New York day %v: the Berlin session at %v should be in the New York day", day1, day2, session1)
	}
	// Flying east instead: Berlin at 05:00 is a new study day, although
	// in New York (23:00) it is not yet.
	east := time.Date(2024, 1, 3, 5, 0, 0, 0, ber)
	if got, want := scheduler.StudyDay(east), time.Date(2024, 1, 3, 4, 0, 0, 0, ber); !got.Equal(want) {
		t.Errorf("StudyDay(%v) = %v, want %v", east, got, want)
	}
}

func TestStudyDay_Properties(t *testing.T) {
	seed := uint64(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC).Unix())
	rng := rand.New(rand.NewPCG(seed, 1))
	ber := berlin(t)
	for _, loc := range []*time.Location{time.UTC, ber, time.FixedZone("", -(9*3600 + 30*60))} {
		for range 5000 {
			// Any time in 2023-2025, to the second.
			at := time.Unix(1672531200+rng.Int64N(3*365*86400), 0).In(loc)
			start, next := scheduler.StudyDay(at), scheduler.NextStudyDay(at)
			if start.After(at) || !at.Before(next) {
				t.Fatalf("seed %d: %v not in [%v, %v)", seed, at, start, next)
			}
			if start.Hour() != scheduler.DayStartHour || next.Hour() != scheduler.DayStartHour {
				t.Fatalf("seed %d: %v: day %v..%v does not start at 04:00", seed, at, start, next)
			}
			if l := next.Sub(start); l < 23*hour || l > 25*hour {
				t.Fatalf("seed %d: %v: day lasts %v", seed, at, l)
			}
			if !scheduler.StudyDay(next).Equal(next) || !scheduler.NextStudyDay(start).Equal(next) {
				t.Fatalf("seed %d: %v: StudyDay/NextStudyDay disagree", seed, at)
			}
		}
	}
}

// TestAddStudyDays: n study days on from any time of a study day is the
// n-th NextStudyDay (backwards too), across Berlin's summer-time changes,
// and 0 is the study day itself.
func TestAddStudyDays(t *testing.T) {
	loc := berlin(t)
	rng := rand.New(rand.NewPCG(5, 6))
	base := time.Date(2024, 3, 20, 0, 0, 0, 0, loc)
	for range 500 {
		at := base.Add(time.Duration(rng.Int64N(int64(400 * 24 * time.Hour)))).Add(-200 * 24 * time.Hour)
		if got := scheduler.AddStudyDays(at, 0); !got.Equal(scheduler.StudyDay(at)) {
			t.Fatalf("%v: AddStudyDays 0 = %v, StudyDay %v", at, got, scheduler.StudyDay(at))
		}
		day := scheduler.StudyDay(at)
		for n := 1; n <= 40; n++ {
			day = scheduler.NextStudyDay(day)
			if got := scheduler.AddStudyDays(at, n); !got.Equal(day) {
				t.Fatalf("%v: AddStudyDays %d = %v, want %v", at, n, got, day)
			}
			if got := scheduler.AddStudyDays(day, -n); !got.Equal(scheduler.StudyDay(at)) {
				t.Fatalf("%v: AddStudyDays(%v, %d) = %v, want %v", at, day, -n, got, scheduler.StudyDay(at))
			}
		}
	}
}
