"""The courseware review log (Art. 18): the base's courses and courseware with their reviews."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from core import uploads
from core.access import allowed
from core.errors import RuleViolation
from core.forms import show_refusal

from .. import selectors, services
from ..forms import CourseForm, ReviewForm
from ..models import Base, Course, CoursewareReview

BASES = Base.objects.select_related("institution")


@allowed("list_own_bases")
def mine(request):
    """The navigation's 课件审核: the institution's base's log, or its list of bases when it has several."""
    base = selectors.own_base(request.user)
    return redirect("bases:courseware", pk=base.pk) if base else redirect("bases:mine")


@allowed(Base, "view", load="pk", queryset=BASES)
def log(request, base):
    return render(
        request, "bases/courseware.html", {"base": base, "courses": selectors.courseware_log(request.user, base)}
    )


@allowed(Base, "keep_courseware", load="pk", queryset=BASES)
def course_new(request, base):
    form = CourseForm(request.POST or None, initial={"updated_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            course = services.add_course(actor=request.user, base_id=base.pk, **form.cleaned_data)
        except (RuleViolation, ValidationError) as error:
            _refuse(request, error, form)
        else:
            messages.success(request, f"已登记「{course.title}」，请登记其审核情况。")
            return redirect("bases:review_new", pk=course.pk)
    return render(request, "bases/course_form.html", {"base": base, "form": form})


@allowed(Course, "review", load="pk", queryset=Course.objects.select_related("base"))
def review_new(request, course):
    form = ReviewForm(request.POST or None, request.FILES or None, initial={"reviewed_on": timezone.localdate()})
    if request.method == "POST" and uploads.form_is_valid(request, form):
        try:
            services.record_review(actor=request.user, course_id=course.pk, **form.cleaned_data)
        except (RuleViolation, ValidationError) as error:
            _refuse(request, error, form)
        else:
            messages.success(request, "审核记录已登记。")
            return redirect("bases:courseware", pk=course.base_id)
    return render(request, "bases/review_form.html", {"base": course.base, "course": course, "form": form})


@allowed(CoursewareReview, "view", load="pk")
def review_file(request, coursewarereview):
    review = coursewarereview
    if not review.file:
        raise Http404
    return uploads.serve(review.file, filename=review.original_name, content_type=review.content_type)


def _refuse(request, error, form):
    if isinstance(error, ValidationError):
        form.add_error("file" if "file" in form.fields else None, error)
    else:
        show_refusal(request, error, form)
