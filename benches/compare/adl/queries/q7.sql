-- Q7: per event, the scalar sum of the pT of jets with pT > 30 GeV that are not within ΔR < 0.4
-- of any light lepton (electron or muon) with pT > 10 GeV; every event (an event without such
-- jets sums to 0). Histogram: 100 bins in [15, 200) GeV.
-- cone_sum(leptons, jets, 0.4, 'w') gives, per jet, the number of pT > 10 leptons within ΔR < 0.4.
WITH objects AS (
    SELECT Jet_pt,
           array_transform(arrays_zip(Jet_eta, Jet_phi), j -> named_struct('eta', j['1'], 'phi', j['2'])) AS jets,
           array_concat(
               array_transform(arrays_zip(Electron_pt, Electron_eta, Electron_phi),
                               l -> named_struct('eta', l['2'], 'phi', l['3'], 'w', CAST(l['1'] > 10 AS DOUBLE))),
               array_transform(arrays_zip(Muon_pt, Muon_eta, Muon_phi),
                               l -> named_struct('eta', l['2'], 'phi', l['3'], 'w', CAST(l['1'] > 10 AS DOUBLE)))
           ) AS leptons
    FROM events
),
sums AS (
    SELECT coalesce(array_sum(array_transform(
               array_filter(arrays_zip(Jet_pt, cone_sum(leptons, jets, 0.4, 'w')), p -> p['1'] > 30 AND p['2'] = 0),
               p -> CAST(p['1'] AS DOUBLE))), 0.0) AS sum_pt
    FROM objects
)
SELECT unnest(range(0, 102)) AS bin, unnest(h) AS n FROM (SELECT histogram(sum_pt, 100, 15.0, 200.0) AS h FROM sums)
