"""What happens to bases, written down and told (core.events): recognition, publication, fee disclosure,
change filings and annual filings (Art. 8(4), 9, 19, 29, 31), and who hears of a base."""

from django.urls import reverse

from accounts import selectors as people
from core.events import Event, Record, Tell, table

# -- who hears of a base ---------------------------------------------------------------------------------


def province(facts):
    return people.province_staff()


def institution_of_base(facts):
    return people.institution_staff(facts["base"].institution_id)


def recommenders_of_base(facts):
    """The staff of the unit that recommended the base's application."""
    return people.recommenders_of(facts["base"].application)


def base_link(facts) -> str:
    return reverse("bases:detail", args=[facts["base"].pk])


def change_link(facts) -> str:
    return reverse("bases:change_detail", args=[facts["filing"].pk])


def filing_link(facts) -> str:
    return reverse("bases:filing_detail", args=[facts["filing"].pk])


def _adjusted(facts) -> str:
    a = facts["adjustment"]
    return "；".join(f"{c['label']}：{c['before']} → {c['after']}" for c in a.changes)


def _adjustment_decided(facts) -> str:
    a = facts["adjustment"]
    return f"省人社厅决定（{a.decision.number}）自{a.effective_on:%Y年%-m月%-d日}起" + (
        f"将{a.base.name}并入{a.merged_into.name}。" if a.is_merger else f"调整{a.base.name}：{_adjusted(facts)}。"
    )


def surviving_base_staff(facts):
    """The staff of the base another is merged into."""
    return people.institution_staff(facts["adjustment"].merged_into.institution_id)


def _filing_decided(facts) -> str:
    filing = facts["filing"]
    if facts["accepted"]:
        return f"{filing.year}年度报告已备案。"
    return f"{filing.year}年度报告被退回，意见：{facts['comment']}"


def _flags(facts) -> str:
    flags = facts["filing"].flags
    return "\n提示：" + "；".join(flags) if flags else ""


EVENTS = table(
    {
        # -- recognition (Art. 8(4), 9) --
        "notice": Event(
            record=Record(
                "application",
                "列入拟认定名单公示",
                comment="公示期{starts_on:%Y年%-m月%-d日}至{ends_on:%Y年%-m月%-d日}",
            ),
        ),
        "recognise": Event(
            record=Record("application", "认定为省级继续教育基地，编号{base.register_number}", article="第九条"),
            tell=[
                Tell(
                    institution_of_base,
                    "已认定为省级继续教育基地",
                    "您的机构已被认定为省级专业技术人员继续教育基地，编号{base.register_number}"
                    "（认定决定{decision.number}，可在申报页面下载）。",
                    link=lambda f: reverse("applications:detail", args=[f["application"].pk]),
                )
            ],
        ),
        "publish": Event(record=Record("base", "公布为省级继续教育基地", article="第九条")),
        # -- suspension (Art. 23 second list (2)) --
        "base.suspended": Event(
            tell=[
                Tell(
                    institution_of_base,
                    "基地工作暂停决定",
                    "省人社厅决定自{suspension.started_on:%Y年%-m月%-d日}起暂停{base.name}的基地工作"
                    "（{suspension.decision.number}）；满一年（{suspension.year_up_on:%Y年%-m月%-d日}）仍无法恢复的，将撤销基地资格。",
                    link=lambda f: reverse("bases:detail", args=[f["base"].pk]),
                )
            ],
        ),
        # -- adjustment and merger by the province (Art. 4) --
        "adjustment_decided": Event(
            record=Record(
                "base",
                lambda f: "作出基地合并决定" if f["adjustment"].is_merger else "作出基地调整决定",
                article="第四条",
                comment=lambda f: (
                    f"{f['adjustment'].decision.number}；自{f['adjustment'].effective_on:%Y年%-m月%-d日}起生效；"
                    f"{_adjusted(f)}；事由：{f['adjustment'].reason}"
                ),
            ),
            tell=[
                Tell(institution_of_base, "基地调整决定：{base.name}", _adjustment_decided, link=base_link),
                Tell(
                    surviving_base_staff,
                    "基地合并决定：{adjustment.merged_into.name}",
                    _adjustment_decided,
                    link=lambda f: reverse("bases:detail", args=[f["adjustment"].merged_into_id]),
                    when=lambda f: f["adjustment"].is_merger,
                ),
            ],
        ),
        # taken by the daily job on a later effective date; a merger's status change has its own row
        "adjustment_took_effect": Event(
            record=Record("base", "基地调整生效", article="第四条", comment=lambda f: f"{f['number']}；{_adjusted(f)}"),
            tell=[Tell(institution_of_base, "基地调整已生效：{base.name}", _adjustment_decided, link=base_link)],
        ),
        "merger_took_effect": Event(
            tell=[Tell(institution_of_base, "基地合并已生效：{base.name}", _adjustment_decided, link=base_link)],
        ),
        # -- what the base keeps public and files (Art. 29, 31) --
        "fee_disclosure": Event(record=Record("base", "更新收费公开信息", article="第二十九条")),
        "file_change": Event(
            record=Record("base", "提交变更备案", article="第三十一条", comment="{changed}"),
            tell=[Tell(province, "变更备案：{base.name}", "{base.name}提交了变更备案，请审核。", link=change_link)],
        ),
        "decide_change": Event(
            record=Record(
                "base",
                lambda f: "变更备案已备案" if f["accepted"] else "变更备案被退回",
                article="第三十一条",
                comment="{comment}",
            ),
            tell=[
                Tell(
                    institution_of_base,
                    lambda f: "变更备案已备案" if f["accepted"] else "变更备案被退回",
                    lambda f: (
                        f"您提交的变更备案已{'备案并公布' if f['accepted'] else '退回'}。"
                        + (f"意见：{f['comment']}" if f["comment"] else "")
                    ),
                    link=change_link,
                )
            ],
        ),
        # -- annual filings (Art. 19) --
        "filing_created": Event(
            record=Record("filing", "创建年度报告草稿", action="create", to_state=lambda f: f["filing"].state),
        ),
        "filing_submitted": Event(
            tell=[
                Tell(
                    province,
                    "年度报告待备案：{base.name}",
                    lambda f: (
                        f"{f['base'].name}报送了{f['filing'].year}年度报告和{f['filing'].plan_year}年度计划。"
                        + _flags(f)
                    ),
                    link=filing_link,
                )
            ],
        ),
        "filing_decided": Event(
            tell=[
                Tell(
                    institution_of_base,
                    lambda f: "年度报告已备案" if f["accepted"] else "年度报告被退回修改",
                    _filing_decided,
                    link=filing_link,
                )
            ],
        ),
        "filings_overdue": Event(
            tell=[
                Tell(
                    province,
                    "{year}年度报告逾期未报：{count}家基地",
                    "以下基地未在12月31日前报送年度报告和下一年度计划（第十九条）：\n{lines}",
                    link=lambda f: reverse("bases:filing_queue") + f"?year={f['year']}&overdue=on",
                    dedupe="filing-overdue:{year}",
                )
            ],
        ),
    }
)
