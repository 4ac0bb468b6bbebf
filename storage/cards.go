package storage

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
	bolt "go.etcd.io/bbolt"

	"github.com/flash-srs/flash/deck"
)

// DeckInfo is what the store keeps about a deck besides its cards.
type DeckInfo struct {
	ID        string          `json:"id"`
	Title     string          `json:"title"`
	Language  string          `json:"language,omitempty"`
	Options   deck.Options    `json:"options"`
	Questions []deck.Question `json:"questions"`
	// Builtin is true while the stored copy came from the binary's
	// embedded deck rather than from a file.
	Builtin bool `json:"builtin,omitempty"`
	// SourceHash is Source.Hash of the last import that wrote the deck.
	SourceHash string `json:"source_hash"`
	// ImportedAt is the now of the last import that changed anything.
	ImportedAt time.Time `json:"imported_at"`
}

// Source says where an imported deck came from.
type Source struct {
	Builtin bool
	Hash    string // hex sha256 of the file bytes
}

// Plan lists, by card id in deck-file order (Retired in id order), what an
// import does or, for a dry run, would do.
type Plan struct {
	Deck      string
	Added     []string // new ids: fresh FSRS state
	Updated   []string // known ids whose text changed: state and history kept
	Unchanged []string
	Retired   []string // ids missing from the file: kept with history, not studied
	Restored  []string // retired ids back in the file: history restored (text updated too)
}

// Flags are the learner's marks on a card.
type Flags struct {
	Suspended   bool
	Flagged     bool      // marked for fixing
	BuriedUntil time.Time // zero when not buried
}

// Leeched returns the flags of a card that a rating has just made a leech
// (scheduler.IsLeech): suspended, so that it is no longer shown, and
// flagged for fixing; a burial is kept. It is flash's one leech rule: Rate
// applies it and the review session mirrors it.
func (f Flags) Leeched() Flags {
	f.Suspended, f.Flagged = true, true
	return f
}

// CardState is a card's scheduling record, without its text.
type CardState struct {
	Deck, ID string
	Question string // the question id the card belongs to
	Order    int    // position in the deck file, from 0
	FSRS     fsrs.Card
	Retired  bool // no longer in its deck file
	Flags

	// IndexOnly is set on a card that DueCards gave as its due index entry
	// says, without reading its state: only Deck, ID, FSRS.State and
	// Order (new) or FSRS.Due (review) are set. Read the card (StatesOf)
	// before using anything else.
	IndexOnly bool

	// lastAfter, when set, is the after of the card's latest log entry,
	// which is no longer FSRS (codec.go): kept so that the log loses
	// nothing when something other than a rating changes the state.
	lastAfter *fsrs.Card
}

// Key returns "deck/id", the card's identity.
func (c CardState) Key() string { return c.Deck + "/" + c.ID }

// cardKey is deck\x00card; ids never contain NUL.
func cardKey(deckID, cardID string) []byte {
	return appendCardKey(make([]byte, 0, len(deckID)+1+len(cardID)), deckID, cardID)
}

// appendCardKey appends cardKey(deckID, cardID) to k.
func appendCardKey(k []byte, deckID, cardID string) []byte {
	k = append(k, deckID...)
	k = append(k, 0)
	return append(k, cardID...)
}

func splitCardKey(k []byte) (deckID, cardID []byte, ok bool) {
	i := bytes.IndexByte(k, 0)
	if i <= 0 || i == len(k)-1 {
		return nil, nil, false
	}
	return k[:i], k[i+1:], true
}

func deckPrefix(deckID string) []byte { return append([]byte(deckID), 0) }

// Content values (bucket content, key deck\x00card). Version 3 (written
// now) is the version byte, the content hash as its 32 raw sha256 bytes,
// then the card's fields in a compact binary form: question, kind, front,
// back (uvarint length, bytes each), the number of tags and each tag the
// same way, then 0 for no sim or 1 and the sim's kind, check and params
// (as JSON, the one part that is not a fixed shape). The card's id is the
// key's. Versions 1 and 2 (still read) start with the version byte, a hash
// length byte and the hash as hex; version 2 then holds the card's id and
// the fields as version 3 does, version 1 the card as JSON.
func encodeContent(c *deck.Card) ([]byte, error) {
	return encodeContentIn(nil, c)
}

