// Package gunzip writes the gzipped databases of testdata folders out for
// tests: storage's own (which cannot import storagetest, which imports
// storage) and, through storagetest.Gunzip, other packages'.
package gunzip

import (
	"compress/gzip"
	"io"
	"os"
)

// TB is the part of testing.TB that To uses (storagetest, which calls it,
// is part of cmd/flashgen too, which does not link package testing).
type TB interface {
	Helper()
	Fatal(args ...any)
}

// To writes the gunzipped file gz to a new file dst (mode 0600), for
// tests that start from a database kept gzipped in a testdata folder; it
// fails t on any error, and when dst exists.
func To(t TB, gz, dst string) {
	t.Helper()
	f, err := os.Open(gz)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		out.Close()
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
