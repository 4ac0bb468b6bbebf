package main

import (
	"encoding/json"
	"fmt"
	"github.com/flash-srs/flash/cmd/flash/internal/show"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/flash-srs/flash/cmd/flash/internal/flags"

	"github.com/flash-srs/flash/scheduler/exam"
	"github.com/flash-srs/flash/scheduler/session"
	"github.com/flash-srs/flash/storage"
	"github.com/flash-srs/flash/storage/importer"
)

func cmdExam(fs *flags.FlagSet, e *env) func([]string) error {
	deckID := fs.String("deck", "", "the deck `ID` (needed when the database holds several)")
	target := fs.Float64("target", exam.DefaultTarget, "recall `R` every card should have on the exam day, 0.70–0.99")
	minutes := fs.Int("minutes", exam.DefaultMinutes, "study `N` minutes a day")
	clear := fs.Bool("clear", false, "remove the deck's exam")
	asJSON := fs.Bool("json", false, "print the plan as JSON")
	return func(pos []string) error {
		if len(pos) > 1 {
			return usagef("exam: unexpected argument %q", pos[1])
		}
		date := ""
		if len(pos) == 1 {
			date = pos[0]
		}
		o := examOpts{deck: *deckID, date: date, clear: *clear, json: *asJSON,
			target: *target, minutes: *minutes,
			setTarget: fs.Changed("target"), setMinutes: fs.Changed("minutes")}
		return runExam(e, o)
	}
}

type examOpts struct {
	deck, date            string
	clear, json           bool
	target                float64
	minutes               int
	setTarget, setMinutes bool
}

// runExam sets, clears or shows a deck's exam. Every argument is checked
// before the database is opened for writing: bad input writes nothing.
func runExam(e *env, o examOpts) error {
	now := e.now()
	if o.clear && (o.date != "" || o.setTarget || o.setMinutes) {
		return usagef("exam: --clear takes no date, --target or --minutes")
	}
	if o.setTarget {
		if err := (exam.Settings{Date: now.Format(time.DateOnly), Target: o.target, Minutes: 1}).Validate(now); err != nil {
			return usagef("exam: %v", err)
		}
	}
	if o.setMinutes {
		if err := (exam.Settings{Date: now.Format(time.DateOnly), Target: exam.DefaultTarget, Minutes: o.minutes}).Validate(now); err != nil {
			return usagef("exam: %v", err)
		}
	}
	if o.date != "" {
		if err := (exam.Settings{Date: o.date, Target: o.target, Minutes: o.minutes}).Validate(now); err != nil {
			return usagef("exam: %v", err)
		}
	}
	write := o.clear || o.date != "" || o.setTarget || o.setMinutes
	path, err := e.dbPath()
	if err != nil {
		return err
	}
	var st *storage.Store
	var decks []storage.DeckInfo
	if write {
		st, err = storage.Open(path, storage.Options{})
		if err == nil {
			decks, err = st.Decks()
			if err == nil && importer.NeedBuiltin(decks) && (o.deck == "" || o.deck == importer.BuiltinID) {
				decks, err = ensureDeck(st, now, e.stderr)
			}
		}
	} else {
		st, decks, err = openStatsStore(path, o.deck, now, e)
	}
	if err != nil {
		if st != nil {
			st.Close()
		}
		return err
	}
	defer st.Close()
	d, err := pickDeck(decks, o.deck)
	if err != nil {
		return err
	}
	set, ok, err := exam.Get(st, d.ID)
	if err != nil {
		return err
	}
	switch {
	case o.clear:
		if !ok {
			fmt.Fprintf(e.stdout, "No exam is set for %s.\n", d.ID)
			return nil
		}
		if err := st.DeleteSetting(exam.Key(d.ID)); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Cleared the exam of %s on %s: studying is plain FSRS again.\n", d.ID, set.Date)
		return nil
	case o.date != "":
		// A new date keeps the target and minutes set before, unless
		// given again.
		if !ok {
			set = exam.Settings{Target: o.target, Minutes: o.minutes}
		}
		set.Date = o.date
	case o.setTarget || o.setMinutes:
		if !ok {
			return fmt.Errorf("no exam is set for %s: give its date, 'flash exam YYYY-MM-DD'", d.ID)
		}
	case !ok:
		fmt.Fprintf(e.stdout, "No exam is set for %s. Set one with 'flash exam YYYY-MM-DD [--target 0.90] [--minutes 30]'.\n", d.ID)
		return nil
	}
	if o.setTarget {
		set.Target = o.target
	}
	if o.setMinutes {
		set.Minutes = o.minutes
	}
	es := st
	h, err := exam.ReadHistory(es, d.ID, now)
	if err != nil {
		return err
	}
	if write {
		if err := set.Validate(now); err != nil {
			return usagef("exam: %v", err)
		}
		// The answer times go with the exam, for review sessions.
		set.Costs = &h.Costs
		if err := st.SetSetting(exam.Key(d.ID), set.Encode()); err != nil {
			return err
		}
	}
	states, err := st.States(d.ID)
	if err != nil {
		return err
	}
	p, err := exam.ForDeck(es, d, set, states, h, now, false)
	if err != nil {
		return err
	}
	if o.json {
		err = writeExamJSON(e.stdout, d, set, p)
	} else {
		err = writeExamText(e.stdout, d, set, p)
	}
	if err == nil && write {
		// The plan of the day, for review sessions to start from.
		if err := session.SavePlan(st, decks, d.ID, now); err != nil {
			fmt.Fprintln(e.stderr, "flash: warning:", err)
		}
	}
	return err
}

