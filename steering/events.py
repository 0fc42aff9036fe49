"""What happens in the task allocation, written down and told (core.events, Art. 13, 21, 22)."""

from django.urls import reverse

from accounts import selectors as people
from core.events import Event, Record, Tell, table


def province(facts):
    return people.province_staff()


def base_staff(facts):
    return people.institution_staff(facts["share"].base.institution_id)


def applicants(facts):
    institutions = {share.base.institution_id for share in facts["shares"]}
    return [user for institution in institutions for user in people.institution_staff(institution)]


def round_link(facts) -> str:
    round_ = facts["round"] if "round" in facts else facts["share"].programme.round
    return reverse("steering:round", args=[round_.year])


def mine_link(facts) -> str:
    return reverse("steering:mine")


def _delivered(facts) -> str:
    share = facts["share"]
    return f"报送完成情况：{share.delivered}{share.programme.get_unit_display()}"[:100]


EVENTS = table(
    {
        "task_applied": Event(
            record=Record("share", "申请承担“{share.programme.name}”", article="第十三条"),
            tell=[
                Tell(
                    province,
                    "基地申请承担省级培训项目",
                    "{share.base.name}申请承担“{share.programme.name}”。",
                    link=round_link,
                )
            ],
        ),
        "tasks_confirmed": Event(
            tell=[
                Tell(
                    applicants,
                    "{round.year}年度培训任务分配已确定",
                    "省人社厅已印发{round.year}年度培训任务分配决定（{round.decision.number}），请查看贵基地承担的任务。",
                    link=mine_link,
                )
            ],
        ),
        "tasks_published": Event(
            tell=[
                Tell(
                    applicants,
                    "{round.year}年度培训任务分配已公布",
                    "分配结果已向社会公布。任务完成后请报送完成情况，完成率将作为下一年度分配的依据（第二十一条）。",
                    link=mine_link,
                )
            ],
        ),
        "task_delivered": Event(
            record=Record("share", _delivered, article="第二十一条"),
            tell=[
                Tell(
                    province,
                    "基地报送任务完成情况",
                    "{share.base.name}报送了“{share.programme.name}”的完成情况。",
                    link=round_link,
                )
            ],
        ),
    }
)
