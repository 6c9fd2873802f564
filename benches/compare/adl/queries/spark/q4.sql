-- Q4 in Spark SQL (same histogram as ../q4.sql)
SELECT least(greatest(floor(100 * (CAST(MET_pt AS DOUBLE) - 0.0) / 200.0) + 1, 0), 101) AS bin, count(*) AS n
FROM events
WHERE size(filter(Jet_pt, x -> x > 40)) >= 2
GROUP BY 1
