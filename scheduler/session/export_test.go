package session

// FromSaved reports whether s studies deckID with the plan of the day as
// saved rather than one made when its queue was built.
func FromSaved(s *Session, deckID string) bool { return s.fromSaved[deckID] }
