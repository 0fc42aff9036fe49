"""What happens to an application, written down and told (core.events): the draft and its documents,
submission and recommendation, review, the site visit, refusal and bars, objections to the public notice
(Art. 7, 8, 24)."""

from django.urls import reverse

from accounts import selectors as people
from core.events import Event, Record, Tell, table

# -- who hears of an application -------------------------------------------------------------------------


def institution(facts):
    return people.institution_staff(facts["application"].institution_id)


def recommenders(facts):
    """The staff of the unit the application is routed to (its city bureau or provincial department)."""
    return people.recommenders_of(facts["application"])


def province(facts):
    return people.province_staff()


def link(facts) -> str:
    return reverse("applications:detail", args=[facts["application"].pk])


def with_comment(text: str):
    """The text, and the comment the actor gave, if any."""

    def render(facts) -> str:
        body = text.format(**facts)
        return f"{body}\n意见：{facts['comment']}" if facts.get("comment") else body

    return render


def was_submitted(facts) -> bool:
    # only those who have seen the application hear that it is withdrawn: a draft never reached them
    return bool(facts["application"].submitted_at)


NAME = "{application.institution.name}"
UNIT = "{application.recommender_name}"

EVENTS = table(
    {
        # -- the draft and its documents (Art. 7) --
        "application.created": Event(
            record=Record("application", "创建申报草稿", action="create", to_state=lambda f: f["application"].state),
        ),
        "application.document_uploaded": Event(
            record=Record(
                "application", "上传材料：{label}", action="upload_document", comment="{document.original_name}"
            ),
        ),
        "application.document_replaced": Event(
            record=Record(
                "application",
                "替换材料：{label}",
                action="replace_document",
                comment="{old.original_name} → {document.original_name}",
            ),
        ),
        "application.document_removed": Event(
            record=Record(
                "application", "撤下材料：{label}", action="remove_document", comment="{document.original_name}"
            ),
        ),
        # -- submission and recommendation (Art. 8(1)-(3)) --
        "application.submitted": Event(
            tell=[
                Tell(
                    recommenders,
                    f"待推荐：{NAME}的基地申报",
                    f"{NAME}提交了省级继续教育基地申报（{{application.batch.name}}），请审核推荐。",
                    link=link,
                ),
                Tell(institution, "申报已提交", f"您的申报已提交至{UNIT}审核推荐。", link=link),
            ],
        ),
        "application.withdrawn": Event(
            tell=[
                Tell(
                    recommenders,
                    f"申报已撤回：{NAME}",
                    with_comment(f"{NAME}撤回了基地申报。"),
                    link=link,
                    when=was_submitted,
                ),
                Tell(province, f"申报已撤回：{NAME}", f"{NAME}撤回了基地申报。", link=link, when=was_submitted),
            ],
        ),
        "application.recommended": Event(
            tell=[
                Tell(
                    province,
                    f"待审核：{NAME}的基地申报",
                    with_comment(f"{UNIT}推荐了{NAME}的基地申报，请审核。"),
                    link=link,
                )
            ],
        ),
        "application.returned_by_recommender": Event(
            tell=[
                Tell(
                    institution,
                    "申报被退回修改",
                    with_comment(f"{UNIT}退回了您的申报，请按意见修改后重新提交。"),
                    link=link,
                )
            ],
        ),
        "application.not_recommended": Event(
            tell=[Tell(institution, "申报不予推荐", with_comment(f"{UNIT}决定不予推荐您的申报。"), link=link)],
        ),
        # -- the province's review (Art. 8(4)) --
        "application.review_started": Event(
            tell=[
                Tell(institution, "申报进入省级审核", with_comment("省人社厅已受理您的申报，正在审核材料。"), link=link)
            ],
        ),
        "application.returned_by_province": Event(
            tell=[
                Tell(
                    institution,
                    "申报被省人社厅退回修改",
                    with_comment("省人社厅退回了您的申报，请按意见修改后重新提交。"),
                    link=link,
                )
            ],
        ),
        "application.visit_scheduled": Event(
            tell=[
                Tell(
                    institution,
                    "省人社厅将实地考察",
                    "省人社厅定于{visit.scheduled_on:%Y年%-m月%-d日}实地考察，考察组：{visit.team}。",
                    link=link,
                )
            ],
        ),
        "application.visit_recorded": Event(
            record=Record(
                "application",
                "记录实地考察情况",
                action="record_visit",
                comment="{visit.findings}",
                article="第八条第四项",
            ),
        ),
        "application.rejected": Event(
            tell=[Tell(institution, "申报不予认定", with_comment("省人社厅决定不予认定您的申报。"), link=link)],
        ),
        "application.barred": Event(
            record=Record("application", "认定弄虚作假，不再受理其认定申请", action="bar", article="第二十四条"),
        ),
        # -- objections to the public notice (Art. 8(4)) --
        "application.objection_received": Event(
            record=Record(
                "application", "收到公示异议", action="objection", comment="受理编号{objection.confirmation_number}"
            ),
            tell=[
                Tell(
                    province,
                    f"公示异议：{NAME}",
                    f"公示期间收到对{NAME}的异议（受理编号{{objection.confirmation_number}}），请核实处理。",
                    link=link,
                )
            ],
        ),
        "application.objection_resolved": Event(
            record=Record(
                "application",
                "处理公示异议",
                action="resolve_objection",
                comment="受理编号{objection.confirmation_number}：{objection.resolution}",
            ),
        ),
    }
)


