package exam

import (
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"
)

// MinHistory is how many new cards (or reviews) the log must hold before
// their answer times replace DefaultCosts.
const MinHistory = 10

// maxAnswer caps one answer time: a learner who left the screen open for
// an hour did not study for an hour.
const maxAnswer = 5 * time.Minute

// CostCounter adds up answer times from the review log into Costs.
type CostCounter struct {
	newSum, revSum time.Duration
	newN, revN     int
}

// Add counts one rating of a card that was in state before it, taking d.
// Ratings of new and learning cards count toward a new card's cost (each
// new card counted once, at its first rating); ratings of review and
// relearning cards toward a review's.
func (c *CostCounter) Add(before fsrs.State, d time.Duration) {
	d = min(max(d, 0), maxAnswer)
	switch before {
	case fsrs.New:
		c.newN++
		c.newSum += d
	case fsrs.Learning:
		c.newSum += d
	case fsrs.Review:
		c.revN++
		c.revSum += d
	case fsrs.Relearning:
		c.revSum += d
	}
}

// Costs returns the mean time per new card and per review, each from the
// log once it has MinHistory of them, else from DefaultCosts.
func (c *CostCounter) Costs() Costs {
	out := DefaultCosts
	if c.newN >= MinHistory && c.newSum > 0 {
		out.New = c.newSum / time.Duration(c.newN)
	}
	if c.revN >= MinHistory && c.revSum > 0 {
		out.Review = c.revSum / time.Duration(c.revN)
	}
	return out
}

func (c *CostCounter) merge(o *CostCounter) {
	c.newSum += o.newSum
	c.revSum += o.revSum
	c.newN += o.newN
	c.revN += o.revN
}
