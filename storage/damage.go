package storage

import (
	"runtime"
	"strings"
)

// isDamage reports whether p, a panic being recovered by a deferred call
// of a transaction, means that the file is damaged: bbolt panicked on a
// page it cannot read (its panics on bad pages and its assertions), or
// reading the memory-mapped file faulted (debug.SetPanicOnFault turns that
// into a panic whose value has the faulting address). Any other panic is a
// bug in flash, not damage: the caller panics again with it, and bbolt has
// rolled the transaction back, so the database is untouched.
func isDamage(p any) bool {
	if _, ok := p.(interface{ Addr() uintptr }); ok {
		return true
	}
	var pcs [64]uintptr
	n := runtime.Callers(2, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	panicking := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			panicking = true
		case panicking && !strings.HasPrefix(f.Function, "runtime."):
			// The function that panicked.
			return strings.HasPrefix(f.Function, "go.etcd.io/bbolt.") || strings.HasPrefix(f.Function, "go.etcd.io/bbolt/")
		}
		if !more {
			return false
		}
	}
}
