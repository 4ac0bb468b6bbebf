package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/flash-srs/flash/cmd/flash/internal/flags"
	"github.com/flash-srs/flash/scheduler"
	"github.com/flash-srs/flash/scheduler/optimize"
	"github.com/flash-srs/flash/scheduler/refit"
	"github.com/flash-srs/flash/storage"
)

func cmdOptimize(fs *flags.FlagSet, e *env) func([]string) error {
	var o optimizeFlags
	fs.StringVar(&o.deck, "deck", "", "fit to the log of the deck `ID` only and store the weights with it (default: all decks, stored with each)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "fit and report; store nothing")
	fs.BoolVar(&o.reset, "reset", false, "forget the fitted weights: back to go-fsrs's defaults")
	fs.StringVar(&o.revlog, "revlog", "", "fit to the review log in `FILE.csv` (the FSRS optimizer's CSV, as export --revlog writes it); stores nothing")
	fs.StringVar(&o.timezone, "timezone", "", "with --revlog: the learner's time `ZONE`, an IANA name such as Europe/Berlin (default: local time)")
	fs.IntVar(&o.dayStart, "next-day-starts-at", scheduler.DayStartHour, "with --revlog: the `HOUR` (0-23) at which a study day starts")
	fs.BoolVar(&o.json, "json", false, "print the report as JSON")
	return func(pos []string) error {
		if len(pos) > 0 {
			return usagef("optimize: unexpected argument %q", pos[0])
		}
		o.dayStartSet = fs.Changed("next-day-starts-at")
		o.dbSet = fs.Changed("db")
		return runOptimize(e, o)
	}
}

type optimizeFlags struct {
	deck, revlog, timezone string
	dayStart               int
	dryRun, reset, json    bool
	dayStartSet, dbSet     bool
}

// optimizeJSON is what --json prints. Field names are stable.
type optimizeJSON struct {
	Weights               []float64 `json:"weights"`
	Reviews               int       `json:"reviews"`
	Items                 int       `json:"items"`
	LogLossDefault        float64   `json:"log_loss_default"`
	LogLossFitted         float64   `json:"log_loss_fitted"`
	RMSEBinsDefault       float64   `json:"rmse_bins_default"`
	RMSEBinsFitted        float64   `json:"rmse_bins_fitted"`
	LogLossDefaultHeldOut *float64  `json:"log_loss_default_heldout"` // null: too few items to split
	LogLossFittedHeldOut  *float64  `json:"log_loss_fitted_heldout"`
	RMSEBinsDefaultHeld   *float64  `json:"rmse_bins_default_heldout"`
	RMSEBinsFittedHeld    *float64  `json:"rmse_bins_fitted_heldout"`
	HeldOutItems          int       `json:"heldout_items"`
	Pretrained            bool      `json:"pretrained"` // only the initial stabilities were fitted
	Seconds               float64   `json:"seconds"`
	Deck                  string    `json:"deck"`   // --deck, "" for all decks or --revlog
	Stored                []string  `json:"stored"` // the decks the weights were stored with
}

func runOptimize(e *env, o optimizeFlags) error {
	if o.revlog != "" {
		switch {
		case o.deck != "":
			return usagef("optimize: --revlog fits to a file and stores nothing; it takes no --deck")
		case o.reset:
			return usagef("optimize: --reset and --revlog do not go together")
		case o.dbSet:
			return usagef("optimize: --revlog reads no database; it takes no --db")
		}
		return optimizeRevlog(e, o)
	}
	if o.timezone != "" || o.dayStartSet {
		return usagef("optimize: --timezone and --next-day-starts-at go with --revlog (flash's own log is read in local time, days starting at %02d:00)", scheduler.DayStartHour)
	}
	path, err := e.dbPath()
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: no database yet; study with 'flash review' first", path)
	}
	opts := storage.Options{ReadOnly: o.dryRun}
	st, err := storage.Open(path, opts)
	if err != nil {
		return err
	}
	defer st.Close()
	decks, err := st.Decks()
	if err != nil {
		return err
	}
	var targets []string
	for _, d := range decks {
		if o.deck == "" || d.ID == o.deck {
			targets = append(targets, d.ID)
		}
	}
	if len(targets) == 0 {
		if o.deck == "" {
			return errors.New("optimize: the database holds no deck")
		}
		return storage.NoDeck(o.deck, decks)
	}
	if o.reset {
		return resetWeights(e, st, targets, o)
	}
	log, err := refit.ReadLog(st, o.deck)
	if err != nil {
		return err
	}
	revs := log.Reviews
	start := time.Now()
	rep, err := optimize.Run(revs, optimize.Clock{Loc: time.Local, DayStart: scheduler.DayStartHour}, optimize.Options{})
	secs := time.Since(start).Seconds()
	if err != nil {
		return optimizeError(err, len(revs))
	}
	var stored []string
	if !o.dryRun {
		f := scheduler.Fitted{
			Weights:        rep.Weights[:],
			FittedAt:       e.now().Truncate(time.Second), // stats --json prints it; nanoseconds say nothing
			Scope:          o.deck,
			Reviews:        rep.Reviews,
			Items:          rep.Items,
			LogLossDefault: rep.Default.LogLoss,
			LogLossFitted:  rep.Fitted.LogLoss,
			Pretrained:     rep.Pretrained,
		}
		if err := refit.Save(st, targets, f, log); err != nil {
			return err
		}
		stored = targets
		savePlans(e, st, targets...)
	}
	return printOptimize(e.stdout, o, rep, secs, stored)
}