// An arena hands out byte slices from shared chunks of memory: one
// allocation for many keys or values rather than one each. bbolt keeps
// the keys and values put in a transaction until it commits, so a chunk
// is never reused. A nil *arena allocates each slice on its own.
type arena struct {
	buf []byte
}

const arenaChunk = 1 << 20

// start returns an empty slice to append a key or value of about n bytes
// to, and end takes what was appended: the slice it returns is capped
// at its length. A value that outgrows n is its own allocation.
func (a *arena) start(n int) []byte {
	if a == nil {
		return make([]byte, 0, n)
	}
	if cap(a.buf)-len(a.buf) < n {
		a.buf = make([]byte, 0, max(n, arenaChunk))
	}
	return a.buf[len(a.buf):]
}

func (a *arena) end(b []byte) []byte {
	b = b[:len(b):len(b)]
	if a != nil && len(b) > 0 && len(a.buf) < cap(a.buf) && &a.buf[:len(a.buf)+1][len(a.buf)] == &b[0] {
		a.buf = a.buf[:len(a.buf)+len(b)] // appended in place
	}
	return b
}

// encodeContentIn returns the content value of c, from a. Its hash is
// c.Hash(), computed from the encoded card: the card's fields are encoded
// for the hash as they are for the value, after a byte 1 and the card's
// id, which the value leaves to its key (TestEncodeContent_HashIsCardHash).
func encodeContentIn(a *arena, c *deck.Card) ([]byte, error) {
	var params []byte
	if c.Sim != nil {
		var err error
		if params, err = json.Marshal(c.Sim.Params); err != nil {
			return nil, fmt.Errorf("encode card %s: %w", c.ID, err)
		}
	}
	n := 1 + sha256.Size + 5*binary.MaxVarintLen32 + len(c.Question) + len(c.Kind) + len(c.Front) + len(c.Back)
	for _, t := range c.Tags {
		n += binary.MaxVarintLen32 + len(t)
	}
	var check string
	if c.Sim != nil {
		// deck.Parse refuses line breaks in check entries, so the joined
		// entries split back apart, and a one-output check is stored as it
		// was when check was a single string.
		check = strings.Join(c.Sim.Check, "\n")
		n += 1 + 3*binary.MaxVarintLen32 + len(c.Sim.Kind) + len(check) + len(params)
	}
	n++
	b := a.start(n)
	b = append(b, contentVersion3)
	b = append(b, make([]byte, sha256.Size)...) // the hash, below
	body := len(b)
	for _, f := range [...]string{c.Question, c.Kind, c.Front, c.Back} {
		b = appendString(b, f)
	}
	b = binary.AppendUvarint(b, uint64(len(c.Tags)))
	for _, t := range c.Tags {
		b = appendString(b, t)
	}
	if c.Sim == nil {
		b = append(b, 0)
	} else {
		b = append(b, 1)
		b = appendString(b, c.Sim.Kind)
		b = appendString(b, check)
		b = binary.AppendUvarint(b, uint64(len(params)))
		b = append(b, params...)
	}
	h := sha256.New()
	var idb [1 + binary.MaxVarintLen64]byte
	h.Write(binary.AppendUvarint(append(idb[:0], 1), uint64(len(c.ID)))) // 1: the version of deck.Card.Hash's encoding
	h.Write([]byte(c.ID))
	h.Write(b[body:])
	h.Sum(b[1:1:body])
	return a.end(b), nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// splitContent returns the hash (raw for version 3, hex before) and the
// encoded card of a content value.
func splitContent(v []byte) (hash, card []byte, err error) {
	switch {
	case len(v) >= 1+sha256.Size && v[0] == contentVersion3:
		return v[1 : 1+sha256.Size], v[1+sha256.Size:], nil
	case len(v) >= 2 && (v[0] == contentVersion || v[0] == contentVersionBinary) && len(v) >= 2+int(v[1]):
		n := 2 + int(v[1])
		return v[2:n], v[n:], nil
	}
	return nil, nil, errCorrupt
}

// contentHashIs reports whether the content value v holds the content
// hash hash (hex, as deck.Card.Hash gives it), whichever version v is.
func contentHashIs(v []byte, hash string) (bool, error) {
	h, _, err := splitContent(v)
	if err != nil {
		return false, err
	}
	if v[0] != contentVersion3 {
		return string(h) == hash, nil
	}
	var sum [sha256.Size]byte
	if len(hash) != hex.EncodedLen(len(sum)) {
		return false, nil
	}
	if _, err := hex.Decode(sum[:], []byte(hash)); err != nil {
		return false, nil
	}
	return bytes.Equal(h, sum[:]), nil
}

// decodeContent decodes the card of a content value into c; id is the
// card's id, from the value's key (version 3 values do not repeat it).
func decodeContent(c *deck.Card, id string, v []byte) error {
	_, b, err := splitContent(v)
	if err != nil {
		return err
	}
	if v[0] == contentVersion {
		return json.Unmarshal(b, c)
	}
	var p int
	str := func() string {
		x, q := bs(b, p)
		p = q
		return string(x)
	}
	if v[0] == contentVersionBinary {
		id = str()
	}
	*c = deck.Card{ID: id, Question: str(), Kind: str(), Front: str(), Back: str()}
	nt, p2 := uv(b, p)
	p = p2
	if nt > uint64(len(b)) {
		return errCorrupt
	}
	if nt > 0 {
		c.Tags = make([]string, nt)
		for i := range c.Tags {
			c.Tags[i] = str()
		}
	}
	hasSim, p3 := by(b, p)
	p = p3
	switch {
	case p > len(b) || hasSim > 1:
		return errCorrupt
	case hasSim == 1:
		c.Sim = &deck.Sim{Kind: str()}
		if check := str(); check != "" {
			c.Sim.Check = strings.Split(check, "\n")
		}
		params, q := bs(b, p)
		p = q
		if p != len(b) {
			return errCorrupt
		}
		if err := json.Unmarshal(params, &c.Sim.Params); err != nil {
			return err
		}
	}
	if p != len(b) {
		return errCorrupt
	}
	return nil
}

// Decks returns every stored deck, by ID; none (a nil slice) for a new
// database.
func (s *Store) Decks() ([]DeckInfo, error) {
	var out []DeckInfo
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDecks).ForEach(func(k, v []byte) error {
			var d DeckInfo
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("deck %s: %w", k, err)
			}
			out = append(out, d)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read decks from %s: %w", s.path, err)
	}
	return out, nil
}

