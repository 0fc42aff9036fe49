"""The URL book: every URL of the project, played in the permission matrix's world (tests/access/world.py).

Each entry says how to fill in the URL's arguments, who normally uses it (`actor`), the POST data with which
that user's POST succeeds (`data`, None when the URL never writes), and, for URLs that take an object id, which
other parties must not reach that object (`outsiders`). `kwargs_for` gives an outsider its own object to try
where the world's object is in fact theirs (an inspector's unit is assigned the world's inspections);
`variants` are other arguments under which the same URL answers differently (a draft instead of a submitted
application, a closed notice instead of an open one).

The permission matrix (tests/access/test_permission_matrix.py, its expected statuses keyed on these entries)
and the security tests (IDOR, CSRF, headers, uploads, stored XSS, SQL injection) all read this one table;
`missing_urls()` lists URLs it lacks, so a new URL fails those tests until it has an entry here (and a row
in the matrix).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import Role
from applications.models import Condition
from bases.services import candidates, change_draft, notice_draft, recognition_list_draft
from bases.services.publishing import digest_of
from supervision import services as supervision_services
from supervision.models import CancellationRequest, Item
from tests import factories
from tests.helpers import adjustment_post, fraud_digest, merger_post, revocation_digest

# Who may try: the other organisation's people (the world's records belong to `institution_own` and are routed
# to 福州, `recommender_own`'s unit; the inspector's unit is assigned only some inspections; an expert sees only
# its own seats on panels) ...
OTHER_ORGS = ("institution_other", "recommender_other", "inspector", "expert")
# ... or, for the province's own records, everyone signed in who is not the province.
NOT_PROVINCE = ("institution_own", "institution_other", "recommender_own", "recommender_other", "inspector", "expert")
# ... or, for an expert's seat on a panel (Art. 26), everyone but the province and the expert.
NOT_ON_THE_PANEL = ("institution_own", "institution_other", "recommender_own", "recommender_other", "inspector")
EVERYONE = ("anonymous", *NOT_PROVINCE, "province")
# ... or, for what one person made for themselves (a background export), everyone signed in but its owner.
NOT_THE_OWNER = ("institution_other", "recommender_own", "recommender_other", "province", "inspector", "expert")

ID_ARGUMENTS = {"pk", "batch_pk", "notice_pk", "base_pk", "doc_pk", "uidb64"}
# Django's admin, and the JSON API (api/v1.py): its callers hold a bearer token, not a session, so the matrix's
# signed-in roles, CSRF and the page sweeps do not apply; tests/security/test_api.py sweeps every operation of it
# instead (401 without a token, a session not taken for one, another base's record 404, the headers).
SKIPPED_NAMESPACES = {"admin", "api_v1"}


@dataclass(frozen=True)
class Url:
    name: str
    kwargs: Callable[[Any], dict]
    actor: str  # a role of tests/access/world.py ROLES
    data: Callable[[Any], dict] | None = None  # the actor's successful POST; None: a page that never writes
    outsiders: tuple[str, ...] = ()
    kwargs_for: dict[str, Callable[[Any], dict]] = field(default_factory=dict)
    prepare: Callable[[Any], None] | None = None  # puts the world in the state the actor's POST needs
    no_outsiders_because: str = ""  # why an object URL has no outsiders
    case: str = ""  # tells entries of one URL apart
    variants: dict[str, Callable[[Any], dict]] = field(default_factory=dict)  # case → other arguments

    @property
    def id(self) -> str:
        return f"{self.name}[{self.case}]" if self.case else self.name

    def url_kwargs(self, w, role=None) -> dict:
        return (self.kwargs_for.get(role) or self.kwargs)(w)

    def cases(self) -> list[tuple[str, Callable[[Any], dict]]]:
        """(id, arguments) of the entry itself and of each of its variants: what the permission matrix plays."""
        return [(self.id, self.kwargs), *((f"{self.id}[{case}]", kwargs) for case, kwargs in self.variants.items())]


def enrol_two_factor(user):
    from django_otp.oath import totp

    from accounts import services

    key = services.new_totp_key()
    services.enable_two_factor(user=user, key=key, code=f"{totp(bytes.fromhex(key)):06d}")


def none(w):
    return {}


def class_data(**values):
    """A valid class (Art. 13) as its form posts it."""
    return {
        "title": "工程技术专业科目培训班",
        "service_form": "public_or_professional",
        "field": "工程技术",
        "starts_on": today().replace(month=3, day=2).isoformat(),
        "ends_on": today().replace(month=3, day=4).isoformat(),
        "hours": "24",
        "mode": "offline",
        "venue": "福州市鼓楼区培训楼",
        "is_public_benefit": "1",
        "planned_trainees": "50",
        **values,
    }


def participant_data(**values):
    """A valid participant as its form posts it (a person not yet in the world's class)."""
    return {
        "name": "陈学员",
        "id_number": factories.id_number(901),
        "employer": "福州某设计院",
        "region": "",
        "from_priority_area": "0",
        "hours_attended": "20",
        "result": "passed",
        **values,
    }


def management(prefix, total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def today():
    return timezone.localdate()


def results_digest(w) -> str:
    """The confirmation of the preview of the world's inspection result."""
    inspection = type(w.inspection).objects.select_related("base").get(pk=w.inspection.pk)
    return digest_of(supervision_services.results_drafts([inspection]))


def notice_digest(w) -> str:
    """The confirmation of the world's notice preview: the digest of the text the province saw."""
    apps = list(candidates(w.batch).filter(pk=w.visit_app.pk))
    return notice_draft(batch=w.batch, applications=apps, starts_on=today()).digest


def record_findings(w):
    return {
        "inspected_on": today().isoformat(),
        "result": "pass",
        "summary": "各项符合要求",
        "expected_state": "scheduled",
        **{f"verdict_{item}": "meets" for item in Item.values},
    }


def accepted_change(w):
    """A base may file one change at a time: settle the world's pending one first."""
    w.change.__class__.objects.filter(pk=w.change.pk).update(state="accepted")


def refused_cancellation(w):
    CancellationRequest.objects.filter(pk=w.cancellation.pk).update(state="refused")


def inspection_overdue(w):
    """The world's base is past its periodic inspection (Art. 20): a duty it fails, so it may be reminded."""
    from bases.models import Base

    Base.objects.filter(pk=w.base.pk).update(next_inspection_due=today() - timezone.timedelta(days=1))


def sheet_data(w, submit=False) -> dict:
    """The world's expert's scored form for its site visit: every item scored (Art. 26)."""
    data = management("row", 2) | {"row-INITIAL_FORMS": "2"}
    for i in range(2):
        data |= {f"row-{i}-score": "7", f"row-{i}-verdict": "partly", f"row-{i}-comment": "复核后意见"}
    data["submit" if submit else "save"] = "1"
    return data


def submitted_correction(w):
    """The world's expert submits its correction, so that version may be corrected in turn."""
    from experts import services as experts

    scores = {code: {"score": 7, "verdict": "partly"} for code in ("legal", "venue")}
    experts.save_sheet(actor=w.users["expert"], assignment_id=w.sheet_seat.pk, scores=scores, submit=True)


def suspended_base(w):
    """The world's base is suspended (Art. 23 second list (2)), so its work may be resumed."""
    from bases import services as bases

    bases.suspend(actor=w.users["province"], base_id=w.base.pk, started_on=today(), cause="建设单位改制")


def expert_data(w, **changes):
    return {
        "name": "新专家",
        "employer": "福建农林大学",
        "employer_institution": "",
        "region": factories.region("350100").pk,
        "title": "研究员",
        "fields": "农业、工程技术",
        "phone": "0591-83789000",
        "email": "new-expert@example.cn",
        "active": "on",
        "username": "",
        "password": "",
        **changes,
    }


def vacant_seat(w):
    """A seat nobody was left to fill: the spare expert paused while the third seat is withdrawn, then back."""
    from experts import services as experts
    from experts.models import Expert

    Expert.objects.filter(pk=w.spare_expert.pk).update(active=False)
    experts.withdraw(actor=w.users["province"], assignment_id=w.third_seat.pk, reason="经核查存在利害关系")
    Expert.objects.filter(pk=w.spare_expert.pk).update(active=True)


def heard_revocation(w):
    """The base's institution was notified of the intended revocation and heard (SPEC 2.10): the POST decides."""
    from applications import hearings
    from applications.models import HearingKind

    if hearings.pending(w.base, HearingKind.REVOCATION) is None:
        factories.heard(w.base, HearingKind.REVOCATION)


URLS = [
    # -- the shell and accounts ------------------------------------------------------------------------
    Url("home", none, "anonymous"),
    Url("healthz", none, "anonymous"),
    Url("livez", none, "anonymous"),
    Url("readyz", none, "anonymous"),
    Url("robots", none, "anonymous"),
    Url("sitemap", none, "anonymous"),
    Url("inbox", none, "institution_own"),
    Url(
        "inbox_open",
        lambda w: {"pk": w.note.pk},
        "institution_own",
        lambda w: {},
        no_outsiders_because="another user's message id answers like a missing one (a redirect to one's own "
        "inbox): test_opening_another_users_inbox_message_answers_like_a_missing_one_and_leaves_it_unread",
    ),
    Url("inbox_read_all", none, "institution_own", lambda w: {}),
    # issue 20: background exports answer only their owner, other province staff included
    Url("export_list", none, "institution_own"),
    Url("export_job", lambda w: {"pk": w.export.pk}, "institution_own", None, NOT_THE_OWNER),
    Url("export_progress", lambda w: {"pk": w.export.pk}, "institution_own", None, NOT_THE_OWNER),
    Url("export_download", lambda w: {"pk": w.export.pk}, "institution_own", None, NOT_THE_OWNER),
    Url("decision_pdf", lambda w: {"pk": w.decision.pk}, "institution_own", None, OTHER_ORGS),
    Url(
        "register",
        none,
        "anonymous",
        lambda w: {
            "account-username": "new-institution",
            "account-full_name": "王新",
            "account-email": "new-institution@example.cn",
            "account-phone": "0591-11112222",
            "account-password1": "Str0ng-Passw0rd!",
            "account-password2": "Str0ng-Passw0rd!",
            "org-name": "新设培训学院",
            "org-credit_code": factories.fujian_credit_code(9_999_001),
            "org-type": "training",
            "org-region": factories.region("350100").pk,
            "org-legal_representative": "王新",
            "org-address": "福州市鼓楼区新路1号",
            "org-contact_person": "王新",
            "org-phone": "0591-11112222",
            "org-email": "org@example.cn",
        },
    ),
    Url(
        "login",
        none,
        "anonymous",
        lambda w: {"username": w.users["institution_own"].username, "password": "Passw0rd-Strong"},
    ),
    Url("logout", none, "institution_own", lambda w: {}),
    Url(
        "password_change",
        none,
        "institution_own",
        lambda w: {
            "old_password": "Passw0rd-Strong",
            "new_password1": "N3w-Passw0rd-Strong",
            "new_password2": "N3w-Passw0rd-Strong",
        },
    ),
    Url("password_change_done", none, "institution_own"),
    Url("password_reset", none, "anonymous", lambda w: {"email": w.users["institution_own"].email}),
    Url("password_reset_done", none, "anonymous"),
    Url(
        "password_reset_confirm",
        lambda w: {"uidb64": "MQ", "token": "bad-token"},
        "anonymous",
        no_outsiders_because="a reset link is protected by its token, not by scope (tests/accounts)",
    ),
    Url("password_reset_complete", none, "anonymous"),
    # two-factor sign-in (tests/accounts/test_two_factor.py walks the steps with real codes)
    Url("two_factor", none, "province"),
    Url("two_factor_verify", none, "anonymous"),
    Url("two_factor_setup", none, "institution_own"),
    Url("two_factor_qr", none, "institution_own"),
    Url(
        "two_factor_backup_codes",
        none,
        "province",
        lambda w: {},
        prepare=lambda w: enrol_two_factor(w.users["province"]),
        no_outsiders_because="it acts on the signed-in user's own codes only",
    ),
    # -- users ----------------------------------------------------------------------------------------------
    Url(
        "users:staff_accounts",
        none,
        "province",
        lambda w: {
            "username": "new-recommender",
            "full_name": "新推荐员",
            "email": "new@example.cn",
            "role": Role.RECOMMENDER,
            "region": factories.region("350300").pk,
            "password": "Str0ng-Passw0rd",
        },
    ),
    Url("users:toggle_account", lambda w: {"pk": w.staff.pk}, "province", lambda w: {}, NOT_PROVINCE),
    Url("users:departments", none, "province", lambda w: {"name": "福建省新设厅", "active": "on"}),
    Url(
        "users:department_edit",
        lambda w: {"pk": w.department.pk},
        "province",
        lambda w: {"name": "福建省改名厅", "active": "on"},
        NOT_PROVINCE,
    ),
    # -- categories (Art. 3): reference data of the whole province, the province's alone -------------------
    Url(
        "users:categories",
        none,
        "province",
        lambda w: {"kind": "fields", "fields-name": "测试新领域", "fields-order": "50"},
    ),
    Url("users:unmapped_words", none, "province"),
    Url(
        "users:category_edit",
        lambda w: {"kind": "fields", "pk": w.field.pk},
        "province",
        lambda w: {"save": "1", "name": "工程技术（测试改名）", "order": "1"},
        NOT_PROVINCE,
    ),
    Url(
        "users:category_retire",
        lambda w: {"kind": "fields", "pk": w.spare_field.pk},
        "province",
        lambda w: {},
        NOT_PROVINCE,
    ),
    Url(
        "users:category_restore",
        lambda w: {"kind": "fields", "pk": w.retired_field.pk},
        "province",
        lambda w: {},
        NOT_PROVINCE,
    ),
    Url("users:alias_remove", lambda w: {"pk": w.alias.pk}, "province", lambda w: {}, NOT_PROVINCE),
    # -- task allocation (Art. 13, 21, 22) -----------------------------------------------------------------
    Url(
        "steering:rounds",
        none,
        "province",
        lambda w: {
            "year": w.allocation_year + 5,
            "w_inspection": 30,
            "w_commendation": 10,
            "w_completion": 20,
            "w_duty": 15,
            "w_field": 15,
            "w_region": 10,
        },
    ),
    Url(
        "steering:round",
        lambda w: {"year": w.allocation_year},
        "province",
        lambda w: {"propose": "1"},
        NOT_PROVINCE,
    ),
    Url("steering:confirm", lambda w: {"year": w.allocation_year}, "province", lambda w: {}, NOT_PROVINCE),
    Url("steering:publish", lambda w: {"year": w.decided_year}, "province", lambda w: {}, NOT_PROVINCE),
    Url("steering:mine", none, "institution_own"),
    Url(
        "steering:apply",
        lambda w: {"pk": w.programme.pk},
        "institution_own",
        lambda w: {"base": w.base.pk},
        no_outsiders_because="a year's programmes are open to every base; the base applied for is checked against the user's own",
    ),
    Url(
        "steering:deliver",
        lambda w: {"pk": w.task.pk},
        "institution_own",
        lambda w: {"delivered": "8"},
        ("institution_other", "recommender_own", "recommender_other", "inspector", "expert"),
    ),
    # -- batches, applications, the notice before recognition ------------------------------------------------
    Url("applications:batches", none, "province"),
    Url(
        "applications:batch_new",
        none,
        "province",
        lambda w: {"name": "新批次", "year": "2030", "opens_on": "2030-01-01", "closes_on": "2030-02-01"},
    ),
    Url(
        "applications:batch_edit",
        lambda w: {"pk": w.batch.pk},
        "province",
        lambda w: {
            "name": "改名批次",
            "year": str(w.batch.year),
            "opens_on": w.batch.opens_on.isoformat(),
            "closes_on": w.batch.closes_on.isoformat(),
        },
        NOT_PROVINCE,
    ),
    Url("applications:batch_toggle", lambda w: {"pk": w.batch.pk}, "province", lambda w: {}, NOT_PROVINCE),
    Url(
        "applications:start",
        lambda w: {"batch_pk": w.batch.pk},
        "institution_other",
        lambda w: {},
        ("recommender_own", "recommender_other", "inspector"),
    ),
    Url("applications:mine", none, "institution_own"),
    Url("applications:recommender_queue", none, "recommender_own"),
    Url("applications:province_queue", none, "province"),
    Url("applications:bars", none, "province"),
    Url(
        "applications:calendar", none, "province", lambda w: {"date": "2031-10-01", "kind": "holiday", "name": "国庆节"}
    ),
    Url(
        "recognition:notice_new",
        lambda w: {"batch_pk": w.batch.pk},
        "province",
        lambda w: {
            "applications": [w.visit_app.pk],
            "starts_on": today().isoformat(),
            "working_days": "5",
            "confirm-digest": notice_digest(w),
        },
        NOT_PROVINCE,
    ),
    Url(
        "applications:objection",
        lambda w: {"notice_pk": w.notice.pk},
        "anonymous",
        lambda w: {
            "application": w.noticed_app.pk,
            "name": "张群众",
            "contact": "13900000000",
            "facts": "教学场所不足。",
        },
        no_outsiders_because="anyone may object during a public notice (Art. 8)",
        variants={"closed: gone": lambda w: {"notice_pk": w.closed_notice.pk}},
    ),
    Url(
        "applications:resolve_objection",
        lambda w: {"pk": w.objection.pk},
        "province",
        lambda w: {f"objection-{w.objection.pk}-resolution": "经核实，异议不成立。"},
        NOT_PROVINCE,
    ),
    Url("applications:objection_evidence", lambda w: {"pk": w.objection.pk}, "province", None, NOT_PROVINCE),
    Url(
        "applications:detail",
        lambda w: {"pk": w.app.pk},  # submitted
        "institution_own",
        None,
        OTHER_ORGS,
        variants={"draft": lambda w: {"pk": w.draft.pk}, "site visit": lambda w: {"pk": w.visit_app.pk}},
    ),
    Url(
        "applications:print",
        lambda w: {"pk": w.app.pk},
        "institution_own",
        None,
        OTHER_ORGS,
    ),
    Url(
        "applications:receipt",
        lambda w: {"pk": w.app.pk},  # submitted: it has its acceptance number
        "institution_own",
        None,
        OTHER_ORGS,
        variants={"draft: no receipt yet": lambda w: {"pk": w.draft.pk}},
    ),
    Url(
        "applications:edit",
        lambda w: {"pk": w.draft.pk},
        "institution_own",
        lambda w: {
            "training_fields": [factories.field("卫生健康").pk],
            "recommender_kind": "region",
            **management("people"),
        },
        OTHER_ORGS,
        variants={"submitted: not editable": lambda w: {"pk": w.app.pk}},
    ),
    Url(
        "applications:upload",
        lambda w: {"pk": w.visit_app.pk},
        "province",
        lambda w: {"condition": Condition.SITE_VISIT, "file": factories.pdf_file("考察记录.pdf")},
        NOT_PROVINCE,
    ),
    Url(
        "applications:download",
        lambda w: {"pk": w.app.pk, "doc_pk": w.document.pk},  # of a submitted application
        "institution_own",
        None,
        OTHER_ORGS,
        variants={
            "draft": lambda w: {"pk": w.draft.pk, "doc_pk": w.draft_document.pk},
            "document of another application": lambda w: {"pk": w.draft.pk, "doc_pk": w.document.pk},
        },
    ),
    Url(
        "applications:act",
        lambda w: {"pk": w.app.pk, "action": "recommend"},
        "recommender_own",
        lambda w: {"recommend-comment": "同意推荐", "recommend-expected_state": "submitted"},
        OTHER_ORGS,
        case="recommend",
    ),
    Url(
        "applications:act",
        lambda w: {"pk": w.app.pk, "action": "withdraw"},
        "institution_own",
        lambda w: {"withdraw-comment": "", "withdraw-expected_state": "submitted"},
        OTHER_ORGS,
        case="withdraw",
    ),
    Url(
        "applications:schedule_visit",
        lambda w: {"pk": w.review_app.pk},
        "province",
        lambda w: {
            "schedule_visit-scheduled_on": today().isoformat(),
            "schedule_visit-team": "张三、李四",
            "schedule_visit-expected_state": "under_review",
        },
        NOT_PROVINCE,
    ),
    Url(
        "applications:record_visit",
        lambda w: {"pk": w.visit_app.pk},
        "province",
        lambda w: {"findings-findings": "复核一致"},
        NOT_PROVINCE,
    ),
    Url(
        "applications:visit_panel",
        lambda w: {"pk": w.noticed_app.pk},  # at the site visit, no panel drawn yet
        "province",
        lambda w: {"panel-fields": "工程技术", "panel-size": "2"},
        NOT_PROVINCE,
    ),
    Url(
        "recognition:approve",
        lambda w: {"pk": w.visit_app.pk},
        "province",
        lambda w: {"approve-recognised_on": today().isoformat(), "approve-expected_state": "site_visit"},
        NOT_PROVINCE,
    ),
    Url(
        "applications:reject",
        lambda w: {"pk": w.review_app.pk},
        "province",
        lambda w: {"reject-comment": "条件不符", "reject-expected_state": "under_review"},
        NOT_PROVINCE,
    ),
    # -- bases ----------------------------------------------------------------------------------------------
    Url("bases:mine", none, "institution_own"),
    Url("bases:recommended", none, "recommender_own"),
    Url("bases:province_list", none, "province"),
    Url("bases:detail", lambda w: {"pk": w.base.pk}, "institution_own", None, OTHER_ORGS),
    Url("bases:plaque", lambda w: {"pk": w.base.pk}, "institution_own", None, OTHER_ORGS),
    Url(
        "bases:suspend",
        lambda w: {"pk": w.base.pk},
        "province",
        lambda w: {"started_on": today().isoformat(), "cause": "建设单位改制，培训暂停"},
        NOT_PROVINCE,
    ),
    # Art. 4: the province adjusts the base, or merges it into another live base, by decision
    Url("bases:adjust", lambda w: {"pk": w.base.pk}, "province", lambda w: adjustment_post(w.base), NOT_PROVINCE),
    Url(
        "bases:merge",
        lambda w: {"pk": w.base.pk},
        "province",
        lambda w: merger_post(w.base, w.unpublished_base),
        NOT_PROVINCE,
    ),
    Url(
        "bases:resume",
        lambda w: {"pk": w.base.pk},
        "province",
        lambda w: {"resumed_on": today().isoformat(), "evidence": "新的建设单位已批准"},
        NOT_PROVINCE,
        prepare=suspended_base,
    ),
    Url(
        "bases:fee_disclosure",
        lambda w: {"pk": w.base.pk},
        "institution_own",
        lambda w: {"scope": "公需科目", "content": "工程技术", "fee_items": "公需科目培训 每人每学时 20元"},
        OTHER_ORGS,
    ),
    Url(
        "bases:change_new",
        lambda w: {"pk": w.base.pk},
        "institution_own",
        lambda w: {
            "name": "本方培训学院（更名）",
            "contact_person": w.base.contact_person,
            "phone": w.base.phone,
            "email": w.base.email,
            "address": w.base.address,
            "website": "",
            "reason": "更名",
            "evidence": factories.pdf_file("更名核准.pdf"),
        },
        OTHER_ORGS,
        prepare=accepted_change,
    ),
    Url("bases:change_list", none, "institution_own"),
    Url(
        "bases:change_detail",
        lambda w: {"pk": w.change.pk},
        "province",
        lambda w: {"accept": "1", "comment": "", "confirm-digest": change_draft(w.change).digest},
        OTHER_ORGS,
    ),
    Url("bases:change_evidence", lambda w: {"pk": w.change.pk}, "institution_own", None, OTHER_ORGS),
    # The faculty pool (Art. 16): the base keeps it; the province and the recommending unit read it.
    Url("bases:my_faculty", none, "institution_own"),
    Url("bases:faculty", lambda w: {"pk": w.base.pk}, "institution_own", None, OTHER_ORGS),
    Url(
        "bases:teacher_new",
        lambda w: {"pk": w.base.pk},
        "institution_own",
        lambda w: {
            "name": "李老师",
            "degree": "master",
            "title": "副教授",
            "fields": "工程技术",
            "full_time": "0",
            "employer": "福州大学",
            "courses": "工程伦理",
            "active_from": today().isoformat(),
        },
        OTHER_ORGS,
    ),
    Url("bases:faculty_template", lambda w: {"pk": w.base.pk}, "institution_own", None, OTHER_ORGS),
    Url(
        "bases:faculty_import",
        lambda w: {"pk": w.base.pk},
        "institution_own",
        lambda w: {
            "file": factories.faculty_xlsx([["陈老师", "大学本科", "讲师", "会计", "兼职", "福建师范大学", "", ""]])
        },
        OTHER_ORGS,
    ),
    Url(
        "bases:teacher",
        lambda w: {"pk": w.teacher.pk},
        "institution_own",
        lambda w: {
            "name": w.teacher.name,
            "degree": "doctor",
            "title": "教授",
            "fields": w.teacher.fields,
            "full_time": "1",
            "employer": w.teacher.employer,
            "courses": w.teacher.courses,
            "active_from": w.teacher.active_from.isoformat(),
        },
        OTHER_ORGS,
    ),
    Url(
        "bases:teacher_end",
        lambda w: {"pk": w.teacher.pk},
        "institution_own",
        lambda w: {"active_to": today().isoformat()},
        OTHER_ORGS,
    ),
    # Training records (issue 17): the base keeps its classes and participants; the province and the
    # recommending unit read them; only the base and the province reveal an ID number, with a reason.
    Url("training:all_classes", none, "province"),
    Url("training:base_classes", lambda w: {"pk": w.base.pk}, "institution_own", None, OTHER_ORGS),
    Url("training:class_new", lambda w: {"pk": w.base.pk}, "institution_own", lambda w: class_data(), OTHER_ORGS),
    Url("training:class_detail", lambda w: {"pk": w.training_class.pk}, "institution_own", None, OTHER_ORGS),
    Url(
        "training:class_edit",
        lambda w: {"pk": w.training_class.pk},
        "institution_own",
        lambda w: class_data(title="本方工程技术培训班（更正）"),
        OTHER_ORGS,
    ),
    Url("training:class_delete", lambda w: {"pk": w.empty_class.pk}, "institution_own", lambda w: {}, OTHER_ORGS),
    Url(
        "training:participant_new",
        lambda w: {"pk": w.training_class.pk},
        "institution_own",
        lambda w: participant_data(),
        OTHER_ORGS,
    ),
    Url(
        "training:participant",
        lambda w: {"pk": w.participant.pk},
        "institution_own",
        lambda w: participant_data(name="林学员", id_number=""),
        OTHER_ORGS,
    ),
    Url("training:participant_remove", lambda w: {"pk": w.participant.pk}, "institution_own", lambda w: {}, OTHER_ORGS),
    Url(
        "training:reveal_id",
        lambda w: {"pk": w.participant.pk},
        "institution_own",
        lambda w: {"reason": "核对结业证书"},
        OTHER_ORGS,
    ),
    # Importing the training sheet (issue 17, point 2): the base's own; the province reads the report.
    Url(
        "training:import",
        lambda w: {"pk": w.base.pk},
        "institution_own",
        lambda w: {"file": factories.training_xlsx([factories.training_row(601)]), "mode": "all_or_nothing"},
        OTHER_ORGS,
    ),
    Url("training:import_template", lambda w: {"pk": w.base.pk}, "institution_own", None, OTHER_ORGS),
    Url("training:import_detail", lambda w: {"pk": w.training_import.pk}, "institution_own", None, OTHER_ORGS),
    Url("training:import_progress", lambda w: {"pk": w.training_import.pk}, "institution_own", None, OTHER_ORGS),
    Url("training:import_rejected", lambda w: {"pk": w.training_import.pk}, "institution_own", None, OTHER_ORGS),
    # Learning records (Art. 28): the province alone looks a trainee up by ID number (posted, logged) and
    # exports the hours of a year; the base and the province print a class's attendance sheet (Art. 18).
    Url(
        "training:learning_record",
        none,
        "province",
        lambda w: {"id_number": factories.id_number(281), "reason": "核对继续教育证书学时"},
    ),
    Url(
        "training:learning_hours",
        none,
        "province",
        lambda w: {"year": str(w.training_class.starts_on.year), "full_numbers": "1", "reason": "制发继续教育证书"},
    ),
    Url("training:class_sheet_pdf", lambda w: {"pk": w.training_class.pk}, "institution_own", None, OTHER_ORGS),
    # API tokens (the versioned API, step 1): a base's institution keeps its bases' tokens, the province its
    # read tokens; the secret is shown once on the answer to the POST.
    Url("api:tokens", none, "institution_own"),
    Url("api:token_new", none, "institution_own", lambda w: {"base": w.base.pk, "name": "学时对接系统"}),
    Url(
        "api:token_revoke",
        lambda w: {"pk": w.api_token.pk},
        "institution_own",
        lambda w: {},
        OTHER_ORGS,
        variants={"province": lambda w: {"pk": w.province_token.pk}},
    ),
    # The courseware review log (Art. 18).
    Url("bases:my_courseware", none, "institution_own"),
    Url("bases:courseware", lambda w: {"pk": w.base.pk}, "institution_own", None, OTHER_ORGS),
    Url(
        "bases:course_new",
        lambda w: {"pk": w.base.pk},
        "institution_own",
        lambda w: {
            "title": "专业技术人员职业道德",
            "field": "公需科目",
            "kind": "course",
            "updated_on": today().isoformat(),
        },
        OTHER_ORGS,
    ),
    Url(
        "bases:review_new",
        lambda w: {"pk": w.course.pk},
        "institution_own",
        lambda w: {
            "reviewer": "课程审核小组",
            "reviewed_on": today().isoformat(),
            "result": "amended",
            "notes": "第三章案例已替换",
            "file": factories.pdf_file("审核意见.pdf"),
        },
        OTHER_ORGS,
    ),
    Url("bases:review_file", lambda w: {"pk": w.review.pk}, "institution_own", None, OTHER_ORGS),
    Url(
        "bases:publish_batch",
        lambda w: {"batch_pk": w.batch.pk},
        "province",
        lambda w: {"confirm-digest": recognition_list_draft(w.batch).digest},
        NOT_PROVINCE,
    ),
    Url("bases:filings", none, "institution_own"),
    Url("bases:filing_queue", none, "province"),
    Url("bases:filing_overview", none, "province"),
    Url("bases:filing_tolerance", none, "province", lambda w: {"tolerance_percent": 15}),
    Url(
        "bases:filing_start",
        lambda w: {"base_pk": w.base.pk, "year": today().year},
        "institution_own",
        lambda w: {},
        OTHER_ORGS,
    ),
    Url("bases:filing_detail", lambda w: {"pk": w.filing.pk}, "institution_own", None, OTHER_ORGS),
    Url(
        "bases:filing_edit",
        lambda w: {"pk": w.filing_draft.pk},
        "institution_own",
        lambda w: {"plan_execution": "按计划完成", "trained_total": "1200", **management("programmes")},
        OTHER_ORGS,
    ),
    Url(
        "bases:filing_act",
        lambda w: {"pk": w.filing.pk, "action": "accept"},
        "province",
        lambda w: {"comment": "", "expected_state": "submitted"},
        NOT_PROVINCE,
    ),
    # -- the public side ----------------------------------------------------------------------------------------
    Url("public:register", none, "anonymous"),
    # A published base is everyone's; one recognised but not yet published is nobody's on the public side.
    Url(
        "public:base",
        lambda w: {"pk": w.base.pk},
        "anonymous",
        None,
        EVERYONE,
        kwargs_for=dict.fromkeys(EVERYONE, lambda w: {"pk": w.unpublished_base.pk}),
        variants={"not yet published": lambda w: {"pk": w.unpublished_base.pk}},
    ),
    Url("public:announcements", none, "anonymous"),
    Url("public:guides", none, "anonymous"),
    Url("public:guide", lambda w: {"slug": "apply"}, "anonymous"),
    Url(
        "public:announcement",
        lambda w: {"pk": w.announcement.pk},
        "anonymous",
        no_outsiders_because="every announcement is public (Art. 9, 21)",
    ),
    # Decisions published of their own accord (主动公开) only; a rectification notice stays with its parties.
    Url(
        "public:decision_pdf",
        lambda w: {"pk": w.public_decision.pk},
        "anonymous",
        no_outsiders_because="the recognition of a published base is public (Art. 9)",
        variants={"not public: a rectification notice": lambda w: {"pk": w.decision.pk}},
    ),
    Url("public:verify", none, "anonymous"),
    Url("public:verify_code", lambda w: {"code": w.base.verification_code}, "anonymous"),
    Url("public:open_data", none, "anonymous"),
    Url("public:open_data_csv", none, "anonymous"),
    Url("public:open_data_json", none, "anonymous"),
    # -- supervision --------------------------------------------------------------------------------------------
    Url("supervision:list", none, "province"),
    Url("supervision:schedule", none, "province"),
    Url(
        "supervision:detail",
        lambda w: {"pk": w.inspection.pk},  # confirmed
        "institution_own",
        None,
        OTHER_ORGS,
        kwargs_for={"inspector": lambda w: {"pk": w.other_inspection.pk}},
        variants={
            "scheduled": lambda w: {"pk": w.assigned_inspection.pk},
            "assigned to another unit": lambda w: {"pk": w.other_inspection.pk},
        },
    ),
    Url(
        "supervision:record",
        lambda w: {"pk": w.assigned_inspection.pk},
        "inspector",
        record_findings,
        OTHER_ORGS,
        kwargs_for={"inspector": lambda w: {"pk": w.other_inspection.pk}},
    ),
    Url(
        "supervision:panel",
        lambda w: {"pk": w.other_inspection.pk},  # scheduled, no panel drawn yet
        "province",
        lambda w: {"panel-fields": "工程技术", "panel-size": "2"},
        NOT_PROVINCE,
    ),
    Url(
        "supervision:act",
        lambda w: {"pk": w.inspection.pk, "action": "publish"},
        "province",
        lambda w: {"comment": "", "expected_state": "confirmed", "confirm-digest": results_digest(w)},
        NOT_PROVINCE,
    ),
    Url(
        "supervision:document",
        lambda w: {"pk": w.inspection_document.pk},
        "institution_own",
        None,
        OTHER_ORGS,
        kwargs_for={"inspector": lambda w: {"pk": w.other_inspection_document.pk}},
    ),
    Url("supervision:draws", none, "province"),
    Url("supervision:draw_new", none, "province"),
    Url("supervision:draw", lambda w: {"pk": w.draw.pk}, "province", None, NOT_PROVINCE),
    Url(
        "supervision:draw_publish",
        lambda w: {"pk": w.draw.pk},
        "province",
        lambda w: {"confirm-digest": digest_of(supervision_services.draw_drafts(w.draw))},
        NOT_PROVINCE,
    ),
    # the three-year inspection plan (Art. 20): the province's alone
    Url("supervision:plans", none, "province"),
    Url("supervision:plan_new", none, "province", lambda w: {}),
    Url("supervision:plan", lambda w: {"pk": w.plan.pk}, "province", None, NOT_PROVINCE),
    Url("supervision:plan_unplaced", lambda w: {"pk": w.plan.pk}, "province", None, NOT_PROVINCE),
    Url(
        "supervision:plan_move",
        lambda w: {"pk": w.plan_entry.pk},
        "province",
        lambda w: {"month": w.plan.starts_on.isoformat(), "unit": w.plan_unit.pk, "expected_state": "draft"},
        NOT_PROVINCE,
    ),
    Url(
        "supervision:plan_accept",
        lambda w: {"pk": w.plan.pk},
        "province",
        lambda w: {"expected_state": "draft"},
        NOT_PROVINCE,
    ),
    Url("supervision:capacities", none, "province", lambda w: {"unit": w.plan_unit.pk, "per_month": "7"}),
    Url("supervision:rectifications", none, "province"),
    Url(
        "supervision:rectification_new",
        lambda w: {"base_pk": w.base.pk},
        "province",
        lambda w: {
            "ground": "noncompliance",
            "findings": "培训档案不全",
            "deadline": (today() + timezone.timedelta(days=30)).isoformat(),
        },
        NOT_PROVINCE,
    ),
    Url("supervision:rectification", lambda w: {"pk": w.rectification.pk}, "institution_own", None, OTHER_ORGS),
    Url(
        "supervision:rectification_report",
        lambda w: {"pk": w.rectification.pk},
        "institution_own",
        lambda w: {"report": "已补齐培训档案", "expected_state": "open"},
        OTHER_ORGS,
    ),
    Url(
        "supervision:rectification_verify",
        lambda w: {"pk": w.reported_rectification.pk, "action": "pass"},
        "province",
        lambda w: {"comment": "核验通过", "expected_state": "reported"},
        NOT_PROVINCE,
    ),
    Url(
        "supervision:revoke",
        lambda w: {"base_pk": w.base.pk},
        "province",
        lambda w: {
            "ground": "public_opinion",
            "reason": "授课内容引发重大舆情",
            "effective_on": today().isoformat(),
            "decision_number": "闽人社文〔2030〕1号",
            "document": factories.pdf_file("决定.pdf"),
            "digest": revocation_digest(
                w.base, ground="public_opinion", reason="授课内容引发重大舆情", effective_on=today()
            ),
        },
        NOT_PROVINCE,
        prepare=heard_revocation,
    ),
    Url("supervision:obligations", none, "province"),
    Url(
        "supervision:obligations_remind",
        none,
        "province",
        lambda w: {"duty": "inspection"},
        prepare=inspection_overdue,
    ),
    Url(
        "supervision:obligation_remind",
        lambda w: {"base_pk": w.base.pk},
        "province",
        lambda w: {"duty": "inspection"},
        NOT_PROVINCE,
        prepare=inspection_overdue,
    ),
    Url("supervision:cancellations", none, "province"),
    Url(
        "supervision:cancellation_new",
        lambda w: {"base_pk": w.base.pk},
        "institution_own",
        lambda w: {"reason": "机构已停止培训业务"},
        OTHER_ORGS,
        prepare=refused_cancellation,
    ),
    Url(
        "supervision:cancellation",
        lambda w: {"pk": w.cancellation.pk},
        "province",
        lambda w: {"decision": "不同意，基地运行正常"},
        OTHER_ORGS,
    ),
    # -- hearings, appeals and fraud (SPEC 2.10, Art. 24) ---------------------------------------------------
    Url("applications:hearings", none, "institution_own"),
    Url(
        "applications:hearing",
        lambda w: {"pk": w.hearing.pk},
        "province",
        lambda w: {"action": "drop", "drop-reason": "经核实，不再认定。"},
        ("institution_other", "recommender_own", "recommender_other", "inspector"),
    ),
    Url(
        "applications:hearing_document",
        lambda w: {"pk": w.hearing.pk, "doc_pk": w.hearing_document.pk},
        "institution_own",
        None,
        ("institution_other", "recommender_own", "recommender_other", "inspector"),
    ),
    Url("applications:appeals", none, "province"),
    Url(
        "applications:appeal_new",
        lambda w: {"decision_pk": w.appealable_decision.pk},
        "province",
        lambda w: {"kind": "reconsideration", "authority": "福建省人民政府", "filed_on": today().isoformat()},
        NOT_PROVINCE,
    ),
    Url(
        "applications:appeal",
        lambda w: {"pk": w.appeal.pk},
        "province",
        lambda w: {"outcome": "upheld", "outcome_on": today().isoformat(), "note": "维持原决定"},
        ("institution_other", "recommender_own", "recommender_other", "inspector"),
    ),
    Url(
        "supervision:fraud",
        lambda w: {"pk": w.app.pk},
        "province",
        lambda w: {
            "fraud-facts": "伪造培训人数证明",
            "fraud-response": "申辩理由不成立",
            "fraud-digest": fraud_digest(
                w.app, facts="伪造培训人数证明"
            ),  # the institution was heard: the POST decides
        },
        NOT_PROVINCE,
    ),
    Url(
        "supervision:fraud_report_new",
        lambda w: {"pk": w.app.pk},
        "recommender_own",
        lambda w: {"fraud_report-facts": "涉嫌伪造培训人数证明"},
        OTHER_ORGS,
    ),
    Url("supervision:fraud_reports", none, "province"),
    Url(
        "supervision:fraud_report",
        lambda w: {"pk": w.fraud_report.pk},
        "province",
        lambda w: {"note": "线索不实"},
        ("institution_own", "institution_other", "recommender_other", "inspector"),
    ),
    # -- experts (Art. 26) ------------------------------------------------------------------------------------
    Url("experts:list", none, "province"),
    Url("experts:workload", none, "province"),
    Url("experts:new", none, "province", lambda w: expert_data(w)),
    Url("experts:detail", lambda w: {"pk": w.expert.pk}, "province", None, NOT_PROVINCE),
    Url(
        "experts:edit",
        lambda w: {"pk": w.third_expert.pk},  # no account yet: the page may open one
        "province",
        lambda w: expert_data(w, name="何专家", username="he_expert", password="Str0ng-Passw0rd!"),
        NOT_PROVINCE,
    ),
    Url(
        "experts:tie_new",
        lambda w: {"pk": w.third_expert.pk},
        "province",
        lambda w: {"tie-institution": w.base.institution_id, "tie-kind": "teaching", "tie-note": "曾授课"},
        NOT_PROVINCE,
    ),
    Url(
        "experts:tie_end",
        lambda w: {"pk": w.tie.pk},
        "province",
        lambda w: {"ended_on": today().isoformat()},
        NOT_PROVINCE,
    ),
    Url("experts:panels", none, "province"),
    Url("experts:panel", lambda w: {"pk": w.panel.pk}, "province", None, NOT_PROVINCE),
    Url(
        "experts:panel_fill", lambda w: {"pk": w.panel.pk}, "province", lambda w: {}, NOT_PROVINCE, prepare=vacant_seat
    ),
    Url("experts:assignments", none, "expert"),
    Url(
        "experts:assignment",
        lambda w: {"pk": w.seat.pk},
        "expert",
        None,
        NOT_ON_THE_PANEL,
        variants={"another expert's seat": lambda w: {"pk": w.other_seat.pk}},
    ),
    Url(
        "experts:assignment_act",
        lambda w: {"pk": w.seat.pk, "action": "declare"},
        "expert",
        lambda w: {"confirm": "on"},
        NOT_ON_THE_PANEL,
        case="declare",
        variants={"another expert's seat": lambda w: {"pk": w.other_seat.pk, "action": "declare"}},
    ),
    Url(
        "experts:assignment_act",
        lambda w: {"pk": w.seat.pk, "action": "conflict"},
        "expert",
        lambda w: {"reason": "曾为该机构授课"},
        NOT_ON_THE_PANEL,
        case="conflict",
    ),
    Url(
        "experts:assignment_act",
        lambda w: {"pk": w.seat.pk, "action": "refuse"},
        "expert",
        lambda w: {"reason": "评审期间出差"},
        NOT_ON_THE_PANEL,
        case="refuse",
    ),
    Url(
        "experts:assignment_act",
        lambda w: {"pk": w.seat.pk, "action": "withdraw"},
        "province",
        lambda w: {"reason": "经核查存在利害关系"},
        NOT_PROVINCE,
        case="withdraw",
    ),
    # the scored forms (Art. 26): the world's expert drafts a correction of its site-visit form
    Url(
        "experts:sheet_edit",
        lambda w: {"pk": w.sheet_seat.pk},
        "expert",
        lambda w: sheet_data(w),
        NOT_ON_THE_PANEL,
        variants={
            "another expert's seat": lambda w: {"pk": w.other_sheet_seat.pk},
            "a seat not yet declared": lambda w: {"pk": w.seat.pk},
        },
    ),
    Url(
        "experts:sheet",
        lambda w: {"pk": w.own_sheet.pk},
        "expert",
        None,
        NOT_ON_THE_PANEL,
        variants={"another expert's sheet": lambda w: {"pk": w.other_sheet.pk}},
    ),
    Url(
        "experts:sheet_correct",
        lambda w: {"pk": w.own_draft.pk},
        "expert",
        lambda w: {"reason": "再次复核后更正"},
        NOT_ON_THE_PANEL,
        prepare=submitted_correction,
        variants={"another expert's sheet": lambda w: {"pk": w.other_sheet.pk}},
    ),
    Url(
        "experts:sheet_document",
        lambda w: {"pk": w.own_sheet.pk, "doc_pk": w.own_sheet_document.pk},
        "expert",
        None,
        NOT_ON_THE_PANEL,
        variants={
            "another expert's file": lambda w: {"pk": w.other_sheet.pk, "doc_pk": w.other_sheet_document.pk},
            "a file of another sheet": lambda w: {"pk": w.own_sheet.pk, "doc_pk": w.other_sheet_document.pk},
        },
    ),
    # -- reports ------------------------------------------------------------------------------------------------
    Url("reports:dashboard", none, "province"),
    Url("reports:chart", lambda w: {"name": "region"}, "province"),
    Url("reports:year_summary", none, "province"),
]


def project_patterns(resolver=None, prefix="") -> list[tuple[str, set[str]]]:
    """(namespaced name, argument names) of every URL pattern of the project outside the Django admin."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            found += project_patterns(entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
        elif isinstance(entry, URLPattern):
            name = f"{prefix}{entry.name}" if entry.name else f"<unnamed: {prefix}{entry.pattern}>"
            found.append((name, set(entry.pattern.converters) | set(getattr(entry.pattern.regex, "groupindex", {}))))
    return found


def object_url_names() -> set[str]:
    """The URLs that take the id of a record."""
    return {name for name, arguments in project_patterns() if arguments & ID_ARGUMENTS}


def missing_urls() -> list[str]:
    """The project's URLs that have no entry in the book."""
    return sorted({name for name, _ in project_patterns()} - {u.name for u in URLS})


def unknown_urls() -> list[str]:
    """Entries of the book that name no URL of the project (a URL renamed or removed)."""
    return sorted({u.name for u in URLS} - {name for name, _ in project_patterns()})


BY_ID = {u.id: u for u in URLS}
assert len(BY_ID) == len(URLS), "two entries share an id; give them a case"


def object_urls_without_outsiders() -> list[str]:
    """Object URLs whose every entry names nobody who must be kept out, without saying why."""
    by_name: dict[str, list[Url]] = {}
    for u in URLS:
        by_name.setdefault(u.name, []).append(u)
    return sorted(
        name
        for name in object_url_names()
        if name in by_name and not any(u.outsiders or u.no_outsiders_because for u in by_name[name])
    )
