-- The keys by which a published list row is recognised as the same person in another week:
-- the stable person key, the IDs, the register id, and every source record (file + row) behind it.
-- One definition shared by the build (lists.theo_doi) and the publication (tong_hop: so_moi, so_da_tham_gia).
CREATE FUNCTION lists.khoa_dong(p_khoa_nguoi text, p_so_ddcn text, p_ma_so_bhxh text, p_id_nguoi bigint,
                                p_nguon jsonb)
RETURNS SETOF text
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'k:' || p_khoa_nguoi
    UNION ALL SELECT 'd:' || p_so_ddcn WHERE p_so_ddcn IS NOT NULL
    UNION ALL SELECT 'b:' || p_ma_so_bhxh WHERE p_ma_so_bhxh IS NOT NULL
    UNION ALL SELECT 'r:' || p_id_nguoi WHERE p_id_nguoi IS NOT NULL
    UNION ALL SELECT CASE WHEN e ->> 'nguon' = 'register' THEN 'r:' || (e ->> 'id_nguoi')
                          ELSE 's:' || (e ->> 'tep') || '#' || (e ->> 'dong') END
              FROM jsonb_array_elements(p_nguon) e
$$;
