"""The courseware review log (Art. 18: 加强课程开发和课件意识形态审核): courses and their reviews."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import access, uploads
from core.errors import RuleViolation

from ..models import Base, Course, CoursewareReview


@transaction.atomic
def add_course(*, actor: User, base_id, title: str, field: str, kind: str, updated_on: date) -> Course:
    """The base enters a course or a piece of courseware in its log (Art. 18)."""
    base = access.get_visible_or_404(actor, Base.objects.select_for_update(), pk=base_id)
    access.require(actor, "keep_courseware", base)
    if updated_on > timezone.localdate():
        raise RuleViolation("最近更新日期不能晚于今天。", field="updated_on")
    course = Course(base=base, title=title.strip(), field=field.strip(), kind=kind, updated_on=updated_on)
    course.full_clean(exclude=["base"])
    course.save()
    return course


@transaction.atomic
def record_review(
    *,
    actor: User,
    course_id,
    reviewer: str,
    reviewed_on: date,
    result: str,
    notes: str = "",
    file=None,
    updated_on: date | None = None,
) -> CoursewareReview:
    """The base records a quality and ideology review of a course (Art. 18), with its file if any; a review
    of a new version may move the course's last update date forward."""
    course = access.get_visible_or_404(actor, Course.objects.select_for_update().select_related("base"), pk=course_id)
    access.require(actor, "review", course)
    today = timezone.localdate()
    if reviewed_on > today:
        raise RuleViolation("审核日期不能晚于今天。", field="reviewed_on")
    if updated_on is not None:
        if updated_on > today:
            raise RuleViolation("最近更新日期不能晚于今天。", field="updated_on")
        if updated_on != course.updated_on:
            course.updated_on = updated_on
            course.save(update_fields=["updated_on"])
    review = CoursewareReview(
        course=course,
        reviewer=reviewer.strip(),
        reviewed_on=reviewed_on,
        result=result,
        notes=notes.strip(),
        created_by=actor,
    )
    review.full_clean(exclude=["course", "created_by", "file"])
    if file is None:
        review.save()
        return review
    return uploads.store(review, uploads.check(file))
