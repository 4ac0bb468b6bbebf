package optimize

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// Training settings. The learning rate, its schedule, the prior and the
// seed are the reference optimizer's (fsrs-rs, FSRS-5); its batches are
// 512 items and it runs 5 epochs. On synthetic logs of 100k reviews that
// leaves fits up to 0.12% above the true weights' log-loss and up to 0.010
// from their predictions (mean |ΔR|); batches of 2048 items and at least
// minSteps steps land within 0.03% and 0.0065 (README, "flash optimize").
const (
	batchSize    = 2048 // items per batch (here: whole cards up to at least this many items)
	learningRate = 4e-2 // Adam's step, cosine-annealed to 0 over the run
	gamma        = 1.0  // weight of the prior toward the initial weights
	trainSeed    = 2023
	// MinItems is the fewest items the reference optimizer fits with;
	// below it the default weights are kept (ErrNotEnoughData).
	MinItems = 8
	// minTrainItems is the fewest items for which the reference trains
	// all the weights; from MinItems up to it only the initial
	// stabilities are fitted (pretraining).
	minTrainItems = 64
)

// paramsStddev is the spread of each weight across many learners (from
// the reference): the prior pulls weight i toward its initial value with
// strength 1/σᵢ².
var paramsStddev = [NumWeights]float64{
	6.61, 9.52, 17.69, 27.74, 0.55, 0.28, 0.67, 0.12, 0.4, 0.18, 0.34, 0.27, 0.08, 0.14, 0.57,
	0.25, 1.03, 0.27, 0.39,
}

// ErrNotEnoughData is returned when a log has too few items to fit.
var ErrNotEnoughData = errors.New("not enough reviews to fit")

// Options tune a fit. The zero value is the reference's settings.
type Options struct {
	// Epochs is the number of passes over the data. 0: the reference's 5,
	// or more for a small log, enough for minSteps Adam steps in all.
	Epochs int
	// BatchSize is the number of items per Adam step (0: 2048).
	BatchSize int
	// Workers is the number of goroutines (0: GOMAXPROCS). The result does
	// not depend on it: work is cut into the same pieces and summed in the
	// same order whatever the number of workers.
	Workers int
}

// minSteps is the fewest Adam steps a fit takes when Options.Epochs is 0,
// within 5 to maxEpochs epochs.
const (
	minSteps  = 400
	maxEpochs = 60
)

func (o Options) epochs(batches int) int {
	if o.Epochs > 0 {
		return o.Epochs
	}
	return min(max(5, (minSteps+batches-1)/max(batches, 1)), maxEpochs)
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Result is a fit's outcome.
type Result struct {
	Weights Weights
	// Pretrained is true when only the initial stabilities were fitted
	// (fewer than 64 items, or no card with a second long-term review).
	Pretrained bool
	Items      int // items that trained the weights
}

// Fit fits FSRS-5's weights to d as the reference optimizer does: outlier
// cards filtered out, the four initial stabilities pretrained from the
// recall after each first rating, then Adam on the log-loss of every item
// (recent items weighing more: 0.25 + 0.75·(rank/N)³) plus a prior that
// pulls each weight toward its initial value with a strength that does
// not grow with the data, so it matters only for small logs; the weights
// are kept within the reference's bounds, and the epoch with the lowest
// loss wins. Fewer than MinItems items gives ErrNotEnoughData.
func Fit(d *Dataset, o Options) (Result, error) {
	var recalled int
	for i := range d.items {
		if d.items[i].recalled {
			recalled++
		}
	}
	if len(d.items) == 0 {
		return Result{}, fmt.Errorf("%w: no review on a later day than the card's previous one, at least %d needed", ErrNotEnoughData, MinItems)
	}
	avgRecall := float64(recalled) / float64(len(d.items))
	keep := d.outlierFilter()
	var nTrain, nPre int
	for i, c := range d.cards {
		if !keep[i] {
			continue
		}
		nPre++
		for k := c.start; k < c.end; k++ {
			if d.steps[k].item >= 0 {
				nTrain++
			}
		}
	}
	if nTrain < MinItems {
		return Result{}, fmt.Errorf("%w: %d items (reviews on a later day than the card's previous one) after filtering, at least %d needed", ErrNotEnoughData, nTrain, MinItems)
	}
	groups, counts := d.pretrainData(keep)
	s0, ok := pretrain(groups, counts, avgRecall)
	if !ok {
		return Result{}, fmt.Errorf("%w: no first long-term review to pretrain from", ErrNotEnoughData)
	}
	init := DefaultWeights()
	copy(init[:4], s0[:])
	init = Clip(init)
	if nTrain == nPre || nTrain < minTrainItems {
		return Result{Weights: init, Pretrained: true, Items: nTrain}, nil
	}
	t := newTrainer(d, keep, nTrain, o)
	w := t.train(init)
	// The initial stabilities, ordered and filled as after pretraining.
	var st [4]float64
	var found [4]bool
	for r := range st {
		st[r], found[r] = w[r], counts[r] > 0
	}
	s, _ := smoothAndFill(st, found, counts)
	copy(w[:4], s[:])
	for _, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Result{}, errors.New("the fit diverged")
		}
	}
	return Result{Weights: Clip(w), Items: nTrain}, nil
}

