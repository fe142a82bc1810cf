-- The rows of every published table of a province's week (the column catalogue can add tables; the three
-- count columns of revision 1 stay as they are).
ALTER TABLE ops.publication ADD COLUMN so_dong jsonb;
COMMENT ON COLUMN ops.publication.so_dong IS 'Số dòng của mỗi bảng công bố trong tuần: {"tiem_nang": …, …}';
