"""Demo data for `make run`: one account per role and applications in every state. Safe to run again."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp.oath import totp

from accounts import services as account_services
from accounts import twofactor
from accounts.credit_code import check_character
from accounts.models import (
    Department,
    InspectorUnit,
    Institution,
    InstitutionType,
    Region,
    Role,
    TrainingField,
    User,
)
from accounts.selectors import has_two_factor
from applications import hearings, notices, services
from applications.models import (
    RULE_CONDITIONS,
    VISIT_ITEMS,
    Application,
    Batch,
    Condition,
    Degree,
    HearingKind,
    PersonKind,
)
from bases import services as base_services
from bases.models import (
    Adjustment,
    Announcement,
    AnnouncementKind,
    AnnualFiling,
    Base,
    Course,
    CourseKind,
    FeeDisclosure,
    ReviewResult,
    ServiceForm,
    Teacher,
)
from core import pii
from experts import services as expert_services
from experts.models import Expert, PanelPurpose, TieKind
from steering import services as steering
from steering.models import AllocationRound, ProgrammeKind, Share
from supervision import services as sup
from supervision.models import Inspection, InspectionPlan, Item, ObligationReminder
from training import services as training_services
from training.models import Mode as TrainingMode
from training.models import Result as TrainingResult
from training.models import TrainingClass

PASSWORD = "Demo12345678"
# The demo's province and administrator sign in with a second factor (issue 19 (8)): their authenticators hold these
# known keys, printed by the command so that the demo can be added to an authenticator app. Demo data only.
DEMO_TOTP_KEYS = {
    "admin": "6a786a792d64656d6f2d61646d696e2d746f7470",
    "province": "6a786a792d64656d6f2d70726f76696e63652d31",
}
DEPARTMENTS = [
    "福建省教育厅",
    "福建省卫生健康委员会",
    "福建省住房和城乡建设厅",
    "福建省工业和信息化厅",
    "福建省农业农村厅",
]
TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

# (username, institution name, type, region code, state the demo application is driven to)
INSTITUTIONS = [
    ("institution", "福州海峡专业技术人员培训学院", InstitutionType.TRAINING, "350100", "draft"),
    ("inst_submitted", "福州市工程技术继续教育中心", InstitutionType.TRAINING, "350100", "submitted"),
    ("inst_returned", "莆田学院继续教育学院", InstitutionType.UNIVERSITY, "350300", "returned"),
    ("inst_notrec", "三明市建筑业协会培训部", InstitutionType.ASSOCIATION, "350400", "not_recommended"),
    ("inst_recommended", "泉州信息工程学院继续教育中心", InstitutionType.UNIVERSITY, "350500", "recommended"),
    ("inst_review", "福建省农业科学院培训中心", InstitutionType.RESEARCH, "350100", "under_review"),
    ("inst_visit", "漳州职业技术学院继续教育学院", InstitutionType.UNIVERSITY, "350600", "site_visit"),
    ("inst_approved", "福建医科大学继续医学教育中心", InstitutionType.UNIVERSITY, "350100", "approved"),
    ("inst_rejected", "龙岩某咨询培训有限公司", InstitutionType.OTHER, "350800", "rejected"),
    ("inst_withdrawn", "宁德时代新能源培训学院", InstitutionType.ENTERPRISE, "350900", "withdrawn"),
    ("base_fz", "福州大学继续教育学院", InstitutionType.UNIVERSITY, "350100", "approved_last_year"),
    ("base_xm", "厦门大学继续教育学院", InstitutionType.UNIVERSITY, "350200", "approved_last_year"),
    ("base_qz", "泉州市卫生健康培训中心", InstitutionType.TRAINING, "350500", "approved"),
    ("base_np", "南平市农业技术推广培训中心", InstitutionType.RESEARCH, "350700", "approved"),
    ("base_pt", "平潭综合实验区专业技术人员培训中心", InstitutionType.TRAINING, "350128", "approved"),
]


# The expert pool (Art. 26): (username or "", name, employer, city code, title, fields). `expert` signs in.
EXPERTS = [
    ("expert", "吴明华", "福州大学土木工程学院", "350100", "教授", "工程技术、建筑"),
    ("", "陈丽娟", "厦门大学公共卫生学院", "350200", "教授", "卫生健康"),
    ("", "郑建国", "泉州师范学院", "350500", "副教授", "教育、工程技术"),
    ("expert_lin", "林海涛", "三明学院", "350400", "高级工程师", "工程技术，农业"),
    ("expert_huang", "黄志远", "龙岩学院", "350800", "研究员", "工程技术"),
    ("", "杨晓峰", "厦门大学继续教育学院", "350200", "副院长", "工程技术、教育"),
]


def credit_code(n: int, region_code: str) -> str:
    body = f"52{region_code}MJ{n:07d}"
    return body + check_character(body)


class Command(BaseCommand):
    help = "Load demo accounts, institutions, a batch and applications in every state (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            accounts = self.accounts()
            created = self.applications(accounts)
            self.categories()
            self.public_side(accounts)
            self.annual_filings(accounts)
            self.faculty_and_courseware()
            self.training_records()
            self.supervision(accounts)
            self.experts(accounts)
            self.allocation()
            self.adjustments(accounts)
            self.obligations(accounts)
            self.inspection_plan(accounts)
            self.authenticators()
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪。演示账户（密码均为 {PASSWORD}）："))
        for username, role, org in [
            ("admin", "系统管理员", "（后台 /admin/）"),
            ("province", "省人社厅", "福建省人力资源和社会保障厅"),
            ("fuzhou_hr", "推荐单位", "福州市人力资源和社会保障局"),
            ("xiamen_hr", "推荐单位", "厦门市人力资源和社会保障局"),
            ("edu_dept", "推荐单位", "福建省教育厅"),
            ("inspector", "考核委托单位", "福建省继续教育评估中心"),
            ("expert", "评审专家", "吴明华（福州大学土木工程学院）"),
            *[(u, "施教机构", name) for u, name, *_ in INSTITUTIONS],
        ]:
            self.stdout.write(f"  {username:<18} {role:<8} {org}")
        self.stdout.write("须两步验证的账户：在身份验证器中手动添加以下密钥（基于时间），登录时输入其6位验证码：")
        for username, key in DEMO_TOTP_KEYS.items():
            self.stdout.write(f"  {username:<18} {twofactor.base32(key)}")
        if created:
            self.stdout.write(f"新建了{created}份演示申报。")

    def authenticators(self):
        """The province's and the administrator's authenticators, with the known demo keys (once)."""
        for username, key in DEMO_TOTP_KEYS.items():
            user = User.objects.get(username=username)
            if not has_two_factor(user):
                account_services.enable_two_factor(user=user, key=key, code=f"{totp(bytes.fromhex(key)):06d}")

    def user(self, username, role, **fields):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=role, email=f"{username}@demo.jxjy.example.cn", **fields)
            user.set_password(PASSWORD)
            user.full_clean(exclude=["password"])
            user.save()
        return user

    def categories(self):
        """Art. 3: the fields, aliases and kinds the data migration seeds, a field the province has retired, and
        the free text of an application written before the fields became categories, with words that name no
        field or alias (the unmapped-words report lists them)."""
        province = User.objects.get(username="province")
        if not TrainingField.objects.filter(name="传统工艺").exists():
            crafts = account_services.add_category(actor=province, model=TrainingField, name="传统工艺", order=30)
            account_services.retire_category(actor=province, category=crafts)
        Application.objects.filter(institution__name="宁德时代新能源培训学院", legacy_fields="").update(
            legacy_fields="新能源、茶艺、医疗卫生"
        )

    def accounts(self):
        fuzhou = Region.objects.get(code="350100")
        xiamen = Region.objects.get(code="350200")
        for name in DEPARTMENTS:
            Department.objects.get_or_create(name=name)
        unit, _ = InspectorUnit.objects.get_or_create(name="福建省继续教育评估中心", defaults={"region": fuzhou})
        InspectorUnit.objects.get_or_create(name="厦门市专业技术人员评估中心", defaults={"region": xiamen})
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@demo.jxjy.example.cn", PASSWORD, full_name="系统管理员")
        accounts = {
            "province": self.user("province", Role.PROVINCE, full_name="林处长", is_staff=False),
            "fuzhou_hr": self.user("fuzhou_hr", Role.RECOMMENDER, full_name="陈科长", region=fuzhou),
            "xiamen_hr": self.user("xiamen_hr", Role.RECOMMENDER, full_name="黄科长", region=xiamen),
            "edu_dept": self.user(
                "edu_dept",
                Role.RECOMMENDER,
                full_name="王科长",
                department=Department.objects.get(name="福建省教育厅"),
            ),
            "inspector": self.user("inspector", Role.INSPECTOR, full_name="张专家", inspector_unit=unit),
        }
        for region in Region.objects.exclude(code__in=["350100", "350200"]):
            accounts[f"hr_{region.code}"] = self.user(
                f"hr_{region.code}", Role.RECOMMENDER, full_name=f"{region.name}经办人", region=region
            )
        return accounts

    def last_batch(self):
        today = timezone.localdate()
        batch, _ = Batch.objects.get_or_create(
            name=f"{today.year - 1}年度省级继续教育基地申报（已截止）",
            defaults={
                "year": today.year - 1,
                "opens_on": date(today.year - 1, 3, 1),
                "closes_on": date(today.year - 1, 4, 30),
                "notes": "上一年度批次，已截止。",
            },
        )
        return batch

    def batch(self):
        today = timezone.localdate()
        self.last_batch()
        batch, _ = Batch.objects.get_or_create(
            name=f"{today.year}年度省级继续教育基地申报",
            defaults={
                "year": today.year,
                "opens_on": today - timedelta(days=60),
                "closes_on": today + timedelta(days=45),
                "notes": "请对照《福建省省级专业技术人员继续教育基地管理办法》第七条逐项填报并上传佐证材料。",
            },
        )
        return batch

    def applications(self, accounts) -> int:
        province = accounts["province"]
        this_year, last_year = self.batch(), self.last_batch()
        pending = [row for row in INSTITUTIONS if not Institution.objects.filter(name=row[1]).exists()]
        reopen = any(row[4] == "approved_last_year" for row in pending)
        closes_on = last_year.closes_on
        if reopen:  # last year's bases went through last year's batch: open again only while they are filed
            services.save_batch(actor=province, batch=last_year, closes_on=max(timezone.localdate(), closes_on))
        for n, (username, name, kind, region_code, target) in enumerate(INSTITUTIONS, start=1):
            if (username, name, kind, region_code, target) in pending:
                batch = last_year if target == "approved_last_year" else this_year
                self.application(province, n, username, name, kind, region_code, target, batch)
        if reopen:
            services.save_batch(actor=province, batch=last_year, closes_on=closes_on)
        return len(pending)

    def application(self, province, n, username, name, kind, region_code, target, batch) -> None:
        """One institution, its account and its application driven to `target` through the services, with
        lawful dates: visited after the batch opened, on notice after the visit, recognised after the
        notice (Art. 8(4)); last year's bases on a day of last year."""
        today = timezone.localdate()
        last_year = target == "approved_last_year"
        visited_on = date(today.year - 1, 6, 2) if last_year else today - timedelta(days=45)
        noticed_on = date(today.year - 1, 6, 3) if last_year else today - timedelta(days=30)
        recognised_on = date(today.year - 1, 6, 18) if last_year else today
        region = Region.objects.get(code=region_code)
        inst = Institution.objects.create(
            name=name,
            credit_code=credit_code(n, region_code),
            type_id=kind,
            region=region,
            legal_representative="李明",
            address=f"{region.name}学府路{n}号",
            contact_person="赵老师",
            phone=f"0591-8765{n:04d}",
            email=f"{username}@demo.jxjy.example.cn",
        )
        user = self.user(username, Role.INSTITUTION, full_name=f"{name}经办人", institution=inst)
        app = services.start_application(actor=user, batch=batch)
        complete_application(app, user, priority=(n % 3 == 0))
        if target == "draft":
            return
        if target == "withdrawn":
            services.transition(actor=user, application_id=app.pk, action="withdraw", comment="机构调整，暂不申报。")
            return
        services.submit(actor=user, application_id=app.pk)
        if target == "submitted":
            return
        recommender = User.objects.filter(role=Role.RECOMMENDER, region=region).first()
        if target == "returned":
            services.transition(
                actor=recommender,
                application_id=app.pk,
                action="return_recommender",
                comment="请补充近三年培训登记台账。",
            )
            return
        if target == "not_recommended":
            services.transition(
                actor=recommender,
                application_id=app.pk,
                action="not_recommend",
                comment="培训规模与本地区需求不符，暂不推荐。",
            )
            # the recommender reports forged certificates; the province hears the institution and finds fraud
            report = sup.report_fraud(
                actor=recommender, application_id=app.pk, facts="所附近三年培训人数证明的印章与发证单位不符。"
            )
            sup.handle_report(actor=province, report_id=report.pk, confirm=True, note="经向发证单位核实，证明系伪造。")
            hearings.waive(actor=user, hearing_id=hearings.pending(app, HearingKind.FRAUD).pk)
            sup.find_fraud(
                actor=province, application_id=app.pk, facts="所附近三年培训人数证明系伪造（经发证单位书面核实）。"
            )
            return
        services.transition(
            actor=recommender, application_id=app.pk, action="recommend", comment="材料齐全，同意推荐。"
        )
        if target == "recommended":
            return
        services.transition(actor=province, application_id=app.pk, action="start_review")
        if target == "under_review":  # the province intends to refuse: the institution may still answer
            services.propose_refusal(
                actor=province, application_id=app.pk, reason="教学场所可容纳人数不足100人（第七条第二项）。"
            )
            return
        if target == "rejected":  # heard, then refused by a numbered decision (SPEC 2.10)
            hearing = services.propose_refusal(
                actor=province, application_id=app.pk, reason="近三年年均培训人数未达1000人次（第七条第五项）。"
            )
            hearings.answer(actor=user, hearing_id=hearing.pk, statement="2025年培训人数已达1100人次，附培训台账。")
            services.reject(
                actor=province,
                application_id=app.pk,
                reason="近三年年均培训人数未达1000人次（第七条第五项）。",
                response="所附台账为单年数据，三年平均仍不足1000人次，不予采纳。",
            )
            return
        services.schedule_visit(
            actor=province,
            application_id=app.pk,
            scheduled_on=visited_on,
            team="林处长、张专家、陈科长",
        )
        if target == "site_visit":
            return
        services.record_visit(
            actor=province,
            application_id=app.pk,
            findings="场地、师资、制度与申报材料一致，培训台账完整。",
        )
        # Recognition only after the public notice has run its period (Art. 8(4)).
        base_services.publish_notice(actor=province, batch=app.batch, application_ids=[app.pk], starts_on=noticed_on)
        base_services.approve(
            actor=province,
            application_id=app.pk,
            comment="经审核和实地考察，予以认定。",
            recognised_on=recognised_on,
        )

    def public_side(self, accounts):
        """Publish the recognised base, its fee disclosure, a pending change filing and an open notice."""

        # The notices before recognition are announcements too: the published list marks this step done.
        if Announcement.objects.filter(kind=AnnouncementKind.RECOGNITION).exists():
            return
        province = accounts["province"]
        batch = self.batch()
        for recognised in (self.last_batch(), batch):
            if Base.objects.filter(batch=recognised, published_at=None).exists():
                base_services.publish_recognitions(actor=province, batch=recognised)
        owner = User.objects.get(username="inst_approved")
        base = Base.objects.filter(institution_id=owner.institution_id).first()
        if base and not FeeDisclosure.objects.filter(base=base).exists():
            base_services.save_fee_disclosure(
                actor=owner,
                base_id=base.pk,
                scope="卫生健康领域专业技术人员继续医学教育",
                content="公需科目、专业科目培训；高级研修项目；师资培训。",
                fee_items="公需科目网络培训 每学时 10元\n专业科目面授培训 每人每天 300元\n高级研修项目 按财政批复标准，不向学员收费",
            )
            base_services.file_change(
                actor=owner,
                base_id=base.pk,
                changes={"phone": "0591-22862000"},
                reason="办公电话调整。",
                evidence=SimpleUploadedFile("变更说明.pdf", TINY_PDF),
            )
        visit_app = Application.objects.filter(batch=batch, state="site_visit").first()
        if visit_app:
            services.record_visit(
                actor=province, application_id=visit_app.pk, findings="场地与师资情况属实，教学管理制度健全。"
            )
            notice = base_services.publish_notice(actor=province, batch=batch, application_ids=[visit_app.pk])
            if notice.is_open():  # a notice published on a weekend starts on the next working day
                notices.lodge_objection(
                    notice=notice,
                    application_id=visit_app.pk,
                    name="王某",
                    contact="13800000000",
                    facts="反映该机构2024年培训人数统计含非专业技术人员。",
                )

    def training_records(self):
        """Classes the demo bases ran this year with their trainees (Art. 13, 14; issue 17): a commissioned class
        and a public-benefit class open to trainees of the old revolutionary areas, whose ID numbers (valid
        by GB 11643, of no real person) are stored sealed and shown masked."""
        if TrainingClass.objects.exists():
            return
        today = timezone.localdate()
        regions = {r.code: r for r in Region.objects.all()}
        bases = {b.institution.users.first().username: b for b in Base.objects.select_related("institution")}
        classes = {
            "base_fz": [
                ("装配式建筑施工质量控制研修班", ServiceForm.COMMISSIONED, "工程技术", 40, 24, TrainingMode.OFFLINE,
                 "福州市鼓楼区工业路523号", False, 8),
                ("专业技术人员公需科目：数字经济与创新", ServiceForm.PUBLIC_OR_PROFESSIONAL, "公需科目", 20, 12,
                 TrainingMode.ONLINE, "", True, 10),
            ],
            "base_xm": [
                ("新《会计法》实务培训班", ServiceForm.PUBLIC_OR_PROFESSIONAL, "会计", 30, 16, TrainingMode.BLENDED,
                 "厦门市思明区思明南路422号", False, 6),
            ],
        }  # fmt: skip
        surnames, given = (
            "陈林黄张吴王郑李刘杨",
            ["志明", "丽华", "建国", "秀英", "海燕", "文杰", "晓东", "婷婷", "国强", "雅琴"],
        )
        cities = ["350100", "350200", "350400", "350700", "350800"]  # 三明、南平、龙岩: old revolutionary areas
        n = 0
        for username, rows in classes.items():
            if username not in bases:
                continue
            base, user = bases[username], User.objects.get(username=username)
            for title, form, field, age, hours, mode, venue, public, size in rows:
                starts = today - timedelta(days=age)
                training_class = training_services.add_class(
                    actor=user, base_id=base.pk, title=title, service_form=form, field=field, starts_on=starts,
                    ends_on=starts + timedelta(days=2), hours=Decimal(hours), mode=mode, venue=venue,
                    is_public_benefit=public, planned_trainees=size + 2,
                )  # fmt: skip
                for i in range(size):
                    n += 1
                    city = cities[n % len(cities)]
                    first_17 = f"{city[:4]}{n % 5 + 2:02d}19{70 + n % 25}{n % 12 + 1:02d}{n % 27 + 1:02d}{n:03d}"
                    training_services.add_participant(
                        actor=user, class_id=training_class.pk, id_number=first_17 + pii.check_digit(first_17),
                        name=surnames[n % 10] + given[(n * 3) % 10], employer=f"{regions[city].name}第{n % 4 + 1}建设工程公司",
                        region=regions[city], from_priority_area=city in {"350400", "350700", "350800"},
                        hours_attended=Decimal(hours if i % 5 else hours - 4),
                        result=TrainingResult.PASSED if i % 7 else TrainingResult.FAILED,
                    )  # fmt: skip
        if "base_fz" in bases:
            self.training_import(bases["base_fz"], User.objects.get(username="base_fz"), today)

    def training_import(self, base, user, today):
        """base_fz imported a BIM class from the template (issue 17, point 2), taking the valid rows: one trainee
        whose hours exceed the class's was returned to fix, and shows on the import's report."""
        import io

        from django.core.files.uploadedfile import SimpleUploadedFile
        from openpyxl import Workbook

        from training import sheet as training_sheet
        from training.services import imports as training_imports

        starts, ends = today - timedelta(days=12), today - timedelta(days=8)
        klass = ["2026-BIM-01", "建筑信息模型（BIM）应用研修班", ServiceForm.PUBLIC_OR_PROFESSIONAL.label, "工程技术",
                 f"{starts:%Y-%m-%d}", f"{ends:%Y-%m-%d}", 32, "线下", "福州市鼓楼区工业路523号", "否"]  # fmt: skip
        names = ["方志远", "罗美玲", "蔡俊杰", "江雪梅", "詹文博"]
        book = Workbook()
        book.active.title = training_sheet.SHEET_TITLE
        book.active.append([c.header for c in training_sheet.COLUMNS])
        for k, name in enumerate(names, start=1):
            first_17 = f"35010219880{k}1{k}05{k}"
            hours = 40 if k == 5 else 32  # the fifth row is beyond the class's 32 hours
            book.active.append(
                [*klass, name, first_17 + pii.check_digit(first_17), "福州市建筑设计院", "福州市", "否", hours, "合格",
                 f"{ends:%Y-%m-%d}"]
            )  # fmt: skip
        out = io.BytesIO()
        book.save(out)
        upload = SimpleUploadedFile("BIM研修班学员名单.xlsx", out.getvalue())
        training_imports.start_import(actor=user, base_id=base.pk, upload=upload, mode="valid_rows")

    def faculty_and_courseware(self):
        """Each base's pool was seeded from its application at recognition (Art. 16); the demo bases add
        teachers (one below a bachelor's degree, flagged, Art. 7(3)), end one, and log courseware reviews
        (Art. 18), one of them refused."""
        if Course.objects.exists():
            return
        today = timezone.localdate()
        bases = {b.institution.users.first().username: b for b in Base.objects.select_related("institution")}
        teachers = {
            "base_fz": [
                ("陈立群", Degree.DOCTOR, "教授", "土木工程", False, "福建工程学院", "装配式建筑技术"),
                ("黄晓燕", Degree.MASTER, "高级工程师", "建筑信息模型", False, "福建省建筑设计研究院", "BIM应用实务"),
                ("郑春生", Degree.COLLEGE, "技师", "电气安装", False, "福州电力安装公司", "施工现场用电安全"),
            ],
            "base_xm": [
                ("苏文涛", Degree.MASTER, "副教授", "会计", True, "厦门大学继续教育学院", "管理会计"),
                ("许丽君", Degree.BACHELOR, "高级会计师", "税务", False, "厦门国际会计师事务所", "企业所得税实务"),
            ],
        }
        courses = {
            "base_fz": [
                ("专业技术人员职业道德与诚信建设", "公需科目", CourseKind.COURSE, 40, [
                    ("继续教育学院课程审核小组", 38, ReviewResult.PASSED, "内容导向正确，案例贴近行业。"),
                ]),
                ("装配式建筑施工质量控制（课件）", "工程技术", CourseKind.COURSEWARE, 20, [
                    ("继续教育学院课程审核小组", 25, ReviewResult.FAILED, "第三章引用的境外标准未作说明，退回修改。"),
                    ("继续教育学院课程审核小组", 18, ReviewResult.PASSED_AFTER_CHANGES, "已按意见修改第三章。"),
                ]),
            ],
            "base_xm": [
                ("新《会计法》解读（课件）", "会计", CourseKind.COURSEWARE, 30, [
                    ("学院意识形态审核委员会", 28, ReviewResult.PASSED, "符合要求。"),
                ]),
            ],
        }  # fmt: skip
        for username, rows in teachers.items():
            if username not in bases:
                continue
            base, user = bases[username], User.objects.get(username=username)
            for name, degree, title, fields, full_time, employer, taught in rows:
                base_services.add_teacher(
                    actor=user, base_id=base.pk, name=name, degree=degree, title=title, fields=fields,
                    full_time=full_time, employer=employer, courses=taught, active_from=today - timedelta(days=60),
                )  # fmt: skip
            if username == "base_fz":
                leaving = base.teachers.get(name="黄晓燕")
                base_services.end_teacher(actor=user, teacher_id=leaving.pk, active_to=today - timedelta(days=5))
        for username, rows in courses.items():
            if username not in bases:
                continue
            base, user = bases[username], User.objects.get(username=username)
            for title, field, kind, age, reviews in rows:
                course = base_services.add_course(
                    actor=user, base_id=base.pk, title=title, field=field, kind=kind,
                    updated_on=today - timedelta(days=age),
                )  # fmt: skip
                for reviewer, days_ago, result, notes in reviews:
                    base_services.record_review(
                        actor=user, course_id=course.pk, reviewer=reviewer,
                        reviewed_on=today - timedelta(days=days_ago), result=result, notes=notes,
                    )  # fmt: skip

    def annual_filings(self, accounts):
        """Filings in every state for this year, one flagged under 1000, and last year's overdue mark."""

        if AnnualFiling.objects.exists():
            return
        province = accounts["province"]
        today = timezone.localdate()
        year = today.year
        bases = {b.institution.users.first().username: b for b in Base.objects.select_related("institution")}
        plan = [
            ("base_fz", "accepted", 3600, 3800),
            ("base_xm", "submitted", 860, 1200),
            ("base_qz", "returned", 1500, 1600),
            ("base_np", "draft", 1200, None),
        ]
        for username, target, trained, planned in plan:
            base = bases.get(username)
            if base is None:
                continue
            owner = base.institution.users.first()
            filing = base_services.start_filing(actor=owner, base_id=base.pk, year=year)
            base_services.save_filing(
                actor=owner,
                filing_id=filing.pk,
                data={
                    "plan_execution": "完成年度培训计划，举办高级研修班和公需科目培训。",
                    "trained_total": trained,
                    "priority_area_trainees": trained // 10,
                    "fees_charged": "公需科目每学时10元，全年收费约20万元。",
                    "plan_trainees": planned,
                    "plan_description": "下一年度计划举办专业科目培训班12期。" if planned else "",
                },
                programmes=[
                    {"part": "report", "form": "public_or_professional", "count": 10, "trainees": trained},
                    {"part": "plan", "form": "advanced_seminar", "count": 2, "trainees": 120},
                ]
                # the planned total is the sum of the planned programmes (Art. 19)
                + (
                    [{"part": "plan", "form": "public_or_professional", "count": 12, "trainees": planned - 120}]
                    if planned
                    else []
                ),
            )
            if target == "draft":
                continue
            base_services.filing_transition(actor=owner, filing_id=filing.pk, action="submit")
            if target == "accepted":
                base_services.filing_transition(actor=province, filing_id=filing.pk, action="accept")
            elif target == "returned":
                base_services.filing_transition(
                    actor=province, filing_id=filing.pk, action="return", comment="请补充各服务形式的培训人数明细。"
                )
        # Bases recognised last year owed a report on last year by 31 December: mark who missed it.
        base_services.mark_overdue_filings(today=date(year, 1, 1))

    def supervision(self, accounts):
        """Inspections, a spot-check draw, rectifications, a revocation and a cancellation request."""

        if Inspection.objects.exists():
            return
        province, inspector = accounts["province"], accounts["inspector"]
        today = timezone.localdate()
        bases = {b.institution.users.first().username: b for b in Base.objects.select_related("institution")}
        all_meet = {i.value: "meets" for i in Item}

        def inspect(base, kind, result, *, unit=None, confirm=True):
            inspection = sup.schedule_inspection(
                actor=province,
                base_id=base.pk,
                kind=kind,
                scheduled_on=today,
                province_team="林处长",
                inspector_unit=unit,
            )
            verdicts = all_meet if result != "fail" else {**all_meet, "tasks": "fails", "fees": "fails"}
            sup.record_result(
                actor=inspector if unit else province,
                inspection_id=inspection.pk,
                inspected_on=today,
                verdicts=verdicts,
                notes={"tasks": "详见考核报告。"},
                result=result,
                summary="考核组听取汇报、查阅台账并实地查看。",
            )
            if confirm:
                sup.inspection_transition(actor=province, inspection_id=inspection.pk, action="confirm")
            return inspection

        unit = inspector.inspector_unit
        if "base_fz" in bases:  # periodic inspection, excellent, published: commended (Art. 22)
            done = inspect(bases["base_fz"], "periodic", "excellent")
            sup.inspection_transition(actor=province, inspection_id=done.pk, action="publish")
        if "base_xm" in bases:  # assigned to the inspector unit, waiting for its record
            sup.schedule_inspection(
                actor=province,
                base_id=bases["base_xm"].pk,
                kind="periodic",
                scheduled_on=today,
                province_team="",
                inspector_unit=unit,
            )
        if "base_qz" in bases:  # failed, rectification reported, waiting for verification
            failed = inspect(bases["base_qz"], "periodic", "fail", unit=unit)
            order = sup.order_rectification(
                actor=province,
                base_id=bases["base_qz"].pk,
                ground="failed_inspection",
                findings="年度培训任务未完成，收费标准未公开。",
                deadline=today + timedelta(days=60),
                inspection_id=failed.pk,
            )
            owner = bases["base_qz"].institution.users.first()
            sup.report_rectification(
                actor=owner, order_id=order.pk, report="已补充举办培训班3期，并在网站公开收费标准。"
            )
        if "base_np" in bases:  # rectification ordered for irregular fees, open
            sup.order_rectification(
                actor=province,
                base_id=bases["base_np"].pk,
                ground="irregular",
                findings="存在超标准收取培训费的情况。",
                deadline=today + timedelta(days=30),
            )

        def heard_by_waiver(base, intent, **proposal):
            """The notice of the intended decision, and the base's waiver of its defence (SPEC 2.10)."""
            hearing = intent(actor=province, **proposal)
            hearings.waive(actor=base.institution.users.first(), hearing_id=hearing.pk)

        if "base_pt" in bases:  # revoked directly (Art. 23 second list (1)): barred for 3 years
            heard_by_waiver(
                bases["base_pt"], sup.propose_revocation, base_id=bases["base_pt"].pk, ground="public_opinion",
                reason="授课内容出现严重科学性问题并引发重大舆情。", effective_on=today,
            )  # fmt: skip
            revocation = sup.revoke(
                actor=province,
                base_id=bases["base_pt"].pk,
                ground="public_opinion",
                reason="授课内容出现严重科学性问题并引发重大舆情。",
                effective_on=today,
                document=SimpleUploadedFile("撤销决定.pdf", TINY_PDF),
            )
            # the institution appealed; the reconsideration is pending
            hearings.record_appeal(
                actor=province, decision_id=revocation.decision_id, kind="reconsideration",
                authority="福建省人民政府", filed_on=today, case_number="闽政复〔2026〕88号",
            )  # fmt: skip
        if "base_xm" in bases:  # a fee problem rectified and verified, by numbered opinion (Art. 23)
            order = sup.order_rectification(
                actor=province,
                base_id=bases["base_xm"].pk,
                ground="irregular",
                findings="未在网站公开继续教育收费标准。",
                deadline=today + timedelta(days=30),
            )
            owner = bases["base_xm"].institution.users.first()
            sup.report_rectification(actor=owner, order_id=order.pk, report="已在官网首页公开收费项目及标准。")
            sup.verify_rectification(actor=province, order_id=order.pk, passed=True, comment="经核查已公开，整改通过。")
        if "base_xm" in bases:  # decided today, effective in a month: live, and marked so, until then
            reason = "培训课件出现严重知识产权纠纷，引发重大舆情。"
            heard_by_waiver(
                bases["base_xm"], sup.propose_revocation, base_id=bases["base_xm"].pk, ground="public_opinion",
                reason=reason, effective_on=today + timedelta(days=30),
            )  # fmt: skip
            sup.revoke(
                actor=province,
                base_id=bases["base_xm"].pk,
                ground="public_opinion",
                reason=reason,
                effective_on=today + timedelta(days=30),
            )
        if "base_np" in bases:  # its building unit is being merged: work suspended (Art. 23 second list (2))
            base_services.suspend(
                actor=province, base_id=bases["base_np"].pk, started_on=today,
                cause="建设单位南平市农业技术推广站与市农科所合并重组，培训工作暂停。",
            )  # fmt: skip
        if "inst_approved" in bases:  # its recommender asks for cancellation; heard, then granted with the bar
            request = sup.request_cancellation(
                actor=accounts["fuzhou_hr"],
                base_id=bases["inst_approved"].pk,
                reason="该机构连续两年未开展省级继续教育基地培训，申请取消基地资格。",
            )
            heard_by_waiver(bases["inst_approved"], sup.propose_cancellation, request_id=request.pk, effective_on=today)
            sup.decide_cancellation(
                actor=province, request_id=request.pk, grant=True, decision="经核实情况属实，同意取消。",
                effective_on=today,
            )  # fmt: skip
        # A random spot check over the rest, inspector units drawn away from each base's own city.
        sup.draw_spot_check(
            actor=province, size=2, scheduled_on=today + timedelta(days=20), assign_inspectors=True, seed=20261126
        )

    def allocation(self):
        """Art. 13, 21, 22: this year's programmes allocated by score, decided (文号) and published, with a
        base's delivery reported; next year's programmes open for the bases to apply."""
        year = timezone.localdate().year
        if AllocationRound.objects.filter(year=year).exists():
            return
        province = User.objects.get(username="province")
        weights = {"inspection": 30, "commendation": 10, "completion": 20, "duty": 15, "field": 15, "region": 10}
        bases = list(Base.objects.live().filter(published_at__isnull=False).prefetch_related("training_fields"))
        for this_year, state in ((year, "published"), (year + 1, "draft")):
            round_ = steering.open_round(actor=province, year=this_year, weights=weights)
            programmes = [
                steering.save_programme(
                    actor=province,
                    round_=round_,
                    name=f"{this_year}年工程技术领域高级研修班",
                    kind=ProgrammeKind.ADVANCED,
                    field=TrainingField.objects.get(name="工程技术"),
                    unit="places",
                    quota=300,
                    budget=Decimal("45"),
                    target_regions=[],
                ),
                steering.save_programme(
                    actor=province,
                    round_=round_,
                    name=f"{this_year}年基层卫生专业技术人员能力提升培训",
                    kind=ProgrammeKind.PROFESSIONAL,
                    field=TrainingField.objects.get(name="卫生健康"),
                    unit="places",
                    quota=500,
                    budget=Decimal("60"),
                    target_regions=list(Region.objects.filter(code__in=["350700", "350800", "350900"])),
                ),
                steering.save_programme(
                    actor=province,
                    round_=round_,
                    name=f"{this_year}年专业技术人员公需科目培训",
                    kind=ProgrammeKind.PUBLIC,
                    field=None,
                    unit="classes",
                    quota=20,
                    budget=Decimal("30"),
                    target_regions=[],
                ),
            ]
            if state == "draft":
                continue
            for programme in programmes:
                for base in bases:
                    if programme.field_id is None or programme.field_id in {f.pk for f in base.training_fields.all()}:
                        staff = base.institution.users.filter(role=Role.INSTITUTION).first()
                        steering.apply(actor=staff, programme=programme, base=base, note="具备承办经验和师资。")
            steering.propose(actor=province, round_=round_)
            steering.confirm(actor=province, round_=round_)
            steering.publish(actor=province, round_=round_)
            share = Share.objects.filter(programme__round=round_, allocated__gt=0).select_related("base").first()
            if share:
                staff = share.base.institution.users.filter(role=Role.INSTITUTION).first()
                steering.report_delivery(
                    actor=staff, share=share, delivered=max(share.allocated - 10, 0), note="部分班次延至次年。"
                )

    def adjustments(self, accounts):
        """The province adjusts bases by decision (Art. 4): 福州大学's fields, in force today, and 泉州's name,
        decided today and taking effect in a month (the daily job applies it)."""
        if Adjustment.objects.exists():
            return
        province, today = accounts["province"], timezone.localdate()
        bases = {b.institution.users.first().username: b for b in Base.objects.select_related("institution")}
        fields = {
            name: TrainingField.objects.get_or_create(name=name, defaults={"order": n})[0]
            for n, name in enumerate(["工程技术", "卫生健康", "教育"])
        }
        if "base_fz" in bases:
            base_services.adjust_base(
                actor=province, base_id=bases["base_fz"].pk, effective_on=today,
                training_fields=[fields["工程技术"], fields["卫生健康"], fields["教育"]],
                reason="福州大学整合医学部继续教育资源，基地培训领域相应扩展。",
            )  # fmt: skip
        if "base_qz" in bases:
            base_services.adjust_base(
                actor=province, base_id=bases["base_qz"].pk, effective_on=today + timedelta(days=30),
                name="泉州市卫生健康人才培训中心",
                reason="建设单位经泉州市委编办批准更名，基地名称相应调整。",
            )  # fmt: skip

    def obligations(self, accounts):
        """Bases failing each standing duty on the obligations monitor (issue 18 (4)), and this month's reminders.

        Some facts are dated back, as if the demo had run for a year: a fee disclosure and a faculty pool last
        updated 400 days ago, a result confirmed a month ago, an inspection past its due date."""
        if ObligationReminder.objects.exists():
            return
        province = accounts["province"]
        today = timezone.localdate()
        long_ago = timezone.now() - timedelta(days=400)
        bases = {b.institution.users.first().username: b for b in Base.objects.select_related("institution")}
        if "base_fz" in bases:  # fees disclosed (Art. 29); a change filing returned for correction (Art. 31)
            base, owner = bases["base_fz"], bases["base_fz"].institution.users.first()
            base_services.save_fee_disclosure(
                actor=owner, base_id=base.pk, scope="工程技术领域专业技术人员继续教育",
                content="公需科目、专业科目培训；高级研修项目。", fee_items="专业科目面授培训 每人每天 280元",
            )  # fmt: skip
            change = base_services.file_change(
                actor=owner, base_id=base.pk, changes={"website": "https://ce.fzu.edu.cn"}, reason="网站改版。",
                evidence=SimpleUploadedFile("变更说明.pdf", TINY_PDF),
            )  # fmt: skip
            base_services.decide_change(
                actor=province, filing_id=change.pk, accept=False, comment="证明材料未加盖公章，请补正后重新报送。"
            )
        if "base_xm" in bases:  # fees disclosed 400 days ago (Art. 29), pool untouched as long (Art. 16),
            base, owner = bases["base_xm"], bases["base_xm"].institution.users.first()  # inspection overdue (Art. 20)
            base_services.save_fee_disclosure(
                actor=owner, base_id=base.pk, scope="会计、审计领域专业技术人员继续教育",
                content="专业科目培训。", fee_items="专业科目网络培训 每学时 12元",
            )  # fmt: skip
            FeeDisclosure.objects.filter(base=base).update(updated_at=long_ago)
            Teacher.history.filter(base_id=base.pk).update(history_date=long_ago)
            Base.objects.filter(pk=base.pk).update(next_inspection_due=today - timedelta(days=15))
        if "base_qz" in bases:  # its failed inspection was confirmed a month ago and is still unpublished (Art. 21)
            Inspection.objects.filter(base=bases["base_qz"], state="confirmed").update(
                confirmed_at=timezone.now() - timedelta(days=30)
            )
        sup.send_monthly_obligation_reminders(today=today)

    def inspection_plan(self, accounts):
        """The units' monthly capacities and an accepted three-year inspection plan (Art. 20), whose inspections
        are scheduled; bases already scheduled or suspended are listed as not placed, with the reason."""
        if InspectionPlan.objects.exists():
            return
        province = accounts["province"]
        quanzhou = Region.objects.get(code="350500")
        InspectorUnit.objects.get_or_create(name="泉州市继续教育评估中心", defaults={"region": quanzhou})
        for name, per_month in [
            ("福建省继续教育评估中心", 2),
            ("厦门市专业技术人员评估中心", 2),
            ("泉州市继续教育评估中心", 1),
        ]:
            sup.set_capacity(actor=province, unit_id=InspectorUnit.objects.get(name=name).pk, per_month=per_month)
        plan = sup.propose_plan(actor=province)
        sup.accept_plan(actor=province, plan_id=plan.pk)

    def experts(self, accounts):
        """The expert pool, a declared tie the draw avoids, and two panels: the periodic inspection of 厦门大学继续
        教育学院 (its own staff, the expert who consults for it and the experts of 厦门 kept off, the demo expert
        waiting to declare, two others who submitted their scored forms with a dissent) and the site visit of
        漳州职业技术学院 (the demo expert drawn and declared, its form to fill)."""

        if Expert.objects.exists():
            return
        province = accounts["province"]
        bases = {b.institution.users.first().username: b for b in Base.objects.select_related("institution")}
        xiamen = bases.get("base_xm")
        pool = {}
        for username, name, employer, region_code, title, fields in EXPERTS:
            staff_of = xiamen.institution if xiamen and employer == xiamen.institution.name else None
            pool[name] = expert_services.save_expert(
                actor=province,
                data={
                    "name": name,
                    "employer": employer,
                    "employer_institution": staff_of,
                    "region": Region.objects.get(code=region_code),
                    "title": title,
                    "fields": fields,
                    "phone": "0591-87000000",
                    "email": f"{username or 'expert'}-{len(pool)}@demo.jxjy.example.cn",
                    "active": True,
                },
                username=username,
                password=PASSWORD if username else "",
            )
        if xiamen is None:
            return
        expert_services.add_tie(
            actor=province,
            expert_id=pool["郑建国"].pk,
            institution=xiamen.institution,
            kind=TieKind.CONSULTING,
            note="担任该院工程技术类培训项目顾问",
        )
        inspection = Inspection.objects.filter(base=xiamen, state="scheduled").first()
        if inspection is not None:
            panel = expert_services.create_panel(
                actor=province,
                purpose=PanelPurpose.INSPECTION,
                case=inspection,
                institution=xiamen.institution,
                case_label=f"{xiamen.name}定期考核",
                fields="工程技术",
                size=3,
                items=[[item.value, item.label, "第二十条"] for item in Item],
                seed=20261203,
            )
            self.score_sheets(panel, pool)
        visit = Application.objects.filter(state="site_visit").select_related("institution").first()
        if visit is not None:  # only the demo expert works in 建筑: drawn, and declared free of conflict
            panel = expert_services.create_panel(
                actor=province,
                purpose=PanelPurpose.SITE_VISIT,
                case=visit,
                institution=visit.institution,
                case_label=f"{visit.institution.name}申报实地考察",
                fields="建筑",
                size=1,
                items=VISIT_ITEMS,
                seed=20261204,
            )
            expert = pool["吴明华"]
            expert_services.declare(actor=expert.user, assignment_id=panel.assignments.get(expert=expert).pk)

    def score_sheets(self, panel, pool):
        """Art. 26 scored forms: the two experts of the inspection's panel with accounts declare and submit their
        forms; they differ by 5 points on 师资队伍建设情况, so the province's aggregate flags a dissent there. The
        demo expert, the third, is still to declare and score."""
        sheets = {
            "林海涛": {Item.FACULTY: (9, "meets", "专兼职教师结构合理，师资库更新及时。")},
            "黄志远": {Item.FACULTY: (4, "fails", "抽查的12名兼职教师中5名无授课记录，师资库与实际不符。")},
        }
        for name, marked in sheets.items():
            expert = pool[name]
            seat = panel.assignments.filter(expert=expert).first()
            if seat is None:
                continue
            expert_services.declare(actor=expert.user, assignment_id=seat.pk)
            scores = {
                item.value: {"score": 8, "verdict": "meets", "comment": "经现场核查，符合要求。"} for item in Item
            }
            for item, (score, verdict, comment) in marked.items():
                scores[item.value] = {"score": score, "verdict": verdict, "comment": comment}
            expert_services.save_sheet(actor=expert.user, assignment_id=seat.pk, scores=scores, submit=True)