// trainer holds the training data of one fit.
type trainer struct {
	d       *Dataset
	batch   int       // items per batch
	nItems  []int     // by card: its training items
	cards   []int32   // the cards that train
	weight  []float64 // by item: recency weight, 0 when the item does not train
	total   int       // items that train
	epochs  int
	workers int
}

func newTrainer(d *Dataset, keep []bool, nTrain int, o Options) *trainer {
	t := &trainer{d: d, weight: make([]float64, len(d.items)), total: nTrain, workers: o.workers()}
	// Recency weights over the training items in time order.
	trains := make([]bool, len(d.items))
	for i, c := range d.cards {
		if !keep[i] {
			continue
		}
		t.cards = append(t.cards, int32(i))
		for k := c.start; k < c.end; k++ {
			if it := d.steps[k].item; it >= 0 {
				trains[it] = true
			}
		}
	}
	byRank := make([]int32, len(d.items))
	for i := range d.items {
		byRank[d.items[i].rank] = int32(i)
	}
	n := 0
	den := float64(max(nTrain-1, 1))
	for _, it := range byRank {
		if trains[it] {
			x := float64(n) / den
			t.weight[it] = 0.25 + 0.75*x*x*x
			n++
		}
	}
	// Items past the longest sequence do not train.
	for _, ci := range t.cards {
		c := &d.cards[ci]
		for k := c.lastTrain; k < c.end; k++ {
			if it := d.steps[k].item; it >= 0 {
				t.weight[it] = 0
			}
		}
	}
	t.nItems = make([]int, len(d.cards))
	for _, ci := range t.cards {
		c := &d.cards[ci]
		for s := c.start; s < c.lastTrain; s++ {
			if it := d.steps[s].item; it >= 0 && t.weight[it] > 0 {
				t.nItems[ci]++
			}
		}
	}
	t.batch = batchSize
	if o.BatchSize > 0 {
		t.batch = o.BatchSize
	}
	t.epochs = o.epochs(nTrain/t.batch + 1)
	return t
}

// chunks is the number of pieces a batch is cut into for the workers; a
// constant, so that results do not depend on the number of workers.
const chunks = 8

// batch is a run of cards (indexes into trainer.cards) and its pieces.
type batch struct {
	cards  []int32
	cuts   [chunks + 1]int // chunk c is cards[cuts[c]:cuts[c+1]]
	nItems int
}

// batches cuts cards into batches of whole cards with at least batchSize
// training items each (the last may have fewer), each cut into chunks of
// about equal items.
func (t *trainer) batches(cards []int32) []batch {
	var out []batch
	startAt := 0
	n := 0
	counts := make([]int, len(cards))
	for i, ci := range cards {
		counts[i] = t.nItems[ci]
		n += counts[i]
		if n >= t.batch || i == len(cards)-1 {
			b := batch{cards: cards[startAt : i+1], nItems: n}
			// Cut into chunks of about n/chunks items.
			cs := counts[startAt : i+1]
			acc, c := 0, 1
			for j, k := range cs {
				acc += k
				for c < chunks && acc*chunks >= c*n {
					b.cuts[c] = j + 1
					c++
				}
			}
			for ; c <= chunks; c++ {
				b.cuts[c] = len(cs)
			}
			out = append(out, b)
			startAt, n = i+1, 0
		}
	}
	return out
}

// gradCards adds the gradient of the weighted log-loss of the training
// items of cards into *g.
func (t *trainer) gradCards(p *params, cards []int32, g *[NumWeights]float64) {
	d := t.d
	var st State
	var tg tangent
	var acc [NumWeights]float64 // kept local: the compiler keeps no pointer target in registers
	for _, ci := range cards {
		c := &d.cards[ci]
		steps := d.steps[c.start:c.lastTrain]
		p.initGrad(int(steps[0].rating), &st, &tg)
		for k := 1; k < len(steps); k++ {
			s := &steps[k]
			var R, dRdS float64
			if s.dt > 0 {
				R, dRdS = recallGrad(s.dt, st.S)
				if s.item >= 0 {
					if wt := t.weight[s.item]; wt > 0 {
						if dl := wt * lossGrad(R, d.items[s.item].recalled) * dRdS; dl != 0 {
							for j := range acc {
								acc[j] += dl * tg.s[j]
							}
						}
					}
				}
			}
			if k < len(steps)-1 {
				p.stepGrad(&st, &tg, s.dt, int(s.rating), R, dRdS)
			}
		}
	}
	for j := range acc {
		g[j] += acc[j]
	}
}

