package deck

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// OptionChanges lists the [options] that differ between old (a deck as it
// was stored) and new, one "name old → new" per option in file order,
// with the options' TOML names: "desired_retention 0.9 → 0.85". An option
// left out of an older deck counts as its default.
func OptionChanges(old, new Options) []string {
	if old.NewOrder == "" {
		old.NewOrder = DefaultNewOrder
	}
	if new.NewOrder == "" {
		new.NewOrder = DefaultNewOrder
	}
	var out []string
	ov, nv := reflect.ValueOf(old), reflect.ValueOf(new)
	for i := range ov.NumField() {
		a, b := ov.Field(i).Interface(), nv.Field(i).Interface()
		if a == b {
			continue
		}
		name, _, _ := strings.Cut(ov.Type().Field(i).Tag.Get("toml"), ",")
		out = append(out, name+" "+optionValue(a)+" → "+optionValue(b))
	}
	return out
}

// optionValue formats an option's value as the TOML file writes it.
func optionValue(v any) string {
	switch v := v.(type) {
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case string:
		return strconv.Quote(v)
	}
	return fmt.Sprint(v)
}
