package storage

import (
	"os"
	"strings"
	"testing"
)

// TestPackageDoc_Encodings keeps the package doc's table of buckets true
// to the encodings the code writes (issue 11, item 18: it called card
// content JSON after content became binary): the content line must name the
// binary form and the content version written.
func TestPackageDoc_Encodings(t *testing.T) {
	src, err := os.ReadFile("storage.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, _, _ := strings.Cut(string(src), "\npackage storage")
	var line string
	for l := range strings.SplitSeq(doc, "\n") {
		if strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(l, "//")), "content ") {
			line = l
		}
	}
	if line == "" {
		t.Fatal("the package doc lists no content bucket")
	}
	if contentVersion3 != 3 {
		t.Fatalf("content version %d: update this test and the package doc", contentVersion3)
	}
	if !strings.Contains(line, "binary deck.Card") || strings.Contains(line, "JSON deck.Card") {
		t.Errorf("package doc says %q; content is written as compact binary (version 3)", strings.TrimSpace(line))
	}
	if !strings.Contains(doc, "content version 3") {
		t.Error("package doc does not name the content version written")
	}
}
