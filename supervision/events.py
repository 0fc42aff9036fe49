"""What happens in supervision, written down and told (core.events): inspections, spot checks,
rectification, revocation and cancellation (Art. 20-24)."""

from django.urls import reverse
from django.utils import timezone

from accounts import selectors as people
from bases.events import base_link, institution_of_base, province, recommenders_of_base
from core.events import Event, Record, Tell, table

from .models import GROUND_ARTICLES, InspectionKind


def inspector_unit(facts):
    return people.inspector_staff(facts["inspection"].inspector_unit_id)


def requester(facts):
    return [facts["request"].requested_by]


def inspection_link(facts) -> str:
    return reverse("supervision:detail", args=[facts["inspection"].pk])


def order_link(facts) -> str:
    return reverse("supervision:rectification", args=[facts["order"].pk])


def request_link(facts) -> str:
    return reverse("supervision:cancellation", args=[facts["request"].pk])


def _schedule_article(facts) -> str:
    return "第二十条" if facts["inspection"].kind == InspectionKind.PERIODIC else "第二十一条"


def _days(rows) -> str:
    return "\n".join(f"{n} {name}（截止{due:%Y年%-m月%-d日}）" for n, name, due in rows) or "无"


ORDERED = (
    "省人社厅印发《{decision.title}》（{decision.number}），责令{base.name}限期整改，"
    "期限至{order.deadline:%Y年%-m月%-d日}。存在问题：{order.findings}"
)
DECIDED = "省人社厅决定自{revocation.effective_on:%Y年%-m月%-d日}起{word}{base.name}省级继续教育基地资格（{revocation.decision_number}）。{bar_text}"
TOOK_EFFECT = "{base.name}省级继续教育基地资格自{revocation.effective_on:%Y年%-m月%-d日}起{word}，决定已生效（{revocation.decision_number}）。"


def _decided_title(facts) -> str:
    revocation = facts["revocation"]
    if revocation.effective_on > timezone.localdate():
        return f"基地资格{revocation.word}决定（{revocation.effective_on:%Y年%-m月%-d日}生效）"
    return f"基地资格已{revocation.word}"


