"""OWASP A03 (stored XSS): whatever one party types — an institution's name at registration, the application's
text, comments on every transition, a change filing, an objection, a rectification report, inspection notes,
the fee disclosure, batch notes — reaches every other party's page, the public pages, the inbox and the charts
escaped: the raw payload never appears, its escaped form does.

The payloads go in through the forms a browser would post (the views), not straight into the database, so
whatever a view does with the text on the way is covered too.
"""

import re
from datetime import timedelta

import pytest
from django.forms import CheckboxInput
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Institution, Role
from api.models import ApiToken
from applications import hearings
from applications.forms import ApplicationForm
from applications.models import Appeal, Application, Batch, FraudReport, PublicNotice
from bases.models import Announcement, AnnualFiling, Base, ChangeFiling
from core import decisions
from core.models import DecisionKind, ExportJob
from experts import services as expert_services
from experts.models import Assignment, Expert
from steering.models import Programme
from supervision import services as supervision_services
from supervision.models import CancellationRequest, Inspection, Item, RectificationOrder
from tests import factories
from tests.helpers import adjustment_post, client_as, post_confirmed
from tests.urlbook import URLS

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, ATTRIBUTE)
# What must never reach a page: the tags themselves, however the rest of the payload was treated.
RAW = ("<script>alert(1)", "<img src=x onerror=alert(1)>", "<img src=x")
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")
PASSWORD = "Str0ng-Passw0rd!"

REQUIRED_DOCS = [
    "legal",
    "venue",
    "staff",
    "rule_teaching",
    "rule_assessment",
    "rule_registration",
    "rule_evaluation",
    "rule_logistics",
    "rule_finance",
    "experience",
    "credit",
]


def ok(response, what=""):
    assert response.status_code < 400, f"{what}: {response.status_code}"
    return response


