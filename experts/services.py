"""Drawing a panel of experts without conflicts (Art. 26; 双随机): every rule that keeps an expert off an
institution's panel, the seeded draw that anyone can repeat from what it stored, and the seat's life —
declaration, conflict, refusal, withdrawal — each of which may draw a replacement the same way. Keeping the
pool — the experts, their accounts and their declared ties — is here too, and the expert's scored form: saved,
submitted and locked, corrected by a new version."""

import random
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Institution, Role, User
from core import access, events, uploads
from core.errors import RuleViolation
from core.periods import add_years, last_day_of_years
from core.workflow import perform

from .models import (
    SEATED,
    Assignment,
    AssignmentState,
    Draw,
    Expert,
    Panel,
    ScoreDocument,
    ScoreRow,
    ScoreSheet,
    SheetState,
    Tie,
    TieKind,
    field_names,
)
from .workflow import ASSIGNMENT_WORKFLOW, SHEET_WORKFLOW

DECLARATION = (
    "本人承诺：与被评审机构不存在现任职、近三年内曾任职、授课、咨询服务或其他可能影响公正评审的利害关系；"
    "对评审中知悉的申报材料、商业秘密和个人信息严格保密，不对外泄露，不用于评审以外的用途。"
)
ARTICLE = "第二十六条"


def draw_panel(seed: int, candidate_ids: list[int], count: int) -> list[int]:
    """The experts drawn: a pure function of the stored seed and candidates, so anyone can repeat it."""
    return random.Random(seed).sample(list(candidate_ids), min(count, len(candidate_ids)))


def replay(draw: Draw) -> bool:
    """Does drawing again from what the draw stored give the same experts?"""
    return draw_panel(draw.seed, draw.candidate_ids, draw.count) == draw.drawn_ids


def _day(value: date) -> str:
    return f"{value:%Y年%-m月%-d日}"


def exclusions(panel: Panel, experts: list[Expert], *, today: date) -> dict[int, str]:
    """Why each of `experts` may not sit on `panel`, by id (those absent may): the institution's own staff, a
    declared tie that lasts or ended within EXPERT_TIE_YEARS, the same city when the panel avoids it, a
    declaration on a panel of the same institution within the panel's look-back years, or a seat (held or
    given up) on this panel."""
    institution = panel.institution
    ids = [e.pk for e in experts]
    reasons: dict[int, list[str]] = {}

    def exclude(expert_id, reason):
        reasons.setdefault(expert_id, []).append(reason)

    for expert in experts:
        if expert.employer_institution_id == institution.pk:
            exclude(expert.pk, "被评审机构的工作人员")
        if panel.same_city_excluded and expert.region_id == institution.region_id:
            exclude(expert.pk, f"与被评审机构同在{expert.region.name}（同城回避）")
    tie_years = settings.EXPERT_TIE_YEARS
    for tie in institution.expert_ties.filter(expert_id__in=ids).order_by("id"):
        kind = TieKind(tie.kind).label
        if tie.ended_on is None or tie.ended_on >= today:
            exclude(tie.expert_id, f"申报与被评审机构存在{kind}关系")
        # a period of N years from the day the tie ended (民法典第二百零一条): still running on its last day
        elif today <= last_day_of_years(tie.ended_on, tie_years):
            exclude(tie.expert_id, f"申报与被评审机构的{kind}关系于{_day(tie.ended_on)}结束，未满{tie_years}年")
    if panel.lookback_years:
        reviewed = (
            Assignment.objects.filter(
                expert_id__in=ids,
                panel__institution=institution,
                state=AssignmentState.DECLARED,
                declared_at__date__gte=add_years(today, -panel.lookback_years),
            )
            .exclude(panel=panel)
            .order_by("declared_at")
            .values_list("expert_id", "declared_at")
        )
        for expert_id, when in reviewed:
            exclude(expert_id, f"{timezone.localtime(when):%Y年%-m月}评审过该机构（{panel.lookback_years}年内回避）")
    for expert_id, state in panel.assignments.filter(expert_id__in=ids).values_list("expert_id", "state"):
        exclude(expert_id, "已在本专家组" if state in SEATED else f"已从本专家组退出（{AssignmentState(state).label}）")
    return {expert_id: "；".join(dict.fromkeys(found)) for expert_id, found in reasons.items()}


