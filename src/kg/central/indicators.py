"""Indicator concepts shared by national and local targets, and the rules that recognise them.

Rules match the accent-folded indicator text, so they work on central wording ('Quy mô kinh tế
số … % GDP'), on provincial wording ('kinh tế số … % GRDP') and on OCR text that lost its
diacritics. A rule is a list of alternatives; an alternative is a tuple of regexes that must all
match. When several rules match, the one matching earliest in the text wins (a sentence names its
own indicator first: 'R&D spending 2% GDP, of which 60% from society'); ties go to table order.
"""

from __future__ import annotations

import re

from kg.model import Indicator
from kg.parse.normalize import fold

# key, Vietnamese label, English label, alternatives (each a tuple of regexes on folded text)
_RULES: tuple[tuple[str, str, str, tuple[tuple[str, ...], ...]], ...] = (
    ("sti-capacity-level", "Tiềm lực, trình độ khoa học, công nghệ và đổi mới sáng tạo",
     "Level of science, technology and innovation capacity", ((r"tiem luc, trinh do khoa hoc",),)),
    ("enterprise-technology-level", "Trình độ, năng lực công nghệ, đổi mới sáng tạo của doanh nghiệp",
     "Technology and innovation capability of enterprises", ((r"nang luc cong nghe", r"doanh nghiep"),)),
    ("fields-at-international-level", "Lĩnh vực khoa học, công nghệ đạt trình độ quốc tế",
     "Science and technology fields at international level", ((r"^linh vuc khoa hoc, cong nghe",),
                                                              (r"linh vuc khoa hoc, cong nghe dat trinh do quoc te",))),
    ("digital-competitiveness-rank", "Xếp hạng năng lực cạnh tranh số", "Digital competitiveness ranking",
     ((r"canh tranh so",),)),
    ("e-government-rank", "Xếp hạng chỉ số phát triển Chính phủ điện tử, Chính phủ số",
     "E-government development index ranking", ((r"chinh phu dien tu", r"xep hang|chi so|nhom \d+"),)),
    ("ai-rd-rank", "Xếp hạng về nghiên cứu và phát triển trí tuệ nhân tạo",
     "Artificial intelligence research and development ranking",
     ((r"nghien cuu va phat trien tri tue nhan tao", r"xep hang|nhom|dan dau"),)),
    ("cybersecurity-rank", "Xếp hạng về an toàn thông tin mạng", "Cybersecurity ranking",
     ((r"an toan thong tin mang|an toan, an ninh khong gian mang", r"xep hang|dan dau|nhom"),)),
    ("global-innovation-index-rank", "Chỉ số đổi mới sáng tạo toàn cầu", "Global Innovation Index ranking",
     ((r"chi so doi moi sang tao toan cau|\bgii\b",), (r"nhom \d+ nuoc dan dau the gioi ve doi moi sang tao",))),
    ("digital-tech-enterprises-per-1000", "Tỉ lệ doanh nghiệp công nghệ số", "Digital technology enterprises per 1,000 people",
     ((r"ti le doanh nghiep cong nghe so|ty le doanh nghiep cong nghe so",),)),
    ("advanced-digital-tech-enterprises", "Số doanh nghiệp công nghệ số ngang tầm các nước tiên tiến",
     "Digital technology enterprises on a par with advanced countries",
     ((r"doanh nghiep cong nghe so", r"ngang tam"),)),
    ("tfp-contribution", "Tỉ lệ đóng góp của năng suất nhân tố tổng hợp vào tăng trưởng",
     "Contribution of total factor productivity to growth", ((r"nang suat nhan to tong hop|\bt[ef]p\b",),)),
    ("high-tech-export-share", "Tỉ trọng xuất khẩu sản phẩm công nghệ cao",
     "High-technology share of exports", ((r"xuat khau", r"cong nghe cao"),)),
    ("digital-economy-share", "Tỉ trọng kinh tế số trong GDP/GRDP", "Digital economy share of GDP/GRDP",
     ((r"kinh te so", r"quy mo|ti trong|ty trong|gdp|grdp"),)),
    ("online-public-service-use", "Tỉ lệ sử dụng dịch vụ công trực tuyến của người dân và doanh nghiệp",
     "Use of online public services by people and businesses",
     ((r"dich vu cong truc tuyen", r"su dung"),)),
    ("full-online-public-services", "Tỉ lệ dịch vụ công trực tuyến toàn trình",
     "Share of administrative procedures offered as full-process online services",
     ((r"dich vu cong truc tuyen toan trinh",),)),
    ("digitised-records-results", "Tỉ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
     "Digitised records and results of administrative procedures",
     ((r"ho so hop le, ket qua giai quyet|so hoa ho so",),)),
    ("electronic-procedure-results", "Tỉ lệ cấp kết quả giải quyết thủ tục hành chính điện tử",
     "Administrative procedure results issued electronically", ((r"cap ket qua giai quyet thu tuc hanh chinh dien tu",),)),
    ("data-reuse-in-procedures", "Tỉ lệ khai thác, sử dụng lại thông tin, dữ liệu đã số hóa",
     "Reuse of digitised data in administrative procedures", ((r"su dung lai thong tin",),)),
    ("online-payment-in-procedures", "Tỉ lệ thanh toán trực tuyến trong giải quyết thủ tục hành chính",
     "Online payment in administrative procedures", ((r"thanh toan truc tuyen",),)),
    ("location-independent-procedures", "Tỉ lệ thủ tục hành chính giải quyết phi địa giới hành chính",
     "Administrative procedures handled independently of place", ((r"phi dia gioi|khong phu thuoc dia gioi",),)),
    ("licensing-procedure-cuts", "Tỉ lệ cắt giảm hoặc tự động hóa thủ tục hành chính về cấp phép",
     "Licensing procedures cut or automated", ((r"cat giam hoac tu dong hoa",),)),
    ("internal-procedure-cuts", "Tỉ lệ cắt giảm thủ tục hành chính nội bộ",
     "Internal administrative procedures cut", ((r"cat giam thu tuc hanh chinh noi bo",),)),
    ("electronic-document-processing", "Tỉ lệ xử lý văn bản, hồ sơ công việc toàn trình trên môi trường điện tử",
     "Documents and work files processed end to end electronically", ((r"xu ly van ban, ho so cong viec",),)),
    ("electronic-task-monitoring", "Tỉ lệ nhiệm vụ được theo dõi, giám sát trên môi trường điện tử",
     "Tasks monitored electronically", ((r"nhiem vu duoc theo doi",),)),
    ("electronic-internal-governance", "Tỉ lệ cơ quan nhà nước chỉ đạo, điều hành, quản trị nội bộ trên môi trường điện tử",
     "State agencies directing and administering electronically", ((r"chi dao, dieu hanh, quan tri noi bo",),)),
    ("cashless-payment-share", "Tỉ lệ giao dịch không dùng tiền mặt", "Share of cashless transactions",
     ((r"khong dung tien mat",),)),
    ("innovative-enterprise-share", "Tỉ lệ doanh nghiệp có hoạt động đổi mới sáng tạo",
     "Share of enterprises with innovation activity", ((r"doanh nghiep co hoat dong doi moi sang tao",),)),
    ("human-development-index", "Chỉ số phát triển con người (HDI)", "Human Development Index",
     ((r"phat trien con nguoi|\bhdi\b",),)),
    ("societal-rd-funding-share", "Tỉ trọng kinh phí từ xã hội trên kinh phí chi cho nghiên cứu phát triển",
     "Non-state share of research and development spending", ((r"kinh phi tu xa hoi",),)),
    ("rd-spending-share", "Kinh phí chi cho nghiên cứu phát triển (R&D)", "Research and development spending share of GDP/GRDP",
     ((r"nghien c\w* phat tr\w*|r&d", r"kinh phi|chi\b"),)),
    ("sti-budget-share", "Chi ngân sách cho khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
     "Budget share for science, technology, innovation and digital transformation",
     ((r"ngan sach|tong chi|chi cho khoa hoc", r"khoa hoc, cong nghe"),)),
    ("researchers-per-10000", "Nguồn nhân lực nghiên cứu khoa học, phát triển công nghệ, đổi mới sáng tạo",
     "Researchers per 10,000 people", ((r"nhan luc nghien cuu",), (r"van dan",))),
    ("ranked-st-organisations", "Tổ chức khoa học và công nghệ được xếp hạng khu vực và thế giới",
     "Science and technology organisations ranked regionally and globally", ((r"to chuc khoa hoc va cong nghe", r"xep hang"),)),
    ("international-publications-growth", "Tăng trưởng công bố khoa học quốc tế", "Growth of international scientific publications",
     ((r"cong bo khoa hoc quoc te",),)),
    ("patent-commercialisation-share", "Tỉ lệ sáng chế được khai thác thương mại", "Share of patents commercially exploited",
     ((r"(don dang ky )?sang che", r"khai thac thuong mai"),)),
    ("patent-applications-growth", "Tăng trưởng đơn đăng ký sáng chế, văn bằng bảo hộ", "Growth of patent applications and grants",
     ((r"don dang ky sang che|van bang bao ho",),)),
    ("gigabit-fixed-broadband-access", "Tỉ lệ người dùng truy nhập băng rộng cố định trên 1Gb/s",
     "Users with fixed broadband access above 1 Gb/s", ((r"bang rong co dinh",),)),
    ("submarine-cables", "Số tuyến cáp quang biển mới", "New submarine cable routes", ((r"tuyen cap quang bien",),)),
    ("submarine-cable-capacity", "Tổng dung lượng cáp quang biển", "Total submarine cable design capacity",
     ((r"dung luong", r"cap quang"),)),
    ("5g-coverage", "Phủ sóng 5G", "5G coverage", ((r"phu song 5g",),)),
    ("digital-infrastructure-level", "Hạ tầng số", "Digital infrastructure level", ((r"^ha tang (cong nghe )?so\b",),)),
    ("smart-cities", "Đô thị thông minh", "Smart cities", ((r"do thi thong minh",),)),
    ("leading-tech-firms-attracted", "Thu hút tổ chức, doanh nghiệp công nghệ hàng đầu thế giới",
     "Leading global technology firms attracted", ((r"cong nghe hang dau the gioi",),)),
    ("digital-state-management", "Quản lý nhà nước trên môi trường số", "State management on the digital environment",
     ((r"quan ly nha nuoc tu trung uong den dia phuong tren moi truong so",),)),
    ("national-databases-connected", "Cơ sở dữ liệu quốc gia, cơ sở dữ liệu các ngành được kết nối, chia sẻ",
     "National and sectoral databases built and connected", ((r"co so du lieu quoc gia, co so du lieu",),)),
    ("data-exchanges", "Sàn dữ liệu", "Data exchanges", ((r"san (giao dich )?du lieu",),)),
    ("national-data-centres", "Trung tâm dữ liệu quốc gia", "National data centres", ((r"trung tam du lieu quoc gia",),)),
    ("bank-account-ownership", "Dân số có tài khoản ngân hàng", "Adults with a bank account", ((r"tai khoan ngan hang",),)),
    ("digital-signature-share", "Tỉ lệ dân số trưởng thành có chữ ký số", "Adults with a digital or electronic signature",
     ((r"chu ky (so|dien tu)",),)),
    ("electronic-health-records", "Tỉ lệ người dân có hồ sơ sức khỏe điện tử", "People with an electronic health record",
     ((r"ho so suc khoe dien tu",),)),
    ("police-research-facility", "Cơ sở nghiên cứu khoa học công nghệ hàng đầu của ngành Công an",
     "Leading police science and technology research facility", ((r"nganh cong an", r"co so nghien cuu"),)),
    ("make-in-vietnam-share", "Tỷ lệ Make in Vietnam trong doanh thu công nghiệp số", "Make in Vietnam share of digital industry revenue",
     ((r"make in viet ?nam",),)),
    ("strategic-technology-mastery", "Làm chủ công nghệ chiến lược ứng dụng trong an ninh quốc gia",
     "Mastery of strategic technologies for national security", ((r"lam chu", r"cong nghe", r"an ninh"),)),
)
_COMPILED = tuple((key, tuple(tuple(re.compile(p) for p in alt) for alt in alts)) for key, _, _, alts in _RULES)

INDICATORS: tuple[Indicator, ...] = tuple(Indicator(key, vi, en) for key, vi, en, _ in _RULES)


def _position(folded: str, alternative: tuple[re.Pattern[str], ...]) -> int | None:
    """Where an alternative starts matching, if all its patterns match."""
    starts = [m.start() for m in (p.search(folded) for p in alternative) if m]
    return min(starts) if len(starts) == len(alternative) else None


def indicator_key(text: str) -> str:
    """The key of the rule matching earliest in the text; '' when none matches."""
    folded = fold(text).strip()
    best: tuple[int, int, str] | None = None
    for order, (key, alternatives) in enumerate(_COMPILED):
        positions = [p for p in (_position(folded, alt) for alt in alternatives) if p is not None]
        if positions and (best is None or (min(positions), order) < best[:2]):
            best = (min(positions), order, key)
    return best[2] if best else ""
