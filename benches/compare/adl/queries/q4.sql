-- Q4: MET of events with at least two jets of pT > 40 GeV. Histogram: 100 bins in [0, 200) GeV.
-- array_count(list, x -> predicate) counts the jets passing the cut without building the filtered list (ROOT's
-- Sum(Jet_pt > 40)); the WHERE runs inside the ROOT scan.
SELECT unnest(range(0, 102)) AS bin, unnest(h) AS n
FROM (SELECT histogram(MET_pt, 100, 0.0, 200.0) AS h
      FROM events
      WHERE array_count(Jet_pt, x -> x > 40) >= 2)