// checkDeck refuses a deck that storage cannot keep: none, a bad deck or
// card id, or a card id twice (the first such card in file order is named).
// It returns the indexes of the cards in the order of their ids, which is
// the order of their keys.
func checkDeck(d *deck.Deck) ([]int32, error) {
	if d == nil {
		return nil, errors.New("no deck")
	}
	if d.ID == "" || strings.IndexByte(d.ID, 0) >= 0 {
		return nil, fmt.Errorf("bad deck id %q", d.ID)
	}
	bad := len(d.Cards)
	for i := range d.Cards {
		if id := d.Cards[i].ID; id == "" || strings.IndexByte(id, 0) >= 0 {
			bad = i
			break
		}
	}
	// Sorted by id, then by index: a card with the id of the one before
	// it is a duplicate, and the first in file order is the one to name.
	byID := sortByID(d.Cards)
	dup := len(d.Cards)
	for k := 1; k < len(byID); k++ {
		if i := int(byID[k]); i < dup && d.Cards[i].ID == d.Cards[byID[k-1]].ID {
			dup = i
		}
	}
	switch {
	case bad < len(d.Cards) && bad <= dup:
		return nil, fmt.Errorf("card %d: bad id %q", bad+1, d.Cards[bad].ID)
	case dup < len(d.Cards):
		return nil, fmt.Errorf("card %d: duplicate id %q", dup+1, d.Cards[dup].ID)
	}
	return byID, nil
}

// sortByID returns the indexes of cards in the order of their ids, and
// of their indexes among equal ids. The sort compares the first 16 bytes
// of each id as two numbers, read from the cards once: comparing the
// strings through the cards reads a card from memory at each step.
func sortByID(cards []deck.Card) []int32 {
	type key struct {
		hi, lo uint64 // the id's first 16 bytes, zeros after its end
		i      int32
	}
	keys := make([]key, len(cards))
	sorted := true
	for i := range cards {
		var b [16]byte
		copy(b[:], cards[i].ID)
		keys[i] = key{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]), int32(i)}
		if i > 0 && sorted && cards[i-1].ID > cards[i].ID {
			sorted = false
		}
	}
	byID := make([]int32, len(cards))
	if !sorted {
		slices.SortFunc(keys, func(a, b key) int {
			switch {
			case a.hi != b.hi:
				return cmp.Compare(a.hi, b.hi)
			case a.lo != b.lo:
				return cmp.Compare(a.lo, b.lo)
			}
			// Equal in 16 bytes (with zeros after an end): the ids
			// decide, then the indexes.
			if c := strings.Compare(cards[a.i].ID, cards[b.i].ID); c != 0 {
				return c
			}
			return cmp.Compare(a.i, b.i)
		})
	}
	for j := range keys {
		byID[j] = keys[j].i
	}
	return byID
}

