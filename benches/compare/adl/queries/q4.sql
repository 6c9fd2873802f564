-- Q4: MET of events with at least two jets of pT > 40 GeV. Histogram: 100 bins in [0, 200) GeV.
SELECT least(greatest(floor(100 * (CAST(MET_pt AS DOUBLE) - 0.0) / 200.0) + 1, 0), 101) AS bin, count(*) AS n
FROM events
WHERE cardinality(array_filter(Jet_pt, x -> x > 40)) >= 2
GROUP BY 1