def _lock(panel_id) -> Panel:
    """The panel, locked: two draws for one panel at once run one after the other, and the second sees the
    first's experts as already seated."""
    return Panel.objects.select_for_update().select_related("institution").get(pk=panel_id)


def _draw(panel: Panel, *, count: int, actor: User, reason: str, replaces=None, seed=None, declare_by=None) -> Draw:
    """Draw `count` experts for the locked `panel`, store how, and seat them."""
    today = timezone.localdate()
    wanted = field_names(panel.fields)
    pool = [
        e
        for e in Expert.objects.filter(active=True).select_related("region", "user").order_by("id")
        if not wanted or e.field_set & wanted
    ]
    excluded = exclusions(panel, pool, today=today)
    candidates = [e.pk for e in pool if e.pk not in excluded]
    if len(candidates) < count:
        raise RuleViolation(
            f"领域相符且无需回避的在库专家只有{len(candidates)}名，不足{count}名，请扩充专家库或调整评审领域。",
            article=ARTICLE,
        )
    seed = secrets.randbits(48) if seed is None else seed
    drawn = draw_panel(seed, candidates, count)
    draw = Draw.objects.create(
        panel=panel,
        seed=seed,
        count=count,
        considered_ids=[e.pk for e in pool],
        exclusions=[[expert_id, excluded[expert_id]] for expert_id in sorted(excluded)],
        candidate_ids=candidates,
        drawn_ids=drawn,
        replaces=replaces,
        reason=reason,
        drawn_by=actor,
    )
    declare_by = declare_by or today + timedelta(days=settings.EXPERT_DECLARATION_DAYS)
    experts = {e.pk: e for e in pool}
    for expert_id in drawn:
        # one by one rather than in bulk, so each seat's history starts with its drawing
        assignment = Assignment.objects.create(panel=panel, expert=experts[expert_id], draw=draw, declare_by=declare_by)
        events.happened(
            "expert_drawn", actor=actor, assignment=assignment, panel=panel, expert=assignment.expert, draw=draw
        )
    return draw


@transaction.atomic
def create_panel(
    *,
    actor: User,
    purpose: str,
    case,
    institution: Institution,
    case_label: str,
    fields: str,
    size: int,
    items: list | None = None,
    same_city_excluded: bool | None = None,
    seed: int | None = None,
    declare_by: date | None = None,
) -> Panel:
    """Form the panel of a case (a site visit or an inspection) and draw its experts (Art. 26)."""
    access.require_capability(actor, "manage_experts")
    if size < 1:
        raise RuleViolation("专家人数至少为1名。", field="size")
    # The case row is locked, so two officials drawing for one case at once form one panel between them;
    # its own app says in which states a panel may be drawn (a visit scheduled, an inspection not yet held).
    case = type(case).objects.select_for_update().get(pk=case.pk)
    access.require(actor, "form_panel", case)
    case_type = ContentType.objects.get_for_model(case)
    if Panel.objects.filter(case_type=case_type, case_id=case.pk).exists():
        raise RuleViolation("该事项已组建评审专家组。")
    panel = Panel.objects.create(
        purpose=purpose,
        case_type=case_type,
        case_id=case.pk,
        institution=institution,
        case_label=case_label,
        fields=fields,
        size=size,
        items=items or [],
        same_city_excluded=settings.EXPERT_AVOID_SAME_CITY if same_city_excluded is None else same_city_excluded,
        lookback_years=settings.EXPERT_LOOKBACK_YEARS,
        created_by=actor,
    )
    _draw(_lock(panel.pk), count=size, actor=actor, reason="首次抽取", seed=seed, declare_by=declare_by)
    return panel


