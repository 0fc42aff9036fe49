"""The conditions of Art. 7 and the bars of Art. 8 and 24, checked before an application moves on.

Each problem names the article it rests on, so the applicant sees exactly what to fix and why.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from accounts.credit_code import registered_in_fujian
from accounts.models import Institution
from core.decisions import MEASURES
from core.errors import RuleViolation

from .models import (
    BACHELOR_OR_ABOVE,
    IN_PROGRESS,
    MIN_BACHELOR_MANAGERS,
    MIN_TEACHING_CAPACITY,
    MIN_TRAINED_PER_YEAR,
    RULE_CONDITIONS,
    Application,
    Bar,
    Condition,
    PersonKind,
    RecommenderKind,
    SiteVisit,
)


@dataclass(frozen=True)
class Problem:
    message: str
    article: str
    field: str | None = None

    def __str__(self):
        return f"{self.message}（{self.article}）"


def unmet_conditions(app: Application, *, people=None, current_conditions=None) -> list[Problem]:
    """Every condition of Art. 7 (and the routing of Art. 8(3)) the application does not yet meet."""
    if people is None:
        people = list(app.people.all())
    if current_conditions is None:
        current_conditions = set(app.documents.filter(replaced_at=None).values_list("condition", flat=True))
    has = current_conditions.__contains__
    p: list[Problem] = []
    a1, a2, a3, a4, a5, a6, a7 = (f"第七条第{n}项" for n in "一二三四五六七")

    # (1) an independent legal person registered in Fujian, with a training qualification
    if not app.is_independent_legal_person:
        p.append(Problem("未声明为独立法人机构", a1, "is_independent_legal_person"))
    if not registered_in_fujian(app.institution.credit_code):
        p.append(Problem("统一社会信用代码显示登记机关不在福建省内", a1))
    if not app.qualification.strip():
        p.append(Problem("未填写培训或继续教育相关资质", a1, "qualification"))
    if not has(Condition.LEGAL):
        p.append(Problem("未上传法人登记证书及培训资质证明", a1, "doc_legal"))

    # (2) a fixed office and a teaching venue for at least 100 trainees; practical training where needed
    if not app.office_address.strip():
        p.append(Problem("未填写固定办公场地", a2, "office_address"))
    if app.teaching_capacity is None:
        p.append(Problem("未填写教学场所可容纳培训人数", a2, "teaching_capacity"))
    elif app.teaching_capacity < MIN_TEACHING_CAPACITY:
        p.append(Problem(f"教学场所容纳人数不足{MIN_TEACHING_CAPACITY}人", a2, "teaching_capacity"))
    if not app.teaching_equipment.strip():
        p.append(Problem("未填写教学设施设备情况", a2, "teaching_equipment"))
    if not has(Condition.VENUE):
        p.append(Problem("未上传办公场地及教学场所证明", a2, "doc_venue"))
    if app.needs_practical_training:
        if not app.practical_training.strip():
            p.append(Problem("专业性强的领域须有实训场所或实训合作单位，未填写", a2, "practical_training"))
        if not has(Condition.PRACTICAL):
            p.append(Problem("未上传实训场所或实训合作协议", a2, "doc_practical"))

    # (3) at least five full-time managers with a bachelor's degree; faculty with a bachelor's degree
    managers = [x for x in people if x.kind == PersonKind.MANAGER and x.full_time]
    qualified = [x for x in managers if x.degree in BACHELOR_OR_ABOVE]
    if len(qualified) < MIN_BACHELOR_MANAGERS:
        p.append(
            Problem(
                f"本科以上学历的专职管理人员不少于{MIN_BACHELOR_MANAGERS}名，目前列出{len(qualified)}名",
                a3,
                "people",
            )
        )
    faculty = [x for x in people if x.kind == PersonKind.FACULTY]
    if not faculty:
        p.append(Problem("未列出骨干师资", a3, "people"))
    below = [x.name for x in faculty if x.degree not in BACHELOR_OR_ABOVE]
    if below:
        p.append(Problem(f"专（兼）职师资应具备大学本科以上学历：{'、'.join(below)}不符合", a3, "people"))
    if not app.faculty_total:
        p.append(Problem("未填写专（兼）职师资人数", a3, "faculty_total"))
    if not has(Condition.STAFF):
        p.append(Problem("未上传管理人员学历及师资证明", a3, "doc_staff"))

    # (4) the six management rules, each one a document
    for condition in RULE_CONDITIONS:
        if not has(condition):
            name = Condition(condition).label.split("（")[0]
            p.append(Problem(f"未上传{name}", a4, f"doc_{condition}"))

    # (5) at least 1000 professionals trained in each recent year
    years = app.batch.experience_years
    for n, (year, value) in enumerate(
        zip(years, [app.trained_year_1, app.trained_year_2, app.trained_year_3], strict=True), 1
    ):
        if value is None:
            p.append(Problem(f"未填写{year}年培训专业技术人员人数", a5, f"trained_year_{n}"))
        elif value < MIN_TRAINED_PER_YEAR:
            p.append(
                Problem(
                    f"{year}年培训专业技术人员{value}人，不足{MIN_TRAINED_PER_YEAR}人",
                    a5,
                    f"trained_year_{n}",
                )
            )
    if not has(Condition.EXPERIENCE):
        p.append(Problem("未上传近三年培训情况证明", a5, "doc_experience"))

    # (6) good credit
    if not app.credit_declaration:
        p.append(
            Problem(
                "未作出无违法、失信、重大经济纠纷及乱办班、乱收费、乱发证记录的信用承诺",
                a6,
                "credit_declaration",
            )
        )
    if not has(Condition.CREDIT):
        p.append(Problem("未上传信用情况证明", a6, "doc_credit"))

    # (7) an online platform able to connect to the provincial public service platform
    if app.trains_online:
        if not app.platform_name.strip():
            p.append(Problem("开展网络培训的，须填写远程教育平台名称", a7, "platform_name"))
        if not app.platform_can_connect:
            p.append(Problem("远程教育平台应具备接入福建省继续教育公共服务平台的条件", a7, "platform_can_connect"))
        if not has(Condition.PLATFORM):
            p.append(Problem("未上传远程教育平台情况说明", a7, "doc_platform"))

    # Art. 8(2)-(3): field, priority evidence, and the recommending unit
    if not app.training_fields.all():
        p.append(Problem("未选择培训领域", "第八条第二项", "training_fields"))
    if (app.is_city_base or app.is_industry_base) and not has(Condition.PRIORITY):
        p.append(Problem("声明已是市级或行业性继续教育基地的，须上传认定文件", "第八条第二项", "doc_priority"))
    if app.recommender_kind == RecommenderKind.DEPARTMENT and not app.recommender_department_id:
        p.append(Problem("请选择推荐的省级行业主管部门", "第八条第三项", "recommender_department"))
    elif not (app.recommender_region_id or app.recommender_department_id):
        p.append(Problem("请选择推荐单位", "第八条第三项", "recommender_kind"))
    if not (app.contact_person.strip() and app.contact_phone.strip()):
        p.append(Problem("请填写联系人及联系电话", "第八条第三项", "contact_person"))
    return p


# Reasons from higher layers why an institution may not apply (bases adds: it already runs a live base).
ELIGIBILITY_CHECKS: list[Callable[[Institution], "Problem | None"]] = []


def eligibility_check(fn):
    """Register a further reason an institution may not apply now; `fn(institution)` returns a Problem or None."""
    ELIGIBILITY_CHECKS.append(fn)
    return fn


def eligibility_problems(institution, *, excluding_application_id=None, today=None) -> list[Problem]:
    """Why this institution may not apply now: a bar in force (Art. 24), a base it runs, an application in progress."""
    today = today or timezone.localdate()
    problems = []
    for bar in Bar.objects.filter(institution=institution).blocking(today).order_by("last_day"):
        if bar.is_permanent:
            problems.append(Problem(f"因{bar.get_kind_display()}，不再受理该机构的认定申请", bar.article))
        else:
            problems.append(
                Problem(
                    f"因{bar.get_kind_display()}，{bar.last_day:%Y年%-m月%-d日}前（含当日）不受理该机构的认定申请",
                    bar.article,
                )
            )
    for check in ELIGIBILITY_CHECKS:
        if problem := check(institution):
            problems.append(problem)
    in_progress = Application.objects.filter(institution=institution, state__in=IN_PROGRESS)
    if excluding_application_id:
        in_progress = in_progress.exclude(pk=excluding_application_id)
    if in_progress.exists():
        problems.append(Problem("该机构已有一份正在办理的申报，不能同时提交另一份", "第八条"))
    return problems


# -- the dates of recognition (Art. 8(4), 34) -----------------------------------------------------------


def _day(d: date) -> str:
    return f"{d:%Y年%-m月%-d日}"


def check_recognition_date(app: Application, recognised_on: date, *, today: date | None = None) -> None:
    """The recognition date a decision states: not in the future, not before the measures took effect
    (Art. 34), the batch opened (Art. 8), the site visit took place or the public notice ended (Art. 8(4)).

    A date before any of them would give the base a register number of a year it was not recognised in,
    and a periodic inspection (Art. 20) counted from a day on which it was not yet a base.
    """
    today = today or timezone.localdate()
    field = "recognised_on"
    if recognised_on > today:
        raise RuleViolation(f"认定日期不能晚于今天（{_day(today)}）。", field=field, article="第八条第四项")
    if recognised_on < MEASURES.valid_from:
        raise RuleViolation(
            f"认定日期不能早于{MEASURES.version}施行之日（{_day(MEASURES.valid_from)}）。",
            field=field,
            article="第三十四条",
        )
    if recognised_on < app.batch.opens_on:
        raise RuleViolation(
            f"认定日期不能早于申报批次“{app.batch.name}”的开始日期（{_day(app.batch.opens_on)}）。",
            field=field,
            article="第八条",
        )
    visit = SiteVisit.objects.filter(application=app).first()
    if visit is not None and recognised_on < visit.scheduled_on:
        raise RuleViolation(
            f"认定日期不能早于实地考察日期（{_day(visit.scheduled_on)}）：先考察核实，后予认定。",
            field=field,
            article="第八条第四项",
        )
    ended = app.notices.order_by("-ends_on").values_list("ends_on", flat=True).first()
    if ended is not None and recognised_on <= ended:
        raise RuleViolation(f"认定日期应在公示期满（{_day(ended)}）之后。", field=field, article="第八条第四项")


def visit_day_reached(app: Application, user=None, *, today: date | None = None) -> RuleViolation | None:
    """Findings are recorded on or after the day of the visit, never before it took place (Art. 8(4))."""
    today = today or timezone.localdate()
    visit = SiteVisit.objects.filter(application=app).only("scheduled_on").first()
    if visit is not None and visit.scheduled_on > today:
        return RuleViolation(
            f"实地考察定于{_day(visit.scheduled_on)}，考察情况须在考察当日或之后记录。",
            article="第八条第四项",
        )
    return None
