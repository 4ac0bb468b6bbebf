package main

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/flash-srs/flash/storage"
)

// nobody is the unprivileged user the permission cases run as when the
// tests run as root (root reads and writes files whatever their mode).
const nobody = 65534

// damagedCase makes a damaged database at path.
type damagedCase struct {
	name string
	make func(t *testing.T, path string)
	want string // in the error message, besides the path
	// asUser runs flash as nobody when the test runs as root.
	asUser bool
	// statsOK: stats only reads, so it works on this file.
	statsOK bool
}

func damagedCases() []damagedCase {
	return []damagedCase{
		{name: "empty", want: "is not a flash database or is damaged: the file is empty",
			make: func(t *testing.T, path string) { writeBytes(t, path, nil, 0o600) }},
		{name: "truncated", want: "is not a flash database or is damaged: truncated",
			make: func(t *testing.T, path string) {
				realDB(t, path)
				// Cut the data in half: bbolt grows the file to its first
				// mapping (8 MiB, mostly a hole), so half the file would
				// still hold every page.
				db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
				if err != nil {
					t.Fatal(err)
				}
				var size int64
				db.View(func(tx *bolt.Tx) error { size = tx.Size(); return nil })
				db.Close()
				if err := os.Truncate(path, size/2); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "random bytes", want: "is not a flash database or is damaged: not a bbolt file",
			make: func(t *testing.T, path string) {
				b := make([]byte, 64<<10)
				r := rand.New(rand.NewPCG(1, 2))
				for i := range b {
					b[i] = byte(r.Uint32())
				}
				writeBytes(t, path, b, 0o600)
			}},
		{name: "directory", want: "is not a flash database or is damaged: it is a directory",
			make: func(t *testing.T, path string) {
				if err := os.Mkdir(path, 0o700); err != nil {
					t.Fatal(err)
				}
				writeBytes(t, filepath.Join(path, "inside"), []byte("x"), 0o600)
			}},
		{name: "no permission", want: "permission denied", asUser: true,
			make: func(t *testing.T, path string) {
				realDB(t, path)
				if err := os.Chmod(path, 0); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "read only", want: "permission denied", asUser: true, statsOK: true,
			make: func(t *testing.T, path string) {
				realDB(t, path)
				if err := os.Chmod(path, 0o400); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "newer schema", want: fmt.Sprintf("has schema version %d, but this flash reads up to version %d: use a newer flash", storage.SchemaVersion+1, storage.SchemaVersion),
			make: func(t *testing.T, path string) {
				realDB(t, path)
				db, err := bolt.Open(path, 0o600, nil)
				if err != nil {
					t.Fatal(err)
				}
				err = db.Update(func(tx *bolt.Tx) error {
					return tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, storage.SchemaVersion+1))
				})
				if cerr := db.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					t.Fatal(err)
				}
			}},
	}
}

func writeBytes(t *testing.T, path string, b []byte, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, b, perm); err != nil {
		t.Fatal(err)
	}
}

// realDB builds a flash database at path with a deck and two ratings,
// through the binary.
func realDB(t *testing.T, path string) {
	t.Helper()
	importDeck(t, path, genDeck("real", 30))
	if r := runBin(t, binOpts{stdin: "\n3\n\n1\n"}, "--db", path, "review", "--plain"); r.code != 0 {
		t.Fatalf("review: exit %d: %s", r.code, r.stderr)
	}
}

// TestE2E_DamagedDatabase runs review --plain, stats and import on damaged
// files: each fails with one clear line naming the database and exit status
// 1, and leaves the file (and the folder around it) exactly as it was.
func TestE2E_DamagedDatabase(t *testing.T) {
	bin := flashBinary(t)
	asRoot := os.Geteuid() == 0
	asNobody := &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	canDrop := true
	if asRoot {
		// nobody must reach the binary and the test's folders.
		openUp(t, filepath.Dir(bin))
		cmd := exec.Command(bin, "version")
		cmd.SysProcAttr = asNobody
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Logf("cannot run flash as uid %d (%v: %s); the permission cases are skipped", nobody, err, out)
			canDrop = false
		}
	}
	deckFile := filepath.Join(t.TempDir(), "deck.toml")
	writeBytes(t, deckFile, []byte(genDeck("other", 3)), 0o644)
	if asRoot {
		openUp(t, filepath.Dir(deckFile))
	}
	commands := []struct {
		name string
		args []string
	}{
		{"review", []string{"review", "--plain"}},
		{"stats", []string{"stats"}},
		{"import", []string{"import", deckFile}},
	}
	for _, c := range damagedCases() {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "flash.db")
			c.make(t, path)
			var o binOpts
			o.stdin = "\n3\n"
			if c.asUser && asRoot && !canDrop {
				t.Skip("root reads and writes any file, and cannot run flash as another user here")
			}
			if c.asUser && asRoot {
				// nobody's own file, in a folder nobody may write in.
				openUp(t, dir)
				if err := os.Chown(dir, nobody, nobody); err != nil {
					t.Fatal(err)
				}
				if err := os.Chown(path, nobody, nobody); err != nil {
					t.Fatal(err)
				}
				o.attr = asNobody
			}
			before := treeSums(t, dir)
			for _, cmd := range commands {
				t.Run(cmd.name, func(t *testing.T) {
					r := runBin(t, o, append([]string{"--db", path}, cmd.args...)...)
					t.Logf("exit %d: %s", r.code, strings.TrimSpace(r.stderr))
					if c.statsOK && cmd.name == "stats" {
						if r.code != 0 {
							t.Errorf("stats on a readable file: exit %d: %s", r.code, r.stderr)
						}
					} else {
						checkOneLineError(t, r, path, c.want)
						if strings.Contains(r.stdout, "saved:") {
							t.Errorf("a rating was saved:\n%s", r.stdout)
						}
					}
					if after := treeSums(t, dir); !slices.Equal(after, before) {
						t.Errorf("the folder changed:\nbefore %v\nafter  %v", before, after)
					}
				})
			}
		})
	}
}

// treeSums lists every file under dir with its mode and sha256, so that a
// test can see that nothing at all changed (nothing was added either).
func treeSums(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		line := rel + " " + fi.Mode().String()
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			line += fmt.Sprintf(" %d:%d", st.Uid, st.Gid)
		}
		if fi.Mode().IsRegular() {
			line += " " + rootSum(t, p, fi.Mode())
		}
		out = append(out, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rootSum hashes a file, also one without read permission when the test
// runs as someone else than root.
func rootSum(t *testing.T, p string, mode os.FileMode) string {
	t.Helper()
	if mode.Perm()&0o400 == 0 && os.Geteuid() != 0 {
		if err := os.Chmod(p, mode|0o400); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(p, mode)
	}
	return fileSum(t, p)
}

// openUp makes dir and its parents up to the temporary folder traversable
// for other users (t.TempDir makes them 0700).
func openUp(t *testing.T, dir string) {
	t.Helper()
	top := os.TempDir()
	for d := dir; strings.HasPrefix(d, top) && d != top; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}