// cardChange is one write an import makes.
type cardChange struct {
	i            int // index into d.Cards; -1 when retiring
	key          []byte
	state        CardState
	old          *CardState // nil for a new card
	num          uint32     // the card's number; 0 for a new card until applyImport
	writeContent bool
}

// Import brings deck d into the store in one transaction: new ids are
// added with fsrs.NewCard(); known ids whose content hash changed get the
// new text and keep their FSRS state and history; ids missing from d are
// retired (kept with history, left out of review); retired ids that
// reappear are restored. The deck's title, options, questions and src are
// stored with ImportedAt = now.
//
// The plan is worked out in a read transaction first; the write transaction
// runs only when something differs, so importing an unchanged file writes
// nothing at all, and a dry run never writes. On any error nothing is
// written. It blocks while another write transaction runs.
func (s *Store) Import(d *deck.Deck, src Source, now time.Time, dryRun bool) (Plan, error) {
	byID, err := checkDeck(d)
	if err != nil {
		return Plan{}, fmt.Errorf("import into %s: %w", s.path, err)
	}
	// The content hashes are needed to compare cards already stored; new
	// cards' values get theirs as they are encoded.
	var hashes []string
	hashesOf := func() []string {
		if hashes == nil {
			hashes = contentHashes(d.Cards)
		}
		return hashes
	}
	var plan Plan
	var changes []cardChange
	var deckChanged bool
	var seen int // last committed transaction the plan was made from
	err = s.view(func(tx *bolt.Tx) error {
		var err error
		seen = tx.ID()
		plan, changes, deckChanged, err = planImport(tx, d, hashesOf, src)
		return err
	})
	if err != nil {
		return Plan{}, fmt.Errorf("import %s into %s: %w", d.ID, s.path, err)
	}
	if dryRun || (len(changes) == 0 && !deckChanged) {
		return plan, nil
	}
	err = s.update(func(tx *bolt.Tx) error {
		if tx.ID() != seen+1 {
			// Another write came in between (from this process: the
			// file lock keeps others out); plan again.
			var err error
			plan, changes, deckChanged, err = planImport(tx, d, hashesOf, src)
			if err != nil {
				return err
			}
		}
		return applyImport(tx, &s.pend, d, src, now, changes, byID)
	})
	if err != nil {
		return Plan{}, fmt.Errorf("import %s into %s: %w", d.ID, s.path, err)
	}
	return plan, nil
}

// contentHashes returns the content hash of every card, hashing on every
// core: hashing 10k cards takes milliseconds on one.
func contentHashes(cards []deck.Card) []string {
	hashes := make([]string, len(cards))
	const minPart = 512
	parts := min(runtime.GOMAXPROCS(0), (len(cards)+minPart-1)/minPart)
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		lo, hi := p*len(cards)/parts, (p+1)*len(cards)/parts
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				hashes[i] = cards[i].Hash()
			}
		})
	}
	for i := range len(cards) / max(parts, 1) {
		hashes[i] = cards[i].Hash()
	}
	wg.Wait()
	return hashes
}

