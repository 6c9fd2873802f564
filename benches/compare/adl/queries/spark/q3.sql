-- Q3 in Spark SQL (same histogram as ../q3.sql)
SELECT least(greatest(floor(100 * (CAST(j.Jet_pt AS DOUBLE) - 15.0) / 45.0) + 1, 0), 101) AS bin, count(*) AS n
FROM (SELECT explode(arrays_zip(Jet_pt, Jet_eta)) AS j FROM events)
WHERE abs(j.Jet_eta) < 1
GROUP BY 1
