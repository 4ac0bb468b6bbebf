package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestProtect_BugIsOneLine: a panic in flash's code (here a nil map write)
// is a bug: one line naming it as one, exit status 1, and never the
// "damaged database" message (issue 11, item 12).
func TestProtect_BugIsOneLine(t *testing.T) {
	err := protect(func() error {
		var m map[string]int
		//lint:ignore SA5000 the bug this test needs
		m["x"]++
		return nil
	})
	var b *bugError
	if !errors.As(err, &b) {
		t.Fatalf("err = %v, want a bugError", err)
	}
	var out bytes.Buffer
	printError(&out, err)
	got := out.String()
	if strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "flash: internal error (a bug in flash") ||
		!strings.Contains(got, "assignment to entry in nil map") || strings.Contains(got, "damaged") {
		t.Errorf("printed %q", got)
	}
	if code := exitCode(err); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	// A panic value of several lines still prints as one.
	out.Reset()
	printError(&out, protect(func() error { panic("first\nsecond") }))
	if got := out.String(); strings.Count(got, "\n") != 1 || !strings.Contains(got, "first second") {
		t.Errorf("printed %q", got)
	}
	if err := protect(func() error { return nil }); err != nil {
		t.Errorf("no panic: %v", err)
	}
}
