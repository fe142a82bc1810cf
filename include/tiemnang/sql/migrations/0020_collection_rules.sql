-- Revision 2, part 2 (issue #17): what the rules of CONTRACT §4.7 and §4.8 need besides the catalogue's tables —
-- the hamlet key, the sequential balance of the assignment, the follow-up of last week's den_han_dong rows,
-- and the weekly so_da_tham_gia kept beyond the history's retention (tien_do adds up the whole year).

-- A hamlet name compared ignoring case, diacritics and spacing (§4.7): lower case, no tone or vowel marks,
-- đ as d, only letters and digits, leading zeros of a number dropped ("Tổ 05" = "tổ 5" = "TO5"). Unlike
-- mt.khong_dau (names: letters only) it keeps the digits: "Tổ 5" and "Tổ 6" are two neighbourhoods.
-- The letters and digits are spelt out: a range like [a-z] would follow the database's locale.
CREATE FUNCTION mt.thon_khoa(p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT nullif(regexp_replace(regexp_replace(
               translate(normalize(p, NFKD), 'ABCDEFGHIJKLMNOPQRSTUVWXYZĐđ', 'abcdefghijklmnopqrstuvwxyzdd'),
               '[^abcdefghijklmnopqrstuvwxyz0123456789]+', '', 'g'),
           '(^|[^0123456789])0+([0123456789])', '\1\2', 'g'), '')
$$;
COMMENT ON FUNCTION mt.thon_khoa(text) IS
    'Khóa so sánh tên thôn, tổ dân phố: chữ thường, bỏ dấu, chỉ giữ chữ và số, bỏ số 0 đứng đầu';

-- The balance of §4.7, which is sequential: each row goes to the candidate with the fewest rows of its commune
-- assigned so far (ties: the smallest ma_dai_ly), rows taken in order. Reads the work tables of the build step
-- lists/phan_cong (this transaction's temporary tables):
--   pg_temp.l_pc_xa  (ma_xa, so_dong integer[])   the commune's agents, by position in ma_dai_ly order, and the
--                                                  rows each already has (those kept from last week)
--   pg_temp.l_pc_cho (thu_tu bigint, ma_xa, ung_vien integer[])   the rows to balance, thu_tu grouping the
--                                                  rows of a commune together in their order; ung_vien = the
--                                                  row's candidates as positions, ascending
-- Returns the position chosen for every row: one pass, O(rows × candidates).
CREATE FUNCTION lists.can_bang_dai_ly() RETURNS TABLE (dong_thu_tu bigint, vi_tri integer)
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    xa text;
    dem integer[];
    i integer;
    chon integer;
BEGIN
    FOR r IN SELECT c.thu_tu, c.ma_xa, c.ung_vien, x.so_dong
             FROM pg_temp.l_pc_cho c JOIN pg_temp.l_pc_xa x ON x.ma_xa = c.ma_xa
             ORDER BY c.thu_tu
    LOOP
        IF xa IS DISTINCT FROM r.ma_xa THEN
            xa := r.ma_xa;
            dem := r.so_dong;
        END IF;
        chon := NULL;
        FOREACH i IN ARRAY r.ung_vien LOOP
            IF chon IS NULL OR dem[i] < dem[chon] THEN
                chon := i;
            END IF;
        END LOOP;
        dem[chon] := dem[chon] + 1;
        dong_thu_tu := r.thu_tu;
        vi_tri := chon;
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION lists.can_bang_dai_ly() IS
    'Giao dòng cho đại lý có ít dòng nhất của xã tính đến lúc đó (bằng nhau: mã đại lý nhỏ nhất), theo thứ tự dòng';

-- For each row of the previous published den_han_dong (the previous published week of each province, as seen
-- from the build for ngay_tham_chieu): whether the person now has a later spell of that insurance — one that
-- runs to han_dong or beyond (a BHYT card for BHYT_GD; BHXH_BB or BHXH_TN for BHXH_TN, as in §4.3).
-- tien_do_dai_ly.so_da_tham_gia counts them for the agent they were assigned to (§4.8).
CREATE TABLE lists.theo_doi_den_han (
    ngay_tham_chieu date NOT NULL,
    ngay_truoc      date NOT NULL,            -- D of the earlier list
    id_nguoi        bigint NOT NULL,
    loai            text NOT NULL,
    han_dong        date NOT NULL,            -- as on the earlier list
    da_dong_tiep    boolean NOT NULL,
    PRIMARY KEY (ngay_tham_chieu, ngay_truoc, id_nguoi, loai)
);
COMMENT ON TABLE lists.theo_doi_den_han IS
    'Người của danh sách đến hạn đóng đã công bố tuần trước: đã có kỳ bảo hiểm tiếp theo vào ngày tham chiếu chưa';

-- so_da_tham_gia of every published week, per province, commune and nhom (a copy of tong_hop's figure written at
-- publication): tien_do.da_dat adds up the weeks of D's year, which the history (kept so_tuan_luu_lich_su weeks)
-- no longer holds by the second half of the year.
CREATE TABLE lists.da_tham_gia (
    ma_tinh         text NOT NULL,
    tuan            text NOT NULL,
    ngay_tham_chieu date NOT NULL,
    ma_xa           text NOT NULL,
    nhom            text NOT NULL,
    so_da_tham_gia  integer NOT NULL,
    PRIMARY KEY (ma_tinh, tuan, ma_xa, nhom)
);
COMMENT ON TABLE lists.da_tham_gia IS
    'Số người đã tham gia của mỗi tuần đã công bố theo tỉnh, xã, nhóm (để cộng dồn cả năm cho bảng tiến độ)';
