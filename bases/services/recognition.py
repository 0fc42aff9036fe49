"""Recognition (Art. 8(4), 9): the public notice, the decision that creates a base with its register number, the published list."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications.models import Application, Batch, PublicNotice, SiteVisit
from applications.notices import (
    DEFAULT_WORKING_DAYS,
    candidates,
    check_calendar_covers,
    check_can_approve,
    first_working_day,
    period_end,
)
from applications.rules import check_recognition_date
from applications.workflow import WORKFLOW as APPLICATION_WORKFLOW
from core import access, decisions, events
from core.errors import RuleViolation
from core.models import Decision, DecisionKind
from core.periods import last_day_of_years
from core.workflow import perform
from experts.selectors import panel_conclusion

from ..models import (
    Announcement,
    AnnouncementKind,
    Base,
    RegisterSequence,
)
from .faculty import seed_faculty
from .publishing import Draft, check_confirmed, signature


def notice_draft(
    *, batch: Batch, applications: list[Application], starts_on: date, working_days: int = DEFAULT_WORKING_DAYS
) -> Draft:
    """The public notice (公示) of a batch's proposed list, as it will be published (Art. 8(4))."""
    starts_on = first_working_day(starts_on)
    ends_on = period_end(starts_on, working_days)
    check_calendar_covers(starts_on, ends_on)
    lines = "\n".join(
        f"{n}. {a.institution.name}（{a.institution.region.name}）" for n, a in enumerate(applications, 1)
    )
    return Draft(
        kind_label=AnnouncementKind.NOTICE.label,
        title=f"{batch.short_name}拟认定省级专业技术人员继续教育基地名单公示",
        body=(
            f"根据《福建省省级专业技术人员继续教育基地管理办法》，经申报、推荐、审核和实地考察，拟认定以下"
            f"{len(applications)}家机构为省级专业技术人员继续教育基地，现予公示。\n\n{lines}\n\n"
            f"公示期为{starts_on:%Y年%-m月%-d日}至{ends_on:%Y年%-m月%-d日}（{working_days}个工作日）。"
            f"对公示对象有异议的，可在公示期内通过本平台“提出异议”页面实名反映，并提供必要的证明材料。"
        ),
    )


@transaction.atomic
def publish_notice(
    *,
    actor: User,
    batch: Batch,
    application_ids: list[int],
    starts_on: date | None = None,
    working_days: int = DEFAULT_WORKING_DAYS,
    expected_digest: str | None = None,
) -> PublicNotice:
    """Publish the proposed list of a batch for objections before approval; with `expected_digest`, only
    the text the province saw in the preview."""
    if not access.may(actor, "recognise_bases"):
        raise RuleViolation("只有省人社厅可以发布公示。")
    apps = list(candidates(batch).filter(pk__in=application_ids))
    if not apps:
        raise RuleViolation("请至少选择一个已完成实地考察的拟认定申报。", field="applications")
    starts_on = first_working_day(starts_on or timezone.localdate())
    ends_on = period_end(starts_on, working_days)
    draft = notice_draft(batch=batch, applications=apps, starts_on=starts_on, working_days=working_days)
    check_confirmed(draft, expected_digest)
    announcement = Announcement.objects.create(
        kind=AnnouncementKind.NOTICE,
        title=draft.title,
        body=draft.body,
        published_at=timezone.now(),
        batch=batch,
        created_by=actor,
    )
    notice = PublicNotice.objects.create(
        batch=batch,
        title=draft.title,
        starts_on=starts_on,
        ends_on=ends_on,
        working_days=working_days,
        announcement=announcement,
        created_by=actor,
    )
    notice.applications.set(apps)
    for app in apps:
        events.happened("notice", actor=actor, application=app, starts_on=starts_on, ends_on=ends_on)
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
    """Recognise the applicant (Art. 8(4)), create its base with the next register number and issue the
    recognition decision (Art. 9). The recognition date is checked under the row lock (Art. 8(4), 34)."""
    recognised_on = recognised_on or timezone.localdate()

    def check(app, t):
        visit = SiteVisit.objects.filter(application=app).first()
        if visit is None or not visit.recorded_at:
            raise RuleViolation("请先记录实地考察情况，再作出认定。", article="第八条第四项")
        check_can_approve(app)  # the public notice (公示) has run its period, every objection resolved
        check_recognition_date(app, recognised_on)

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
    base = create_base(application=app, recognised_on=recognised_on)
    decision = issue_recognition(actor=actor, application=app, base=base)
    events.happened("recognise", actor=actor, application=app, base=base, decision=decision)
    return base


