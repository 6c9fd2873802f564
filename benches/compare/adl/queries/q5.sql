-- Q5: MET of events with an opposite-charge muon pair of invariant mass in [60, 120] GeV.
-- Histogram: 100 bins in [0, 200) GeV. Pairs: the event's muons (unnest, with their index) joined
-- with themselves on (run, event), i < j.
WITH mu AS (
    SELECT run, event, MET_pt,
           unnest(range(1, CAST(cardinality(Muon_pt) AS BIGINT) + 1)) AS i,
           unnest(Muon_pt) AS pt, unnest(Muon_eta) AS eta, unnest(Muon_phi) AS phi,
           unnest(Muon_mass) AS m, unnest(Muon_charge) AS q
    FROM events
    WHERE nMuon >= 2
),
selected AS (
    SELECT a.run, a.event, min(a.MET_pt) AS met
    FROM mu a JOIN mu b ON a.run = b.run AND a.event = b.event AND a.i < b.i
    WHERE a.q <> b.q AND inv_mass(a.pt, a.eta, a.phi, a.m, b.pt, b.eta, b.phi, b.m) BETWEEN 60 AND 120
    GROUP BY a.run, a.event
)
SELECT least(greatest(floor(100 * (CAST(met AS DOUBLE) - 0.0) / 200.0) + 1, 0), 101) AS bin, count(*) AS n
FROM selected
GROUP BY 1