// pickDeck returns the deck called id, or the only deck when id is "".
func pickDeck(decks []storage.DeckInfo, id string) (storage.DeckInfo, error) {
	if id == "" {
		if len(decks) == 1 {
			return decks[0], nil
		}
		names := make([]string, len(decks))
		for i, d := range decks {
			names[i] = d.ID
		}
		return storage.DeckInfo{}, usagef("exam: the database holds several decks; name one with --deck (decks: %s)", strings.Join(names, ", "))
	}
	for _, d := range decks {
		if d.ID == id {
			return d, nil
		}
	}
	return storage.DeckInfo{}, storage.NoDeck(id, decks)
}

// examJSON is 'flash exam --json'. Field names are stable.
type examJSON struct {
	Deck     string  `json:"deck"`
	Date     string  `json:"date"`
	At       string  `json:"at"`
	DaysLeft int     `json:"days_left"`
	Target   float64 `json:"target"`
	Minutes  int     `json:"minutes"`
	Costs    struct {
		NewSeconds    float64 `json:"new_seconds"`
		ReviewSeconds float64 `json:"review_seconds"`
	} `json:"costs"`
	Readiness struct {
		Followed float64 `json:"followed"`
		Low      float64 `json:"low"`
		High     float64 `json:"high"`
		Stopped  float64 `json:"stopped"`
		Cards    int     `json:"cards"`
		Below    int     `json:"below"`
	} `json:"readiness"`
	Reachable     bool               `json:"reachable"`
	MinutesNeeded float64            `json:"minutes_needed"`
	Questions     []examQuestionJSON `json:"questions"`
	Days          []examDayJSON      `json:"days"`
}

type examQuestionJSON struct {
	ID       string  `json:"id"`
	Cards    int     `json:"cards"`
	Followed float64 `json:"followed"`
	Stopped  float64 `json:"stopped"`
	Below    int     `json:"below"`
}

