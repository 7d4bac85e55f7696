"""The demo academy's fixed data: public unit names (DOMAIN.md, A believable demo academy), name lists,
training and course titles, and the personas whose logins `load_demo` prints.

Everything here is plain data; `services.py` turns it into units, people and records.
"""

from dataclasses import dataclass

from hourbook.accounts.choices import Role

ROOT_CODE = "CAS"
PASSWORD = "demo1234"


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str  # org.choices.UnitKind value
    parent: str | None
    area_code: str = "010"  # for landline numbers
    weight: int = 0  # share of the generated employees (0: none placed directly here)


def _institute(
    code: str, name: str, parent: str, area: str, weight: int, groups: list[str]
) -> list[UnitSpec]:
    """An institute with the departments DOMAIN.md names: 综合办公室, 人力资源处, 科研处 and research groups."""
    units = [
        UnitSpec(code, name, "institute", parent, area, 0),
        UnitSpec(f"{code}-GO", "综合办公室", "department", code, area, 1),
        UnitSpec(f"{code}-HR", "人力资源处", "department", code, area, 1),
        UnitSpec(f"{code}-RD", "科研处", "department", code, area, 1),
    ]
    units += [
        UnitSpec(f"{code}-G{i:02d}", group, "department", code, area, weight)
        for i, group in enumerate(groups, start=1)
    ]
    return units


UNITS: list[UnitSpec] = [
    UnitSpec(ROOT_CODE, "中国科学院", "academy", None),
    UnitSpec("CAS-HQ", "院机关", "branch", ROOT_CODE),
    UnitSpec("CAS-HQ-HR", "人事局", "department", "CAS-HQ", weight=1),
    UnitSpec("CAS-BJ", "北京分院", "branch", ROOT_CODE, weight=1),
    *_institute(
        "CAS-BJ-IOP",
        "物理研究所",
        "CAS-BJ",
        "010",
        5,
        ["超导物理课题组", "表面物理课题组", "纳米物理与器件课题组"],
    ),
    *_institute("CAS-BJ-ICCAS", "化学研究所", "CAS-BJ", "010", 4, ["高分子物理课题组", "有机固体课题组"]),
    *_institute(
        "CAS-BJ-ICT", "计算技术研究所", "CAS-BJ", "010", 4, ["处理器芯片课题组", "网络数据科学课题组"]
    ),
    UnitSpec("CAS-SH", "上海分院", "branch", ROOT_CODE, "021", 1),
    *_institute(
        "CAS-SH-SIOC",
        "上海有机化学研究所",
        "CAS-SH",
        "021",
        4,
        ["金属有机化学课题组", "天然产物有机化学课题组"],
    ),
    UnitSpec("CAS-SY", "沈阳分院", "branch", ROOT_CODE, "024", 1),
    *_institute("CAS-SY-IMR", "金属研究所", "CAS-SY", "024", 4, ["高温合金课题组", "材料疲劳与断裂课题组"]),
    UnitSpec("CAS-WH", "武汉分院", "branch", ROOT_CODE, "027", 1),
    *_institute("CAS-WH-WIV", "武汉病毒研究所", "CAS-WH", "027", 4, ["分子病毒学课题组", "病毒生态课题组"]),
    UnitSpec("CAS-GZ", "广州分院", "branch", ROOT_CODE, "020", 1),
    *_institute("CAS-GZ-SCBG", "华南植物园", "CAS-GZ", "020", 3, ["植物保育课题组", "恢复生态课题组"]),
    UnitSpec("CAS-NW", "西北生态环境资源研究院", "branch", ROOT_CODE, "0931", 1),
    *_institute(
        "CAS-NW-CAREERI",
        "寒区旱区环境与工程研究所",
        "CAS-NW",
        "0931",
        4,
        ["冰川与冻土课题组", "沙漠与沙漠化课题组", "寒旱区水文课题组"],
    ),
]

# Common surnames, the most frequent first (weights follow their rough frequency).
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉力飞鹏宇浩然子轩欣怡思远晨曦嘉琪雨涵"
    "博文俊峰志强海燕红梅晓东立新永红春燕玉兰淑珍德华振宇家豪佳怡梓涵一鸣天翔雪松翠萍宏伟"
)
MOBILE_PREFIXES = (
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "158",
    "159",
    "180",
    "186",
    "187",
    "188",
    "189",
)

