"""The columns the application lists export to xlsx and CSV (Chinese headers, real types, widths)."""

from core.exports import Column as C

APPLICATIONS = [
    C("申报机构", lambda a: a.institution.name, 32),
    C("机构类型", lambda a: a.institution.type.name, 14),
    C("所在设区市", lambda a: a.institution.region.name, 12),
    C("批次", lambda a: a.batch.name, 28),
    C("推荐单位", lambda a: a.recommender_name, 26),
    C("优先遴选", lambda a: a.is_priority, 10),
    C("状态", lambda a: a.get_state_display(), 12),
    C("培训领域", lambda a: a.field_names, 24),
    C("最近提交时间", lambda a: a.last_submitted_at, 18),
    C("创建时间", lambda a: a.created_at, 18),
]

BATCHES = [
    C("批次", lambda b: b.name, 30),
    C("年度", lambda b: b.year, 8),
    C("开始日期", lambda b: b.opens_on, 12),
    C("截止日期", lambda b: b.closes_on, 12),
    C("状态", lambda b: b.status_label(), 10),
    C("已提交", lambda b: b.n_applications, 10),
    C("已推荐", lambda b: b.n_recommended, 10),
    C("已认定", lambda b: b.n_approved, 10),
]

BARS = [
    C("施教机构", lambda b: b.institution.name, 32),
    C("所在设区市", lambda b: b.institution.region.name, 12),
    C("原因", lambda b: b.get_kind_display(), 16),
    C("起始日期", lambda b: b.starts_on, 12),
    C("最后一日", lambda b: b.last_day if b.last_day else "永久", 12),
    C("依据", lambda b: b.article, 12),
    C("事由", lambda b: b.reason, 40),
]
