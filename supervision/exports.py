"""The columns the supervision lists export to xlsx and CSV (Chinese headers, real types, widths)."""

from core.exports import Column as C

INSPECTIONS = [
    C("基地编号", lambda i: i.base.register_number, 24),
    C("基地名称", lambda i: i.base.name, 32),
    C("设区市", lambda i: i.base.region.name, 12),
    C("类别", lambda i: i.get_kind_display(), 16),
    C("考核日期", lambda i: i.scheduled_on, 12),
    C("考核组", lambda i: i.team_text, 30),
    C("状态", lambda i: i.get_state_display(), 10),
    C("结果", lambda i: i.get_result_display(), 8),
]

RECTIFICATIONS = [
    C("基地编号", lambda o: o.base.register_number, 24),
    C("基地名称", lambda o: o.base.name, 32),
    C("设区市", lambda o: o.base.region.name, 12),
    C("事由", lambda o: o.get_ground_display(), 40),
    C("整改期限", lambda o: o.deadline, 12),
    C("逾期", lambda o: o.deadline_missed_at is not None and o.state == "open", 8),
    C("状态", lambda o: o.get_state_display(), 10),
    C("下达时间", lambda o: o.ordered_at, 18),
    C("整改通知文号", lambda o: o.decision.number if o.decision_id else "", 24),
]

CANCELLATIONS = [
    C("基地编号", lambda r: r.base.register_number, 24),
    C("基地名称", lambda r: r.base.name, 32),
    C("申请方", lambda r: r.requested_by.organisation_name, 28),
    C("理由", lambda r: r.reason, 40),
    C("状态", lambda r: r.get_state_display(), 10),
    C("申请时间", lambda r: r.created_at, 18),
]

OBLIGATIONS = [
    C("义务", lambda r: r.status.label, 16),
    C("依据", lambda r: r.status.article, 12),
    C("基地编号", lambda r: r.base.register_number, 24),
    C("基地名称", lambda r: r.base.name, 32),
    C("设区市", lambda r: r.base.region.name, 12),
    C("情况", lambda r: r.status.level_label, 10),
    C("说明", lambda r: r.status.note, 48),
    C("最近提醒", lambda r: r.last_reminded, 18),
]
