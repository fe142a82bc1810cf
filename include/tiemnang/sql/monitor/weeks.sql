-- Published weeks, newest first (the monitoring page's week selector).
SELECT tuan, max(ngay_tham_chieu) AS ngay_tham_chieu, count(*) AS so_tinh
FROM ops.publication
GROUP BY tuan
ORDER BY tuan DESC
LIMIT 104;
