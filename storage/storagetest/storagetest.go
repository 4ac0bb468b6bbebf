// Package storagetest builds large flash databases for tests, benchmarks
// and the synthetic-data generator (cmd/flashgen). Flash itself never
// needs it: a learner's ratings go through (*storage.Store).Rate one by
// one.
package storagetest

import (
	"github.com/flash-srs/flash/storage"
	"github.com/flash-srs/flash/storage/internal/hooks"
)

// AppendReviews writes rs to st's review log in one write transaction,
// each applied as (*storage.Store).Rate applies one, in time order (ties in
// the order of rs): each card's state becomes the After of its latest
// entry, a Leech entry suspends and flags its card, and the due index and
// day counts follow. It sets rs[i].Seq. Cards must exist and not be
// retired; on any error nothing is written. Keep rs to some tens of
// thousands per call: bbolt holds the whole transaction in memory.
func AppendReviews(st *storage.Store, rs []storage.Review) error {
	return hooks.BulkAppend(st, rs)
}
