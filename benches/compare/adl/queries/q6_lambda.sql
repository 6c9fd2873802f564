-- Q6 (lambda form): triples i < j < l enumerated per event as k in [0, n^3) with i = k / n^2,
-- j = (k / n) % n, l = k % n; the valid k of each jet count n are computed once (tri_by_n) and
-- joined to the events; masses from the jets' Cartesian components.
WITH sizes AS (
    SELECT DISTINCT CAST(nJet AS BIGINT) AS n FROM events WHERE nJet >= 3
),
tri_by_n AS (
    SELECT n, array_agg(k ORDER BY k) AS tri
    FROM (SELECT n, unnest(range(0, n * n * n)) AS k FROM sizes)
    WHERE k / (n * n) < (k / n) % n AND (k / n) % n < k % n
    GROUP BY n
),
j AS (
    SELECT Jet_btag AS b, px(Jet_pt, Jet_phi) AS x, py(Jet_pt, Jet_phi) AS y,
           pz(Jet_pt, Jet_eta) AS z, energy(Jet_pt, Jet_eta, Jet_mass) AS e, CAST(nJet AS BIGINT) AS n
    FROM events WHERE nJet >= 3
),
m AS (
    SELECT j.*, tri, array_transform(tri, k -> abs(sqrt(greatest(
          (e[k / (j.n * j.n) + 1] + e[(k / j.n) % j.n + 1] + e[k % j.n + 1]) * (e[k / (j.n * j.n) + 1] + e[(k / j.n) % j.n + 1] + e[k % j.n + 1])
        - (x[k / (j.n * j.n) + 1] + x[(k / j.n) % j.n + 1] + x[k % j.n + 1]) * (x[k / (j.n * j.n) + 1] + x[(k / j.n) % j.n + 1] + x[k % j.n + 1])
        - (y[k / (j.n * j.n) + 1] + y[(k / j.n) % j.n + 1] + y[k % j.n + 1]) * (y[k / (j.n * j.n) + 1] + y[(k / j.n) % j.n + 1] + y[k % j.n + 1])
        - (z[k / (j.n * j.n) + 1] + z[(k / j.n) % j.n + 1] + z[k % j.n + 1]) * (z[k / (j.n * j.n) + 1] + z[(k / j.n) % j.n + 1] + z[k % j.n + 1]),
        0.0)) - 172.5)) AS d
    FROM j JOIN tri_by_n t ON j.n = t.n
),
best AS (
    SELECT x, y, b, n, tri[CAST(array_position(d, array_min(d)) AS BIGINT)] AS k FROM m
),
v AS (
    SELECT x[k / (n * n) + 1] + x[(k / n) % n + 1] + x[k % n + 1] AS px,
           y[k / (n * n) + 1] + y[(k / n) % n + 1] + y[k % n + 1] AS py,
           greatest(b[k / (n * n) + 1], b[(k / n) % n + 1], b[k % n + 1]) AS btag
    FROM best
)
SELECT least(greatest(floor(100 * (sqrt(px * px + py * py) - 15.0) / 25.0) + 1, 0), 101) AS bin_pt,
       least(greatest(floor(100 * (CAST(btag AS DOUBLE) - 0.0) / 1.0) + 1, 0), 101) AS bin_btag,
       count(*) AS n
FROM v
GROUP BY 1, 2
