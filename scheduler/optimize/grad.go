package optimize

import "math"

// tangent holds the derivatives of a memory state with respect to the
// weights: ∂S/∂w for all 19 and ∂D/∂w for w4..w7, the only weights the
// difficulty depends on (it never depends on the stability).
type tangent struct {
	s [NumWeights]float64
	d [4]float64
}

// initGrad is initState with its derivatives.
func (p *params) initGrad(r int, st *State, tg *tangent) {
	*tg = tangent{}
	*st = p.initState(r)
	if v := p.w[r-1]; v > sMin && v < sMax {
		tg.s[r-1] = 1
	}
	e := p.ew5r[r-1]
	if d := p.w[4] - e + 1; d > 1 && d < 10 {
		tg.d[0] = 1
		tg.d[1] = -float64(r-1) * e
	}
}

// stepGrad is step with its derivatives: it replaces *st and *tg by the
// state after rating r dt days later and that state's derivatives. The
// derivatives are the exact ones of the piecewise formula; where a clamp
// or a minimum is active, they are those of the active piece. For dt > 0,
// R and dRdS are the recall at the review and its derivative in S (see
// recallGrad).
func (p *params) stepGrad(st *State, tg *tangent, dt float64, r int, R, dRdS float64) {
	w := &p.w
	S, D := st.S, st.D

	// Difficulty, from the old D.
	delta := -w[6] * float64(r-3)
	dn := D + delta*(10-D)/9
	draw := w[7]*p.d0Easy + (1-w[7])*dn

	// Stability, from the old S and D. pS, pD: its partial derivatives
	// in S and D; the weights' direct partials are added after
	// ∂S'/∂w = pS·∂S/∂w + pD·∂D/∂w.
	var s, pS, pD float64
	var i1, i2, i3, i4 int // up to four weights with direct partials
	var v1, v2, v3, v4 float64
	switch {
	case dt == 0:
		g := p.short[r-1]
		s = S * g
		pS = g
		i1, v1 = 17, s*(float64(r-3)+w[18])
		i2, v2 = 18, s*w[17]
	case r == 1:
		lnD := math.Log(D)
		Dp := math.Exp(-w[12] * lnD)
		lnS1 := math.Log(S + 1)
		Sp := math.Exp(w[13] * lnS1)
		X := math.Exp(w[14] * (1 - R))
		f := w[11] * Dp * (Sp - 1) * X
		if m := S * p.forgetK; m < f {
			s = m
			pS = p.forgetK
			i1, v1 = 17, -m*w[18]
			i2, v2 = 18, -m*w[17]
		} else {
			s = f
			pS = w[11]*Dp*X*w[13]*Sp/(S+1) - f*w[14]*dRdS
			pD = -w[12] * f / D
			i1, v1 = 11, Dp*(Sp-1)*X
			i2, v2 = 12, -f*lnD
			i3, v3 = 13, w[11]*Dp*X*Sp*lnS1
			i4, v4 = 14, f*(1-R)
		}
	default:
		h := 1.0
		switch r {
		case 2:
			h = w[15]
		case 4:
			h = w[16]
		}
		lnS := math.Log(S)
		c := math.Exp(-w[9] * lnS)
		E := math.Exp(w[10] * (1 - R))
		a := p.ew8 * (11 - D) * c // e^w8 (11−D) S^−w9
		core := a * (E - 1)       // the increase without h
		inc := core * h
		s = S * (1 + inc)
		pS = 1 + inc - w[9]*inc - S*a*h*E*w[10]*dRdS
		pD = -S * p.ew8 * c * (E - 1) * h
		i1, v1 = 8, S*inc
		i2, v2 = 9, -S*inc*lnS
		i3, v3 = 10, S*a*h*E*(1-R)
		switch r {
		case 2:
			i4, v4 = 15, S*core
		case 4:
			i4, v4 = 16, S*core
		}
	}

	if s > sMin && s < sMax {
		for j := range tg.s {
			tg.s[j] *= pS
		}
		for k := range tg.d {
			tg.s[4+k] += pD * tg.d[k]
		}
		// Index 0 with a zero value adds nothing.
		tg.s[i1] += v1
		tg.s[i2] += v2
		tg.s[i3] += v3
		tg.s[i4] += v4
	} else {
		tg.s = [NumWeights]float64{}
	}
	if draw > 1 && draw < 10 {
		qD := (1 - w[7]) * (1 - delta/9)
		for k := range tg.d {
			tg.d[k] *= qD
		}
		if p.d0Active {
			tg.d[0] += w[7]
			tg.d[1] += -3 * w[7] * p.e3w5
		}
		tg.d[2] += (1 - w[7]) * (-float64(r-3) * (10 - D) / 9)
		tg.d[3] += p.d0Easy - dn
	} else {
		tg.d = [4]float64{}
	}
	st.S = min(max(s, sMin), sMax)
	st.D = min(max(draw, 1), 10)
}

// recallGrad returns the recall dt > 0 days after a review that left
// stability s, and its derivative in s.
func recallGrad(dt, s float64) (R, dRdS float64) {
	q := 1 + factor*dt/s
	R = 1 / math.Sqrt(q)
	return R, 0.5 * R / q * factor * dt / (s * s)
}

// lossGrad is the derivative of an item's log-loss in its predicted recall
// R (0 where R is clamped, see pClamp).
func lossGrad(R float64, recalled bool) float64 {
	if R < pClamp || R > 1-pClamp {
		return 0
	}
	if recalled {
		return -1 / R
	}
	return 1 / (1 - R)
}

// pClamp keeps a predicted recall away from 0 and 1, where the log-loss
// is infinite.
const pClamp = 1e-9

// logLoss is the log-loss of predicting recall R (clamped, see pClamp).
func logLoss(R float64, recalled bool) float64 {
	p := min(max(R, pClamp), 1-pClamp)
	if recalled {
		return -math.Log(p)
	}
	return -math.Log(1 - p)
}
