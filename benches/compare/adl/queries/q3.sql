-- Q3: pT of jets with |eta| < 1. Histogram: 100 bins in [15, 60) GeV (bin 0 underflow, 101 overflow).
SELECT least(greatest(floor(100 * (CAST(pt AS DOUBLE) - 15.0) / 45.0) + 1, 0), 101) AS bin, count(*) AS n
FROM (SELECT unnest(Jet_pt) AS pt, unnest(Jet_eta) AS eta FROM events)
WHERE abs(eta) < 1
GROUP BY 1
