-- Q6 (combination_p4 form): events with at least three jets: the trijet whose invariant mass is closest to
-- 172.5 GeV; its pT (100 bins in [15, 40) GeV) and the largest b-tag among its jets (100 bins in [0, 1)).
-- Returns the 2-D counts (bin_pt, bin_btag). combination_p4 sums every trijet's four-momentum in one kernel,
-- array_argmin picks the closest, and the b-tags of that triple come from combinations(Jet_btag, 3) at the
-- same position.
WITH t AS (
    SELECT combination_p4(Jet_pt, Jet_eta, Jet_phi, Jet_mass, 3) AS p4, combinations(Jet_btag, 3) AS b
    FROM events
    WHERE nJet >= 3
),
best AS (
    SELECT p4, b, array_argmin(array_transform(p4, x -> abs(x['mass'] - 172.5))) AS i
    FROM t
)
SELECT least(greatest(floor(100 * (p4[i]['pt'] - 15.0) / 25.0) + 1, 0), 101) AS bin_pt,
       least(greatest(floor(100 * (CAST(greatest(b[i]['1'], b[i]['2'], b[i]['3']) AS DOUBLE) - 0.0) / 1.0) + 1, 0), 101)
           AS bin_btag,
       count(*) AS n
FROM best
GROUP BY 1, 2
