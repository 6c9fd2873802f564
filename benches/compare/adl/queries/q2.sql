-- Q2: pT of all jets. Histogram: 100 bins in [15, 60) GeV (bin 0 underflow, 101 overflow).
-- A list fills every element (RDataFrame's Histo1D of an RVec).
SELECT unnest(range(0, 102)) AS bin, unnest(h) AS n
FROM (SELECT histogram(Jet_pt, 100, 15.0, 60.0) AS h FROM events)