def vacancies(panel: Panel) -> int:
    """How many seats of the panel nobody holds (a conflict or refusal no expert was left to replace)."""
    return max(panel.size - panel.assignments.filter(state__in=SEATED).count(), 0)


@transaction.atomic
def fill_panel(*, actor: User, panel_id) -> Draw:
    """Draw experts for the panel's empty seats, once the pool has grown (Art. 26)."""
    access.require_capability(actor, "manage_experts")
    access.get_visible_or_404(actor, Panel, pk=panel_id)
    panel = _lock(panel_id)
    missing = vacancies(panel)
    if not missing:
        raise RuleViolation("专家组人数已满，无需补抽。")
    return _draw(panel, count=missing, actor=actor, reason=f"补抽：专家组缺额{missing}名")


def _replace(assignment: Assignment, *, actor: User, why: str) -> Draw | None:
    """Draw a replacement for a seat given up; with nobody left to draw, the seat stays empty and the province
    is told, and the expert's conflict or refusal stands all the same."""
    panel = _lock(assignment.panel_id)
    declare_by = max(assignment.declare_by, timezone.localdate() + timedelta(days=settings.EXPERT_DECLARATION_DAYS))
    try:
        with transaction.atomic():
            return _draw(
                panel,
                count=1,
                actor=actor,
                reason=f"替补：{assignment.expert.name}{why}",
                replaces=assignment,
                declare_by=declare_by,
            )
    except RuleViolation as error:
        events.happened("seat_vacant", actor=actor, panel=panel, assignment=assignment, why=why, error=error)
        return None


def _give_up(*, actor: User, assignment_id, action: str, reason: str, why: str) -> tuple[Assignment, Draw | None]:
    assignment, _ = perform(
        workflow=ASSIGNMENT_WORKFLOW,
        pk=assignment_id,
        action=action,
        actor=actor,
        comment=reason,
        queryset=Assignment.objects.select_related("expert"),
    )
    assignment.ended_reason = reason.strip()
    assignment.save(update_fields=["ended_reason"])
    return assignment, _replace(assignment, actor=actor, why=why)


@transaction.atomic
def declare(*, actor: User, assignment_id) -> Assignment:
    """The expert declares no conflict and promises confidentiality; from now on the case's files open."""
    assignment, _ = perform(workflow=ASSIGNMENT_WORKFLOW, pk=assignment_id, action="declare", actor=actor)
    assignment.declared_at, assignment.declaration = timezone.now(), DECLARATION
    # part of the declaration the timeline records, not an edit of the seat: no history row of its own
    Assignment.objects.filter(pk=assignment.pk).update(
        declared_at=assignment.declared_at, declaration=assignment.declaration
    )
    return assignment


@transaction.atomic
def declare_conflict(*, actor: User, assignment_id, reason: str) -> tuple[Assignment, Draw | None]:
    """The expert declares a conflict: they leave the panel and a replacement is drawn."""
    return _give_up(actor=actor, assignment_id=assignment_id, action="conflict", reason=reason, why="申报利害关系回避")


@transaction.atomic
def refuse(*, actor: User, assignment_id, reason: str) -> tuple[Assignment, Draw | None]:
    """The expert cannot take part: a replacement is drawn."""
    return _give_up(actor=actor, assignment_id=assignment_id, action="refuse", reason=reason, why="不能参加")


@transaction.atomic
def withdraw(*, actor: User, assignment_id, reason: str) -> tuple[Assignment, Draw | None]:
    """The province withdraws an expert (a conflict found late): a replacement is drawn."""
    return _give_up(actor=actor, assignment_id=assignment_id, action="withdraw", reason=reason, why="被撤回")


GIVE_UP = {"conflict": declare_conflict, "refuse": refuse, "withdraw": withdraw}


