-- Q8: events with at least three light leptons and a same-flavour opposite-charge (SFOS) pair:
-- the transverse mass of MET and the highest-pT light lepton not in the SFOS pair whose mass is
-- closest to 91.2 GeV. Histogram: 100 bins in [15, 250) GeV.
-- Leptons: electrons and muons unnested (index i; muons offset by 100) from the events with
-- >= 3 of them; pairs by a self-join on (run, event).
WITH l AS (
    SELECT run, event, MET_pt, MET_phi, 11 AS flavour,
           unnest(range(1, CAST(cardinality(Electron_pt) AS BIGINT) + 1)) AS i,
           unnest(Electron_pt) AS pt, unnest(Electron_eta) AS eta, unnest(Electron_phi) AS phi,
           unnest(Electron_mass) AS m, unnest(Electron_charge) AS q
    FROM events WHERE nElectron + nMuon >= 3
    UNION ALL
    SELECT run, event, MET_pt, MET_phi, 13 AS flavour,
           unnest(range(101, CAST(cardinality(Muon_pt) AS BIGINT) + 101)) AS i,
           unnest(Muon_pt) AS pt, unnest(Muon_eta) AS eta, unnest(Muon_phi) AS phi,
           unnest(Muon_mass) AS m, unnest(Muon_charge) AS q
    FROM events WHERE nElectron + nMuon >= 3
),
pairs AS (
    SELECT a.run, a.event, a.i AS ia, b.i AS ib,
           abs(inv_mass(a.pt, a.eta, a.phi, a.m, b.pt, b.eta, b.phi, b.m) - 91.2) AS d
    FROM l a JOIN l b ON a.run = b.run AND a.event = b.event AND a.flavour = b.flavour AND a.i < b.i
    WHERE a.q <> b.q
),
best AS (
    SELECT run, event, first_value(ia ORDER BY d) AS ia, first_value(ib ORDER BY d) AS ib
    FROM pairs
    GROUP BY run, event
),
third AS (
    SELECT l.run, l.event, first_value(mt(l.pt, l.phi, l.MET_pt, l.MET_phi) ORDER BY l.pt DESC) AS mt
    FROM l JOIN best ON l.run = best.run AND l.event = best.event
    WHERE l.i <> best.ia AND l.i <> best.ib
    GROUP BY l.run, l.event
)
SELECT least(greatest(floor(100 * (mt - 15.0) / 235.0) + 1, 0), 101) AS bin, count(*) AS n
FROM third
GROUP BY 1
