-- Q8 (lambda form): electrons and muons concatenated per event (flavour list f); pairs k in [0, n*n)
-- with i = k / n < j = k % n.
WITH l AS (
    SELECT MET_pt, MET_phi,
           array_concat(Electron_pt, Muon_pt) AS pt, array_concat(Electron_eta, Muon_eta) AS eta,
           array_concat(Electron_phi, Muon_phi) AS phi, array_concat(Electron_mass, Muon_mass) AS m,
           array_concat(Electron_charge, Muon_charge) AS q,
           array_concat(array_repeat(11, CAST(nElectron AS BIGINT)), array_repeat(13, CAST(nMuon AS BIGINT))) AS f,
           CAST(nElectron AS BIGINT) + CAST(nMuon AS BIGINT) AS n
    FROM events WHERE nElectron + nMuon >= 3
),
p AS (
    SELECT *, array_filter(range(0, n * n), k -> k / n < k % n AND f[k / n + 1] = f[k % n + 1] AND q[k / n + 1] <> q[k % n + 1]) AS pairs
    FROM l
),
d AS (
    SELECT *, array_transform(pairs, k -> abs(inv_mass(pt[k / n + 1], eta[k / n + 1], phi[k / n + 1], m[k / n + 1],
                                                       pt[k % n + 1], eta[k % n + 1], phi[k % n + 1], m[k % n + 1]) - 91.2)) AS d
    FROM p WHERE cardinality(pairs) > 0
),
o AS (
    SELECT MET_pt, MET_phi, pt, phi, k,
           array_filter(range(1, n + 1), i -> i <> k / n + 1 AND i <> k % n + 1) AS others
    FROM (SELECT *, pairs[CAST(array_position(d, array_min(d)) AS BIGINT)] AS k FROM d)
),
t AS (
    SELECT MET_pt, MET_phi, pt, phi, array_transform(others, i -> pt[i]) AS opt, others FROM o
),
lead AS (
    SELECT MET_pt, MET_phi, pt, phi, others[CAST(array_position(opt, array_max(opt)) AS BIGINT)] AS i FROM t
)
SELECT least(greatest(floor(100 * (mt(pt[i], phi[i], MET_pt, MET_phi) - 15.0) / 235.0) + 1, 0), 101) AS bin, count(*) AS n
FROM lead
GROUP BY 1