type examDayJSON struct {
	Date    string  `json:"date"`
	New     int     `json:"new"`
	Reviews int     `json:"reviews"`
	Final   int     `json:"final"`
	Minutes float64 `json:"minutes"`
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func writeExamJSON(w io.Writer, d storage.DeckInfo, set exam.Settings, p *exam.Plan) error {
	var j examJSON
	j.Deck, j.Date, j.At = d.ID, set.Date, p.Exam.Format(time.RFC3339)
	// After the exam day the plan has no days left; days_left says how
	// long ago it was.
	j.DaysLeft, j.Target, j.Minutes = min(p.DaysLeft, exam.DaysLeft(p.Exam, p.Now)), set.Target, set.Minutes
	j.Costs.NewSeconds, j.Costs.ReviewSeconds = p.Costs.New.Seconds(), p.Costs.Review.Seconds()
	r := &j.Readiness
	r.Followed, r.Low, r.High, r.Stopped = round3(p.Followed), round3(p.Low), round3(p.High), round3(p.Stopped)
	r.Below = p.Below
	for _, q := range p.Questions {
		r.Cards += q.Cards
		j.Questions = append(j.Questions, examQuestionJSON{q.ID, q.Cards, round3(q.Followed), round3(q.Stopped), q.Below})
	}
	j.Reachable = p.Below == 0
	j.MinutesNeeded = p.Needed
	j.Days = []examDayJSON{}
	for _, dd := range p.Days {
		j.Days = append(j.Days, examDayJSON{dd.Date.Format(time.DateOnly), dd.New, dd.Reviews, dd.Final, math.Round(dd.Seconds/6) / 10})
	}
	if j.Questions == nil {
		j.Questions = []examQuestionJSON{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}

// writeExamText prints the exam, the readiness and the plan per day, within
// 80 columns.
func writeExamText(w io.Writer, d storage.DeckInfo, set exam.Settings, p *exam.Plan) error {
	var b strings.Builder
	if ago := -exam.DaysLeft(p.Exam, p.Now); ago > 0 {
		when := "yesterday"
		if ago > 1 {
			when = fmt.Sprintf("%d days ago", ago)
		}
		fmt.Fprintf(&b, "Exam of %s on %s, %s: it is over.\n", d.ID, p.Exam.Format("Mon 2006-01-02"), when)
		fmt.Fprintf(&b, "Review schedules with plain FSRS again (desired retention %.2f).\n", d.Options.DesiredRetention)
		b.WriteString("Set the next exam with 'flash exam YYYY-MM-DD', or remove this one with\n'flash exam --clear'.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	days := "today"
	switch p.DaysLeft {
	case 0:
	case 1:
		days = "tomorrow"
	default:
		days = fmt.Sprintf("in %d days", p.DaysLeft)
	}
	fmt.Fprintf(&b, "Exam of %s on %s, %s\n", d.ID, p.Exam.Format("Mon 2006-01-02"), days)
	fmt.Fprintf(&b, "Target: every card at %.2f recall on the exam day; %d min a day\n", set.Target, set.Minutes)
	src := "from your log"
	if p.Costs == exam.DefaultCosts {
		src = fmt.Sprintf("defaults until the log has %d", exam.MinHistory)
	}
	fmt.Fprintf(&b, "Answer times: %s a new card, %s a review (%s)\n\n",
		secs(p.Costs.New), secs(p.Costs.Review), src)

	fmt.Fprintf(&b, "Readiness on the exam day       if you follow the plan   if you stop now\n")
	cards := 0
	for _, q := range p.Questions {
		cards += q.Cards
	}
	fmt.Fprintf(&b, "  %-28s %6.2f  %-18s%6.2f\n", fmt.Sprintf("all %d cards", cards), p.Followed, span(p.Low, p.High, "%.2f", "", "0.01"), p.Stopped)
	for _, q := range p.Questions {
		mark := ""
		if q.Below > 0 {
			mark = fmt.Sprintf("  %d below", q.Below)
		}
		fmt.Fprintf(&b, "  %-28s %6.2f                    %6.2f%s\n", show.Fit(q.ID+" ("+strconv.Itoa(q.Cards)+")", 28), q.Followed, q.Stopped, mark)
	}
	b.WriteString("  (the range is how far off the prediction may be: people's memory and\n   answer times differ from FSRS's model)\n\n")
	switch {
	case p.DaysLeft == 0:
		b.WriteString("The exam is today: no more days to plan.\n")
	case p.Below == 0:
		fmt.Fprintf(&b, "The plan reaches the target: every card at %.2f or more on the exam day.\n", set.Target)
	default:
		fmt.Fprintf(&b, "%d min a day do not reach the target: %d cards stay below %.2f and readiness\nreaches %.2f.", set.Minutes, p.Below, set.Target, p.Followed)
		if p.Needed > 0 {
			fmt.Fprintf(&b, " %.0f min a day would reach the target\n('flash exam %s --minutes %.0f').\n", p.Needed, set.Date, p.Needed)
		} else {
			b.WriteString(" No daily budget reaches it now.\n")
		}
	}
	if len(p.Days) > 0 {
		b.WriteString("\nPlan per day                                 new  reviews  minutes\n")
		const barW = 30
		for _, dd := range p.Days {
			m := dd.Seconds / 60
			n := 0
			if set.Minutes > 0 {
				n = int(math.Round(min(m/float64(set.Minutes), 1) * barW))
			}
			bar := strings.Repeat("█", n) + strings.Repeat("·", barW-n)
			fmt.Fprintf(&b, "  %s  %s  %4d  %7d  %7.0f\n", dd.Date.Format("Mon 01-02"), bar, dd.New, dd.Reviews, m)
		}
		finals := 0
		for _, dd := range p.Days {
			finals += dd.Final
		}
		if finals > 0 {
			fmt.Fprintf(&b, "  (reviews include a final pass over %d weak cards, weakest first)\n", finals)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// secs formats an answer time in whole seconds.
func secs(d time.Duration) string { return fmt.Sprintf("%.0f s", d.Seconds()) }

// span prints the range lo–hi of a prediction in format, followed by unit
// ("(0.93–0.97)", "(93–97%)"), or, when both ends print the same, that the
// range is narrower than the last digit printed, step ("(±<0.01)",
// "(±<1%)"): a range of one number says nothing.
func span(lo, hi float64, format, unit, step string) string {
	a, b := fmt.Sprintf(format, lo), fmt.Sprintf(format, hi)
	if a == b {
		return "(±<" + step + unit + ")"
	}
	return "(" + a + "–" + b + unit + ")"
}
