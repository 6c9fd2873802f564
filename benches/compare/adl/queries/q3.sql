-- Q3: pT of jets with |eta| < 1. Histogram: 100 bins in [15, 60) GeV (bin 0 underflow, 101 overflow).
-- histogram's fifth argument selects what is filled: a list of booleans as long as each row's jets.
SELECT unnest(range(0, 102)) AS bin, unnest(h) AS n
FROM (SELECT histogram(Jet_pt, 100, 15.0, 60.0, array_transform(Jet_eta, e -> abs(e) < 1)) AS h FROM events)