def may_open_files(user, panel: Panel) -> bool:
    """May this user open the files of the panel's case? The province always; an expert only once they have
    declared on this panel."""
    if access.has_role(user, Role.PROVINCE):
        return True
    if not access.has_role(user, Role.EXPERT):
        return False
    return Assignment.objects.filter(panel=panel, expert__user_id=user.pk, state=AssignmentState.DECLARED).exists()


# -- the pool ------------------------------------------------------------------------------------------


@transaction.atomic
def save_expert(*, actor: User, expert: Expert | None = None, data: dict, username: str = "", password: str = ""):
    """Enter an expert into the pool or change their record (its history is kept); with a user name and a
    password, open the expert's own account, through which they see only their own seats."""
    access.require_capability(actor, "manage_experts")
    expert = expert or Expert()
    for name, value in data.items():
        setattr(expert, name, value.strip() if isinstance(value, str) else value)
    expert.full_clean(exclude=["user"])
    if username:
        if expert.user_id:
            raise RuleViolation("该专家已有登录账号。", field="username")
        if User.objects.filter(username__iexact=username).exists():
            raise RuleViolation("该登录名已被使用。", field="username")
        user = User(
            username=username,
            role=Role.EXPERT,
            full_name=expert.name,
            email=expert.email,
            phone=expert.phone,
        )
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        expert.user = user
    expert.save()
    return expert


@transaction.atomic
def add_tie(
    *, actor: User, expert_id, institution: Institution, kind: str, ended_on: date | None = None, note: str = ""
) -> Tie:
    """Record a relationship the expert declared with an institution; it keeps them off its panels."""
    access.require_capability(actor, "manage_experts")
    expert = access.get_visible_or_404(actor, Expert, pk=expert_id)
    if ended_on is not None and ended_on > timezone.localdate():
        raise RuleViolation("结束日期不能晚于今天；仍在持续的关系不填结束日期。", field="ended_on")
    tie = Tie(expert=expert, institution=institution, kind=kind, ended_on=ended_on, note=note.strip())
    tie.full_clean()
    tie.save()
    return tie


@transaction.atomic
def end_tie(*, actor: User, tie_id, ended_on: date) -> Tie:
    """A declared relationship has ended: it keeps the expert off for EXPERT_TIE_YEARS more."""
    access.require_capability(actor, "manage_experts")
    tie = access.get_visible_or_404(actor, Tie.objects.select_for_update(), pk=tie_id)
    if tie.ended_on is not None:
        raise RuleViolation(f"该关系已于{_day(tie.ended_on)}结束。")
    if ended_on > timezone.localdate():
        raise RuleViolation("结束日期不能晚于今天。", field="ended_on")
    tie.ended_on = ended_on
    tie.save(update_fields=["ended_on"])
    return tie


# -- scored forms --------------------------------------------------------------------------------------


def sheet_rows(panel: Panel) -> list[ScoreRow]:
    """Empty rows for the panel's items: one per Art. 7 condition of a site visit, per Art. 20 item of an
    inspection, as the panel was formed with them."""
    return [
        ScoreRow(position=number, code=str(code), label=label, article=article or "")
        for number, (code, label, article) in enumerate(panel.items, start=1)
    ]


def _sheets_of(assignment: Assignment):
    return ScoreSheet.objects.filter(assignment=assignment)


