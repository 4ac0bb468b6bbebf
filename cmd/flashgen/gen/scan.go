package gen

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// Scan is the floor for a whole scan of a flash database's review log: it
// opens path read-only with the whole file read in at open (MAP_POPULATE on
// Linux), walks the review bucket with a bbolt cursor, decoding nothing,
// and returns the number of entries. `flash stats` is measured against it,
// each in its own process.
func Scan(path string) (int, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second, MmapFlags: populate})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	n := 0
	err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("reviews"))
		if b == nil {
			b = tx.Bucket([]byte("log")) // schema 1
		}
		c := b.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			n++
		}
		return nil
	})
	return n, err
}
