-- Q8 (closest_combination form): events with at least three light leptons and a same-flavour opposite-charge (SFOS)
-- pair: the transverse mass of MET and the highest-pT light lepton not in the SFOS pair whose mass is closest to
-- 91.2 GeV. Histogram: 100 bins in [15, 250) GeV. One closest_combination over the electrons-then-muons lists
-- finds the pair: its charge argument is a flavour-signed charge (±1 for electrons, ±2 for muons), which sums
-- to 0 exactly for an SFOS pair. Ties go to the first pair in that order, and every ee pair precedes every mumu
-- pair (the ee pair wins a tie, as in RDataFrame's and awkward's versions). array_drop takes the pair's members
-- (positions in the concatenated lists) out and array_argmax finds the lead of the leptons left. An event
-- without an SFOS pair has no pair, hence a NULL mT, which histogram() skips.
WITH l AS (
    SELECT MET_pt, MET_phi,
           array_concat(Electron_pt, Muon_pt) AS pt, array_concat(Electron_phi, Muon_phi) AS phi,
           closest_combination(array_concat(Electron_pt, Muon_pt), array_concat(Electron_eta, Muon_eta),
                               array_concat(Electron_phi, Muon_phi), array_concat(Electron_mass, Muon_mass), 2, 91.2,
                               array_concat(Electron_charge, array_transform(Muon_charge, q -> 2 * q)))['members'] AS z
    FROM events
    WHERE nElectron + nMuon >= 3
),
lead AS (
    SELECT MET_pt, MET_phi, array_drop(pt, z) AS pt, array_drop(phi, z) AS phi FROM l
)
SELECT unnest(range(0, 102)) AS bin, unnest(h) AS n
FROM (SELECT histogram(mt(pt[array_argmax(pt)], phi[array_argmax(pt)], MET_pt, MET_phi), 100, 15.0, 250.0) AS h
      FROM lead)
