package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/flash-srs/flash/cmd/flash/internal/chart"
	"github.com/flash-srs/flash/scheduler/stats"
)

func TestDayChart_TicksAndValues(t *testing.T) {
	start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	days := make([]stats.DayCount, stats.Days)
	for i := range days {
		days[i] = stats.DayCount{Date: start.AddDate(0, 0, i).Format(time.DateOnly), Reviews: i * 2}
	}
	forecast := dayChart("f", days, 0, nil)
	history := dayChart("h", days, stats.Days-1, nil)
	if forecast.Values[7] != 14 || len(forecast.Values) != stats.Days {
		t.Errorf("values %v", forecast.Values)
	}
	for _, tt := range []struct {
		name        string
		ticks       []chart.Tick
		want        []float64
		first, last string
	}{
		{"forecast", forecast.Ticks, []float64{0, 7, 14, 21, 28}, "today", "Mar 29"},
		{"history", history.Ticks, []float64{1, 8, 15, 22, 29}, "Mar 2", "today"},
	} {
		if len(tt.ticks) != len(tt.want) {
			t.Fatalf("%s: ticks %v", tt.name, tt.ticks)
		}
		for i, tk := range tt.ticks {
			if tk.At != tt.want[i] {
				t.Errorf("%s: tick %d at %v, want %v", tt.name, i, tk.At, tt.want[i])
			}
		}
		if tt.ticks[0].Label != tt.first || tt.ticks[len(tt.ticks)-1].Label != tt.last {
			t.Errorf("%s: ticks %v, want %q … %q", tt.name, tt.ticks, tt.first, tt.last)
		}
	}
}

func TestReadinessChart_DeckOrder(t *testing.T) {
	s := &stats.Stats{Retention: stats.Retention{Desired: 0.9}}
	s.Readiness.Papers = []stats.PaperReadiness{
		{Paper: "Статья: о ядрах", Mean: 0.5, Questions: []stats.QuestionReadiness{{ID: "в1", Mean: 0.5}, {ID: "в2", Mean: 0.25}}},
		{Paper: "Paper 2", Mean: 1, Questions: []stats.QuestionReadiness{{ID: "q3", Mean: 1}}},
	}
	h := readinessChart(s)
	if h.Max != 100 || len(h.Marks) != 1 || h.Marks[0].At != 90 || h.Marks[0].Name != "desired retention 90%" {
		t.Errorf("axis %v, marks %+v", h.Max, h.Marks)
	}
	var got []string
	for _, g := range h.Groups {
		for _, b := range g.Bars {
			got = append(got, fmt.Sprintf("%s=%v", b.Label, b.Value))
		}
	}
	if fmt.Sprint(got) != "[в1=50 в2=25 q3=100]" {
		t.Errorf("bars %v", got)
	}
	if h.Groups[0].Name != "Статья: о ядрах (50%)" || h.Groups[0].Color == h.Groups[1].Color {
		t.Errorf("groups %q %v, %q %v", h.Groups[0].Name, h.Groups[0].Color, h.Groups[1].Name, h.Groups[1].Color)
	}
}
