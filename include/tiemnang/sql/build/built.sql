-- The lists build recorded for D (parameter: d): the files it read and when.
SELECT tep_dung, built_at FROM lists.build WHERE ngay_tham_chieu = %(d)s;
