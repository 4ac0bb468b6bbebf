package storage

// ScanStats is ScanStatsParts in one piece, for tests.
func (s *Store) ScanStats(deckID string, fn func([]LogStat) error) error {
	return s.ScanStatsParts(deckID, 1, 1, func(_, _ int, b []LogStat) error { return fn(b) })
}
