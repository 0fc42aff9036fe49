"""Every write on bases: recognition and publication, fee disclosure, change filings, annual filings (Art. 8-9, 19, 29, 31)."""

from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from accounts import selectors as people
from accounts.models import Role, User
from applications.models import Application, Batch, PublicNotice, SiteVisit
from applications.notices import DEFAULT_WORKING_DAYS, candidates, check_can_approve, first_working_day, period_end
from applications.workflow import WORKFLOW as APPLICATION_WORKFLOW
from core import access, timeline, uploads
from core.errors import RuleViolation
from core.notifications import notify, notify_each
from core.periods import last_day_of_years
from core.workflow import perform

from .models import (
    CHANGEABLE_FIELDS,
    LIVE_STATUSES,
    Announcement,
    AnnouncementKind,
    AnnualFiling,
    Base,
    ChangeFiling,
    ChangeFilingState,
    FeeDisclosure,
    FilingPart,
    FilingProgramme,
    FilingState,
    RegisterSequence,
)
from .workflow import CHANGE_WORKFLOW, EDITABLE_FILING, FILING_WORKFLOW

# -- recognition (Art. 8(4), 9): the public notice, the decision, the published list ------------------


@transaction.atomic
def publish_notice(
    *,
    actor: User,
    batch: Batch,
    application_ids: list[int],
    starts_on: date | None = None,
    working_days: int = DEFAULT_WORKING_DAYS,
) -> PublicNotice:
    """Publish the proposed list of a batch for objections before approval."""
    if not access.has_role(actor, Role.PROVINCE):
        raise RuleViolation("只有省人社厅可以发布公示。")
    apps = list(candidates(batch).filter(pk__in=application_ids))
    if not apps:
        raise RuleViolation("请至少选择一个已完成实地考察的拟认定申报。", field="applications")
    starts_on = first_working_day(starts_on or timezone.localdate())
    ends_on = period_end(starts_on, working_days)
    title = f"{batch.name}拟认定省级专业技术人员继续教育基地名单公示"
    lines = "\n".join(f"{n}. {a.institution.name}（{a.institution.region.name}）" for n, a in enumerate(apps, 1))
    body = (
        f"根据《福建省省级专业技术人员继续教育基地管理办法》，经申报、推荐、审核和实地考察，拟认定以下"
        f"{len(apps)}家机构为省级专业技术人员继续教育基地，现予公示。\n\n{lines}\n\n"
        f"公示期为{starts_on:%Y年%-m月%-d日}至{ends_on:%Y年%-m月%-d日}（{working_days}个工作日）。"
        f"对公示对象有异议的，可在公示期内通过本平台“提出异议”页面实名反映，并提供必要的证明材料。"
    )
    announcement = Announcement.objects.create(
        kind=AnnouncementKind.NOTICE, title=title, body=body, published_at=timezone.now(), batch=batch, created_by=actor
    )
    notice = PublicNotice.objects.create(
        batch=batch,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        working_days=working_days,
        announcement=announcement,
        created_by=actor,
    )
    notice.applications.set(apps)
    for app in apps:
        timeline.record(
            app,
            actor=actor,
            action="notice",
            label="列入拟认定名单公示",
            comment=f"公示期{starts_on:%Y年%-m月%-d日}至{ends_on:%Y年%-m月%-d日}",
        )
    return notice


@transaction.atomic
def approve(
    *,
    actor: User,
    application_id,
    comment: str = "",
    recognised_on: date | None = None,
    expected_state: str | None = None,
) -> Base:
    """Recognise the applicant (Art. 8(4)) and create its base with the next register number (Art. 9)."""

    def check(app, t):
        visit = SiteVisit.objects.filter(application=app).first()
        if visit is None or not visit.recorded_at:
            raise RuleViolation("请先记录实地考察情况，再作出认定。", article="第八条第四项")
        check_can_approve(app)  # the public notice (公示), when the province held one

    app, t = perform(
        workflow=APPLICATION_WORKFLOW,
        queryset=Application.objects.select_related("batch", "institution"),
        pk=application_id,
        action="approve",
        actor=actor,
        comment=comment,
        expected_state=expected_state,
        check=check,
    )
    app.decided_at = timezone.now()
    app.decision_reason = comment
    app.save(update_fields=["decided_at", "decision_reason", "updated_at"])
    base = create_base(application=app, recognised_on=recognised_on or timezone.localdate())
    timeline.record(
        app,
        actor=actor,
        action="recognise",
        label=f"认定为省级继续教育基地，编号{base.register_number}",
        article="第九条",
    )
    notify(
        people.institution_staff(app.institution_id),
        title="已认定为省级继续教育基地",
        body=f"您的机构已被认定为省级专业技术人员继续教育基地，编号{base.register_number}。",
        url=reverse("applications:detail", args=[app.pk]),
    )
    return base


