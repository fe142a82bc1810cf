-- Vietnamese comments on every published table and column of one province schema; identifier: schema.
-- Applied from a loop in publish/schemas.py over the comment catalogue, so this file documents tables only.
COMMENT ON TABLE {{ schema }}.tiem_nang IS 'Danh sách người tiềm năng tham gia BHXH, BHYT của tuần công bố mới nhất';
COMMENT ON TABLE {{ schema }}.tiem_nang_lich_su IS 'Lịch sử danh sách người tiềm năng, mọi tuần đã công bố';
COMMENT ON TABLE {{ schema }}.don_vi_tiem_nang IS 'Doanh nghiệp chưa đăng ký hoặc đóng BHXH thiếu lao động, tuần công bố mới nhất';
COMMENT ON TABLE {{ schema }}.don_vi_tiem_nang_lich_su IS 'Lịch sử danh sách doanh nghiệp tiềm năng';
COMMENT ON TABLE {{ schema }}.den_han_dong IS 'Người đến hạn đóng BHYT hộ gia đình, BHXH tự nguyện trong 30 ngày tới, tuần công bố mới nhất';
COMMENT ON TABLE {{ schema }}.den_han_dong_lich_su IS 'Lịch sử danh sách người đến hạn đóng';
COMMENT ON TABLE {{ schema }}.tong_hop IS 'Tổng hợp theo xã và nhóm: số người, số mới, số đã tham gia so với tuần trước';
COMMENT ON TABLE {{ schema }}.tong_hop_lich_su IS 'Lịch sử bảng tổng hợp';
