package storage

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// randomRead reports whether the kernel reads the start of path's mapping
// in this process at random (VmFlags "rr" of its first mapping in
// /proc/self/smaps: advice for a part of a mapping splits it).
func randomRead(t *testing.T, path string) bool {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no smaps: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in, found, rr := false, false, false
	for sc.Scan() {
		line := sc.Text()
		if fields := strings.Fields(line); len(fields) > 0 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			in = !found && strings.HasSuffix(line, " "+path)
			found = found || in
		}
		if in && strings.HasPrefix(line, "VmFlags:") {
			rr = strings.Contains(line+" ", " rr ")
		}
	}
	if !found {
		t.Fatalf("%s is not mapped", path)
	}
	return rr
}

// TestStore_ReadAround: bbolt maps the file for random reads; ReadAround
// takes that back, and the store reads the same.
func TestStore_ReadAround(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flash.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, rs := summaryStoreAt(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !randomRead(t, path) {
		t.Fatal("bbolt's mapping is not advised random: the test tests nothing")
	}
	r.ReadAround()
	if randomRead(t, path) {
		t.Error("after ReadAround the mapping is still advised random")
	}
	n, err := r.ReviewCount()
	if err != nil || n != len(rs) {
		t.Errorf("after ReadAround: %d reviews, %v; want %d", n, err, len(rs))
	}
}
