package exam

import (
	"encoding/json"
	"fmt"
	"time"

	fsrs "github.com/open-spaced-repetition/go-fsrs/v3"

	"github.com/flash-srs/flash/scheduler"
)

// savedPlan is a plan as kept between sessions: its days and figures, not
// its per-card data.
type savedPlan struct {
	Now       time.Time  `json:"now"`
	Exam      time.Time  `json:"exam"`
	Target    float64    `json:"target"`
	Minutes   float64    `json:"minutes"`
	Costs     Costs      `json:"costs"`
	DaysLeft  int        `json:"days_left"`
	Days      []Day      `json:"days"`
	Followed  float64    `json:"followed"`
	Stopped   float64    `json:"stopped"`
	Low       float64    `json:"low"`
	High      float64    `json:"high"`
	Questions []Question `json:"questions"`
	Below     int        `json:"below"`
	Needed    float64    `json:"needed"`
}

// EncodeSummary returns p without its per-card data (which card is
// studied on which day, the order of new cards), for DecodeSummary.
func (p *Plan) EncodeSummary() []byte {
	b, _ := json.Marshal(savedPlan{
		Now: p.Now, Exam: p.Exam, Target: p.Target, Minutes: p.Minutes, Costs: p.Costs,
		DaysLeft: p.DaysLeft, Days: p.Days, Followed: p.Followed, Stopped: p.Stopped,
		Low: p.Low, High: p.High, Questions: p.Questions, Below: p.Below, Needed: p.Needed,
	}) // plain fields and finite numbers: cannot fail
	return b
}

// DecodeSummary reads a plan written by EncodeSummary, its times in loc,
// for a deck scheduled with weights w. Its figures, days and Limit are
// those of the plan encoded; it has no per-card data: Next and NewRank
// report false for every card, and it must not be applied (Apply).
func DecodeSummary(b []byte, w fsrs.Weights, loc *time.Location) (*Plan, error) {
	var s savedPlan
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("saved exam plan: %w", err)
	}
	p := &Plan{
		Now: s.Now.In(loc), Exam: s.Exam.In(loc), Target: s.Target, Minutes: s.Minutes, Costs: s.Costs,
		DaysLeft: s.DaysLeft, Days: s.Days, Followed: s.Followed, Stopped: s.Stopped,
		Low: s.Low, High: s.High, Questions: s.Questions, Below: s.Below, Needed: s.Needed,
	}
	for i := range p.Days {
		p.Days[i].Date = p.Days[i].Date.In(loc)
	}
	p.model = NewModel(w)
	p.aim = p.Target + Margin*(1-p.Target)
	p.day0 = scheduler.StudyDay(p.Now)
	p.in = &Input{Exam: p.Exam, Target: p.Target, Minutes: p.Minutes, Weights: w, Costs: p.Costs, Quick: true}
	return p, nil
}