def management(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def application_post(app, **values) -> dict:
    """Everything the edit page posts, with the given values, five managers and one faculty member."""
    form = ApplicationForm(instance=app, institution=app.institution, batch=app.batch)
    data = {}
    for name, field in form.fields.items():
        value = values.get(name, form[name].value())
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    people = [
        {"kind": "manager", "name": f"管理{i}{ATTRIBUTE}"[:50], "degree": "bachelor", "title": SCRIPT} for i in range(5)
    ] + [{"kind": "faculty", "name": f"教师{SCRIPT}", "degree": "master", "specialty": ATTRIBUTE}]
    data.update(management("people", len(people)))
    for i, row in enumerate(people):
        for key in ("kind", "name", "degree", "title", "specialty"):
            data[f"people-{i}-{key}"] = row.get(key, "")
        data[f"people-{i}-full_time"] = "on"
    data["expected_state"] = app.state
    return data


@pytest.fixture
def journey(db, settings):
    """Every party puts the payloads into what it writes, through the pages, along a base's whole life."""
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    today = timezone.localdate()
    fuzhou = factories.region("350100")
    province = factories.UserFactory(role=Role.PROVINCE, full_name=f"省{SCRIPT}"[:50])
    recommender = factories.RecommenderUserFactory(region=fuzhou, full_name=f"推{ATTRIBUTE}"[:50])
    inspector = factories.InspectorUserFactory(inspector_unit__name=f"评估中心{SCRIPT}")
    prov, rec, insp = client_as(province), client_as(recommender), client_as(inspector)

    # The province's own text: a department, a batch with notes, a holiday, a staff account.
    ok(prov.post(reverse("users:departments"), {"name": f"福建省{SCRIPT}厅", "active": "on"}), "department")
    ok(
        prov.post(
            reverse("applications:batch_new"),
            {
                "name": f"批次{ATTRIBUTE}",
                "year": today.year,
                "opens_on": (today - timedelta(days=1)).isoformat(),
                "closes_on": (today + timedelta(days=30)).isoformat(),
                "notes": f"须知{SCRIPT}",
            },
        ),
        "batch",
    )
    batch = Batch.objects.get(name=f"批次{ATTRIBUTE}")
    ok(
        prov.post(
            reverse("applications:calendar"), {"date": f"{today.year + 1}-01-01", "kind": "holiday", "name": SCRIPT}
        ),
        "calendar",
    )

    # An institution registers itself with payloads in its name and profile (Art. 8(3)).
    inst = Client()
    ok(
        inst.post(
            reverse("register"),
            {
                "account-username": "xss-institution",
                "account-full_name": f"王{ATTRIBUTE}"[:50],
                "account-email": "xss@example.cn",
                "account-phone": "0591-11112222",
                "account-password1": PASSWORD,
                "account-password2": PASSWORD,
                "org-name": f"学院{SCRIPT}{ATTRIBUTE}",
                "org-credit_code": factories.fujian_credit_code(7_700_001),
                "org-type": "training",
                "org-region": fuzhou.pk,
                "org-legal_representative": ATTRIBUTE,
                "org-address": f"福州{SCRIPT}",
                "org-contact_person": ATTRIBUTE,
                "org-phone": "0591-11112222",
                "org-email": "org@example.cn",
            },
        ),
        "register",
    )
    institution = Institution.objects.get(credit_code=factories.fujian_credit_code(7_700_001))

    # The application, with every text field carrying a payload and a file name with markup.
    ok(inst.post(reverse("applications:start", args=[batch.pk])), "start")
    app = Application.objects.get(institution=institution)
    texts = {
        "training_fields": [factories.field("工程技术").pk],
        "introduction": SCRIPT,
        "qualification": ATTRIBUTE,
        "office_address": f"福州{SCRIPT}",
        "teaching_capacity": 200,
        "teaching_equipment": SCRIPT,
        "practical_training": ATTRIBUTE,
        "faculty_total": 30,
        "faculty_description": SCRIPT,
        "trained_year_1": 1500,
        "trained_year_2": 1500,
        "trained_year_3": 1500,
        "experience_description": ATTRIBUTE,
        "credit_declaration": True,
        "credit_statement": SCRIPT,
        "is_independent_legal_person": True,
        "is_city_base": False,
        "trains_online": True,
        "platform_name": f"平台{SCRIPT}",
        "platform_url": "https://platform.example.cn/",
        "platform_can_connect": True,
        "contact_person": ATTRIBUTE,
        "contact_phone": "0591-11112222",
        "contact_email": "c@example.cn",
        "recommender_kind": "region",
    }
    files = {
        f"doc_{condition}": factories.pdf_file(f'{condition}"><b>粗体</b>.pdf')
        for condition in [*REQUIRED_DOCS, "platform"]
    }
    response = inst.post(reverse("applications:edit", args=[app.pk]), {**application_post(app, **texts), **files})
    assert response.status_code == 302, "saving the application failed"
    ok(inst.post(reverse("applications:edit", args=[app.pk]), {**application_post(app, **texts), "submit": "1"}))
    app.refresh_from_db()
    assert app.state == "submitted", f"the application was not submitted: {app.state}"

    def act(client, action, comment, **extra):
        app.refresh_from_db()
        data = {f"{action}-comment": comment, f"{action}-expected_state": app.state, **extra}
        return ok(client.post(reverse("applications:act", args=[app.pk, action]), data), action)

    # Comments on every transition, by every party.
    act(rec, "return_recommender", SCRIPT)
    app.refresh_from_db()
    ok(inst.post(reverse("applications:edit", args=[app.pk]), {**application_post(app, **texts), "submit": "1"}))
    act(rec, "recommend", ATTRIBUTE)
    act(prov, "start_review", SCRIPT)
    ok(
        prov.post(
            reverse("applications:schedule_visit", args=[app.pk]),
            {
                "schedule_visit-scheduled_on": today.isoformat(),
                "schedule_visit-team": ATTRIBUTE,
                "schedule_visit-comment": SCRIPT,
                "schedule_visit-expected_state": "under_review",
            },
        ),
        "schedule visit",
    )
    ok(prov.post(reverse("applications:record_visit", args=[app.pk]), {"findings-findings": SCRIPT}), "record visit")
    ok(
        prov.post(
            reverse("applications:upload", args=[app.pk]),
            {"condition": "site_visit", "file": factories.pdf_file(f"考察{ATTRIBUTE}.pdf")},
        ),
        "site visit upload",
    )
    factories.ended_notice(app)
    ok(
        prov.post(
            reverse("recognition:approve", args=[app.pk]),
            {
                "approve-recognised_on": today.isoformat(),
                "approve-comment": ATTRIBUTE,
                "approve-expected_state": "site_visit",
            },
        ),
        "approve",
    )
    base = Base.objects.get(application=app)
    ok(post_confirmed(prov, reverse("bases:publish_batch", args=[batch.pk])), "publish")

    # The base's own public text: fee disclosure and a change filing the province accepts (Art. 29, 31).
    ok(
        inst.post(
            reverse("bases:fee_disclosure", args=[base.pk]),
            {"scope": SCRIPT, "content": ATTRIBUTE, "fee_items": f"公需科目{SCRIPT}"},
        ),
        "fee disclosure",
    )
    ok(
        inst.post(
            reverse("bases:change_new", args=[base.pk]),
            {
                "name": f"新名{SCRIPT}",
                "contact_person": f"联{ATTRIBUTE}"[:50],
                "phone": base.phone,
                "email": base.email,
                "address": f"新址{ATTRIBUTE}",
                "website": "",
                "reason": SCRIPT,
                "evidence": factories.pdf_file(f"证明{SCRIPT}.pdf"),
            },
        ),
        "change filing",
    )
    change = ChangeFiling.objects.get(base=base)
    ok(
        post_confirmed(prov, reverse("bases:change_detail", args=[change.pk]), {"accept": "1", "comment": ATTRIBUTE}),
        "accept",
    )
    # The province adjusts the base (Art. 4): the reason and the before → after reach the public page.
    base.refresh_from_db()
    adjusted = prov.post(
        reverse("bases:adjust", args=[base.pk]), adjustment_post(base, reason=ATTRIBUTE, name_suffix="")
    )
    assert adjusted.status_code == 302, "adjusting the base failed"

    # The base's faculty pool (Art. 16): a teacher typed in, corrected, and one imported from the template.
    teacher_fields = {
        "name": f"师{SCRIPT}"[:50],
        "degree": "master",
        "title": ATTRIBUTE[:50],
        "fields": SCRIPT,
        "full_time": "0",
        "employer": ATTRIBUTE,
        "courses": SCRIPT,
        "active_from": today.isoformat(),
    }
    ok(inst.post(reverse("bases:teacher_new", args=[base.pk]), teacher_fields), "add teacher")
    teacher = base.teachers.get(courses=SCRIPT)
    ok(
        inst.post(reverse("bases:teacher", args=[teacher.pk]), {**teacher_fields, "title": SCRIPT[:50]}),
        "edit teacher",
    )
    ok(
        inst.post(
            reverse("bases:faculty_import", args=[base.pk]),
            {"file": factories.faculty_xlsx([[f"导{ATTRIBUTE}", "大专", SCRIPT, "", "兼职", SCRIPT, ATTRIBUTE, ""]])},
        ),
        "import faculty",
    )
    # Its courseware log (Art. 18): a course and a review with a file.
    ok(
        inst.post(
            reverse("bases:course_new", args=[base.pk]),
            {"title": SCRIPT, "field": ATTRIBUTE, "kind": "course", "updated_on": today.isoformat()},
        ),
        "add course",
    )
    course = base.courses.get()
    ok(
        inst.post(
            reverse("bases:review_new", args=[course.pk]),
            {
                "reviewer": ATTRIBUTE,
                "reviewed_on": today.isoformat(),
                "result": "failed",
                "notes": SCRIPT,
                "file": factories.pdf_file(f"审核{SCRIPT}.pdf"),
            },
        ),
        "review courseware",
    )
    # Its training records (issue 17): a class and a participant typed in, then corrected.
    class_fields = {
        "title": f"班{SCRIPT}",
        "service_form": "commissioned",
        "field": ATTRIBUTE[:100],
        "starts_on": today.isoformat(),
        "ends_on": today.isoformat(),
        "hours": "8",
        "mode": "offline",
        "venue": SCRIPT,
        "is_public_benefit": "1",
        "planned_trainees": "30",
    }
    ok(inst.post(reverse("training:class_new", args=[base.pk]), class_fields), "add class")
    training_class = base.training_classes.get()
    ok(
        inst.post(reverse("training:class_edit", args=[training_class.pk]), {**class_fields, "field": SCRIPT}),
        "edit class",
    )
    participant_fields = {
        "name": f"学{SCRIPT}"[:50],
        "id_number": factories.id_number(77),
        "employer": ATTRIBUTE,
        "from_priority_area": "0",
        "hours_attended": "8",
        "result": "passed",
    }
    ok(inst.post(reverse("training:participant_new", args=[training_class.pk]), participant_fields), "add participant")
    participant = training_class.participants.get()
    ok(
        inst.post(
            reverse("training:participant", args=[participant.pk]),
            {**participant_fields, "id_number": "", "employer": SCRIPT},
        ),
        "edit participant",
    )
    # The reason of a reveal is typed too, and the reveal page lists it.
    assert inst.post(reverse("training:reveal_id", args=[participant.pk]), {"reason": SCRIPT}).status_code == 200
    # An imported sheet: its file name and the cells its problems quote back are the uploader's text.
    marked_class = [SCRIPT[:60], *factories.TRAINING_CLASS_CELLS[1:2], SCRIPT, *factories.TRAINING_CLASS_CELLS[3:]]
    sheet_upload = factories.training_xlsx(
        [factories.training_row(1), factories.training_row(2, klass=marked_class)], name=f"{ATTRIBUTE}.xlsx"
    )
    ok(
        inst.post(reverse("training:import", args=[base.pk]), {"file": sheet_upload, "mode": "valid_rows"}),
        "import the training sheet",
    )
    training_import = base.training_imports.get()
    assert training_import.problems, "the marked service form is a problem that quotes the cell back"

    # An API token's name is typed too: the answer that shows the secret and the token list show it.
    created = inst.post(reverse("api:token_new"), {"base": base.pk, "name": SCRIPT})
    assert created.status_code == 200 and not [raw for raw in RAW if raw in created.content.decode()]
    api_token = ApiToken.objects.get(base=base)

    # An inspection: the province's team, the inspector's notes and summary, confirmed and published.
    ok(
        prov.post(
            reverse("supervision:schedule"),
            {
                "base": base.pk,
                "kind": "periodic",
                "scheduled_on": today.isoformat(),
                "province_team": SCRIPT,
                "inspector_unit": inspector.inspector_unit_id,
            },
        ),
        "schedule inspection",
    )
    inspection = Inspection.objects.get(base=base)
    ok(
        insp.post(
            reverse("supervision:record", args=[inspection.pk]),
            {
                "inspected_on": today.isoformat(),
                "result": "pass",
                "summary": ATTRIBUTE,
                "expected_state": "scheduled",
                **{f"verdict_{item}": "meets" for item in Item.values},
                **{f"notes_{item}": SCRIPT for item in Item.values},
            },
        ),
        "record inspection",
    )
    for action in ("confirm", "publish"):
        inspection.refresh_from_db()
        post = post_confirmed if action == "publish" else lambda c, *a: c.post(*a)
        ok(
            post(
                prov,
                reverse("supervision:act", args=[inspection.pk, action]),
                {"comment": SCRIPT, "expected_state": inspection.state},
            ),
            action,
        )

    # Rectification: the province's findings, the institution's report, the province's verification.
    ok(
        prov.post(
            reverse("supervision:rectification_new", args=[base.pk]),
            {"ground": "noncompliance", "findings": ATTRIBUTE, "deadline": (today + timedelta(days=30)).isoformat()},
        ),
        "order rectification",
    )
    order = RectificationOrder.objects.get(base=base)
    ok(
        inst.post(
            reverse("supervision:rectification_report", args=[order.pk]),
            {"report": SCRIPT, "expected_state": "open", "attachment": factories.pdf_file(f"整改{ATTRIBUTE}.pdf")},
        ),
        "report",
    )
    ok(
        prov.post(
            reverse("supervision:rectification_verify", args=[order.pk, "pass"]),
            {"comment": ATTRIBUTE, "expected_state": "reported"},
        ),
        "verify",
    )

    # The annual report and plan, returned with a comment (Art. 19).
    ok(inst.post(reverse("bases:filing_start", args=[base.pk, today.year])), "filing start")
    filing = AnnualFiling.objects.get(base=base, year=today.year)
    ok(
        inst.post(
            reverse("bases:filing_edit", args=[filing.pk]),
            {
                "plan_execution": SCRIPT,
                "trained_total": "1200",
                "priority_area_trainees": "10",
                "fees_charged": ATTRIBUTE,
                "plan_trainees": "1300",
                "plan_description": SCRIPT,
                **management("programmes", 2),
                "programmes-0-part": "report",
                "programmes-0-form": "public_or_professional",
                "programmes-0-count": "3",
                "programmes-0-trainees": "1200",
                "programmes-1-part": "plan",
                "programmes-1-form": "public_or_professional",
                "programmes-1-count": "3",
                "programmes-1-trainees": "1300",
                "submit": "1",
                "expected_state": "draft",
            },
        ),
        "filing",
    )
    filing.refresh_from_db()
    assert filing.state == "submitted", "the annual filing was not submitted"
    ok(
        prov.post(
            reverse("bases:filing_act", args=[filing.pk, "return"]), {"comment": SCRIPT, "expected_state": "submitted"}
        ),
        "return filing",
    )

    # The recommender asks to cancel the base; the province refuses with reasons (Art. 23).
    ok(rec.post(reverse("supervision:cancellation_new", args=[base.pk]), {"reason": ATTRIBUTE}), "cancellation")
    cancellation = CancellationRequest.objects.get(base=base)
    ok(prov.post(reverse("supervision:cancellation", args=[cancellation.pk]), {"decision": SCRIPT}), "refuse")

    # A second applicant under public notice, and an objection anyone lodges against it (Art. 8).
    other_inst = factories.InstitutionFactory(name=f"异议对象{ATTRIBUTE}", region=fuzhou)
    noticed = factories.ApplicationFactory(complete=True, institution=other_inst, batch=batch, state="site_visit")
    factories.SiteVisitFactory(application=noticed, recorded_by=province, noticed=False)
    ok(
        post_confirmed(
            prov,
            reverse("recognition:notice_new", args=[batch.pk]),
            {"applications": [noticed.pk], "starts_on": today.isoformat(), "working_days": "5"},
        ),
        "notice",
    )
    notice = PublicNotice.objects.filter(batch=batch).latest("id")
    # A notice published on a rest day starts on the next working day; this sweep wants it open today.
    PublicNotice.objects.filter(pk=notice.pk).update(starts_on=today)
    objection = Client().post(
        reverse("applications:objection", args=[notice.pk]),
        {
            "application": noticed.pk,
            "name": f"群众{SCRIPT}",
            "contact": ATTRIBUTE,
            "facts": SCRIPT,
            "evidence": factories.pdf_file(f"证据{ATTRIBUTE}.pdf"),
        },
    )
    assert ok(objection, "objection").status_code == 200 and "受理编号" in objection.content.decode()
    found = noticed.objections.get()
    ok(
        prov.post(
            reverse("applications:resolve_objection", args=[found.pk]),
            {f"objection-{found.pk}-resolution": ATTRIBUTE},
        ),
        "resolve",
    )
    # Fraud (SPEC 2.10, Art. 24): the recommending unit reports it, the province gives notice of the intended
    # finding, the institution states its defence.
    ok(rec.post(reverse("supervision:fraud_report_new", args=[app.pk]), {"fraud_report-facts": SCRIPT}), "report")
    ok(prov.post(reverse("supervision:fraud", args=[app.pk]), {"fraud-facts": SCRIPT}), "fraud notice")
    hearing = hearings.pending(app, "fraud")
    ok(
        inst.post(
            reverse("applications:hearing", args=[hearing.pk]),
            {"action": "answer", "statement-statement": ATTRIBUTE},
        ),
        "statement",
    )
    # An appeal against an adverse decision about the base (the rectification order), recorded by the province.
    adverse = decisions.issue(
        kind=DecisionKind.RECTIFICATION,
        subject=base,
        actor=province,
        title="关于责令限期整改的决定",
        addressee=base.institution.name,
        facts="培训档案不全。",
        basis="第二十三条第一款",
        body="请于30日内完成整改。",
        adverse=True,
    )
    ok(
        prov.post(
            reverse("applications:appeal_new", args=[adverse.pk]),
            {"kind": "reconsideration", "authority": f"复议机关{SCRIPT}", "filed_on": today.isoformat()},
        ),
        "appeal",
    )
    # Every step went through (a form error would have left its text out of the sweep).
    assert Appeal.objects.filter(decision=adverse).get().authority == f"复议机关{SCRIPT}"
    assert hearings.of(app)[0].statement == ATTRIBUTE and FraudReport.objects.get(application=app).facts == SCRIPT
    base.refresh_from_db()
    assert base.fee_disclosure.scope == SCRIPT and base.name == f"新名{SCRIPT}"
    assert ChangeFiling.objects.get(pk=change.pk).state == "accepted"
    assert Inspection.objects.get(pk=inspection.pk).state == "published"
    assert set(inspection.items.values_list("notes", flat=True)) == {SCRIPT}
    assert RectificationOrder.objects.get(pk=order.pk).state == "passed"
    assert AnnualFiling.objects.get(pk=filing.pk).state == "returned"
    assert CancellationRequest.objects.get(pk=cancellation.pk).state == "refused"
    assert noticed.objections.get().resolution == ATTRIBUTE
    assert app.people.count() == 6 and app.documents.filter(replaced_at=None).count() == 13
    # Art. 26: the province enters an expert (and an account) and a declared tie, a panel is drawn for the
    # base's inspection (its label carries the base's name), and the expert declares a conflict with a reason.
    ok(
        prov.post(
            reverse("experts:new"),
            {
                "name": f"专家{SCRIPT}"[:50],
                "employer": ATTRIBUTE,
                "region": factories.region("350200").pk,
                "title": SCRIPT,
                "fields": f"信息安全、{SCRIPT}",
                "phone": ATTRIBUTE[:30],
                "email": "",
                "active": "on",
                "username": "xss-expert",
                "password": PASSWORD,
            },
        ),
        "expert",
    )
    expert = Expert.objects.get(user__username="xss-expert")
    ok(
        prov.post(
            reverse("experts:tie_new", args=[expert.pk]),
            {"tie-institution": other_inst.pk, "tie-kind": "other", "tie-note": ATTRIBUTE},
        ),
        "tie",
    )
    plain = factories.ExpertFactory(name="普通专家", fields="信息安全")  # the only two of the field: both drawn
    # the panels judge cases still awaiting them: the base's next inspection, another applicant's site visit
    next_inspection = supervision_services.schedule_inspection(
        actor=province, base_id=base.pk, kind="spot_check", scheduled_on=today, province_team=f"抽查组{ATTRIBUTE}"
    )
    panel = expert_services.create_panel(
        actor=province,
        purpose="inspection",
        case=next_inspection,
        institution=base.institution,
        case_label=f"{base.name}定期考核",
        fields="信息安全",
        size=2,
    )
    expert_client = client_as(expert.user)
    seat = panel.assignments.get(expert=expert)
    ok(
        expert_client.post(reverse("experts:assignment_act", args=[seat.pk, "conflict"]), {"reason": SCRIPT}),
        "conflict",
    )
    assert Assignment.objects.get(pk=seat.pk).ended_reason == SCRIPT
    # Art. 26 scored forms: the province names the items (with markup), an expert declared on the site visit scores
    # them with markup in its comments, submits, and starts a correction with markup in its reason.
    scorer = factories.ExpertFactory(name="评分专家", fields="安全评审", user=factories.ExpertUserFactory())
    visit_panel = expert_services.create_panel(
        actor=province,
        purpose="site_visit",
        case=factories.ApplicationFactory(institution=app.institution, batch=batch, state="site_visit"),
        institution=app.institution,
        case_label="实地考察",
        fields="安全评审",
        size=1,
        items=[["legal", f"法人资格{SCRIPT}", "第七条第一项"], ["venue", ATTRIBUTE, "第七条第二项"]],
    )
    scorer_client = client_as(scorer.user)
    scorer_seat = visit_panel.assignments.get()
    expert_services.declare(actor=scorer.user, assignment_id=scorer_seat.pk)
    rows = {"row-TOTAL_FORMS": "2", "row-INITIAL_FORMS": "2", "row-MIN_NUM_FORMS": "2", "row-MAX_NUM_FORMS": "2"}
    for i, text in enumerate(PAYLOADS):
        rows |= {f"row-{i}-score": "8", f"row-{i}-verdict": "meets", f"row-{i}-comment": text}
    ok(
        scorer_client.post(
            reverse("experts:sheet_edit", args=[scorer_seat.pk]), rows | {"confirm": "on", "submit": "1"}
        ),
        "sheet",
    )
    sheet = scorer_seat.sheets.get(state="submitted")
    ok(scorer_client.post(reverse("experts:sheet_correct", args=[sheet.pk]), {"reason": SCRIPT}), "correction")
    assert scorer_seat.sheets.get(version=2).reason == SCRIPT
    # Task allocation (Art. 13, 21): the province's programme and the base's note carry payloads too.
    year = today.year + 1
    weights = {
        "w_inspection": 30,
        "w_commendation": 10,
        "w_completion": 20,
        "w_duty": 15,
        "w_field": 15,
        "w_region": 10,
    }
    ok(prov.post(reverse("steering:rounds"), {"year": year, **weights}), "allocation year")
    ok(
        prov.post(
            reverse("steering:round", args=[year]),
            {"programme": "1", "p-name": f"项目{SCRIPT}", "p-kind": "public", "p-unit": "places", "p-quota": "10"},
        ),
        "programme",
    )
    programme = Programme.objects.get(round__year=year)
    ok(
        inst.post(reverse("steering:apply", args=[programme.pk]), {"base": base.pk, "note": f"说明{ATTRIBUTE}"}),
        "apply",
    )
    ok(prov.post(reverse("steering:round", args=[year]), {"propose": "1"}), "propose")
    # Art. 20: the units' capacities (the units' names carry markup) and a proposed three-year plan
    supervision_services.set_capacity(actor=province, unit_id=inspector.inspector_unit_id, per_month=3)
    far_unit = factories.InspectorUnitFactory(name=f"厦门{ATTRIBUTE}"[:100], region=factories.region("350200"))
    supervision_services.set_capacity(actor=province, unit_id=far_unit.pk, per_month=3)
    plan = supervision_services.propose_plan(actor=province)
    # A background export of a search for the payload (issue 20): its pages offer the same search again.
    with override_settings(EXPORT_BACKGROUND_THRESHOLD=-1):
        prov.get(reverse("applications:province_queue"), {"q": SCRIPT, "export": "csv"})
    export = ExportJob.objects.get(owner=province)
    ExportJob.objects.filter(pk=export.pk).update(phase=ExportJob.Phase.FAILED, error="生成导出文件时出错")
    return dict(
        export=export,
        plan=plan,
        plan_entry=plan.entries.order_by("id").first(),
        scorer=scorer_client,
        scorer_seat=scorer_seat,
        sheet=sheet,
        visit_panel=visit_panel,
        province=prov,
        recommender=rec,
        inspector=insp,
        institution=inst,
        expert=expert_client,
        anonymous=Client(),
        expert_record=expert,
        panel=panel,
        seat=seat,
        plain_seat=panel.assignments.get(expert=plain),
        app=app,
        noticed=noticed,
        base=base,
        batch=batch,
        change=change,
        teacher=teacher,
        course=course,
        training_class=training_class,
        participant=participant,
        training_import=training_import,
        api_token=api_token,
        inspection=inspection,
        order=order,
        filing=filing,
        cancellation=cancellation,
        notice=notice,
        hearing=hearing,
        fraud_report=FraudReport.objects.get(application=app),
        allocation_year=year,
        appeal=Appeal.objects.get(decision=adverse),
    )


def pages(j) -> list[tuple[str, str, str, dict]]:
    """(who, URL name, URL, query) of every page that shows what the parties wrote."""
    app, base = j["app"], j["base"]
    every_state = {"state": ""}
    rows = [
        ("anonymous", "home", reverse("home"), {}),
        ("anonymous", "public:register", reverse("public:register"), {}),
        ("anonymous", "public:base", reverse("public:base", args=[base.pk]), {}),
        ("anonymous", "public:announcements", reverse("public:announcements"), {}),
        ("anonymous", "public:verify_code", reverse("public:verify_code", args=[base.verification_code]), {}),
        ("anonymous", "public:verify", reverse("public:verify"), {"code": base.verification_code}),
        ("anonymous", "applications:objection", reverse("applications:objection", args=[j["notice"].pk]), {}),
        ("anonymous", "public:open_data", reverse("public:open_data"), {}),
    ]
    rows += [
        ("anonymous", "public:announcement", reverse("public:announcement", args=[a.pk]), {})
        for a in Announcement.objects.all()
    ]
    for who in ("institution", "recommender", "province", "inspector", "expert"):
        rows += [(who, "home", reverse("home"), {}), (who, "inbox", reverse("inbox"), {})]
    rows += [
        ("province", "export_list", reverse("export_list"), {}),
        ("province", "export_job", reverse("export_job", args=[j["export"].pk]), {}),
    ]
    seat, plain_seat, expert = j["seat"], j["plain_seat"], j["expert_record"]
    rows += [
        ("expert", "experts:assignments", reverse("experts:assignments"), {}),
        ("expert", "experts:assignment", reverse("experts:assignment", args=[seat.pk]), {}),
        ("province", "experts:list", reverse("experts:list"), {}),
        ("province", "experts:workload", reverse("experts:workload"), {}),
        ("province", "experts:detail", reverse("experts:detail", args=[expert.pk]), {}),
        ("province", "experts:edit", reverse("experts:edit", args=[expert.pk]), {}),
        ("province", "experts:panels", reverse("experts:panels"), {}),
        ("province", "steering:rounds", reverse("steering:rounds"), {}),
        ("province", "steering:round", reverse("steering:round", args=[j["allocation_year"]]), {}),
        ("institution", "steering:mine", reverse("steering:mine"), {}),
        ("province", "experts:panel", reverse("experts:panel", args=[j["panel"].pk]), {}),
        ("province", "experts:assignments", reverse("experts:assignments"), {}),
        ("scorer", "experts:sheet_edit", reverse("experts:sheet_edit", args=[j["scorer_seat"].pk]), {}),
        ("scorer", "experts:sheet", reverse("experts:sheet", args=[j["sheet"].pk]), {}),
        ("scorer", "experts:sheet_correct", reverse("experts:sheet_correct", args=[j["sheet"].pk]), {}),
        ("scorer", "experts:assignment", reverse("experts:assignment", args=[j["scorer_seat"].pk]), {}),
        ("province", "experts:sheet", reverse("experts:sheet", args=[j["sheet"].pk]), {}),
        ("province", "experts:panel", reverse("experts:panel", args=[j["visit_panel"].pk]), {}),
        ("province", "experts:assignment", reverse("experts:assignment", args=[seat.pk]), {}),
        (
            "province",
            "experts:assignment_act",
            reverse("experts:assignment_act", args=[plain_seat.pk, "withdraw"]),
            {},
        ),
    ]
    rows += [
        ("institution", "applications:mine", reverse("applications:mine"), {}),
        ("institution", "applications:detail", reverse("applications:detail", args=[app.pk]), {}),
        ("province", "applications:print", reverse("applications:print", args=[app.pk]), {}),
        ("institution", "applications:hearings", reverse("applications:hearings"), {}),
        ("institution", "applications:hearing", reverse("applications:hearing", args=[j["hearing"].pk]), {}),
        ("province", "applications:hearings", reverse("applications:hearings"), {}),
        ("province", "applications:hearing", reverse("applications:hearing", args=[j["hearing"].pk]), {}),
        ("province", "supervision:fraud_reports", reverse("supervision:fraud_reports"), {}),
        ("province", "applications:appeals", reverse("applications:appeals"), {}),
        ("province", "applications:appeal", reverse("applications:appeal", args=[j["appeal"].pk]), {}),
        ("institution", "applications:appeal", reverse("applications:appeal", args=[j["appeal"].pk]), {}),
        ("province", "applications:appeal_new", reverse("applications:appeal_new", args=[j["appeal"].decision_id]), {}),
        ("province", "bases:suspend", reverse("bases:suspend", args=[base.pk]), {}),
        ("province", "bases:adjust", reverse("bases:adjust", args=[base.pk]), {}),
        ("province", "bases:merge", reverse("bases:merge", args=[base.pk]), {}),
        ("province", "bases:resume", reverse("bases:resume", args=[base.pk]), {}),
        ("province", "supervision:fraud_report", reverse("supervision:fraud_report", args=[j["fraud_report"].pk]), {}),
        (
            "recommender",
            "supervision:fraud_report",
            reverse("supervision:fraud_report", args=[j["fraud_report"].pk]),
            {},
        ),
        ("institution", "bases:mine", reverse("bases:mine"), {}),
        ("institution", "bases:detail", reverse("bases:detail", args=[base.pk]), {}),
        ("institution", "bases:change_list", reverse("bases:change_list"), {}),
        ("institution", "bases:change_detail", reverse("bases:change_detail", args=[j["change"].pk]), {}),
        ("institution", "bases:filings", reverse("bases:filings"), {}),
        ("institution", "bases:filing_detail", reverse("bases:filing_detail", args=[j["filing"].pk]), {}),
        ("institution", "bases:filing_edit", reverse("bases:filing_edit", args=[j["filing"].pk]), {}),
        ("institution", "bases:fee_disclosure", reverse("bases:fee_disclosure", args=[base.pk]), {}),
        ("institution", "bases:change_new", reverse("bases:change_new", args=[base.pk]), {}),
        ("institution", "bases:faculty", reverse("bases:faculty", args=[base.pk]), {}),
        ("institution", "bases:teacher", reverse("bases:teacher", args=[j["teacher"].pk]), {}),
        ("institution", "bases:teacher_new", reverse("bases:teacher_new", args=[base.pk]), {}),
        ("institution", "bases:faculty_import", reverse("bases:faculty_import", args=[base.pk]), {}),
        ("institution", "bases:courseware", reverse("bases:courseware", args=[base.pk]), {}),
        ("institution", "bases:course_new", reverse("bases:course_new", args=[base.pk]), {}),
        ("institution", "bases:review_new", reverse("bases:review_new", args=[j["course"].pk]), {}),
        ("recommender", "bases:faculty", reverse("bases:faculty", args=[base.pk]), {}),
        ("recommender", "bases:courseware", reverse("bases:courseware", args=[base.pk]), {}),
        ("province", "bases:faculty", reverse("bases:faculty", args=[base.pk]), {}),
        ("province", "bases:teacher", reverse("bases:teacher", args=[j["teacher"].pk]), {}),
        ("province", "bases:courseware", reverse("bases:courseware", args=[base.pk]), {}),
        ("institution", "training:base_classes", reverse("training:base_classes", args=[base.pk]), {}),
        ("institution", "training:class_detail", reverse("training:class_detail", args=[j["training_class"].pk]), {}),
        ("institution", "training:class_edit", reverse("training:class_edit", args=[j["training_class"].pk]), {}),
        ("institution", "training:participant", reverse("training:participant", args=[j["participant"].pk]), {}),
        ("institution", "api:tokens", reverse("api:tokens"), {}),
        ("institution", "api:token_revoke", reverse("api:token_revoke", args=[j["api_token"].pk]), {}),
        ("recommender", "training:all_classes", reverse("training:all_classes"), {}),
        ("recommender", "training:class_detail", reverse("training:class_detail", args=[j["training_class"].pk]), {}),
        ("province", "training:all_classes", reverse("training:all_classes"), {}),
        ("province", "training:base_classes", reverse("training:base_classes", args=[base.pk]), {}),
        ("province", "training:class_detail", reverse("training:class_detail", args=[j["training_class"].pk]), {}),
        ("province", "training:participant", reverse("training:participant", args=[j["participant"].pk]), {}),
        ("institution", "training:import", reverse("training:import", args=[base.pk]), {}),
        (
            "institution",
            "training:import_detail",
            reverse("training:import_detail", args=[j["training_import"].pk]),
            {},
        ),
        ("province", "training:import_detail", reverse("training:import_detail", args=[j["training_import"].pk]), {}),
        ("institution", "supervision:detail", reverse("supervision:detail", args=[j["inspection"].pk]), {}),
        ("institution", "supervision:rectifications", reverse("supervision:rectifications"), {}),
        ("institution", "supervision:rectification", reverse("supervision:rectification", args=[j["order"].pk]), {}),
        ("institution", "supervision:cancellations", reverse("supervision:cancellations"), {}),
        (
            "institution",
            "supervision:cancellation",
            reverse("supervision:cancellation", args=[j["cancellation"].pk]),
            {},
        ),
        ("institution", "supervision:cancellation_new", reverse("supervision:cancellation_new", args=[base.pk]), {}),
        (
            "recommender",
            "applications:recommender_queue",
            reverse("applications:recommender_queue"),
            {"state": "approved"},
        ),
        ("recommender", "applications:detail", reverse("applications:detail", args=[app.pk]), {}),
        ("recommender", "bases:recommended", reverse("bases:recommended"), {}),
        ("recommender", "bases:detail", reverse("bases:detail", args=[base.pk]), {}),
        ("recommender", "bases:filing_detail", reverse("bases:filing_detail", args=[j["filing"].pk]), {}),
        ("recommender", "supervision:rectification", reverse("supervision:rectification", args=[j["order"].pk]), {}),
        (
            "recommender",
            "supervision:cancellation",
            reverse("supervision:cancellation", args=[j["cancellation"].pk]),
            {},
        ),
        ("recommender", "reports:dashboard", reverse("reports:dashboard"), {}),
        ("province", "applications:province_queue", reverse("applications:province_queue"), {"state": "approved"}),
        ("province", "applications:province_queue", reverse("applications:province_queue"), every_state),
        ("province", "applications:detail", reverse("applications:detail", args=[app.pk]), {}),
        ("province", "applications:detail", reverse("applications:detail", args=[j["noticed"].pk]), {}),
        ("province", "applications:batches", reverse("applications:batches"), {}),
        ("province", "applications:batch_edit", reverse("applications:batch_edit", args=[j["batch"].pk]), {}),
        ("province", "recognition:notice_new", reverse("recognition:notice_new", args=[j["batch"].pk]), {}),
        ("province", "applications:bars", reverse("applications:bars"), {}),
        ("province", "applications:calendar", reverse("applications:calendar"), {}),
        ("province", "bases:province_list", reverse("bases:province_list"), {}),
        ("province", "bases:detail", reverse("bases:detail", args=[base.pk]), {}),
        ("province", "bases:change_list", reverse("bases:change_list"), {}),
        ("province", "bases:change_detail", reverse("bases:change_detail", args=[j["change"].pk]), {}),
        ("province", "bases:filing_queue", reverse("bases:filing_queue"), {"state": "returned"}),
        ("province", "bases:filing_overview", reverse("bases:filing_overview"), {}),
        ("province", "bases:filing_detail", reverse("bases:filing_detail", args=[j["filing"].pk]), {}),
        ("province", "supervision:list", reverse("supervision:list"), {}),
        ("province", "supervision:detail", reverse("supervision:detail", args=[j["inspection"].pk]), {}),
        ("province", "supervision:schedule", reverse("supervision:schedule"), {}),
        ("province", "supervision:draws", reverse("supervision:draws"), {}),
        ("province", "supervision:draw_new", reverse("supervision:draw_new"), {}),
        ("province", "supervision:plans", reverse("supervision:plans"), {}),
        ("province", "supervision:plan", reverse("supervision:plan", args=[j["plan"].pk]), {}),
        ("province", "supervision:plan_unplaced", reverse("supervision:plan_unplaced", args=[j["plan"].pk]), {}),
        ("province", "supervision:plan_move", reverse("supervision:plan_move", args=[j["plan_entry"].pk]), {}),
        ("province", "supervision:capacities", reverse("supervision:capacities"), {}),
        ("province", "supervision:rectifications", reverse("supervision:rectifications"), {}),
        ("province", "supervision:rectification", reverse("supervision:rectification", args=[j["order"].pk]), {}),
        ("province", "supervision:rectification_new", reverse("supervision:rectification_new", args=[base.pk]), {}),
        ("province", "supervision:revoke", reverse("supervision:revoke", args=[base.pk]), {}),
        ("province", "supervision:cancellations", reverse("supervision:cancellations"), {}),
        ("province", "supervision:obligations", reverse("supervision:obligations"), {}),
        ("province", "supervision:cancellation", reverse("supervision:cancellation", args=[j["cancellation"].pk]), {}),
        ("province", "users:staff_accounts", reverse("users:staff_accounts"), {}),
        ("province", "users:departments", reverse("users:departments"), {}),
        ("province", "users:categories", reverse("users:categories"), {}),
        ("province", "reports:dashboard", reverse("reports:dashboard"), {}),
        ("province", "reports:year_summary", reverse("reports:year_summary"), {"year": timezone.localdate().year}),
        ("inspector", "supervision:list", reverse("supervision:list"), {}),
        ("inspector", "supervision:detail", reverse("supervision:detail", args=[j["inspection"].pk]), {}),
    ]
    rows += [
        (who, "reports:chart", reverse("reports:chart", args=[name]), {})
        for who in ("province", "recommender")
        for name in ("region", "type", "status", "funnel", "training")
    ]
    return rows


# Pages that show no text anyone typed, or are not pages (files, POST-only actions, account forms).
NOT_SWEPT = {
    "healthz", "livez", "readyz", "robots", "sitemap", "inbox_open", "inbox_read_all", "register", "login", "logout",
    "password_change", "password_change_done", "password_reset", "password_reset_done",
    "password_reset_confirm", "password_reset_complete", "users:toggle_account", "users:department_edit",
    "users:category_edit", "users:category_retire", "users:category_restore", "users:alias_remove", "users:unmapped_words",
    "steering:apply", "steering:deliver", "steering:confirm", "steering:publish",
    "applications:batch_new", "applications:batch_toggle", "applications:start", "applications:edit",
    "applications:upload", "applications:download", "applications:act", "applications:schedule_visit",
    "applications:record_visit", "recognition:approve", "applications:reject", "applications:resolve_objection",
    "applications:objection_evidence", "bases:plaque", "bases:change_evidence", "bases:publish_batch",
    "bases:filing_start", "bases:filing_act", "bases:filing_tolerance", "public:open_data_csv", "public:open_data_json",
    "supervision:record", "supervision:act", "supervision:document", "supervision:draw",
    "supervision:draw_publish", "supervision:rectification_report", "supervision:rectification_verify",
    "supervision:obligations_remind", "supervision:obligation_remind",  # POST-only reminders, back to a swept page
    "decision_pdf",  # a PDF the portal renders itself, not a page
    "applications:receipt",  # a PDF too
    "public:guides", "public:guide",  # the portal's own text
    "applications:hearing_document", "supervision:fraud", "supervision:fraud_report_new",  # a file; POST-only
    "public:decision_pdf",  # the same PDF, for a decision published of its own accord
    "experts:new", "experts:tie_new", "experts:tie_end", "experts:panel_fill",  # an empty form; POST-only
    "experts:sheet_document",  # a file
    "applications:visit_panel", "supervision:panel",  # POST-only: the panel they draw is swept on its pages
    "bases:my_faculty", "bases:my_courseware", "bases:teacher_end",  # redirects; POST-only
    "bases:faculty_template", "bases:review_file",  # a template the portal builds; a file
    "training:class_new", "training:participant_new",  # an empty form
    "training:class_delete", "training:participant_remove", "training:reveal_id",  # POST-only
    "training:import_template", "training:import_rejected",  # a template the portal builds; a file
    "training:import_progress",  # JSON of counts and a fixed label
    "export_progress", "export_download",  # JSON of counts and a fixed label; a file
    "training:learning_record",  # its typed text shows on the POST: swept by the test after the sweep
    "training:learning_hours", "training:class_sheet_pdf",  # a form and a file; a PDF
    "api:token_new",  # an empty form; its answer to the POST is checked in the journey
    "supervision:plan_new", "supervision:plan_accept",  # POST-only: the plan they write is swept on its pages
    # two-factor sign-in: a code form, a QR code and the user's own codes; nothing anyone typed is shown
    "two_factor", "two_factor_verify", "two_factor_setup", "two_factor_qr", "two_factor_backup_codes",
}  # fmt: skip

# Where the payload must be shown (escaped) — otherwise the sweep would prove nothing about that page.
MUST_SHOW = {
    ("anonymous", "public:register"),
    ("anonymous", "public:base"),
    ("anonymous", "public:announcement"),
    ("anonymous", "applications:objection"),
    ("institution", "applications:detail"),
    ("institution", "applications:mine"),
    ("institution", "bases:change_detail"),
    ("institution", "bases:filing_detail"),
    ("institution", "supervision:detail"),
    ("institution", "supervision:rectification"),
    ("institution", "supervision:cancellation"),
    ("institution", "inbox"),
    ("recommender", "applications:recommender_queue"),
    ("recommender", "applications:detail"),
    ("recommender", "inbox"),
    ("province", "applications:detail"),
    ("province", "applications:province_queue"),
    ("province", "applications:batches"),
    ("province", "bases:change_detail"),
    ("province", "bases:filing_detail"),
    ("province", "supervision:detail"),
    ("province", "supervision:rectification"),
    ("province", "supervision:cancellation"),
    ("province", "users:departments"),
    ("province", "supervision:capacities"),
    ("province", "inbox"),
    ("inspector", "supervision:detail"),
    ("institution", "api:tokens"),
    ("institution", "api:token_revoke"),
    ("institution", "bases:faculty"),
    ("institution", "bases:teacher"),
    ("institution", "bases:courseware"),
    ("institution", "bases:review_new"),
    ("recommender", "bases:faculty"),
    ("province", "bases:faculty"),
    ("province", "bases:teacher"),
    ("province", "bases:courseware"),
    ("institution", "training:base_classes"),
    ("institution", "training:class_detail"),
    ("institution", "training:participant"),
    ("recommender", "training:all_classes"),
    ("recommender", "training:class_detail"),
    ("province", "training:all_classes"),
    ("province", "training:class_detail"),
    ("province", "training:participant"),
    ("institution", "training:import"),
    ("institution", "training:import_detail"),
    ("province", "training:import_detail"),
    ("expert", "home"),
    ("expert", "experts:assignments"),
    ("expert", "experts:assignment"),
    ("province", "experts:list"),
    ("province", "experts:workload"),
    ("province", "experts:detail"),
    ("province", "experts:panels"),
    ("province", "experts:panel"),
    ("province", "steering:round"),
    ("institution", "steering:mine"),
    ("province", "experts:assignment_act"),
    ("scorer", "experts:sheet_edit"),
    ("scorer", "experts:sheet"),
    ("province", "experts:sheet"),
}


def test_every_page_is_swept_or_named_as_showing_no_typed_text(journey):
    swept = {name for _, name, _, _ in pages(journey)}
    unswept = sorted({u.name for u in URLS} - swept - NOT_SWEPT)
    assert not unswept, f"pages neither swept for stored XSS nor listed in NOT_SWEPT: {unswept}"


def test_typed_markup_reaches_every_other_partys_page_and_the_public_pages_only_escaped(journey, subtests):
    shown = set()
    for who, name, url, query in pages(journey):
        with subtests.test(who=who, url=url):
            response = journey[who].get(url, query)
            assert response.status_code == 200, f"GET {url} as {who}: {response.status_code}"
            html = response.content.decode()
            leaked = [raw for raw in RAW if raw in html]
            assert not leaked, f"{url} as {who} shows raw markup: {leaked}"
            if any(escaped in html for escaped in ESCAPED):
                shown.add((who, name))
    assert not MUST_SHOW - shown, f"pages that should show the (escaped) text but do not: {sorted(MUST_SHOW - shown)}"


def test_the_learning_record_shows_the_typed_class_and_trainee_only_escaped(journey):
    """The province's look-up (Art. 28) answers on the POST, so the GET sweep cannot reach its rows."""
    response = journey["province"].post(
        reverse("training:learning_record"), {"id_number": factories.id_number(77), "reason": SCRIPT}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "参加的培训班" in html
    assert not [raw for raw in RAW if raw in html]
    assert any(escaped in html for escaped in ESCAPED)


def test_the_notification_e_mails_and_inbox_keep_markup_as_plain_text(journey):
    """E-mails are plain text (no HTML part that would run the payload in a mail client)."""
    from django.core import mail

    from core.notifications import send_pending

    mail.outbox.clear()
    send_pending()
    assert mail.outbox, "no notification e-mails were sent"
    assert all(not getattr(m, "alternatives", None) for m in mail.outbox)
    assert all(m.content_subtype == "plain" for m in mail.outbox)


def test_uploaded_file_names_lose_their_markup_before_anyone_sees_them(journey):
    names = list(journey["app"].documents.values_list("original_name", flat=True))
    assert names and not [n for n in names if re.search(r'[<>"]', n)], names
