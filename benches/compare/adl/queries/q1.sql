-- Q1: MET of all events. Histogram: 100 bins in [0, 200) GeV; bin 0 = underflow, 101 = overflow
-- histogram(x, nbins, lo, hi) fills ROOT's layout in one pass (TAxis::FindBin: 1 + floor(nbins * (x - lo) / (hi - lo)),
-- in double precision); unnest turns its counts into (bin, n) rows.
SELECT unnest(range(0, 102)) AS bin, unnest(h) AS n
FROM (SELECT histogram(MET_pt, 100, 0.0, 200.0) AS h FROM events)
