-- Q6 (closest_combination form): events with at least three jets: the trijet whose invariant mass is closest to
-- 172.5 GeV; its pT (100 bins in [15, 40) GeV) and the largest b-tag among its jets (100 bins in [0, 1)).
-- closest_combination searches every trijet of the event in one pass and returns the chosen one's four-momentum
-- and its jets' positions (members), where the b-tags are read. Returns the two histograms side by side.
WITH best AS (
    SELECT closest_combination(Jet_pt, Jet_eta, Jet_phi, Jet_mass, 3, 172.5) AS c, Jet_btag AS b
    FROM events
    WHERE nJet >= 3
)
SELECT unnest(range(0, 102)) AS bin, unnest(h_pt) AS n_pt, unnest(h_btag) AS n_btag
FROM (SELECT histogram(c['pt'], 100, 15.0, 40.0) AS h_pt,
             histogram(greatest(b[c['members'][1]], b[c['members'][2]], b[c['members'][3]]), 100, 0.0, 1.0) AS h_btag
      FROM best)
