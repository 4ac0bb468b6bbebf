package main

import (
	"os"
	"strings"
	"testing"
)

// TestREADME_ReviewLogNotAppendOnly: undo in a review session deletes the
// rating it takes back (TestReviewPlain_RateUndoQuit), so the README must
// not call the review log append-only, and must say what undo does to it
// (issue 11, item 18).
func TestREADME_ReviewLogNotAppendOnly(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.Join(strings.Fields(string(b)), " ")
	if strings.Contains(readme, "append-only") {
		t.Error("README calls something append-only; the review log loses the entries undo takes back")
	}
	if !strings.Contains(readme, "undo in a review session deletes the rating it takes back") {
		t.Error("README does not say that undo deletes the rating from the review log")
	}
}
