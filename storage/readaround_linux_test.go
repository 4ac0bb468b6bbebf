package storage

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
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
	r, rs := summaryStoreRO(t)
	path := r.Path()
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

// TestResident: a file dropped from the page cache is not resident, one
// just read is.
func TestResident(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		t.Skipf("cannot drop the file from the page cache: %v", err)
	}
	if r := residentAll(t, path); r > 0.5 {
		t.Skipf("the file system keeps the file cached (%.2f resident): nothing to test", r)
	}
	if r := Resident(path); r > 0.5 {
		t.Errorf("a file dropped from the page cache: %.2f resident", r)
	}
	if _, err := os.ReadFile(path); err != nil {
		t.Fatal(err)
	}
	if r := Resident(path); r != 1 {
		t.Errorf("a file just read: %.2f resident, want 1", r)
	}
	if r := Resident(filepath.Join(t.TempDir(), "none")); r != 1 {
		t.Errorf("no file: %.2f, want 1 (cannot tell)", r)
	}
}

// residentAll is the share of the pages of path in the page cache, every
// page asked.
func residentAll(t *testing.T, path string) float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	m, err := unix.Mmap(int(f.Fd()), 0, int(fi.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(m)
	vec := make([]byte, (len(m)+os.Getpagesize()-1)/os.Getpagesize())
	if _, _, e := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)), uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
		t.Fatal(e)
	}
	in := 0
	for _, v := range vec {
		in += int(v & 1)
	}
	return float64(in) / float64(len(vec))
}
