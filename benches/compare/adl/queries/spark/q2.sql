-- Q2 in Spark SQL (same histogram as ../q2.sql)
SELECT least(greatest(floor(100 * (CAST(pt AS DOUBLE) - 15.0) / 45.0) + 1, 0), 101) AS bin, count(*) AS n
FROM (SELECT explode(Jet_pt) AS pt FROM events)
GROUP BY 1
