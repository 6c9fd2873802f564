-- Q5 (closest_combination form): MET of events with an opposite-charge muon pair of invariant mass in [60, 120] GeV.
-- Histogram: 100 bins in [0, 200) GeV. Some opposite-charge pair lies in [60, 120] exactly when the opposite-charge
-- pair closest to 90 GeV, the window's centre, does (m - 90 is exact for m in [45, 180]), and closest_combination
-- finds that pair in one pass over the event's pairs; an event without such a pair gives NULL, which the WHERE
-- drops (no `nMuon >= 2` filter first: filtering the five muon list columns cost more than the search it saves).
SELECT unnest(range(0, 102)) AS bin, unnest(h) AS n
FROM (SELECT histogram(MET_pt, 100, 0.0, 200.0) AS h
      FROM events
      WHERE closest_combination(Muon_pt, Muon_eta, Muon_phi, Muon_mass, 2, 90.0, Muon_charge)['mass'] BETWEEN 60 AND 120)
