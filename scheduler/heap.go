package scheduler

import "time"

// heapq is a binary min-heap of entries that keeps each entry's index, so
// an entry can be removed in O(log n). less must be a total order.
//
// Entries added with append are put in heap order when the order is first
// needed (top, push, countNotAfter), so a heap nobody looks at costs
// nothing to build.
type heapq struct {
	es    []*entry
	less  func(a, b *entry) bool
	dirty bool // es is not in heap order
}

func (h *heapq) len() int { return len(h.es) }

// top returns the least entry, or nil.
func (h *heapq) top() *entry {
	if len(h.es) == 0 {
		return nil
	}
	h.fix()
	return h.es[0]
}

func (h *heapq) reset() {
	clear(h.es)
	h.es = h.es[:0]
	h.dirty = false
}

// append adds e without restoring the heap order.
func (h *heapq) append(e *entry) {
	e.h, e.idx = h, len(h.es)
	h.es = append(h.es, e)
	h.dirty = len(h.es) > 1
}

// fix puts the entries in heap order if append left them out of it.
func (h *heapq) fix() {
	if !h.dirty {
		return
	}
	for i := len(h.es)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
	h.dirty = false
}

func (h *heapq) push(e *entry) {
	h.fix()
	h.append(e)
	h.dirty = false
	h.up(e.idx)
}

func (h *heapq) remove(e *entry) {
	i, n := e.idx, len(h.es)-1
	if i != n {
		h.swap(i, n)
	}
	h.es[n] = nil
	h.es = h.es[:n]
	if i != n && !h.dirty && !h.down(i) {
		h.up(i)
	}
	e.h, e.idx = nil, -1
}

func (h *heapq) swap(i, j int) {
	h.es[i], h.es[j] = h.es[j], h.es[i]
	h.es[i].idx = i
	h.es[j].idx = j
}

func (h *heapq) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !h.less(h.es[j], h.es[i]) {
			break
		}
		h.swap(i, j)
		j = i
	}
}

// down moves the entry at i0 down and reports whether it moved.
func (h *heapq) down(i0 int) bool {
	i, n := i0, len(h.es)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		j := l
		if r := l + 1; r < n && h.less(h.es[r], h.es[l]) {
			j = r
		}
		if !h.less(h.es[j], h.es[i]) {
			break
		}
		h.swap(i, j)
		i = j
	}
	return i > i0
}

// countNotAfter counts the entries due at or before t in a heap ordered by
// due, visiting only those and their children.
func (h *heapq) countNotAfter(t time.Time) int {
	h.fix()
	return h.countFrom(0, t)
}

func (h *heapq) countFrom(i int, t time.Time) int {
	if i >= len(h.es) || h.es[i].Card.Due.After(t) {
		return 0
	}
	return 1 + h.countFrom(2*i+1, t) + h.countFrom(2*i+2, t)
}
