package main

import "runtime/debug"

// Garbage-collector tuning, all of it in this file. Two commands build a
// large set of values that all stay live until they are done, so a
// collection while that set grows finds almost nothing to free and only
// costs time:
//
//   - stats reads every card state and scans the whole review log (tens of
//     MB live for a database of a million reviews) and then prints:
//     GOGC 400 while it runs (statsGC).
//   - review builds the study queue (a few MB, all live) with the
//     collector off, and turns it back on before the first card is
//     shown: a long session collects as usual (queueGC).
//
// What it buys is measured with BenchmarkStats1M (cmd/flash) and
// BenchmarkStartSession (storage); see README, Speed and size.
const (
	statsGC = 400
	queueGC = -1
)

// withGC runs fn with the collector's target percentage set to percent
// (-1: off) and restores the previous setting afterwards.
func withGC(percent int, fn func() error) error {
	defer debug.SetGCPercent(debug.SetGCPercent(percent))
	return fn()
}