func planImport(tx *bolt.Tx, d *deck.Deck, hashesOf func() []string, src Source) (Plan, []cardChange, bool, error) {
	plan := Plan{Deck: d.ID}
	states, content := tx.Bucket(bucketState), tx.Bucket(bucketContent)
	prefix := deckPrefix(d.ID)
	cur := states.Cursor()
	first, firstV := cur.Seek(prefix)
	// A deck with no card stored yet: every card is new, and there is
	// nothing to look up or to retire.
	stored := first != nil && bytes.HasPrefix(first, prefix)
	var changes []cardChange
	if !stored {
		changes = make([]cardChange, 0, len(d.Cards))
		plan.Added = make([]string, 0, len(d.Cards))
	}
	// The cards' keys share one buffer.
	n := 0
	for i := range d.Cards {
		n += len(prefix) + len(d.Cards[i].ID)
	}
	keys := make([]byte, 0, n)
	var inFile map[string]bool
	var hashes []string
	if stored {
		inFile = make(map[string]bool, len(d.Cards))
		hashes = hashesOf()
	}
	var in interner
	for i := range d.Cards {
		c := &d.Cards[i]
		start := len(keys)
		keys = append(append(keys, prefix...), c.ID...)
		k := keys[start:len(keys):len(keys)]
		var v []byte
		if stored {
			inFile[c.ID] = true
			v = states.Get(k)
		}
		if v == nil {
			plan.Added = append(plan.Added, c.ID)
			changes = append(changes, cardChange{i: i, key: k, writeContent: true, state: CardState{
				Deck: d.ID, ID: c.ID, Question: c.Question, Order: i, FSRS: fsrs.NewCard(),
			}})
			continue
		}
		cs := CardState{Deck: d.ID, ID: c.ID}
		num, err := decodeState(&cs, v, &in)
		if err != nil {
			return plan, nil, false, fmt.Errorf("card %s: %w", c.ID, err)
		}
		old := cs
		textChanged := true
		if cv := content.Get(k); cv != nil {
			same, err := contentHashIs(cv, hashes[i])
			if err != nil {
				return plan, nil, false, fmt.Errorf("card %s content: %w", c.ID, err)
			}
			textChanged = !same
		}
		moved := cs.Order != i || cs.Question != c.Question
		switch {
		case cs.Retired:
			plan.Restored = append(plan.Restored, c.ID)
		case textChanged:
			plan.Updated = append(plan.Updated, c.ID)
		default:
			plan.Unchanged = append(plan.Unchanged, c.ID)
		}
		if cs.Retired || textChanged || moved {
			cs.Retired = false
			cs.Order, cs.Question = i, c.Question
			changes = append(changes, cardChange{i: i, key: k, state: cs, old: &old, num: num, writeContent: textChanged})
		}
	}
	for k, v := first, firstV; stored && k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
		id := string(k[len(prefix):])
		if inFile[id] {
			continue
		}
		cs := CardState{Deck: d.ID, ID: id}
		num, err := decodeState(&cs, v, &in)
		if err != nil {
			return plan, nil, false, fmt.Errorf("card %s: %w", id, err)
		}
		if cs.Retired {
			continue
		}
		old := cs
		cs.Retired = true
		plan.Retired = append(plan.Retired, id)
		changes = append(changes, cardChange{i: -1, key: bytes.Clone(k), state: cs, old: &old, num: num})
	}

	deckChanged := true
	if v := tx.Bucket(bucketDecks).Get([]byte(d.ID)); v != nil {
		var old DeckInfo
		if err := json.Unmarshal(v, &old); err != nil {
			return plan, nil, false, fmt.Errorf("deck %s: %w", d.ID, err)
		}
		deckChanged = old.Title != d.Title || old.Language != d.Language ||
			old.Options != d.Options || !slices.Equal(old.Questions, d.Questions) ||
			old.Builtin != src.Builtin || old.SourceHash != src.Hash
	}
	return plan, changes, deckChanged, nil
}

// applyImport writes changes; byID is checkDeck's order of d's cards.
func applyImport(tx *bolt.Tx, p *pendingSet, d *deck.Deck, src Source, now time.Time, changes []cardChange, byID []int32) error {
	// Card text is encoded, and hashed, on other goroutines while this one
	// writes the states and the due index.
	enc := encodeContents(d, changes, false)
	defer enc.wait()
	order := keyOrder(changes, byID)
	if err := putStates(tx, p, d, src, now, changes, order, nil); err != nil {
		if _, eerr := enc.wait(); eerr != nil {
			return eerr // as when the text was encoded before anything was put
		}
		return err
	}
	return putContents(tx, enc, changes, order)
}

