-- Q1: MET of all events. Histogram: 100 bins in [0, 200) GeV; bin 0 = underflow, 101 = overflow
-- (ROOT's TAxis::FindBin formula: 1 + floor(nbins * (x - lo) / (hi - lo)), in double precision).
SELECT least(greatest(floor(100 * (CAST(MET_pt AS DOUBLE) - 0.0) / 200.0) + 1, 0), 101) AS bin, count(*) AS n
FROM events
GROUP BY 1
