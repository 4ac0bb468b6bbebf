package deck

import (
	"reflect"
	"testing"
)

func TestOptionChanges(t *testing.T) {
	base := Options{DesiredRetention: 0.9, NewPerDay: 20, ReviewsPerDay: 200, NewOrder: NewOrderDeck}
	tests := []struct {
		name string
		new  func(o Options) Options
		want []string
	}{
		{"none", func(o Options) Options { return o }, nil},
		{"retention", func(o Options) Options { o.DesiredRetention = 0.85; return o },
			[]string{"desired_retention 0.9 → 0.85"}},
		{"all", func(o Options) Options {
			return Options{DesiredRetention: 0.95, NewPerDay: 5, ReviewsPerDay: 9999, NewOrder: NewOrderInterleaved}
		}, []string{"desired_retention 0.9 → 0.95", "new_per_day 20 → 5", "reviews_per_day 200 → 9999", `new_order "deck" → "interleaved"`}},
		// A deck stored before new_order existed has "": the default.
		{"unset order", func(o Options) Options { o.NewOrder = ""; return o }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OptionChanges(base, tt.new(base)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	// Every option has a TOML name, so a new option is reported by name.
	typ := reflect.TypeOf(Options{})
	for i := range typ.NumField() {
		if typ.Field(i).Tag.Get("toml") == "" {
			t.Errorf("option %s has no toml tag", typ.Field(i).Name)
		}
	}
}