// putStates writes what an import changes but card text: the states of
// the changes (order is keyOrder's) and their due index entries, the new
// cards' numbers and the deck's record. pre is what prepareStates and
// encodeStates made of changes, or nil: then putStates makes it. The
// cards pending in p (nil: none) have their index entries moved first.
func putStates(tx *bolt.Tx, p *pendingSet, d *deck.Deck, src Source, now time.Time, changes []cardChange, order []int32, pre *preparedStates) error {
	// The index is written directly below (reindex from each card's
	// state as planImport read it): first make it exact.
	if err := flushIndex(tx, p); err != nil {
		return err
	}
	if err := dropCaches(tx, d.ID); err != nil {
		return err
	}
	if pre == nil {
		p, err := numberNew(tx, d.ID, changes)
		if err != nil {
			return err
		}
		p.encodeStates(changes, order)
		pre = &p
	}
	if pre.err != nil {
		return pre.err
	}
	if err := pre.nums.save(tx); err != nil {
		return err
	}
	if err := putStatesAndIndex(tx.Bucket(bucketState), tx.Bucket(bucketDue), changes, order, pre); err != nil {
		return err
	}
	info := DeckInfo{
		ID: d.ID, Title: d.Title, Language: d.Language, Options: d.Options,
		Questions: d.Questions, Builtin: src.Builtin, SourceHash: src.Hash, ImportedAt: now,
	}
	v, err := json.Marshal(info)
	if err != nil {
		return fmt.Errorf("encode deck %s: %w", d.ID, err)
	}
	return tx.Bucket(bucketDecks).Put([]byte(d.ID), v)
}

// preparedStates is what putStates puts of an import's changes, made
// before its transaction writes: the deck's numbers, the changes' state
// values and the new cards' due index keys.
type preparedStates struct {
	nums deckNumbers
	vals [][]byte // the state of changes[order[k]] at k
	idx  [][]byte // the new cards' due index keys, sorted
	err  error
}

// numberNew gives the new cards among changes their numbers, in
// deck-file order (the order of changes), from deckID's numbers in tx,
// which putStates saves.
func numberNew(tx *bolt.Tx, deckID string, changes []cardChange) (preparedStates, error) {
	nums, err := numbersOf(tx, deckID)
	if err != nil {
		return preparedStates{}, err
	}
	for i := range changes {
		if ch := &changes[i]; ch.old == nil {
			if ch.num, err = nums.give(); err != nil {
				return preparedStates{}, err
			}
		}
	}
	return preparedStates{nums: nums}, nil
}

// encodeStates encodes the state of every change, in key order (order,
// from keyOrder), and the due index keys of the new ones, once numberNew
// numbered them. It reads no transaction.
func (p *preparedStates) encodeStates(changes []cardChange, order []int32) {
	var a arena
	p.vals = make([][]byte, len(order))
	for k, j := range order {
		ch := &changes[j]
		v, err := appendState(a.start(stateSize(&ch.state)), &ch.state, ch.num)
		if err != nil {
			p.err = fmt.Errorf("card %s: %w", ch.state.ID, err)
			return
		}
		p.vals[k] = a.end(v)
	}
	// New cards' index entries, put in key order. New cards are indexed
	// by their order in the file, so in file order (the order of
	// changes) their keys are mostly sorted already.
	for j := range changes {
		if ch := &changes[j]; ch.old == nil {
			p.idx = dueKeysIn(p.idx, &a, &ch.state)
		}
	}
	if !slices.IsSortedFunc(p.idx, bytes.Compare) {
		slices.SortFunc(p.idx, bytes.Compare)
	}
}

// putContents puts the card text of the changes that write it, in key
// order, once enc has encoded it.
func putContents(tx *bolt.Tx, enc *contentEncoding, changes []cardChange, order []int32) error {
	contents, err := enc.wait()
	if err != nil {
		return err
	}
	// Card text changes only when a deck file does, so its pages are
	// filled (a 10k-card deck writes 11% fewer of them).
	content := tx.Bucket(bucketContent)
	content.FillPercent = 1
	for _, j := range order {
		if ch := &changes[j]; ch.writeContent {
			if err := content.Put(ch.key, contents[j]); err != nil {
				return fmt.Errorf("card %s: %w", ch.state.ID, err)
			}
		}
	}
	return nil
}

// putStatesAndIndex puts the state of every change, in key order (order,
// from keyOrder), as pre encoded it, moves the due index entries of the
// changed cards and adds those of the new ones.
func putStatesAndIndex(states, due *bolt.Bucket, changes []cardChange, order []int32, pre *preparedStates) error {
	// Sorted inserts split pages at FillPercent: the default of one half
	// would leave them half empty. States and index entries change with
	// every rating, so their pages keep some room for that.
	states.FillPercent, due.FillPercent = 0.9, 0.9
	for k, j := range order {
		ch := &changes[j]
		if err := states.Put(ch.key, pre.vals[k]); err != nil {
			return fmt.Errorf("card %s: %w", ch.state.ID, err)
		}
		if ch.old != nil {
			if err := reindex(due, ch.old, &ch.state); err != nil {
				return fmt.Errorf("card %s: %w", ch.state.ID, err)
			}
		}
	}
	for _, k := range pre.idx {
		if err := due.Put(k, noState); err != nil {
			return err
		}
	}
	return nil
}

