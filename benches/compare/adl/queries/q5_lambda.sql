-- Q5 (lambda form): pairs (i, j), i < j, enumerated per event as k in [0, n*n) with i = k / n, j = k % n.
WITH e AS (SELECT MET_pt, Muon_pt, Muon_eta, Muon_phi, Muon_mass, Muon_charge, CAST(nMuon AS BIGINT) AS n
           FROM events WHERE nMuon >= 2)
SELECT least(greatest(floor(100 * (CAST(MET_pt AS DOUBLE) - 0.0) / 200.0) + 1, 0), 101) AS bin, count(*) AS n
FROM e
WHERE cardinality(array_filter(range(0, n * n), k ->
          k / n < k % n
          AND Muon_charge[k / n + 1] <> Muon_charge[k % n + 1]
          AND inv_mass(Muon_pt[k / n + 1], Muon_eta[k / n + 1], Muon_phi[k / n + 1], Muon_mass[k / n + 1],
                       Muon_pt[k % n + 1], Muon_eta[k % n + 1], Muon_phi[k % n + 1], Muon_mass[k % n + 1])
              BETWEEN 60 AND 120)) > 0
GROUP BY 1