// optimizeError explains a fit that could not be made.
func optimizeError(err error, reviews int) error {
	if errors.Is(err, optimize.ErrNoReviews) {
		return fmt.Errorf("optimize: %v: nothing to fit (a fit needs at least %d reviews on a later day than the card's previous one); the weights in use are kept", err, optimize.MinItems)
	}
	if errors.Is(err, optimize.ErrNotEnoughData) {
		return fmt.Errorf("optimize: %v (the log has %d reviews); the weights in use are kept", err, reviews)
	}
	return fmt.Errorf("optimize: %w", err)
}

// resetWeights forgets the fitted weights of targets and reports it.
func resetWeights(e *env, st *storage.Store, targets []string, o optimizeFlags) error {
	had, err := refit.Reset(st, targets, o.dryRun)
	if err != nil {
		return err
	}
	if !o.dryRun {
		savePlans(e, st, targets...)
	}
	for i, id := range targets {
		verb := "uses"
		if had[i] {
			verb = "goes back to"
			if o.dryRun {
				verb = "would go back to"
			}
		}
		fmt.Fprintf(e.stdout, "%s %s go-fsrs's default weights\n", id, verb)
	}
	return nil
}

// optimizeRevlog fits to a CSV file and prints the result.
func optimizeRevlog(e *env, o optimizeFlags) error {
	loc := time.Local
	if o.timezone != "" {
		l, err := time.LoadLocation(o.timezone)
		if err != nil {
			return usagef("optimize: --timezone %q: not a known time zone (an IANA name such as Europe/Berlin or UTC)", o.timezone)
		}
		loc = l
	}
	if o.dayStart < 0 || o.dayStart > 23 {
		return usagef("optimize: --next-day-starts-at %d: want an hour 0..23", o.dayStart)
	}
	var r io.Reader = e.stdin
	name := "stdin"
	if o.revlog != "-" {
		f, err := os.Open(o.revlog)
		if err != nil {
			return err
		}
		defer f.Close()
		r, name = f, o.revlog
	}
	revs, err := optimize.ReadRevlog(r, name)
	if err != nil {
		if errors.Is(err, optimize.ErrNoReviews) {
			return fmt.Errorf("%w; a fit needs at least %d reviews on a later day than the card's previous one", err, optimize.MinItems)
		}
		return err
	}
	start := time.Now()
	rep, err := optimize.Run(revs, optimize.Clock{Loc: loc, DayStart: o.dayStart}, optimize.Options{})
	secs := time.Since(start).Seconds()
	if err != nil {
		return optimizeError(err, len(revs))
	}
	return printOptimize(e.stdout, o, rep, secs, nil)
}

func printOptimize(w io.Writer, o optimizeFlags, rep optimize.Report, secs float64, stored []string) error {
	if o.json {
		j := optimizeJSON{
			Weights:         rep.Weights[:],
			Reviews:         rep.Reviews,
			Items:           rep.Items,
			LogLossDefault:  rep.Default.LogLoss,
			LogLossFitted:   rep.Fitted.LogLoss,
			RMSEBinsDefault: rep.Default.RMSEBins,
			RMSEBinsFitted:  rep.Fitted.RMSEBins,
			Pretrained:      rep.Pretrained,
			Seconds:         secs,
			Deck:            o.deck,
			Stored:          stored,
		}
		if j.Stored == nil {
			j.Stored = []string{}
		}
		if h := rep.HeldOut; h != nil {
			j.LogLossDefaultHeldOut, j.LogLossFittedHeldOut = &h.Default.LogLoss, &h.Fitted.LogLoss
			j.RMSEBinsDefaultHeld, j.RMSEBinsFittedHeld = &h.Default.RMSEBins, &h.Fitted.RMSEBins
			j.HeldOutItems = h.Fitted.Items
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(j)
	}
	var b strings.Builder
	src := "all decks"
	switch {
	case o.revlog != "":
		src = o.revlog
	case o.deck != "":
		src = "deck " + o.deck
	}
	fmt.Fprintf(&b, "Fitted FSRS-5 weights to %d reviews of %s in %.2f s.\n", rep.Reviews, src, secs)
	fmt.Fprintf(&b, "%d items (reviews on a later day than the card's previous one),\n%d of them trained the weights.\n", rep.Items, rep.Trained)
	if rep.Pretrained {
		b.WriteString("Too few for a full fit: only the four initial stabilities were fitted.\n")
	}
	b.WriteString("\n                          log-loss  RMSE(bins)\n")
	row := func(label string, m optimize.Metrics) {
		fmt.Fprintf(&b, "  %-22s  %8.4f  %9.2f%%\n", label, m.LogLoss, 100*m.RMSEBins)
	}
	row("default, all items", rep.Default)
	row("fitted, all items", rep.Fitted)
	if h := rep.HeldOut; h != nil {
		row("default, held out", h.Default)
		row("fitted, held out", h.Fitted)
		fmt.Fprintf(&b, "  (held out: the last %d items in %d time-ordered splits, each predicted\n   by weights fitted to the reviews before it)\n", h.Fitted.Items, optimize.Splits)
	} else {
		b.WriteString("  (too few items for held-out splits)\n")
	}
	b.WriteString("\nWeights:\n ")
	for i, v := range rep.Weights {
		fmt.Fprintf(&b, " %.4f", v)
		if i == 9 {
			b.WriteString("\n ")
		}
	}
	b.WriteString("\n\n")
	switch {
	case o.revlog != "":
		b.WriteString("Nothing stored (--revlog).\n")
	case o.dryRun:
		b.WriteString("Nothing stored (--dry-run).\n")
	default:
		fmt.Fprintf(&b, "Stored with %s: reviews, previews and stats use them from now on\n(the cards' memory states were recomputed; 'flash optimize --reset' goes back to the defaults).\n", strings.Join(stored, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