def issue_recognition(*, actor: User, application: Application, base: Base) -> Decision:
    """The recognition decision (认定决定): about the base it creates, addressed to the institution.

    Its subject is the base, not the application: the decision's operative part is the base (its number
    and date), the base's later decisions (rectification, revocation) stand beside it on the base's
    page, and whoever may see the base may read it. It is taken today and takes effect on the
    recognition date, which may be earlier (a decision that grants may say so; see decisions.issue).
    """
    visit = SiteVisit.objects.get(application=application)
    notices = list(application.notices.order_by("starts_on"))
    heard = "；".join(
        f"{n.starts_on:%Y年%-m月%-d日}至{n.ends_on:%Y年%-m月%-d日}公示（{n.working_days}个工作日）" for n in notices
    )
    objections = application.objections.count()
    inst = application.institution
    submitted = f"于{application.submitted_at:%Y年%-m月%-d日}" if application.submitted_at else ""
    facts = (
        f"{inst.name}（统一社会信用代码{inst.credit_code}）{submitted}在“{application.batch.name}”中申报省级专业技术人员"
        f"继续教育基地，经{application.recommender_name}审核推荐。我厅对申报材料进行了审核，"
        f"于{visit.scheduled_on:%Y年%-m月%-d日}进行实地考察和核实（考察组：{visit.team}），"
        + panel_conclusion(application)  # "" without a panel that scored on the visit
        + f"并将拟认定名单{heard}，"
        + (f"公示期内收到异议{objections}件，均已调查处理。" if objections else "公示期内未收到异议。")
    )
    body = (
        f"经研究，决定认定{base.name}为省级专业技术人员继续教育基地，基地编号{base.register_number}，"
        f"认定日期{base.recognised_on:%Y年%-m月%-d日}。\n"
        f"请按照《福建省省级专业技术人员继续教育基地管理办法》的规定开展专业技术人员继续教育，"
        f"每年12月31日前报送本年度计划执行情况和下一年度培训计划（第十九条），并接受定期考核和不定期抽查（第二十条、第二十一条）。"
    )
    return decisions.issue(
        kind=DecisionKind.RECOGNITION,
        subject=base,
        actor=actor,
        title=f"关于认定{base.name}为省级专业技术人员继续教育基地的决定",
        addressee=inst.name,
        facts=facts,
        basis="第八条第四项、第九条",
        body=body,
        effective_on=base.recognised_on,
        retroactive=True,
        carbon_copy=application.recommender_name if application.recommender else "",
    )


def create_base(*, application: Application, recognised_on: date) -> Base:
    """The base of a recognised application, numbered 闽继教基地〔年〕序号号 (unique, sequential per year)."""
    year = recognised_on.year
    RegisterSequence.objects.get_or_create(year=year)
    seq = RegisterSequence.objects.select_for_update().get(year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    number = seq.last
    inst = application.institution
    fields = list(application.training_fields.all())
    base = Base.objects.create(
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
        # the unit that recommended it, whose list of bases it joins (bases.access)
        recommender_region_id=application.recommender_region_id,
        recommender_department_id=application.recommender_department_id,
        institution_type_id=inst.type_id,
        fields="、".join(field.name for field in fields) or application.legacy_fields,
        address=application.office_address or inst.address,
        contact_person=application.contact_person or inst.contact_person,
        phone=application.contact_phone or inst.phone,
        email=application.contact_email or inst.email,
        website=inst.website,
    )
    base.training_fields.set(fields)  # Art. 3: the base trains in the fields it was recognised for
    seed_faculty(base=base)  # Art. 16: the pool starts from the faculty the application listed
    return base


RECOGNITION_LIST_ADDRESSEE = "各设区市人力资源和社会保障局，平潭综合实验区党群工作部，省直有关单位"


def unpublished_bases(batch):
    return Base.objects.filter(batch=batch, published_at=None).select_related("region").order_by("year", "sequence")


def recognition_list_draft(batch, bases: list[Base] | None = None) -> Draft:
    """The batch's recognised list as it will be published (Art. 9: 统一公布), with its signature block;
    the decision issued with it gets its 文号 when it is saved."""
    bases = list(unpublished_bases(batch)) if bases is None else bases
    if not bases:
        raise RuleViolation("该批次没有待公布的新认定基地。")
    lines = "\n".join(f"{b.register_number}　{b.name}（{b.region.name}）" for b in bases)
    return Draft(
        kind_label=AnnouncementKind.RECOGNITION.label,
        title=f"关于公布{batch.short_name}省级专业技术人员继续教育基地认定名单的通知",
        body=(
            f"根据《福建省省级专业技术人员继续教育基地管理办法》第八条、第九条，经申报推荐、审核、实地考察和公示，"
            f"认定以下{len(bases)}家机构为省级专业技术人员继续教育基地，现予公布。\n\n{lines}\n\n{signature()}"
        ),
        numbered=True,
    )


@transaction.atomic
def publish_recognitions(*, actor: User, batch, expected_digest: str | None = None) -> Announcement:
    """Publish a batch's recognised bases (Art. 9: 统一公布): they enter the public register, and the
    published list is a decision of its own (公布认定名单) whose 文号 the announcement carries."""
    access.require_capability(actor, "recognise_bases")
    bases = list(unpublished_bases(batch).select_for_update(of=("self",)))
    draft = recognition_list_draft(batch, bases)
    check_confirmed(draft, expected_digest)
    now = timezone.now()
    Base.objects.filter(pk__in=[b.pk for b in bases]).update(published_at=now)
    announcement = Announcement.objects.create(
        kind=AnnouncementKind.RECOGNITION,
        title=draft.title,
        body=draft.body,
        published_at=now,
        batch=batch,
        created_by=actor,
    )
    announcement.bases.set(bases)
    decision = decisions.issue(
        kind=DecisionKind.RECOGNITION_LIST,
        subject=announcement,
        actor=actor,
        title=draft.title,
        addressee=RECOGNITION_LIST_ADDRESSEE,
        facts=(
            f"{batch.short_name}申报的机构经设区市人社部门或省级行业主管部门审核推荐，我厅审核、实地考察，"
            f"并对拟认定名单进行公示，公示期满，异议均已处理。"
        ),
        basis="第八条第四项、第九条",
        body="现将认定的省级专业技术人员继续教育基地名单予以公布：\n"
        + "\n".join(f"{b.register_number}　{b.name}（{b.region.name}）" for b in bases),
    )
    announcement.number = decision.number
    announcement.save(update_fields=["number"])
    for base in bases:
        events.happened("publish", actor=actor, base=base)
    return announcement
