-- Q8 (closest_combination form): events with at least three light leptons and a same-flavour opposite-charge (SFOS)
-- pair: the transverse mass of MET and the highest-pT light lepton not in the SFOS pair whose mass is closest to
-- 91.2 GeV. Histogram: 100 bins in [15, 250) GeV. The closest opposite-charge ee and mumu pairs come from
-- closest_combination (charges summing to 0); the closer of the two wins, the ee pair on a tie (in the
-- concatenated electrons-then-muons order every ee pair precedes every mumu pair). Its members are positions in
-- the concatenated lepton lists (muons shifted by the number of electrons). An event without an SFOS pair keeps a
-- NULL pair, hence a NULL lead and a NULL mT, which histogram() skips (a `WHERE ze IS NOT NULL OR zm IS NOT NULL`
-- would be pushed below the projection by DataFusion's optimizer and search the pairs twice).
WITH l AS (
    SELECT MET_pt, MET_phi,
           closest_combination(Electron_pt, Electron_eta, Electron_phi, Electron_mass, 2, 91.2, Electron_charge) AS ze,
           closest_combination(Muon_pt, Muon_eta, Muon_phi, Muon_mass, 2, 91.2, Muon_charge) AS zm,
           array_concat(Electron_pt, Muon_pt) AS pt, array_concat(Electron_phi, Muon_phi) AS phi,
           CAST(nElectron AS BIGINT) AS ne, CAST(nElectron AS BIGINT) + CAST(nMuon AS BIGINT) AS n
    FROM events
    WHERE nElectron + nMuon >= 3
),
pair AS (
    SELECT MET_pt, MET_phi, pt, phi, n,
           CASE WHEN zm IS NULL OR (ze IS NOT NULL AND abs(ze['mass'] - 91.2) <= abs(zm['mass'] - 91.2))
                THEN ze['members'] ELSE array_transform(zm['members'], i -> i + ne) END AS p
    FROM l
),
lead AS (
    SELECT MET_pt, MET_phi, pt, phi,
           array_argmax(array_transform(range(1, n + 1), i -> CASE WHEN i <> p[1] AND i <> p[2] THEN pt[i] END)) AS k
    FROM pair
)
SELECT unnest(range(0, 102)) AS bin, unnest(h) AS n
FROM (SELECT histogram(mt(pt[k], phi[k], MET_pt, MET_phi), 100, 15.0, 250.0) AS h FROM lead)
