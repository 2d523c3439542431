// vi.js - the UI's text in Vietnamese, key for key as en.js.
export default {
  'nav.main': 'Chính',
  'nav.skip': 'Chuyển đến nội dung',
  'nav.dashboard': 'Tổng quan',
  'nav.cases': 'Vụ việc',
  'nav.alerts': 'Cảnh báo',
  'nav.search': 'Tìm kiếm',
  'nav.search_placeholder': 'Tên, địa điểm, mã…',
  'nav.import': 'Nhập dữ liệu',
  'nav.rules': 'Quy tắc',
  'nav.partners': 'Đối tác',
  'nav.audit': 'Nhật ký',
  'nav.language': 'Ngôn ngữ',
  'nav.sign_out': 'Đăng xuất',

  'login.title': 'Đăng nhập',
  'login.intro': 'Hệ thống hồ sơ chống buôn lậu',
  'login.user': 'Người dùng',
  'login.password': 'Mật khẩu',
  'login.submit': 'Đăng nhập',
  'login.wrong': 'Sai tên người dùng hoặc mật khẩu.',
  'login.expired': 'Phiên làm việc đã kết thúc: vui lòng đăng nhập lại.',

  'partner.title': 'Tài khoản đối tác',
  'partner.body': 'Tài khoản này dành cho hệ thống của đối tác: họ nhận dữ liệu được chia sẻ qua TAXII 2.1 bằng mã truy cập API. Không có gì để xem ở đây.',

  'error.title': 'Đã xảy ra lỗi',
  'error.no_page': 'Không có trang này.',
  'error.forbidden': 'Vai trò của bạn không được mở trang này.',
  'error.not_found': 'Không có bản ghi này.',
  'error.load': 'Không tải được trang này.',
  'error.network': 'Không kết nối được với máy chủ.',
  'error.http': 'Máy chủ trả lời {status}.',
  'error.conflict': '{user} đã sửa bản ghi này trong lúc bạn đang chỉnh sửa.',

  'common.loading': 'Đang tải…',
  'common.none': 'Không có gì.',
  'common.more': 'Thêm',
  'common.next': 'Trang sau',
  'common.first': 'Trang đầu',
  'common.save': 'Lưu',
  'common.cancel': 'Hủy',
  'common.edit': 'Sửa',
  'common.delete': 'Xóa',
  'common.reload': 'Tải lại',
  'common.filter': 'Lọc',
  'common.clear': 'Xóa bộ lọc',
  'common.any': 'Tất cả',
  'common.from': 'Từ',
  'common.to': 'Đến',
  'common.id': 'Mã',
  'common.created': 'Tạo lúc',
  'common.updated': 'Cập nhật',
  'common.by': 'Bởi',
  'common.notes': 'Ghi chú',
  'common.tags': 'Nhãn',
  'common.tlp': 'TLP',
  'common.saved': 'Đã lưu.',
  'common.yes': 'Có',
  'common.no': 'Không',
  'common.close': 'Đóng',
  'common.print': 'In',
  'common.list': 'Danh sách',
  'common.download': 'Tải xuống',
  'common.note': 'Ghi chú',
  'common.version': 'Phiên bản',
  'common.status': 'Trạng thái',
  'common.when': 'Thời điểm',
  'common.what': 'Nội dung',
  'common.user': 'Người dùng',
  'common.record': 'Bản ghi',
  'common.count': 'Số lượng',

  'kind.case': 'Vụ việc',
  'kind.seizure': 'Vụ bắt giữ',
  'kind.entity': 'Đối tượng',
  'kind.route': 'Tuyến đường',
  'kind.link': 'Liên kết',
  'kind.alert': 'Cảnh báo',
  'kind.evidence': 'Chứng cứ',
  'kinds.case': 'Vụ việc',
  'kinds.seizure': 'Vụ bắt giữ',
  'kinds.entity': 'Đối tượng',
  'kinds.route': 'Tuyến đường',
  'kinds.link': 'Liên kết',
  'kinds.alert': 'Cảnh báo',
  'kinds.evidence': 'Chứng cứ',

  'role.partner': 'Đối tác',
  'role.officer': 'Cán bộ',
  'role.analyst': 'Phân tích viên',
  'role.supervisor': 'Giám sát viên',
  'role.admin': 'Quản trị viên',

  'tlp.clear': 'TLP:CLEAR',
  'tlp.green': 'TLP:GREEN',
  'tlp.amber': 'TLP:AMBER',
  'tlp.amber+strict': 'TLP:AMBER+STRICT',
  'tlp.red': 'TLP:RED',

  'severity.low': 'Thấp',
  'severity.medium': 'Trung bình',
  'severity.high': 'Cao',
  'severity.critical': 'Nghiêm trọng',

  'case_status.open': 'Mở',
  'case_status.investigating': 'Đang điều tra',
  'case_status.referred': 'Đã chuyển giao',
  'case_status.prosecuted': 'Đã truy tố',
  'case_status.closed': 'Đã đóng',

  'alert_status.new': 'Mới',
  'alert_status.acknowledged': 'Đã tiếp nhận',
  'alert_status.escalated': 'Đã báo cáo cấp trên',
  'alert_status.dismissed': 'Đã bỏ qua',
  'alert_status.promoted': 'Đã lập vụ việc',

  'category.narcotics': 'Ma túy',
  'category.precursors': 'Tiền chất',
  'category.wildlife': 'Động vật hoang dã',
  'category.timber': 'Gỗ',
  'category.tobacco': 'Thuốc lá',
  'category.alcohol': 'Rượu',
  'category.counterfeit': 'Hàng giả',
  'category.weapons': 'Vũ khí',
  'category.currency': 'Tiền tệ',
  'category.cultural_property': 'Di sản văn hóa',
  'category.ods': 'Chất làm suy giảm tầng ô-dôn',
  'category.waste': 'Chất thải',
  'category.medicines': 'Dược phẩm',
  'category.other': 'Khác',

  'unit.kg': 'kg',
  'unit.g': 'g',
  'unit.t': 'tấn',
  'unit.l': 'lít',
  'unit.ml': 'ml',
  'unit.pcs': 'chiếc',
  'unit.packs': 'gói',
  'unit.cartons': 'cây',
  'unit.heads': 'con',
  'unit.m3': 'm³',

  'location_type.seaport': 'Cảng biển',
  'location_type.airport': 'Sân bay',
  'location_type.land_border': 'Cửa khẩu đường bộ',
  'location_type.mail_centre': 'Trung tâm bưu chính',
  'location_type.express_hub': 'Trung tâm chuyển phát nhanh',
  'location_type.inland': 'Nội địa',

  'direction.import': 'Nhập khẩu',
  'direction.export': 'Xuất khẩu',
  'direction.transit': 'Quá cảnh',

  'mode.air': 'Hàng không',
  'mode.sea': 'Đường biển',
  'mode.road': 'Đường bộ',
  'mode.rail': 'Đường sắt',
  'mode.post': 'Bưu chính',
  'mode.express': 'Chuyển phát nhanh',
  'mode.foot': 'Đi bộ',

  'method.in_goods': 'Lẫn trong hàng hóa',
  'method.false_compartment': 'Ngăn bí mật',
  'method.body': 'Giấu trong người',
  'method.baggage': 'Hành lý',
  'method.misdeclared': 'Khai sai',
  'method.parcel': 'Bưu kiện',
  'method.vehicle': 'Phương tiện',
  'method.none': 'Không cất giấu',
  'method.other': 'Khác',

  'detection.x_ray': 'Soi chiếu',
  'detection.canine': 'Chó nghiệp vụ',
  'detection.risk_profile': 'Hồ sơ rủi ro',
  'detection.tip_off': 'Tin báo',
  'detection.intelligence': 'Thông tin nghiệp vụ',
  'detection.random': 'Kiểm tra ngẫu nhiên',
  'detection.physical': 'Kiểm tra thực tế',
  'detection.other': 'Khác',

  'entity_type.person': 'Cá nhân',
  'entity_type.company': 'Công ty',
  'entity_type.vessel': 'Tàu thủy',
  'entity_type.vehicle': 'Phương tiện',
  'entity_type.aircraft': 'Tàu bay',
  'entity_type.container': 'Công-te-nơ',
  'entity_type.parcel': 'Bưu kiện',
  'entity_type.phone': 'Điện thoại',
  'entity_type.account': 'Tài khoản',
  'entity_type.address': 'Địa chỉ',
  'entity_type.document': 'Giấy tờ',

  'link_type.consignor_of': 'là người gửi hàng của',
  'link_type.consignee_of': 'là người nhận hàng của',
  'link_type.owner_of': 'là chủ sở hữu của',
  'link_type.director_of': 'là giám đốc của',
  'link_type.employee_of': 'là nhân viên của',
  'link_type.associate_of': 'có quan hệ với',
  'link_type.family_of': 'là người thân của',
  'link_type.carrier_of': 'là người vận chuyển của',
  'link_type.travelled_on': 'đã đi trên',
  'link_type.registered_to': 'đăng ký cho',
  'link_type.used': 'đã sử dụng',
  'link_type.involved_in': 'liên quan đến',
  'link_type.seized_from': 'bị thu giữ từ',
  'link_type.same_as': 'trùng với',

  'custody.collected': 'Thu thập',
  'custody.received': 'Tiếp nhận',
  'custody.transferred': 'Bàn giao',
  'custody.analysed': 'Phân tích',
  'custody.returned': 'Trả lại',
  'custody.destroyed': 'Tiêu hủy',
  'custody.note': 'Ghi chú',

  'common.pages': 'Các trang',

  // -- dashboard --

  // -- cases --
  'cases.title': 'Vụ việc',
  'cases.new': 'Vụ việc mới',
  'cases.filters': 'Lọc vụ việc',
  'cases.office': 'Đơn vị',
  'cases.lead': 'Cán bộ thụ lý',
  'cases.opened_from': 'Mở từ ngày',
  'cases.opened_to': 'Mở đến ngày',
  'cases.case_title': 'Tiêu đề',
  'cases.opened_on': 'Ngày mở',
  'cases.empty': 'Không có vụ việc nào khớp với bộ lọc.',

  // -- case --

  // -- record --

  // -- forms --

  // -- entity --

  // -- graph --

  // -- search --

  // -- alerts --

  // -- alert --

  // -- rules --

  // -- evidence --

  // -- import --

  // -- partners --

  // -- audit --
};
