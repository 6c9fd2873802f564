-- Q1 in Spark SQL (same histogram as ../q1.sql)
SELECT least(greatest(floor(100 * (CAST(MET_pt AS DOUBLE) - 0.0) / 200.0) + 1, 0), 101) AS bin, count(*) AS n
FROM events
GROUP BY 1
