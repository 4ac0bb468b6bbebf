// Package hooks lets package storagetest reach into package storage
// without widening storage's API: storage fills these in at init.
package hooks

// BulkAppend is (*storage.Store).bulkAppend, taking a *storage.Store and
// a []storage.Review.
var BulkAppend func(store, reviews any) error
