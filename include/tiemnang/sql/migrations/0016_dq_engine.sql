-- Which engine checked each data-quality result: Great Expectations or the aggregate SQL fallback that
-- quality/sql_checks.py keeps for the kinds GX is too slow on (docs/design.md, "Data quality").
ALTER TABLE ops.dq_result ADD COLUMN engine text CHECK (engine IN ('great_expectations', 'sql'));
-- Results stored before: the register's and the tax authority's files and every file's facts ('.tep') were
-- checked in SQL (SQL_SUITES then), the school and welfare kinds by GX.
UPDATE ops.dq_result
SET engine = CASE WHEN split_part(suite, '.', 1) IN ('register', 'tax') OR suite LIKE '%.tep'
                  THEN 'sql' ELSE 'great_expectations' END;
COMMENT ON TABLE ops.dq_result IS 'Kết quả kiểm tra chất lượng dữ liệu (Great Expectations hoặc truy vấn SQL, xem cột engine)';
COMMENT ON COLUMN ops.dq_result.engine IS 'Công cụ kiểm tra: great_expectations hoặc sql';