# Titles used for employee-registered records, per category (DOMAIN.md, Record categories);
# forms are ledger.choices.Form values (第五条).
EXTERNAL_TRAINING = [
    ("中国物理学会秋季学术会议", "conference", "中国物理学会"),
    ("全国科研管理干部培训班", "special_course", "中国科学院科技创新发展中心"),
    ("大型科研仪器共享与管理研讨会", "conference", "科技部"),
    ("实验室生物安全培训", "special_course", "湖北省疾病预防控制中心"),
    ("第十届全国冰冻圈科学大会", "conference", "中国地理学会"),
    ("高分子材料表征技术研修班", "academic_study", "中国化学会"),
    ("国家自然科学基金项目申报辅导讲座", "conference", "国家自然科学基金委员会"),
    ("知识产权与成果转化实务培训", "special_course", "国家知识产权局培训中心"),
    ("科研财务助理岗位培训", "special_course", "中国科学院条件保障与财务局"),
    ("国际材料科学前沿论坛", "conference", "中国材料研究学会"),
    ("植物分类学与标本馆管理研修", "academic_study", "中国植物学会"),
    ("高性能计算应用技术培训", "academic_study", "中国计算机学会"),
    ("保密工作专题培训", "special_course", "国家保密局"),
    ("档案数字化管理培训班", "special_course", "国家档案局"),
]
SELF_STUDY = [
    "《科研诚信与学术规范》",
    "《凝聚态物理导论》",
    "《中国共产党简史》",
    "《科技论文写作与发表》",
    "《数据科学导论》",
    "《实验室安全手册》",
    "《冰冻圈科学概论》",
    "《有机化学中的选择性》",
    "《科技项目管理实务》",
    "《Python 科学计算》",
    "《植物生态学》",
    "《金属材料学》",
]
STUDY_ABROAD = [
    ("国家公派高级研究学者项目（马普学会）", "德国慕尼黑"),
    ("国家公派访问学者项目（剑桥大学）", "英国剑桥"),
    ("中国科学院国际人才计划访问研修", "美国加州大学伯克利分校"),
]
EXTERNAL_ONLINE = [
    ("学习强国专题学习", "学习强国"),
    ("中国干部网络学院在线学习", "中国干部网络学院"),
    ("网易公开课：机器学习", "网易公开课"),
    ("国家智慧教育平台专业课程", "国家智慧教育公共服务平台"),
    ("科研人员网络安全在线培训", "中国科学院网络安全和信息化办公室"),
]
REJECT_REASONS = [
    "未上传结业证书或参会证明，请补充后重新提交。",
    "学时超过实际培训天数，请按 1 天 8 学时、半天 4 学时核实后修改（第十条）。",
    "该培训已由单位作为院内培训项目统一登记，请勿重复登记。",
    "在职自学请填写具体的书籍或文档名称。",
    "培训时间与考勤记录不符，请核实起止时间。",
]

# In-house programmes (第九条一): (name, programme_type, days, organiser unit code or "" for the academy).
PROGRAMMES = [
    ("新入职职工岗前培训班", "class", 3, ""),
    ("处级干部综合能力提升培训班", "class", 5, ""),
    ("科学家精神系列讲座", "series", 4, ""),
    ("党的二十届全会精神专题学习", "party_lesson", 1, ""),
    ("前沿物理系列讲座", "series", 3, "CAS-BJ-IOP"),
    ("超导材料与器件培训班", "class", 2, "CAS-BJ-IOP"),
    ("实验室安全专题讲座", "lecture", 1, "CAS-BJ-ICCAS"),
    ("科研项目经费管理培训班", "class", 2, "CAS-BJ"),
    ("寒区旱区野外科考安全培训班", "class", 3, "CAS-NW-CAREERI"),
    ("冻土工程系列讲座", "series", 2, "CAS-NW-CAREERI"),
    ("生物安全实验室操作培训班", "class", 2, "CAS-WH-WIV"),
    ("有机合成前沿专题讲座", "lecture", 1, "CAS-SH-SIOC"),
    ("材料表征技术培训班", "class", 2, "CAS-SY-IMR"),
    ("植物园科普讲解员培训班", "class", 2, "CAS-GZ-SCBG"),
    ("高性能计算平台使用培训班", "class", 2, "CAS-BJ-ICT"),
    ("化学前沿系列讲座", "series", 3, "CAS-BJ-ICCAS"),
    ("病毒学前沿系列讲座", "series", 3, "CAS-WH-WIV"),
    ("有机化学实验技术培训班", "class", 2, "CAS-SH-SIOC"),
    ("金属材料前沿系列讲座", "series", 2, "CAS-SY-IMR"),
    ("植物分类与鉴定培训班", "class", 2, "CAS-GZ-SCBG"),
]