// keyOrder returns the indexes of changes in the order of their keys.
// bbolt inserts into a sorted slice per page until commit splits it:
// keys in order append instead of shifting thousands of entries. All
// changes are of one deck, so their keys sort as their card ids do. When
// the changes are the deck's cards in file order (a new deck), that order
// is byID, checkDeck's.
func keyOrder(changes []cardChange, byID []int32) []int32 {
	if len(changes) == len(byID) && allCardsInOrder(changes) {
		return byID
	}
	type byIDOf struct {
		id string
		j  int32
	}
	ids := make([]byIDOf, len(changes))
	for j := range changes {
		ids[j] = byIDOf{changes[j].state.ID, int32(j)}
	}
	cmp := func(a, b byIDOf) int { return strings.Compare(a.id, b.id) }
	if !slices.IsSortedFunc(ids, cmp) {
		slices.SortFunc(ids, cmp)
	}
	order := make([]int32, len(ids))
	for i := range ids {
		order[i] = ids[i].j
	}
	return order
}

// allCardsInOrder reports whether change j is of card j, for every j.
func allCardsInOrder(changes []cardChange) bool {
	for j := range changes {
		if changes[j].i != j {
			return false
		}
	}
	return true
}

// contentEncoding is the encoding of an import's card text under way.
type contentEncoding struct {
	wg   sync.WaitGroup
	out  [][]byte
	errs []error
}

// encodeContents starts encoding the content value of each change that
// writes content, on every core; wait returns them (nil for the other
// changes). With here set, the calling goroutine encodes a part too, and
// encodeContents returns when that part is done; there are then twice as
// many parts as cores, so that a core whose part ends early takes another.
// Without it there are as many as cores: the caller goes on with other
// work meanwhile (Store.Import puts the states), which more parts would
// take processor time from.
func encodeContents(d *deck.Deck, changes []cardChange, here bool) *contentEncoding {
	e := &contentEncoding{out: make([][]byte, len(changes))}
	const minPart = 512
	perCore := 1
	if here {
		perCore = 2
	}
	parts := max(1, min(perCore*runtime.GOMAXPROCS(0), len(changes)/minPart))
	e.errs = make([]error, parts)
	encode := func(p int) {
		var a arena
		for j := p * len(changes) / parts; j < (p+1)*len(changes)/parts; j++ {
			if ch := &changes[j]; ch.writeContent {
				v, err := encodeContentIn(&a, &d.Cards[ch.i])
				if err != nil {
					e.errs[p] = err
					return
				}
				e.out[j] = v
			}
		}
	}
	first := 0
	if here {
		first = 1
	}
	for p := first; p < parts; p++ {
		e.wg.Go(func() { encode(p) })
	}
	if here {
		encode(0)
	}
	return e
}

// wait waits for the encoding to end and returns its values, or the
// errors met.
func (e *contentEncoding) wait() ([][]byte, error) {
	e.wg.Wait()
	return e.out, errors.Join(e.errs...)
}

// States returns the scheduling state of every card of deckID ("" = all
// decks), in key order (deck, then card id), including retired cards. It
// reads no card text and no review log.
func (s *Store) States(deckID string) ([]CardState, error) {
	var out []CardState
	err := s.view(func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketState).Cursor()
		var prefix []byte
		first := func() ([]byte, []byte) { return cur.First() }
		if deckID != "" {
			prefix = deckPrefix(deckID)
			first = func() ([]byte, []byte) { return cur.Seek(prefix) }
		}
		// Count first: growing a slice of 10k records by appending
		// allocates several times their size.
		n, idBytes := 0, 0
		for k, _ := first(); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			n++
			idBytes += len(k)
		}
		out = make([]CardState, 0, n)
		// Card ids share one string: one allocation instead of n.
		ids := make([]byte, 0, idBytes)
		ends := make([]int, 0, n)
		var in interner
		for k, v := first(); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			dk, ck, ok := splitCardKey(k)
			if !ok {
				return fmt.Errorf("bad card key %q", k)
			}
			ids = append(ids, ck...)
			ends = append(ends, len(ids))
			out = append(out, CardState{Deck: in.str(dk)})
			cs := &out[len(out)-1]
			if _, err := decodeState(cs, v, &in); err != nil {
				return fmt.Errorf("card %s/%s: %w", dk, ck, err)
			}
		}
		all, start := string(ids), 0
		for i, end := range ends {
			out[i].ID = all[start:end]
			start = end
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read card states from %s: %w", s.path, err)
	}
	return out, nil
}

