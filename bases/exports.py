"""The columns the lists of bases, annual filings and change filings export to xlsx and CSV (Chinese headers, real types, widths)."""

from core.exports import Column as C

BASES = [
    C("基地编号", lambda b: b.register_number, 24),
    C("基地名称", lambda b: b.name, 32),
    C("设区市", lambda b: b.region.name, 12),
    C("机构类型", lambda b: b.institution_type.name, 14),
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
