"""The columns the expert pages export to xlsx and CSV: the province's workload of the pool (Art. 26)."""

from django.utils import timezone

from core.exports import Column as C


def _day(moment):
    return timezone.localdate(moment) if moment else None


WORKLOAD = [
    C("姓名", lambda e: e.name, 12),
    C("工作单位", lambda e: e.employer, 28),
    C("设区市", lambda e: e.region.name, 10),
    C("专业领域", lambda e: e.fields, 24),
    C("状态", lambda e: e.status_label, 12),
    C("抽中次数", lambda e: e.drawn, 10),
    C("待声明", lambda e: e.waiting, 8),
    C("声明无利害关系", lambda e: e.declared, 14),
    C("申报回避", lambda e: e.conflicts, 10),
    C("谢绝参加", lambda e: e.refused, 10),
    C("被撤回", lambda e: e.withdrawn, 8),
    C("已提交评分表", lambda e: e.sheets_submitted, 12),
    C("最近参评日期", lambda e: _day(e.last_served), 14),
]
