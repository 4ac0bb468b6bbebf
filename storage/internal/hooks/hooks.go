// Package hooks lets package storagetest reach into package storage
// without widening storage's API: storage fills these in at init.
package hooks

// BulkAppend is (*storage.Store).bulkAppend, taking a *storage.Store and
// a []storage.Review.
var BulkAppend func(store, reviews any) error

// NewHistory, HistoryAppend and HistoryFinish are storage's history
// writer (storagetest.History): NewHistory takes a *storage.Store, a deck
// id, a map[string]fsrs.Card and leech card ids; HistoryAppend a
// []storage.Review.
var (
	NewHistory    func(store any, deckID string, final any, leeches []string) (any, error)
	HistoryAppend func(h, reviews any) error
	HistoryFinish func(h any) error
)