// StatesOf returns the scheduling state of deckID's cards ids, in that
// order, in one read transaction: a few cards without reading the deck.
// An unknown card is an error wrapping ErrNotFound.
func (s *Store) StatesOf(deckID string, ids []string) ([]CardState, error) {
	out := make([]CardState, len(ids))
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketState)
		var in interner
		deck := in.str([]byte(deckID))
		for i, id := range ids {
			v := b.Get(cardKey(deckID, id))
			if v == nil {
				return errCardNotFound(s.path, deckID, id)
			}
			out[i] = CardState{Deck: deck, ID: id}
			if _, err := decodeState(&out[i], v, &in); err != nil {
				return fmt.Errorf("card %s/%s: %w", deckID, id, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read card states from %s: %w", s.path, err)
	}
	return out, nil
}

// Content returns the text of a card as last imported, also for a retired
// card. It returns an error wrapping ErrNotFound for an unknown card.
func (s *Store) Content(deckID, cardID string) (deck.Card, error) {
	var c deck.Card
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketContent).Get(cardKey(deckID, cardID))
		if v == nil {
			return errCardNotFound(tx.DB().Path(), deckID, cardID)
		}
		return decodeContent(&c, cardID, v)
	})
	if errors.Is(err, ErrNotFound) {
		return deck.Card{}, err
	}
	if err != nil {
		return deck.Card{}, fmt.Errorf("read card %s/%s from %s: %w", deckID, cardID, s.path, err)
	}
	return c, nil
}

// SetFlags replaces a card's flags in one committed transaction. It returns
// an error wrapping ErrNotFound for an unknown card.
func (s *Store) SetFlags(deckID, cardID string, f Flags) error {
	err := s.update(func(tx *bolt.Tx) error {
		_, err := modifyState(tx, &s.pend, deckID, cardID, func(cs *CardState) error {
			cs.Flags = f
			return nil
		})
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return err
	}
	if err != nil {
		return fmt.Errorf("set flags of %s/%s in %s: %w", deckID, cardID, s.path, err)
	}
	return nil
}

// modifyState reads, changes and writes back one card state, with its
// index entries (pending in p, see deferIndex), and returns the card's
// number.
func modifyState(tx *bolt.Tx, p *pendingSet, deckID, cardID string, fn func(*CardState) error) (uint32, error) {
	v := tx.Bucket(bucketState).Get(cardKey(deckID, cardID))
	if v == nil {
		return 0, errCardNotFound(tx.DB().Path(), deckID, cardID)
	}
	cs := CardState{Deck: deckID, ID: cardID}
	num, err := decodeState(&cs, v, nil)
	if err != nil {
		return 0, fmt.Errorf("card %s/%s: %w", deckID, cardID, err)
	}
	old := cs
	if err := fn(&cs); err != nil {
		return 0, err
	}
	return num, putState(tx, p, &old, &cs, num)
}

// Contents returns the text of each of cards (by Deck and ID), in order, as
// Content does, but in one read transaction. It returns an error wrapping
// ErrNotFound when a card is unknown.
func (s *Store) Contents(cards []CardState) ([]deck.Card, error) {
	out := make([]deck.Card, len(cards))
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketContent)
		var k []byte
		for i := range cards {
			c := &cards[i]
			k = append(append(append(k[:0], c.Deck...), 0), c.ID...)
			v := b.Get(k)
			if v == nil {
				return errCardNotFound(tx.DB().Path(), c.Deck, c.ID)
			}
			if err := decodeContent(&out[i], c.ID, v); err != nil {
				return fmt.Errorf("card %s/%s: %w", c.Deck, c.ID, err)
			}
		}
		return nil
	})
	if errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("read cards from %s: %w", s.path, err)
	}
	return out, nil
}
