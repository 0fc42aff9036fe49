"""The columns of the learning-record files (Art. 28): a trainee's classes, and every trainee's hours in a year
for the 继续教育证书 (Chinese headers, real numbers and dates)."""

from core import pii
from core.exports import Column as C


def learning_record(id_number: str) -> list[C]:
    """A trainee's classes; the number is the one the province typed, so the file holds it once per row."""
    return [
        C("姓名", lambda p: p.name, 10),
        C("身份证号码", lambda p: id_number, 22),
        C("基地编号", lambda p: p.training_class.base.register_number, 22),
        C("基地名称", lambda p: p.training_class.base.name, 32),
        C("培训班名称", lambda p: p.training_class.title, 32),
        C("服务形式", lambda p: p.training_class.get_service_form_display(), 18),
        C("开班日期", lambda p: p.training_class.starts_on, 12),
        C("结业日期", lambda p: p.training_class.ends_on, 12),
        C("班级总学时", lambda p: p.training_class.hours, 10),
        C("参训学时", lambda p: p.hours_attended, 10),
        C("考核结果", lambda p: p.get_result_display(), 10),
        C("考核日期", lambda p: p.assessed_on, 12),
    ]


def learning_hours(year: int, *, full_numbers: bool) -> list[C]:
    """Every trainee's hours in `year`, one row per person."""
    number = (lambda r: pii.unseal(r["sealed"])) if full_numbers else (lambda r: r["id_masked"])
    return [
        C("年度", lambda r: year, 8),
        C("姓名", lambda r: r["name"], 10),
        C("身份证号码", number, 22),
        C("参训班次", lambda r: r["classes"], 10),
        C("参训基地数", lambda r: r["bases"], 10),
        C("参训学时合计", lambda r: r["hours"] or 0, 12),
        C("考核合格学时", lambda r: r["passed_hours"] or 0, 12),
    ]