EVENTS = table(
    {
        # -- inspections (Art. 20-22) --
        "schedule": Event(
            record=Record(
                "inspection",
                "安排{kind}",
                article=_schedule_article,
                comment="{inspection.scheduled_on:%Y年%-m月%-d日}；{inspection.team_text}",
                to_state=lambda f: f["inspection"].state,
            ),
            tell=[
                Tell(
                    inspector_unit,
                    "考核任务：{base.name}",
                    "省人社厅委托贵单位于{inspection.scheduled_on:%Y年%-m月%-d日}对{base.name}开展{kind}。",
                    link=inspection_link,
                    when=lambda f: f["inspection"].inspector_unit_id is not None,
                ),
                Tell(
                    institution_of_base,
                    "省人社厅将开展{kind}",
                    "省人社厅定于{inspection.scheduled_on:%Y年%-m月%-d日}对贵基地开展{kind}（第二十条），请做好准备。",
                    link=base_link,
                ),
            ],
        ),
        "result_submitted": Event(
            tell=[
                Tell(
                    province,
                    "考核结果待确认：{base.name}",
                    "{actor.organisation_name}提交了{base.name}的考核结果：{result}。",
                    link=inspection_link,
                )
            ],
        ),
        "result_sent_back": Event(
            tell=[
                Tell(
                    inspector_unit,
                    "考核结果被退回：{base.name}",
                    "省人社厅退回了考核结果，意见：{comment}",
                    link=inspection_link,
                    when=lambda f: f["inspection"].inspector_unit_id is not None,
                )
            ],
        ),
        "result_confirmed": Event(
            tell=[
                Tell(
                    institution_of_base,
                    "考核结果：{result}",
                    "省人社厅确认了对贵基地的{kind}结果：{result}。",
                    link=base_link,
                )
            ],
        ),
        "inspection_published": Event(
            record=Record("base", "{kind}结果公布：{result}", article="第二十一条"),
        ),
        "inspection_clock": Event(
            tell=[
                Tell(
                    province,
                    lambda f: f"定期考核提醒：逾期{len(f['overdue'])}家，90日内到期{len(f['soon'])}家",
                    lambda f: (
                        "依第二十条，各基地每3年至少进行一次实地考察。\n\n"
                        f"已逾期：\n{_days(f['overdue'])}\n\n90日内到期：\n{_days(f['soon'])}"
                    ),
                    link=lambda f: reverse("supervision:list"),
                    dedupe="inspection-clock:{today}",
                )
            ],
        ),
        # -- rectification (Art. 23 first list) --
        "order": Event(
            record=Record(
                "order",
                "下达整改通知",
                article=lambda f: GROUND_ARTICLES[f["order"].ground],
                comment="{decision.number}；{order.findings}",
                to_state=lambda f: f["order"].state,
            ),
            tell=[
                Tell(institution_of_base, "限期整改通知（{decision.number}）", ORDERED, link=order_link),
                Tell(recommenders_of_base, "基地限期整改：{base.name}（{decision.number}）", ORDERED, link=order_link),
            ],
        ),
        "rectification_reported": Event(
            tell=[Tell(province, "整改报告待核验：{base.name}", "{base.name}提交了整改报告。", link=order_link)],
        ),
        "rectification_verified": Event(
            record=Record(
                "order",
                "印发整改核验意见",
                article="第二十三条第一款",
                comment="{decision.number}《{decision.title}》",
                action="verification_decision",
            ),
            tell=[
                Tell(
                    institution_of_base,
                    lambda f: f"{'整改通过' if f['passed'] else '整改未通过'}（{f['decision'].number}）",
                    lambda f: (
                        f"省人社厅核验了贵基地的整改报告，印发《{f['decision'].title}》（{f['decision'].number}）："
                        + ("整改通过。" if f["passed"] else f"整改未通过。意见：{f['comment']}")
                    ),
                    link=order_link,
                )
            ],
        ),
        "rectifications_late": Event(
            tell=[
                Tell(
                    province,
                    "整改逾期：{count}家基地未在期限内报送整改报告",
                    "以下基地整改期限已过仍未报送整改报告，可依第二十三条取消其资格：\n{lines}",
                    link=lambda f: reverse("supervision:rectifications") + "?late=on",
                    dedupe="rectification-late:{today}",
                )
            ],
        ),
        # -- revocation and cancellation (Art. 23, 24) --
        "revocation_decided": Event(
            record=Record(
                "base",
                "作出{word}基地资格的决定",
                article="{revocation.article}",
                comment="{revocation.decision_number}；自{revocation.effective_on:%Y年%-m月%-d日}起生效；{revocation.reason}",
            ),
            tell=[
                Tell(institution_of_base, _decided_title, DECIDED, link=base_link),
                Tell(recommenders_of_base, lambda f: f"{_decided_title(f)}：{f['base'].name}", DECIDED, link=base_link),
            ],
        ),
        "revocation_took_effect": Event(
            tell=[
                Tell(institution_of_base, "基地资格已{word}", TOOK_EFFECT, link=base_link),
                Tell(recommenders_of_base, "基地资格已{word}：{base.name}", TOOK_EFFECT, link=base_link),
            ],
        ),
        "request_cancellation": Event(
            record=Record("base", "申请取消基地资格", article="第二十三条第二款第三项", comment="{request.reason}"),
            tell=[
                Tell(
                    province,
                    "取消资格申请：{base.name}",
                    "{actor.organisation_name}申请取消{base.name}的基地资格。",
                    link=request_link,
                )
            ],
        ),
        "cancellation_refused": Event(
            tell=[Tell(requester, "取消资格申请未获同意", "意见：{request.decision}", link=request_link)],
        ),
    }
)
