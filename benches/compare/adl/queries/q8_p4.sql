-- Q8 (combination_p4 form): events with at least three light leptons and a same-flavour opposite-charge (SFOS)
-- pair: the transverse mass of MET and the highest-pT light lepton not in the SFOS pair whose mass is closest
-- to 91.2 GeV. Histogram: 100 bins in [15, 250) GeV. Electrons and muons concatenated per event; every pair's
-- mass from combination_p4, its flavours, charges and positions from combinations(…, 2) in the same order;
-- non-SFOS pairs get a NULL distance, which array_argmin skips. (The best position is a column of its own before
-- the filter. Filtering on array_argmin(d) directly failed in DataFusion 55 with its leaf-expression pushdown on,
-- which inlined d's lambda into the next one; Hadron turns that pushdown off, and both forms run.)
WITH l AS (
    SELECT MET_pt, MET_phi,
           array_concat(Electron_pt, Muon_pt) AS pt, array_concat(Electron_eta, Muon_eta) AS eta,
           array_concat(Electron_phi, Muon_phi) AS phi, array_concat(Electron_mass, Muon_mass) AS m,
           array_concat(Electron_charge, Muon_charge) AS q,
           array_concat(array_repeat(11, CAST(nElectron AS BIGINT)), array_repeat(13, CAST(nMuon AS BIGINT))) AS f,
           CAST(nElectron AS BIGINT) + CAST(nMuon AS BIGINT) AS n
    FROM events WHERE nElectron + nMuon >= 3
),
pairs AS (
    SELECT MET_pt, MET_phi, pt, phi, n, combinations(range(1, n + 1), 2) AS ij,
           array_transform(arrays_zip(combination_p4(pt, eta, phi, m, 2), combinations(f, 2), combinations(q, 2)),
               z -> CASE WHEN z['2']['1'] = z['2']['2'] AND z['3']['1'] <> z['3']['2']
                         THEN abs(z['1']['mass'] - 91.2) END) AS d
    FROM l
),
best AS (
    SELECT MET_pt, MET_phi, pt, phi, n, ij[b] AS p
    FROM (SELECT *, array_argmin(d) AS b FROM pairs)
    WHERE b IS NOT NULL
),
lead AS (
    SELECT MET_pt, MET_phi, pt, phi,
           array_argmax(array_transform(range(1, n + 1), i -> CASE WHEN i <> p['1'] AND i <> p['2'] THEN pt[i] END)) AS k
    FROM best
)
SELECT least(greatest(floor(100 * (mt(pt[k], phi[k], MET_pt, MET_phi) - 15.0) / 235.0) + 1, 0), 101) AS bin,
       count(*) AS n
FROM lead
GROUP BY 1
