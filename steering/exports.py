"""The columns of the allocation export (xlsx/CSV): one row per base and programme, every part of the score."""

from core.exports import Column as C

from .models import PARTS

SHARES = [
    C("年度", lambda s: s.programme.round.year, 8),
    C("项目", lambda s: s.programme.name, 30),
    C("项目类别", lambda s: s.programme.get_kind_display(), 20),
    C("培训领域", lambda s: s.programme.field.name if s.programme.field else "不限领域", 12),
    C("基地编号", lambda s: s.base.register_number, 24),
    C("基地名称", lambda s: s.base.name, 30),
    C("设区市", lambda s: s.base.region.name, 10),
    *[C(label, lambda s, part=part: (s.parts or {}).get(part), 10) for part, label, _ in PARTS],
    C("综合得分", lambda s: s.score, 10),
    C("测算分配", lambda s: s.proposed, 10),
    C("确定分配", lambda s: s.allocated, 10),
    C("实际完成", lambda s: s.delivered, 10),
    C("完成率（%）", lambda s: s.completion, 10),
]