def create_base(*, application: Application, recognised_on: date) -> Base:
    """The base of a recognised application, numbered 闽继教基地〔年〕序号号 (unique, sequential per year)."""
    year = recognised_on.year
    RegisterSequence.objects.get_or_create(year=year)
    seq = RegisterSequence.objects.select_for_update().get(year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    number = seq.last
    inst = application.institution
    return Base.objects.create(
        institution=inst,
        application=application,
        batch=application.batch,
        register_number=Base.format_number(year, number),
        year=year,
        sequence=number,
        recognised_on=recognised_on,
        next_inspection_due=last_day_of_years(recognised_on, 3),
        name=inst.name,
        region=inst.region,
        institution_type=inst.type,
        fields=application.training_fields,
        address=application.office_address or inst.address,
        contact_person=application.contact_person or inst.contact_person,
        phone=application.contact_phone or inst.phone,
        email=application.contact_email or inst.email,
        website=inst.website,
    )


@transaction.atomic
def publish_recognitions(*, actor: User, batch) -> Announcement:
    """Publish a batch's recognised bases (Art. 9: 统一公布): they enter the public register."""
    access.require_role(actor, Role.PROVINCE)
    bases = list(
        Base.objects.select_for_update()
        .filter(batch=batch, published_at=None)
        .select_related("region")
        .order_by("sequence")
    )
    if not bases:
        raise RuleViolation("该批次没有待公布的新认定基地。")
    now = timezone.now()
    Base.objects.filter(pk__in=[b.pk for b in bases]).update(published_at=now)
    lines = "\n".join(f"{b.register_number}　{b.name}（{b.region.name}）" for b in bases)
    announcement = Announcement.objects.create(
        kind=AnnouncementKind.RECOGNITION,
        title=f"关于公布{batch.name}认定的省级专业技术人员继续教育基地名单的通知",
        body=(
            f"根据《福建省省级专业技术人员继续教育基地管理办法》第八条、第九条，经申报推荐、审核和实地考察，"
            f"认定以下{len(bases)}家机构为省级专业技术人员继续教育基地，现予公布。\n\n{lines}"
        ),
        published_at=now,
        batch=batch,
        created_by=actor,
    )
    announcement.bases.set(bases)
    for base in bases:
        timeline.record(base, actor=actor, action="publish", label="公布为省级继续教育基地", article="第九条")
    return announcement


@transaction.atomic
def save_fee_disclosure(*, actor: User, base_id, scope: str, content: str, fee_items: str) -> FeeDisclosure:
    """The base keeps its training scope, content, fee items and standards public (Art. 29)."""
    base = access.get_visible_or_404(actor, Base.objects.select_for_update(), pk=base_id)
    access.require(actor, "disclose_fees", base)
    disclosure = FeeDisclosure.objects.filter(base=base).first() or FeeDisclosure(base=base)
    disclosure.scope, disclosure.content, disclosure.fee_items = scope.strip(), content.strip(), fee_items.strip()
    disclosure.full_clean()
    disclosure.save()
    timeline.record(base, actor=actor, action="fee_disclosure", label="更新收费公开信息", article="第二十九条")
    return disclosure


@transaction.atomic
def file_change(*, actor: User, base_id, changes: dict, reason: str, evidence) -> ChangeFiling:
    """A base files changed key facts with evidence (Art. 31)."""
    base = access.get_visible_or_404(actor, Base.objects.select_for_update(), pk=base_id)
    access.require(actor, "file_change", base)
    if base.change_filings.filter(state=ChangeFilingState.SUBMITTED).exists():
        raise RuleViolation("已有一份变更备案正在办理，请待其办结后再提交。")
    changes = {
        k: str(v).strip()
        for k, v in changes.items()
        if k in CHANGEABLE_FIELDS and str(v).strip() != str(getattr(base, k))
    }
    if not changes:
        raise RuleViolation("没有需要变更的内容：请至少修改一项信息。")
    if not reason.strip():
        raise RuleViolation("请填写变更原因。", field="reason")
    checked = uploads.check(evidence)
    filing = ChangeFiling(
        base=base,
        changes=changes,
        old_values={k: getattr(base, k) for k in changes},
        reason=reason.strip(),
        evidence_name=checked.original_name,
        evidence_type=checked.content_type,
        kind=checked.kind,
        submitted_by=actor,
    )
    filing.evidence.save(checked.original_name, checked.file, save=False)
    filing.save()
    timeline.record(
        base,
        actor=actor,
        action="file_change",
        label="提交变更备案",
        article="第三十一条",
        comment="；".join(f"{label}：{old} → {new}" for label, old, new in filing.change_rows),
    )
    notify(
        people.province_staff(),
        title=f"变更备案：{base.name}",
        body=f"{base.name}提交了变更备案，请审核。",
        url=reverse("bases:change_detail", args=[filing.pk]),
    )
    return filing


@transaction.atomic
def decide_change(*, actor: User, filing_id, accept: bool, comment: str = "") -> ChangeFiling:
    """The province records (accepts) a change filing, which updates and publishes the facts, or returns it."""
    filing, t = perform(
        workflow=CHANGE_WORKFLOW,
        queryset=ChangeFiling.objects.select_related("base"),
        pk=filing_id,
        action="accept" if accept else "return",
        actor=actor,
        comment=comment,
    )
    base = Base.objects.select_for_update().get(pk=filing.base_id)
    filing.decided_at = timezone.now()
    filing.save(update_fields=["decided_at"])
    if accept:
        for field, value in filing.changes.items():
            setattr(base, field, value)
        base.save()
        if "name" in filing.changes:  # Art. 31: 机构名称 — the institution behind the base is renamed too
            institution = base.institution
            institution.name = filing.changes["name"]
            institution.save(update_fields=["name"])
        if base.published_at:
            Announcement.objects.create(
                kind=AnnouncementKind.CHANGE,
                title=f"{base.register_number}基地信息变更公告",
                body=f"经备案，{base.register_number}省级继续教育基地以下信息发生变更（第三十一条）：\n"
                + "\n".join(f"{label}：由“{old}”变更为“{new}”" for label, old, new in filing.change_rows),
                published_at=timezone.now(),
                base=base,
                created_by=actor,
            )
    timeline.record(
        base,
        actor=actor,
        action="decide_change",
        article="第三十一条",
        label="变更备案已备案" if accept else "变更备案被退回",
        comment=comment.strip(),
    )
    notify(
        people.institution_staff(base.institution_id),
        title="变更备案已备案" if accept else "变更备案被退回",
        body=(f"您提交的变更备案已{'备案并公布' if accept else '退回'}。" + (f"意见：{comment}" if comment else "")),
        url=reverse("bases:change_detail", args=[filing.pk]),
    )
    return filing


# -- annual plan and report (Art. 19) -------------------------------------------------------------------

FILING_FIELDS = [
    "plan_execution",
    "trained_total",
    "priority_area_trainees",
    "fees_charged",
    "plan_trainees",
    "plan_description",
]


def _filing_link(filing) -> str:
    return reverse("bases:filing_detail", args=[filing.pk])


def filing_year_for(today) -> int:
    """The report year a base is filing now: the current year (due 31 December)."""
    return today.year


@transaction.atomic
def start_filing(*, actor: User, base_id, year: int) -> AnnualFiling:
    """Open (or reopen) the base's filing for a year; late filing after 31 December stays possible, flagged."""
    access.require_role(actor, Role.INSTITUTION)
    base = access.get_visible_or_404(actor, Base.objects.select_for_update(), pk=base_id)
    if base.status not in LIVE_STATUSES:
        raise RuleViolation("基地资格已撤销或取消，无需再报送年度计划。")
    if year > timezone.localdate().year or year < base.recognised_on.year:
        raise RuleViolation(f"不能报送{year}年度的年度报告。")
    filing, created = AnnualFiling.objects.get_or_create(base=base, year=year)
    if created:
        timeline.record(filing, actor=actor, action="create", label="创建年度报告草稿", to_state=FilingState.DRAFT)
    return filing


@transaction.atomic
def save_filing(*, actor: User, filing_id, data: dict, programmes: list[dict]) -> AnnualFiling:
    """Save the draft report and plan as typed (Art. 19)."""
    access.require_role(actor, Role.INSTITUTION)
    filing = access.get_visible_or_404(actor, AnnualFiling.objects.select_for_update(), pk=filing_id)
    if filing.state not in EDITABLE_FILING:
        raise RuleViolation(f"年度报告当前状态为「{filing.get_state_display()}」，不能修改。")
    for name in FILING_FIELDS:
        if name in data:
            setattr(filing, name, data[name])
    filing.save()
    existing = {(p.part, p.form): p for p in filing.programmes.all()}
    keep = set()
    for row in programmes:
        key = (row["part"], row["form"])
        if key in keep:
            raise RuleViolation("同一服务形式在同一部分只能填写一行，请合并。", field="programmes")
        keep.add(key)
        programme = existing.get(key) or FilingProgramme(filing=filing, part=row["part"], form=row["form"])
        if programme.pk is None or (programme.count, programme.trainees) != (row["count"], row["trainees"]):
            programme.count, programme.trainees = row["count"], row["trainees"]
            programme.save()
    for key, programme in existing.items():
        if key not in keep:
            programme.delete()
    return filing


def filing_problems(filing: AnnualFiling) -> list[str]:
    """What a filing must contain before it can be submitted (Art. 19: 执行情况总结和下一年度计划一并报送)."""
    problems = []
    if not filing.plan_execution.strip():
        problems.append("请填写年度计划执行情况")
    if filing.trained_total is None:
        problems.append("请填写本年度培训专业技术人员人数")
    if filing.priority_area_trainees is None:
        problems.append("请填写革命老区、民族地区和不发达地区学员人数（第十四条，没有填0）")
    elif filing.trained_total is not None and filing.priority_area_trainees > filing.trained_total:
        problems.append("革命老区等地区学员人数不能超过培训总人数")
    if not filing.fees_charged.strip():
        problems.append("请填写收费情况")
    if filing.plan_trainees is None:
        problems.append("请填写下一年度计划培训人数")
    if not filing.plan_description.strip():
        problems.append("请填写下一年度计划")
    parts = {p.part for p in filing.programmes.all()}
    if FilingPart.REPORT not in parts:
        problems.append("请按第十三条的服务形式填写本年度举办的培训项目")
    if FilingPart.PLAN not in parts:
        problems.append("请按第十三条的服务形式填写下一年度计划举办的培训项目")
    return problems


@transaction.atomic
def filing_transition(
    *, actor: User, filing_id, action: str, comment: str = "", expected_state: str | None = None
) -> AnnualFiling:
    """Submit, accept or return an annual filing, with the timeline and the next party notified."""

    def check(filing, t):
        if t.action == "submit":
            problems = filing_problems(filing)
            if problems:
                raise RuleViolation("年度报告尚不完整，不能提交：" + "；".join(problems) + "。", article="第十九条")

    filing, t = perform(
        workflow=FILING_WORKFLOW,
        queryset=AnnualFiling.objects.select_related("base"),
        pk=filing_id,
        action=action,
        actor=actor,
        comment=comment,
        expected_state=expected_state,
        check=check,
    )
    now = timezone.now()
    if action == "submit":
        filing.submitted_at = now
        notify(
            people.province_staff(),
            title=f"年度报告待备案：{filing.base.name}",
            body=f"{filing.base.name}报送了{filing.year}年度报告和{filing.plan_year}年度计划。"
            + ("\n提示：" + "；".join(filing.flags) if filing.flags else ""),
            url=_filing_link(filing),
        )
    else:
        filing.decided_at = now
        notify(
            people.institution_staff(filing.base.institution_id),
            title="年度报告已备案" if action == "accept" else "年度报告被退回修改",
            body=f"{filing.year}年度报告" + ("已备案。" if action == "accept" else f"被退回，意见：{comment}"),
            url=_filing_link(filing),
        )
    filing.save(update_fields=["submitted_at", "decided_at", "updated_at"])
    return filing


def bases_due_to_file(year: int, on):
    """Active bases recognised by `on` that have no submitted or accepted filing for `year`."""
    filed = AnnualFiling.objects.filed().filter(year=year).values("base_id")
    return Base.objects.live().filter(recognised_on__lte=on).exclude(pk__in=filed)


def reminder_days() -> list[tuple[int, int]]:
    from django.conf import settings

    return [tuple(int(x) for x in day.split("-")) for day in settings.ANNUAL_FILING_REMINDER_DAYS]


@transaction.atomic
def send_filing_reminders(*, today) -> int:
    """On each reminder day, remind every base that has not filed (Art. 19); once per base, year and day."""
    if (today.month, today.day) not in reminder_days():
        return 0
    year = filing_year_for(today)
    bases = list(
        bases_due_to_file(year, today)
        .select_related("institution")
        .only("id", "name", "institution_id")
        .prefetch_related(
            Prefetch(
                "institution__users",
                queryset=User.objects.filter(is_active=True, role=Role.INSTITUTION),
                to_attr="active_staff",
            )
        )
    )
    deadline = f"{year}年12月31日"
    link = reverse("bases:filings")
    messages = [
        {
            "recipients": base.institution.active_staff,
            "title": f"请于{deadline}前报送{year}年度报告和{year + 1}年度计划",
            "body": (
                f"{base.name}尚未报送{year}年度计划执行情况总结（年度报告）和{year + 1}年度计划。依据第十九条，"
                f"请于{deadline}前报省人社厅备案。"
            ),
            "url": link,
            "dedupe_key": f"filing-reminder:{base.pk}:{year}:{today:%m%d}",
        }
        for base in bases
    ]
    return notify_each(messages)


@transaction.atomic
def mark_overdue_filings(*, today) -> int:
    """From 1 January, mark every active base still missing last year's filing as overdue and tell the province."""
    year = today.year - 1
    due_by = date(year, 12, 31)
    now = timezone.now()
    # A filing submitted by 31 December was on time, even if it was returned for changes afterwards.
    deadline = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min))
    on_time = AnnualFiling.objects.filter(year=year, submitted_at__lt=deadline).values("base_id")
    missing = bases_due_to_file(year, due_by).exclude(pk__in=on_time)
    # Existing drafts or returned filings become overdue; bases with no filing at all get an overdue row.
    marked = (
        AnnualFiling.objects.filter(year=year, base__in=missing, overdue_marked_at=None)
        .exclude(state__in=[FilingState.SUBMITTED, FilingState.ACCEPTED])
        .update(overdue_marked_at=now)
    )
    without_row = missing.exclude(annual_filings__year=year).values_list("pk", flat=True)
    created = AnnualFiling.objects.bulk_create(
        [AnnualFiling(base_id=pk, year=year, overdue_marked_at=now) for pk in without_row], ignore_conflicts=True
    )
    count = marked + len(created)
    overdue = list(
        AnnualFiling.objects.filter(year=year, overdue_marked_at__isnull=False)
        .exclude(state__in=[FilingState.SUBMITTED, FilingState.ACCEPTED])
        .select_related("base")
        .order_by("base__year", "base__sequence")
        .values_list("base__register_number", "base__name")
    )
    if overdue:
        notify(
            people.province_staff(),
            title=f"{year}年度报告逾期未报：{len(overdue)}家基地",
            body="以下基地未在12月31日前报送年度报告和下一年度计划（第十九条）：\n"
            + "\n".join(f"{number} {name}" for number, name in overdue),
            url=reverse("bases:filing_queue") + f"?year={year}&overdue=on",
            dedupe_key=f"filing-overdue:{year}",
        )
    return count
