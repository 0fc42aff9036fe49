from django.urls import path

from .views import adjustment, bases, changes, courseware, faculty, filings, recognition, suspension

app_name = "bases"
urlpatterns = [
    path("mine/", bases.mine, name="mine"),
    path("recommended/", bases.recommended, name="recommended"),
    path("all/", bases.province_list, name="province_list"),
    path("<int:pk>/", bases.detail, name="detail"),
    path("<int:pk>/plaque.pdf", bases.plaque, name="plaque"),
    path("<int:pk>/fees/", changes.fee_disclosure, name="fee_disclosure"),
    path("<int:pk>/suspend/", suspension.suspend, name="suspend"),
    path("<int:pk>/resume/", suspension.resume, name="resume"),
    path("<int:pk>/adjust/", adjustment.adjust, name="adjust"),
    path("<int:pk>/merge/", adjustment.merge, name="merge"),
    path("<int:pk>/changes/new/", changes.change_new, name="change_new"),
    # the faculty pool (Art. 16) and the courseware review log (Art. 18)
    path("mine/faculty/", faculty.mine, name="my_faculty"),
    path("<int:pk>/faculty/", faculty.pool, name="faculty"),
    path("<int:pk>/faculty/new/", faculty.teacher_new, name="teacher_new"),
    path("<int:pk>/faculty/template.xlsx", faculty.faculty_template, name="faculty_template"),
    path("<int:pk>/faculty/import/", faculty.faculty_import, name="faculty_import"),
    path("faculty/<int:pk>/", faculty.teacher, name="teacher"),
    path("faculty/<int:pk>/end/", faculty.teacher_end, name="teacher_end"),
    path("mine/courseware/", courseware.mine, name="my_courseware"),
    path("<int:pk>/courseware/", courseware.log, name="courseware"),
    path("<int:pk>/courseware/new/", courseware.course_new, name="course_new"),
    path("courseware/<int:pk>/review/", courseware.review_new, name="review_new"),
    path("courseware/reviews/<int:pk>/file/", courseware.review_file, name="review_file"),
    path("changes/", changes.change_list, name="change_list"),
    path("changes/<int:pk>/", changes.change_detail, name="change_detail"),
    path("changes/<int:pk>/evidence/", changes.change_evidence, name="change_evidence"),
    path("publish/<int:batch_pk>/", recognition.publish_batch, name="publish_batch"),
    path("filings/", filings.filings, name="filings"),
    path("filings/queue/", filings.filing_queue, name="filing_queue"),
    path("filings/overview/", filings.filing_overview, name="filing_overview"),
    path("filings/tolerance/", filings.filing_tolerance, name="filing_tolerance"),
    path("<int:base_pk>/filings/<int:year>/start/", filings.filing_start, name="filing_start"),
    path("filings/<int:pk>/", filings.filing_detail, name="filing_detail"),
    path("filings/<int:pk>/edit/", filings.filing_edit, name="filing_edit"),
    path("filings/<int:pk>/<slug:action>/", filings.filing_act, name="filing_act"),
]

# Recognition happens on the application's pages, under /applications/ (config/urls.py), but creates a
# base, so its views live here, above the applications layer.
recognition_urlpatterns = [
    path("batches/<int:batch_pk>/notice/", recognition.notice_new, name="notice_new"),
    path("<int:pk>/approve/", recognition.approve, name="approve"),
]
