"""What happens to a panel, told (core.events): a drawn expert is asked to declare, and the province hears of
each scored form submitted and of a seat nobody was left to fill (Art. 26). The seat's own steps are on its timeline through the engine."""

from django.urls import reverse

from accounts import selectors as people
from core.events import Event, Record, Tell, table


def drawn_expert(facts):
    user = facts["expert"].user
    return [user] if user is not None else []


def province(facts):
    return people.province_staff()


def sheet_submitted_text(facts) -> str:
    sheet, panel = facts["sheet"], facts["panel"]
    what = f"第{sheet.version}版更正评分表（更正原因：{sheet.reason}）" if sheet.corrects_id else "评分表"
    done = f"专家组{facts['declared']}名已声明的专家中，已有{facts['submitted']}名提交评分表"
    if facts["submitted"] >= facts["declared"]:
        done += "，评分已齐，可查看汇总"
    return f"{facts['expert'].name}已提交“{panel.case_label}”的{what}。{done}。"


def assignment_link(facts) -> str:
    return reverse("experts:assignment", args=[facts["assignment"].pk])


def panel_link(facts) -> str:
    return reverse("experts:panel", args=[facts["panel"].pk])


EVENTS = table(
    {
        "expert_drawn": Event(
            record=Record("assignment", "随机抽取为评审专家", article="第二十六条", comment="{draw.reason}"),
            tell=[
                Tell(
                    drawn_expert,
                    "评审任务：{panel.case_label}",
                    "您被随机抽取为“{panel.case_label}”（{panel.purpose_label}）的评审专家。请于"
                    "{assignment.declare_by:%Y年%-m月%-d日}前登录平台阅读声明：与被评审机构无利害关系的，作出声明并承诺保密；"
                    "有利害关系或不能参加的，请说明原因，平台将另行抽取替补专家（第二十六条）。",
                    link=assignment_link,
                )
            ],
        ),
        "sheet_submitted": Event(
            tell=[Tell(province, "专家评分表已提交：{panel.case_label}", sheet_submitted_text, link=panel_link)]
        ),
        "seat_vacant": Event(
            tell=[
                Tell(
                    province,
                    "专家组缺额：{panel.case_label}",
                    "{assignment.expert.name}{why}，未能抽取替补专家：{error.message}扩充专家库后，可在专家组页面补抽。",
                    link=panel_link,
                )
            ]
        ),
    }
)
