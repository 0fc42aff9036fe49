"""The columns each list exports (Chinese headers, real types, widths)."""

from .exports import Column as C

APPLICATIONS = [
    C("申报机构", lambda a: a.institution.name, 32),
    C("机构类型", lambda a: a.institution.get_type_display(), 14),
    C("所在设区市", lambda a: a.institution.region.name, 12),
    C("批次", lambda a: a.batch.name, 28),
    C("推荐单位", lambda a: a.recommender_name, 26),
    C("优先遴选", lambda a: a.is_priority, 10),
    C("状态", lambda a: a.get_state_display(), 12),
    C("培训领域", lambda a: a.training_fields, 24),
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

BASES = [
    C("基地编号", lambda b: b.register_number, 24),
    C("基地名称", lambda b: b.name, 32),
    C("设区市", lambda b: b.region.name, 12),
    C("机构类型", lambda b: b.get_institution_type_display(), 14),
    C("培训领域", lambda b: b.fields, 24),
    C("认定日期", lambda b: b.recognised_on, 12),
    C("认定批次", lambda b: b.batch.name, 28),
    C("状态", lambda b: b.get_status_display(), 10),
]

FILINGS = [
    C("基地编号", lambda f: f.base.register_number, 24),
    C("基地名称", lambda f: f.base.name, 32),
    C("设区市", lambda f: f.base.region.name, 12),
    C("报告年度", lambda f: f.year, 10),
    C("培训人数", lambda f: f.trained_total, 10),
    C("革命老区等地区学员", lambda f: f.priority_area_trainees, 12),
    C("下一年度计划人数", lambda f: f.plan_trainees, 12),
    C("不足1000人", lambda f: bool(f.flags), 10),
    C("逾期", lambda f: f.is_overdue, 8),
    C("状态", lambda f: f.get_state_display(), 10),
    C("提交时间", lambda f: f.submitted_at, 18),
]

CHANGES = [
    C("基地编号", lambda f: f.base.register_number, 24),
    C("基地名称", lambda f: f.base.name, 32),
    C("变更内容", lambda f: "；".join(f"{k}：{o}→{n}" for k, o, n in f.change_rows), 48),
    C("变更原因", lambda f: f.reason, 30),
    C("状态", lambda f: f.get_state_display(), 10),
    C("提交时间", lambda f: f.submitted_at, 18),
]

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
]

CANCELLATIONS = [
    C("基地编号", lambda r: r.base.register_number, 24),
    C("基地名称", lambda r: r.base.name, 32),
    C("申请方", lambda r: r.requested_by.organisation_name, 28),
    C("理由", lambda r: r.reason, 40),
    C("状态", lambda r: r.get_state_display(), 10),
    C("申请时间", lambda r: r.created_at, 18),
]
