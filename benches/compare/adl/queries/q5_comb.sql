-- Q5 (combinations form): MET of events with an opposite-charge muon pair of invariant mass in [60, 120] GeV.
-- Histogram: 100 bins in [0, 200) GeV. Pairs: combinations(arrays_zip(...), 2) per event (fields '1'..'5' of a
-- muon: pt, eta, phi, mass, charge), selected with array_filter.
SELECT least(greatest(floor(100 * (CAST(MET_pt AS DOUBLE) - 0.0) / 200.0) + 1, 0), 101) AS bin, count(*) AS n
FROM events
WHERE nMuon >= 2
  AND cardinality(array_filter(
        combinations(arrays_zip(Muon_pt, Muon_eta, Muon_phi, Muon_mass, Muon_charge), 2),
        p -> p['1']['5'] <> p['2']['5']
             AND inv_mass(p['1']['1'], p['1']['2'], p['1']['3'], p['1']['4'],
                          p['2']['1'], p['2']['2'], p['2']['3'], p['2']['4']) BETWEEN 60 AND 120)) > 0
GROUP BY 1
