-- Q2: pT of all jets. Histogram: 100 bins in [15, 60) GeV (bin 0 underflow, 101 overflow).
SELECT least(greatest(floor(100 * (CAST(pt AS DOUBLE) - 15.0) / 45.0) + 1, 0), 101) AS bin, count(*) AS n
FROM (SELECT unnest(Jet_pt) AS pt FROM events)
GROUP BY 1