# -- the right to be heard and appeals (SPEC 2.10) ------------------------------------------------------


def party(facts):
    return people.institution_staff(facts["hearing"].institution_id)


def hearing_link(facts) -> str:
    return reverse("applications:hearing", args=[facts["hearing"].pk])


def appeal_link(facts) -> str:
    return reverse("applications:appeal", args=[facts["appeal"].pk])


PROCEEDINGS = table(
    {
        "hearing.notified": Event(
            record=Record(
                "subject",
                "发出拟{hearing.kind_label}事先告知书",
                action="hearing_notice",
                comment="{hearing.notice.number}；陈述申辩截止{hearing.deadline:%Y年%-m月%-d日}",
                article="{hearing.grounds}",
            ),
            tell=[
                Tell(
                    party,
                    "行政决定事先告知：拟{hearing.kind_label}",
                    "省人社厅拟对{hearing.subject_label}作出{hearing.kind_label}的决定（{hearing.notice.number}）。"
                    "请于{hearing.deadline:%Y年%-m月%-d日}前（含当日）在线陈述申辩或明确放弃。",
                    link=hearing_link,
                )
            ],
        ),
        "hearing.answered": Event(
            tell=[
                Tell(
                    province,
                    "收到陈述申辩：{hearing.subject_label}",
                    "{hearing.institution.name}对拟{hearing.kind_label}的告知（{hearing.notice.number}）提出了陈述申辩。",
                    link=hearing_link,
                )
            ],
        ),
        "hearing.waived": Event(
            tell=[
                Tell(
                    province,
                    "放弃陈述申辩：{hearing.subject_label}",
                    "{hearing.institution.name}明确放弃对拟{hearing.kind_label}的陈述申辩（{hearing.notice.number}），"
                    "可以作出决定。",
                    link=hearing_link,
                )
            ],
        ),
        "hearing.dropped": Event(
            tell=[
                Tell(
                    party,
                    "省人社厅决定不再{hearing.kind_label}",
                    "经复核陈述申辩，省人社厅决定不再作出告知书（{hearing.notice.number}）所述决定：{hearing.response}",
                    link=hearing_link,
                )
            ],
        ),
        # -- fraud (Art. 24): a report by the recommending unit, and the finding --
        # (the report is not written on the application's timeline: the institution reads that)
        "fraud.reported": Event(
            tell=[
                Tell(
                    province,
                    f"弄虚作假线索：{NAME}",
                    f"{UNIT}报告{NAME}的基地申报涉嫌弄虚作假，请核实处理。",
                    link=lambda f: reverse("supervision:fraud_report", args=[f["report"].pk]),
                )
            ],
        ),
        "fraud.report_handled": Event(
            tell=[
                Tell(
                    lambda f: [f["report"].reported_by],
                    f"弄虚作假线索已处理：{NAME}",
                    "省人社厅对您报告的线索：{report.state_label}。{report.handled_note}",
                    link=lambda f: reverse("supervision:fraud_report", args=[f["report"].pk]),
                )
            ],
        ),
        "application.fraud_found": Event(
            record=Record(
                "application",
                "认定申报弄虚作假，永久不再受理其认定申请",
                action="find_fraud",
                comment="{decision.number}",
                article="第二十四条",
            ),
            tell=[
                Tell(institution, "弄虚作假认定决定", "省人社厅认定您的申报弄虚作假（{decision.number}）。", link=link),
                Tell(
                    recommenders,
                    f"弄虚作假认定：{NAME}",
                    f"省人社厅认定{NAME}的申报弄虚作假（{{decision.number}}）。",
                    link=link,
                ),
            ],
        ),
        "application.withdrawn_late": Event(
            record=Record(
                "application",
                "推荐单位推荐后撤回申报（已记录；不影响弄虚作假核查）",
                action="withdrawn_late",
                article="第二十四条",
            ),
        ),
        "appeal.recorded": Event(
            record=Record(
                "subject",
                "登记{appeal.kind_label}",
                action="appeal",
                comment="{decision.number}；{appeal.authority}{appeal.case_number}，{appeal.filed_on:%Y年%-m月%-d日}提起",
            ),
        ),
        "appeal.decided": Event(
            record=Record(
                "subject",
                "{appeal.kind_label}结果：{appeal.state_label}",
                action="appeal_outcome",
                comment="{decision.number}；{appeal.outcome_note}",
            ),
            tell=[
                Tell(
                    lambda f: people.institution_staff(f["appeal"].institution_id),
                    "{appeal.kind_label}结果已登记",
                    "对{decision.number}提起的{appeal.kind_label}：{appeal.state_label}。{appeal.outcome_note}",
                    link=appeal_link,
                )
            ],
        ),
    }
)

# The event each plain transition of the application's table tells (applications.services.transition).
TOLD_AFTER = {
    "withdraw": "application.withdrawn",
    "recommend": "application.recommended",
    "return_recommender": "application.returned_by_recommender",
    "not_recommend": "application.not_recommended",
    "start_review": "application.review_started",
    "return_province": "application.returned_by_province",
}
