-- Q6 (combinations form): events with at least three jets: the trijet whose invariant mass is closest to
-- 172.5 GeV; its pT (100 bins in [15, 40) GeV) and the largest b-tag among its jets (100 bins in [0, 1)).
-- Returns the 2-D counts (bin_pt, bin_btag). Trijets: combinations(arrays_zip(px, py, pz, E, btag), 3) per
-- event, four-vectors summed in Cartesian components; the best one picked with array_argmin.
WITH sums AS (
    SELECT array_transform(
               combinations(arrays_zip(px(Jet_pt, Jet_phi), py(Jet_pt, Jet_phi), pz(Jet_pt, Jet_eta),
                                       energy(Jet_pt, Jet_eta, Jet_mass), Jet_btag), 3),
               c -> named_struct('px', c['1']['1'] + c['2']['1'] + c['3']['1'],
                                 'py', c['1']['2'] + c['2']['2'] + c['3']['2'],
                                 'pz', c['1']['3'] + c['2']['3'] + c['3']['3'],
                                 'e', c['1']['4'] + c['2']['4'] + c['3']['4'],
                                 'btag', greatest(c['1']['5'], c['2']['5'], c['3']['5']))) AS t
    FROM events
    WHERE nJet >= 3
),
scored AS (
    SELECT array_transform(t, x -> named_struct(
               'pt', sqrt(x['px'] * x['px'] + x['py'] * x['py']),
               'btag', x['btag'],
               'd', abs(sqrt(greatest(x['e'] * x['e'] - x['px'] * x['px'] - x['py'] * x['py'] - x['pz'] * x['pz'], 0.0)) - 172.5))) AS s
    FROM sums
),
best AS (
    SELECT s[array_argmin(array_transform(s, x -> x['d']))] AS b
    FROM scored
)
SELECT least(greatest(floor(100 * (b['pt'] - 15.0) / 25.0) + 1, 0), 101) AS bin_pt,
       least(greatest(floor(100 * (CAST(b['btag'] AS DOUBLE) - 0.0) / 1.0) + 1, 0), 101) AS bin_btag,
       count(*) AS n
FROM best
GROUP BY 1, 2