@transaction.atomic
def save_sheet(
    *,
    actor: User,
    assignment_id,
    scores: dict[str, dict],
    files: list[uploads.CheckedUpload] = (),
    submit: bool = False,
) -> ScoreSheet:
    """Save the expert's draft scored form — `scores` by item code: score, verdict, comment — with any files, and
    with `submit` submit it, which locks it (Art. 26). Only a declared expert scores; a submitted version is not
    changed, a correction is a new version (`correct_sheet`). All of it is saved, or none of it."""
    queryset = Assignment.objects.select_for_update(of=("self",)).select_related("panel", "expert")
    assignment = access.get_visible_or_404(actor, queryset, pk=assignment_id)
    access.require(actor, "score", assignment)
    sheet = _sheets_of(assignment).filter(state=SheetState.DRAFT).first()
    if sheet is None:
        latest = _sheets_of(assignment).order_by("-version").first()
        if latest is not None:
            raise RuleViolation(
                f"评分表第{latest.version}版已提交并锁定，不能修改；如需更正，请提交更正版本。", article=ARTICLE
            )
        sheet = ScoreSheet.objects.create(assignment=assignment, version=1)
        ScoreRow.objects.bulk_create([_on(row, sheet) for row in sheet_rows(assignment.panel)])
    sheet.assignment = assignment
    access.bind(actor, [sheet])
    access.require(actor, "edit", sheet)
    rows = list(sheet.rows.order_by("position"))
    for row in rows:
        given = scores.get(row.code, {})
        row.score, row.verdict = given.get("score"), given.get("verdict") or ""
        row.comment = (given.get("comment") or "").strip()
        try:
            row.full_clean(exclude=["sheet"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise RuleViolation(f"{row.label}：{'；'.join(error.messages)}", article=ARTICLE) from None
    ScoreRow.objects.bulk_update(rows, ["score", "verdict", "comment"])
    for checked in files:
        uploads.store(ScoreDocument(sheet=sheet, uploaded_by=actor), checked)
    sheet.save(update_fields=["updated_at"])
    if submit:
        sheet, _ = perform(
            workflow=SHEET_WORKFLOW,
            pk=sheet.pk,
            action="submit",
            actor=actor,
            queryset=ScoreSheet.objects.select_related("assignment"),
        )
        sheet.submitted_at = timezone.now()
        sheet.save(update_fields=["submitted_at"])
        if sheet.corrects_id:
            perform(
                workflow=SHEET_WORKFLOW,
                pk=sheet.corrects_id,
                action="supersede",
                actor=actor,
                queryset=ScoreSheet.objects.select_related("assignment"),
                comment=f"由第{sheet.version}版更正：{sheet.reason}",
            )
        seats = Assignment.objects.filter(panel=assignment.panel, state=AssignmentState.DECLARED)
        events.happened(
            "sheet_submitted",
            actor=actor,
            sheet=sheet,
            panel=assignment.panel,
            expert=assignment.expert,
            declared=seats.count(),
            submitted=seats.filter(sheets__state=SheetState.SUBMITTED).distinct().count(),
        )
    return sheet


def _on(row: ScoreRow, sheet: ScoreSheet) -> ScoreRow:
    row.sheet = sheet
    return row


@transaction.atomic
def correct_sheet(*, actor: User, sheet_id, reason: str) -> ScoreSheet:
    """Start a correction of the expert's submitted form: a new draft version with its scores, the submitted one
    kept as it is (and counted) until the correction is submitted (Art. 26)."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("请写明更正的原因。", field="reason")
    queryset = ScoreSheet.objects.select_for_update(of=("self",)).select_related("assignment")
    sheet = access.get_visible_or_404(actor, queryset, pk=sheet_id)
    access.require(actor, "correct", sheet)
    if _sheets_of(sheet.assignment).filter(version__gt=sheet.version).exists():
        raise RuleViolation("已有更正中的版本，请在评分表页面继续填写。")
    correction = ScoreSheet.objects.create(
        assignment=sheet.assignment, version=sheet.version + 1, corrects=sheet, reason=reason
    )
    ScoreRow.objects.bulk_create(
        [
            ScoreRow(
                sheet=correction,
                position=row.position,
                code=row.code,
                label=row.label,
                article=row.article,
                score=row.score,
                verdict=row.verdict,
                comment=row.comment,
            )
            for row in sheet.rows.order_by("position")
        ]
    )
    return correction
