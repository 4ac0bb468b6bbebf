package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

func writeString(s string) func(*os.File) error {
	return func(f *os.File) error {
		_, err := f.WriteString(s)
		return err
	}
}

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// entries lists a folder, to see that no temporary file is left.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// TestWrite_NewFile: a new file gets its content and mode, the file and
// then its folder are synced, and no temporary file is left.
func TestWrite_NewFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.csv")
	var synced []string
	defer func(f, d func(*os.File) error) { syncFile, syncDir = f, d }(syncFile, syncDir)
	syncFile = func(f *os.File) error { synced = append(synced, "file "+filepath.Base(f.Name())); return f.Sync() }
	syncDir = func(d *os.File) error { synced = append(synced, "dir "+d.Name()); return d.Sync() }

	if err := Write(name, Options{Perm: 0o600}, writeString("hello")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, name); got != "hello" {
		t.Errorf("content %q", got)
	}
	if fi, _ := os.Stat(name); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode())
	}
	if got := entries(t, dir); !slices.Equal(got, []string{"out.csv"}) {
		t.Errorf("folder holds %v", got)
	}
	if len(synced) != 2 || !strings.HasPrefix(synced[0], "file .out.csv.tmp-") || synced[1] != "dir "+dir {
		t.Errorf("syncs %v: want the temporary file, then the folder", synced)
	}
}

// TestWrite_Existing: an existing file is kept without Force (and the
// error says how to replace it), replaced with Force.
func TestWrite_Existing(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.png")
	if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Write(name, Options{}, writeString("new"))
	if !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "--force") {
		t.Errorf("err = %v, want ErrExists naming --force", err)
	}
	if got := read(t, name); got != "old" {
		t.Errorf("without Force the file became %q", got)
	}
	if err := Write(name, Options{Force: true}, writeString("new")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, name); got != "new" {
		t.Errorf("with Force the file is %q", got)
	}
	if got := entries(t, dir); !slices.Equal(got, []string{"out.png"}) {
		t.Errorf("folder holds %v", got)
	}
}

// TestWrite_Protected: the protected file is refused by its own name, a
// relative name, a symbolic link and a hard link, even with Force, and is
// left as it was.
func TestWrite_Protected(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "flash.db")
	if err := os.WriteFile(db, []byte("database"), 0o600); err != nil {
		t.Fatal(err)
	}
	sym := filepath.Join(dir, "sym.png")
	if err := os.Symlink("flash.db", sym); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard.png")
	if err := os.Link(db, hard); err != nil {
		t.Skipf("no hard links here: %v", err)
	}
	t.Chdir(dir)
	for _, name := range []string{db, "flash.db", "./flash.db", sym, hard} {
		for _, force := range []bool{false, true} {
			err := Write(name, Options{Force: force, Protect: []string{db}}, writeString("PNG"))
			if !errors.Is(err, ErrProtected) {
				t.Errorf("%s (force %v): err = %v, want ErrProtected", name, force, err)
			}
		}
	}
	if got := read(t, db); got != "database" {
		t.Errorf("the database holds %q", got)
	}
	if fi, err := os.Lstat(sym); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symbolic link was replaced: %v", err)
	}
}

// TestWrite_Failure: when write fails, name is untouched and the temporary
// file is gone.
func TestWrite_Failure(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.db")
	if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(name, Options{Force: true}, func(f *os.File) error {
		f.WriteString("half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
	if got := read(t, name); got != "old" {
		t.Errorf("file is %q", got)
	}
	if got := entries(t, dir); !slices.Equal(got, []string{"out.db"}) {
		t.Errorf("folder holds %v", got)
	}
}

// TestCheck_Folder: a folder is no file to write.
func TestCheck_Folder(t *testing.T) {
	if err := Check(t.TempDir(), Options{Force: true}); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("err = %v", err)
	}
}

// TestWrite_DanglingLink: a symbolic link to nothing is an existing name.
func TestWrite_DanglingLink(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.csv")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), name); err != nil {
		t.Fatal(err)
	}
	if err := Write(name, Options{}, writeString("x")); !errors.Is(err, ErrExists) {
		t.Errorf("err = %v, want ErrExists", err)
	}
}

// TestWrite_NotRegular: a pipe (like /dev/null or /dev/stdout, a name that
// is no plain file) is refused even with Force, and stays what it was:
// renaming the new file over it would put a plain file in its place.
func TestWrite_NotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{fifo, link} {
		err := Write(name, Options{Force: true}, writeString("x"))
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("Write(%s) = %v, want a refusal", name, err)
		}
		if fi, err := os.Stat(fifo); err != nil || fi.Mode().Type() != os.ModeNamedPipe {
			t.Errorf("after Write(%s): %v, %v; the pipe must stay a pipe", name, fi, err)
		}
	}
	if got := entries(t, dir); !slices.Equal(got, []string{"link", "pipe"}) {
		t.Errorf("folder holds %v", got)
	}
}
