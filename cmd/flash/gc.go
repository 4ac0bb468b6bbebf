package main

import (
	"runtime"
	"runtime/debug"
)

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
//   - when a review session with an exam plan ends and has a plan to
//     make for a day ahead, it collects once before (collectBeforePlans,
//     Session.BeforePlanning): what the session read and planned is
//     garbage by then, and the new plan takes its memory instead of
//     fresh pages, each of which a short-lived process pays for with a
//     page fault (a quarter of the session end's faults on 10k cards).
//     When every plan is saved already it does not: the collection
//     itself touches some 150 fresh pages.
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

// collectBeforePlans runs a collection before a session that studied
// with an exam plan makes a plan to save.
func collectBeforePlans() { runtime.GC() }
