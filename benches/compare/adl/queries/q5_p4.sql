-- Q5 (combination_p4 form): MET of events with an opposite-charge muon pair of invariant mass in [60, 120] GeV.
-- Histogram: 100 bins in [0, 200) GeV. Pair masses from combination_p4 (one kernel over the muons' four-momenta),
-- zipped with the charges of the same pairs (combinations(Muon_charge, 2), same order).
SELECT least(greatest(floor(100 * (CAST(MET_pt AS DOUBLE) - 0.0) / 200.0) + 1, 0), 101) AS bin, count(*) AS n
FROM events
WHERE nMuon >= 2
  AND cardinality(array_filter(
        arrays_zip(combination_p4(Muon_pt, Muon_eta, Muon_phi, Muon_mass, 2), combinations(Muon_charge, 2)),
        z -> z['2']['1'] <> z['2']['2'] AND z['1']['mass'] BETWEEN 60 AND 120)) > 0
GROUP BY 1