// lossCards is gradCards without the gradient: the weighted log-loss.
func (t *trainer) lossCards(p *params, cards []int32) float64 {
	d := t.d
	var loss float64
	for _, ci := range cards {
		c := &d.cards[ci]
		steps := d.steps[c.start:c.lastTrain]
		st := p.initState(int(steps[0].rating))
		for k := 1; k < len(steps); k++ {
			s := &steps[k]
			rr := 1.0
			if s.dt > 0 {
				rr = Recall(s.dt, st.S)
				if s.item >= 0 {
					if wt := t.weight[s.item]; wt > 0 {
						loss += wt * logLoss(rr, d.items[s.item].recalled)
					}
				}
			}
			if k < len(steps)-1 {
				st = p.stepR(st, s.dt, int(s.rating), rr)
			}
		}
	}
	return loss
}

// parallel runs fn(i) for i in 0..n−1 on up to workers goroutines.
func parallel(workers, n int, fn func(i int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

// train runs Adam from init and returns the weights of the best of the
// last epochs.
func (t *trainer) train(init Weights) Weights {
	rng := rand.New(rand.NewPCG(trainSeed, 0))
	w := init
	fixed := t.batches(t.cards) // for the loss after each epoch
	perEpoch := t.total/t.batch + 1
	tMax := float64(perEpoch * t.epochs)
	const b1, b2, eps = 0.9, 0.999, 1e-8
	var m, v [NumWeights]float64
	b1t, b2t := 1.0, 1.0
	step := 0
	best, bestLoss := w, math.Inf(1)
	order := make([]int32, len(t.cards))
	var grads [chunks][NumWeights]float64
	for ep := range t.epochs {
		copy(order, t.cards)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, b := range t.batches(order) {
			p := newParams(w)
			parallel(t.workers, chunks, func(c int) {
				grads[c] = [NumWeights]float64{}
				t.gradCards(&p, b.cards[b.cuts[c]:b.cuts[c+1]], &grads[c])
			})
			var g [NumWeights]float64
			for c := range chunks {
				for j := range g {
					g[j] += grads[c][j]
				}
			}
			scale := gamma * float64(b.nItems) / float64(t.total)
			for j := range g {
				g[j] += scale * 2 * (w[j] - init[j]) / (paramsStddev[j] * paramsStddev[j])
			}
			lr := learningRate * (1 + math.Cos(math.Pi*float64(step)/tMax)) / 2
			step++
			b1t *= b1
			b2t *= b2
			for j := range w {
				m[j] = b1*m[j] + (1-b1)*g[j]
				v[j] = b2*v[j] + (1-b2)*g[j]*g[j]
				mh := m[j] / (1 - b1t)
				vh := v[j] / (1 - b2t)
				w[j] -= lr * mh / (math.Sqrt(vh) + eps)
			}
			w = Clip(w)
		}
		// The reference compares the loss after every epoch. With the step
		// annealed to zero the best is one of the last: on synthetic logs
		// of 10k and 100k reviews it was the last or within 1e-6 of it.
		// Comparing the last quarter (at least two epochs) saves most of
		// those passes.
		if ep >= min(t.epochs*3/4, t.epochs-2) {
			if l := t.loss(fixed, w, init); l < bestLoss {
				best, bestLoss = w, l
			}
		}
	}
	return best
}

// loss is the training objective at w: the weighted log-loss of every
// training item plus the prior, per item.
func (t *trainer) loss(bs []batch, w, init Weights) float64 {
	p := newParams(w)
	per := make([]float64, len(bs)*chunks)
	parallel(t.workers, len(per), func(i int) {
		b := &bs[i/chunks]
		c := i % chunks
		per[i] = t.lossCards(&p, b.cards[b.cuts[c]:b.cuts[c+1]])
	})
	var l float64
	for _, x := range per {
		l += x
	}
	var pen float64
	for j := range w {
		dw := (w[j] - init[j]) / paramsStddev[j]
		pen += dw * dw
	}
	return (l + gamma*pen) / float64(t.total)
}