def complete_application(app: Application, user: User, *, priority: bool = False) -> Application:
    """Fill in every Art. 7 fact and upload one small PDF per required condition."""
    people = [
        {
            "id": None,
            "kind": PersonKind.MANAGER,
            "name": f"管理员{i}",
            "degree": Degree.BACHELOR,
            "title": "主任",
            "full_time": True,
            "specialty": "教育管理",
        }
        for i in range(1, 6)
    ] + [
        {
            "id": None,
            "kind": PersonKind.FACULTY,
            "name": f"教师{i}",
            "degree": Degree.MASTER,
            "title": "副教授",
            "full_time": False,
            "specialty": "工程技术",
        }
        for i in range(1, 4)
    ]
    data = {
        "training_fields": list(TrainingField.objects.filter(name__in=["工程技术", "卫生健康"])),
        "introduction": "长期承担专业技术人员继续教育任务。",
        "is_city_base": priority,
        "city_base_reference": "榕人社〔2022〕18号" if priority else "",
        "is_independent_legal_person": True,
        "qualification": "民办学校办学许可证（教育培训类）",
        "office_address": app.institution.address,
        "teaching_capacity": 300,
        "teaching_equipment": "多媒体教室6间，计算机实训室2间。",
        "faculty_total": 60,
        "faculty_description": "专兼职教师60人，均为本科以上学历。",
        "trained_year_1": 3200,
        "trained_year_2": 2900,
        "trained_year_3": 2500,
        "experience_description": "近三年累计培训专业技术人员八千余人次。",
        "credit_declaration": True,
        "credit_statement": "无不良记录。",
        "contact_person": app.institution.contact_person,
        "contact_phone": app.institution.phone,
        "contact_email": app.institution.email,
        "recommender_kind": "region",
    }
    services.save_draft(actor=user, application_id=app.pk, data=data, people_rows=people)
    conditions = [
        Condition.LEGAL,
        Condition.VENUE,
        Condition.STAFF,
        *RULE_CONDITIONS,
        Condition.EXPERIENCE,
        Condition.CREDIT,
    ]
    if priority:
        conditions.append(Condition.PRIORITY)
    for condition in conditions:
        services.upload_document(
            actor=user,
            application_id=app.pk,
            condition=condition,
            file=SimpleUploadedFile(f"{Condition(condition).label[:10]}.pdf", TINY_PDF),
        )
    return app