# Platform courses (第九条四): (title, lesson length in seconds); learning credited as it accrues.
COURSES = [
    ("习近平新时代中国特色社会主义思想学习纲要", 6 * 3600 + 10 * 60 + 53),
    ("科研诚信与学术规范", 3 * 3600 + 25 * 60 + 12),
    ("实验室安全知识", 2 * 3600 + 48 * 60 + 30),
    ("人工智能基础与科研应用", 8 * 3600 + 5 * 60 + 40),
    ("数据安全与个人信息保护", 2 * 3600 + 16 * 60 + 8),
    ("保密知识教育", 1 * 3600 + 58 * 60 + 21),
    ("科技写作与学术交流", 4 * 3600 + 32 * 60 + 17),
    ("心理健康与压力管理", 3 * 3600 + 3 * 60 + 45),
]


@dataclass(frozen=True)
class Persona:
    """A named login printed by load_demo, with the case it shows."""

    username: str
    name: str
    unit: str  # unit code
    role: str  # accounts.choices.Role value, or "" for an employee only
    role_unit: str  # unit code of the role
    case: str  # what the login shows (Chinese, printed in the table)
    level: str = "ordinary"
    registered: bool = True
    superuser: bool = False


PERSONAS = [
    Persona(
        "admin",
        "周院人",
        "CAS-HQ-HR",
        Role.ACADEMY_ADMIN,
        ROOT_CODE,
        "院人事局：全院单位、年度政策",
        superuser=True,
    ),
    Persona("hr_hq", "吴机关", "CAS-HQ", Role.UNIT_HR, "CAS-HQ", "院机关人事：院机关各部门与人事局"),
    Persona(
        "hr_hanqu", "马冰川", "CAS-NW-CAREERI-HR", Role.UNIT_HR, "CAS-NW-CAREERI", "寒旱所人事：审核本所记录"
    ),
    Persona("hr_iop", "赵人事", "CAS-BJ-IOP-HR", Role.UNIT_HR, "CAS-BJ-IOP", "物理所人事：本所及课题组"),
    Persona("hr_bj", "钱分院", "CAS-BJ", Role.UNIT_HR, "CAS-BJ", "北京分院人事：下属各所"),
    Persona(
        "manager_iop", "孙培训", "CAS-BJ-IOP-GO", Role.PROGRAMME_MANAGER, "CAS-BJ-IOP", "物理所培训班负责人"
    ),
    Persona("capped", "李自学", "CAS-NW-CAREERI-G01", "", "", "在职自学超出上限（10 学时）而未达标"),
    Persona("pending", "王待审", "CAS-NW-CAREERI-G02", "", "", "有待审核和未通过（含撤销通过）的记录"),
    Persona(
        "leader", "张处长", "CAS-BJ-IOP-RD", "", "", "处级及以上：培训学时约 100，未满 110", level="section"
    ),
    Persona("complete", "陈达标", "CAS-BJ-IOP-G01", "", "", "两类学时均达标"),
    Persona(
        "nonstaff",
        "刘编外",
        "CAS-BJ-IOP-G02",
        "",
        "",
        "非在册正式职工：无达标要求（第二条）",
        registered=False,
    ),
]

# In-house programmes each persona attends, last year and this year (names from PROGRAMMES).
PERSONA_PROGRAMMES = {
    "capped": ["寒区旱区野外科考安全培训班", "冻土工程系列讲座"],  # 24 + 16
    "pending": ["寒区旱区野外科考安全培训班"],
    "leader": ["处级干部综合能力提升培训班", "前沿物理系列讲座"],  # 40 + 24
    "complete": ["前沿物理系列讲座", "超导材料与器件培训班", "科学家精神系列讲座"],  # 24 + 16 + 32
    "nonstaff": ["超导材料与器件培训班"],
}
# Platform courses (indexes into COURSES) each persona completed, last year and this year.
PERSONA_COURSES = {
    "capped": [0, 1, 2],
    "pending": [1, 5],
    "leader": [0, 1, 2, 4],
    "complete": [0, 1, 2, 3, 4],
    "nonstaff": [2, 5],
}
