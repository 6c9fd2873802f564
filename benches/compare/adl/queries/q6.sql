-- Q6: events with at least three jets: the trijet (three distinct jets) whose invariant mass is
-- closest to 172.5 GeV; its pT (100 bins in [15, 40) GeV) and the largest b-tag among its jets
-- (100 bins in [0, 1)). Returns the 2-D counts (bin_pt, bin_btag); the driver takes the two
-- 1-D histograms as its margins. Triples: jets (unnest, with index) joined three times on
-- (run, event), i < j < k; four-vectors summed in Cartesian components.
WITH j AS (
    SELECT run, event,
           unnest(range(1, CAST(cardinality(Jet_pt) AS BIGINT) + 1)) AS i,
           unnest(px(Jet_pt, Jet_phi)) AS px, unnest(py(Jet_pt, Jet_phi)) AS py,
           unnest(pz(Jet_pt, Jet_eta)) AS pz, unnest(energy(Jet_pt, Jet_eta, Jet_mass)) AS e,
           unnest(Jet_btag) AS btag
    FROM events
    WHERE nJet >= 3
),
t AS (
    SELECT a.run, a.event,
           a.px + b.px + c.px AS px, a.py + b.py + c.py AS py, a.pz + b.pz + c.pz AS pz, a.e + b.e + c.e AS e,
           greatest(a.btag, b.btag, c.btag) AS btag
    FROM j a
    JOIN j b ON a.run = b.run AND a.event = b.event AND a.i < b.i
    JOIN j c ON b.run = c.run AND b.event = c.event AND b.i < c.i
),
scored AS (
    SELECT run, event, sqrt(px * px + py * py) AS pt, btag,
           abs(sqrt(greatest(e * e - px * px - py * py - pz * pz, 0.0)) - 172.5) AS d
    FROM t
),
best AS (
    SELECT run, event, first_value(pt ORDER BY d) AS pt, first_value(btag ORDER BY d) AS btag
    FROM scored
    GROUP BY run, event
)
SELECT least(greatest(floor(100 * (pt - 15.0) / 25.0) + 1, 0), 101) AS bin_pt,
       least(greatest(floor(100 * (CAST(btag AS DOUBLE) - 0.0) / 1.0) + 1, 0), 101) AS bin_btag,
       count(*) AS n
FROM best
GROUP BY 1, 2
