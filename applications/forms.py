"""Input parsing for batches and applications, with Chinese messages at the field."""

from django import forms
from django.db.models import Q
from django.forms import formset_factory

from accounts.models import Department, Region, TrainingField
from core.forms import DateInput, RowLabelledFormSet, StyledFormMixin, formfield
from core.uploads import ACCEPT_ATTR

from .models import (
    APPLICANT_CONDITIONS,
    MIN_BACHELOR_MANAGERS,
    AppealKind,
    AppealState,
    Application,
    ApplicationPerson,
    Batch,
    Condition,
    PersonKind,
    RecommenderKind,
    State,
)
from .services import APPLICANT_FIELDS

DATE_ERRORS = {"required": "请填写日期。", "invalid": "日期格式不正确。"}


class BatchForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Batch
        fields = ["name", "year", "opens_on", "closes_on", "notes"]
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", "截止日期不能早于开始日期。")
        return data


class ApplicationForm(StyledFormMixin, forms.ModelForm):
    """Every fact the applicant declares; all optional while drafting, checked on submit (Art. 7)."""

    class Meta:
        formfield_callback = formfield
        model = Application
        fields = APPLICANT_FIELDS
        widgets = {
            "recommender_kind": forms.RadioSelect,
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "qualification": forms.Textarea(attrs={"rows": 3}),
            "teaching_equipment": forms.Textarea(attrs={"rows": 3}),
            "practical_training": forms.Textarea(attrs={"rows": 3}),
            "faculty_description": forms.Textarea(attrs={"rows": 3}),
            "experience_description": forms.Textarea(attrs={"rows": 3}),
            "credit_statement": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "teaching_capacity": "第七条第二项：应能承担100人以上培训任务。",
            "training_fields": "可多选。领域目录由省人社厅维护（第三条分类管理）；没有合适的领域请在“机构基本情况”中说明。",
            "credit_declaration": "本机构社会信用良好，无违法、失信、重大经济纠纷等不良记录，无乱办班、乱收费、乱发证等不良记录（第七条第六项）。",
            "platform_can_connect": "第七条第七项：开展网络培训的，平台应当具备接入福建省继续教育公共服务平台的条件。",
            "is_city_base": "第八条第二项：优先从市级基地或省级行业主管部门设立的行业性基地中遴选。",
        }
        error_messages = {
            name: {"invalid": "请输入有效的数值。", "min_value": "不能为负数。"}
            for name in (
                "teaching_capacity",
                "faculty_total",
                "trained_year_1",
                "trained_year_2",
                "trained_year_3",
            )
        }

    def __init__(self, *args, institution=None, batch=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        kind = self.fields["recommender_kind"]
        region_name = institution.region.hr_unit_name if institution else "所在设区市人社部门"
        kind.choices = [
            (RecommenderKind.REGION, f"本市人社部门推荐（{region_name}）"),
            (RecommenderKind.DEPARTMENT, "省级行业主管部门（主管单位）人事部门推荐"),
        ]
        self.fields["recommender_department"].queryset = Department.objects.filter(active=True)
        # The fields still offered, and any retired one the application already names (kept, shown as retired).
        chosen = list(self.instance.training_fields.all()) if self.instance.pk else []
        fields = self.fields["training_fields"]
        fields.queryset = TrainingField.objects.filter(
            Q(retired_on__isnull=True) | Q(pk__in=[field.pk for field in chosen])
        )
        fields.widget = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
        fields.widget.choices = fields.choices
        fields.label_from_instance = lambda field: f"{field.name}（已停用）" if field.retired_on else field.name
        self.fields["recommender_department"].empty_label = "— 请选择 —"
        if batch is not None:
            for n, year in enumerate(batch.experience_years, 1):
                self.fields[f"trained_year_{n}"].label = f"{year}年培训专业技术人员人数"

    def clean(self):
        data = super().clean()
        if data.get("recommender_kind") == RecommenderKind.DEPARTMENT and not data.get("recommender_department"):
            self.add_error("recommender_department", "选择由省级行业主管部门推荐时，请选择具体部门。")
        for name in (
            "teaching_capacity",
            "faculty_total",
            "trained_year_1",
            "trained_year_2",
            "trained_year_3",
        ):
            value = data.get(name)
            if value is not None and value < 0:
                self.add_error(name, "不能为负数。")
        return data


class PersonForm(StyledFormMixin, forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = ApplicationPerson
        fields = ["kind", "name", "degree", "title", "full_time", "specialty"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = self.fields["kind"].choices[1:]
        self.fields["degree"].choices = [("", "— 学历 —"), *self.fields["degree"].choices[1:]]

    def has_changed(self):
        """A row counts once something is typed in it: the preset 类别 and 专职 alone leave it a blank row,
        which is not saved and not checked."""
        return any(name not in ("kind", "full_time") for name in self.changed_data)


class BasePersonFormSet(RowLabelledFormSet):
    """The people of Art. 7(3). Blank rows are shown for as many as the rule still needs (at least five
    full-time managers and the faculty), managers first, and never fewer than two."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        listed = [row.get("kind") for row in self.initial or []]
        self.managers_wanted = max(0, MIN_BACHELOR_MANAGERS - listed.count(PersonKind.MANAGER))
        faculty_wanted = 0 if PersonKind.FACULTY in listed else 3
        self.extra = max(2, self.managers_wanted + faculty_wanted)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is None or index >= self.initial_form_count():
            blank = None if index is None else index - self.initial_form_count()
            manager = blank is not None and blank < self.managers_wanted and not self.is_bound
            kwargs["initial"] = {"kind": PersonKind.MANAGER if manager else PersonKind.FACULTY}
        return kwargs

    def rows(self) -> list[dict]:
        """The filled-in, not deleted rows as plain dicts."""
        out = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("name"):
                continue
            out.append({k: data.get(k) for k in ("id", "kind", "name", "degree", "title", "full_time", "specialty")})
        return out


PersonFormSet = formset_factory(
    PersonForm, formset=BasePersonFormSet, extra=2, can_delete=True, max_num=200, validate_max=True
)


def person_initial(app: Application) -> list[dict]:
    return [
        {
            "id": p.pk,
            "kind": p.kind,
            "name": p.name,
            "degree": p.degree,
            "title": p.title,
            "full_time": p.full_time,
            "specialty": p.specialty,
        }
        for p in app.people.all()
    ]


class UploadForm(StyledFormMixin, forms.Form):
    condition = forms.ChoiceField(label="佐证事项", choices=[(c.value, c.label) for c in APPLICANT_CONDITIONS])
    file = forms.FileField(
        label="文件",
        help_text="PDF、JPG、PNG、DOCX、XLSX，单个文件不超过20 MB；按文件内容识别类型。",
        error_messages={"required": "请选择要上传的文件。"},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
    )
    replaces = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, site_visit=False, **kwargs):
        super().__init__(*args, **kwargs)
        if site_visit:
            self.fields["condition"].choices = [(Condition.SITE_VISIT.value, Condition.SITE_VISIT.label)]


class ActionForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    expected_state = forms.ChoiceField(choices=State.choices, widget=forms.HiddenInput)


class ScheduleVisitForm(ActionForm):
    scheduled_on = forms.DateField(
        label="考察日期",
        widget=DateInput(),
        error_messages={"required": "请填写考察日期。", "invalid": "日期格式不正确。"},
    )
    team = forms.CharField(
        label="考察组成员",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写考察组成员。"},
    )

    field_order = ["scheduled_on", "team", "comment"]


class VisitFindingsForm(StyledFormMixin, forms.Form):
    findings = forms.CharField(
        label="考察情况",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "请填写考察情况。"},
    )


class ApproveForm(ActionForm):
    recognised_on = forms.DateField(
        label="认定日期",
        widget=DateInput(),
        error_messages={"required": "请填写认定日期。", "invalid": "日期格式不正确。"},
    )
    field_order = ["recognised_on", "comment"]


class RejectForm(ActionForm):
    """First the notice of the intended refusal (the reason), then, once the institution has been heard,
    the decision with the province's reply to what it said."""

    response = forms.CharField(
        label="对陈述申辩意见的复核和采纳情况",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="当事人提出陈述申辩的，须写明复核和采纳情况。",
    )

    def __init__(self, *args, deciding=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = "不予认定的理由" if deciding else "拟不予认定的事实和理由"
        self.fields["comment"].required = True
        self.fields["comment"].error_messages["required"] = "请填写不予认定的理由。"
        if not deciding:
            del self.fields["response"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the pattern of Django's documentation); cleaned to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTR}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(d, initial) for d in data if d]
        return [one(data, initial)] if data else []


class FraudFindingForm(StyledFormMixin, forms.Form):
    """The province's fraud finding: first the notice (the facts), then the decision with the reply."""

    facts = forms.CharField(
        label="弄虚作假、伪造申报材料的具体事实",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        error_messages={"required": "请写明弄虚作假的具体事实。"},
    )
    response = forms.CharField(
        label="对陈述申辩意见的复核和采纳情况",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="当事人提出陈述申辩的，须写明复核和采纳情况。",
    )
    # the digest of the announcements previewed on the page: the finding publishes only what was seen
    digest = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, deciding=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not deciding:
            del self.fields["response"], self.fields["digest"]


class FraudReportForm(StyledFormMixin, forms.Form):
    facts = forms.CharField(
        label="涉嫌弄虚作假的具体事实",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        error_messages={"required": "请写明涉嫌弄虚作假的具体事实。"},
    )


class StatementForm(StyledFormMixin, forms.Form):
    """The party's defence (陈述申辩), with files."""

    statement = forms.CharField(
        label="陈述申辩意见",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        error_messages={"required": "请填写陈述申辩意见。"},
    )
    files = MultipleFileField(label="证明材料（可选，可多选）", required=False)


class DropHearingForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="不再作出该决定的理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请写明不再作出该决定的理由。"},
    )


class AppealForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="途径", choices=AppealKind.choices, widget=forms.RadioSelect)
    authority = forms.CharField(label="受理机关", max_length=100, error_messages={"required": "请填写受理机关。"})
    case_number = forms.CharField(label="案号（可选）", max_length=100, required=False)
    filed_on = forms.DateField(label="提起日期", widget=DateInput(), error_messages=DATE_ERRORS)


class AppealOutcomeForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="结果",
        choices=[(s.value, s.label) for s in AppealState if s != AppealState.PENDING],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择复议或诉讼的结果。"},
    )
    outcome_on = forms.DateField(label="结果日期", widget=DateInput(), error_messages=DATE_ERRORS)
    note = forms.CharField(
        label="结果说明（变更原决定的须写明变更内容）",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class QueueFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="机构名称或信用代码", required=False, max_length=100)
    batch = forms.ModelChoiceField(label="批次", queryset=Batch.objects.all(), required=False, empty_label="全部批次")
    state = forms.ChoiceField(label="状态", required=False)
    region = forms.ModelChoiceField(
        label="设区市推荐", queryset=Region.objects.all(), required=False, empty_label="全部设区市"
    )
    department = forms.ModelChoiceField(
        label="行业主管部门推荐", queryset=Department.objects.all(), required=False, empty_label="全部部门"
    )
    priority = forms.BooleanField(label="仅看优先遴选对象", required=False)

    def __init__(self, *args, states=None, with_units=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [
            ("", "待办（默认）"),
            *[(s.value, s.label) for s in (states or State)],
        ]
        if not with_units:
            del self.fields["region"]
            del self.fields["department"]

    def filters(self):
        from .selectors import QueueFilters

        if not self.is_valid():
            return QueueFilters()
        d = self.cleaned_data
        return QueueFilters(
            batch=d["batch"].pk if d.get("batch") else None,
            state=d.get("state") or None,
            region=d["region"].pk if d.get("region") else None,
            department=d["department"].pk if d.get("department") else None,
            priority=bool(d.get("priority")),
            q=(d.get("q") or "").strip(),
        )


class NoticeForm(StyledFormMixin, forms.Form):
    applications = forms.ModelMultipleChoiceField(
        label="拟认定名单",
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个拟认定的申报。"},
    )
    starts_on = forms.DateField(
        label="公示开始日期",
        widget=DateInput(),
        help_text="遇非工作日顺延至下一个工作日。",
        error_messages={"required": "请填写公示开始日期。", "invalid": "日期格式不正确。"},
    )
    working_days = forms.IntegerField(
        label="公示期（工作日）",
        min_value=1,
        max_value=30,
        initial=5,
        error_messages={"min_value": "至少1个工作日。", "max_value": "不超过30个工作日。"},
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["applications"].queryset = candidates
            self.fields["applications"].label_from_instance = lambda a: (
                f"{a.institution.name}（{a.institution.region.name}）"
            )


class ObjectionForm(StyledFormMixin, forms.Form):
    application = forms.ModelChoiceField(
        label="异议对象",
        queryset=Application.objects.none(),
        empty_label="— 请选择公示名单中的机构 —",
        error_messages={"required": "请选择异议对象。"},
    )
    name = forms.CharField(
        label="姓名或单位名称", max_length=100, error_messages={"required": "请填写姓名或单位名称（实名反映）。"}
    )
    contact = forms.CharField(
        label="联系方式", max_length=100, error_messages={"required": "请填写联系电话或电子邮箱。"}
    )
    facts = forms.CharField(
        label="异议事实和理由",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "请写明异议的事实和理由。"},
    )
    evidence = forms.FileField(
        label="证明材料（可选）", required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR})
    )

    def __init__(self, *args, notice=None, **kwargs):
        super().__init__(*args, **kwargs)
        if notice is not None:
            self.fields["application"].queryset = notice.applications.select_related("institution")
            self.fields["application"].label_from_instance = lambda a: a.institution.name


class ResolveObjectionForm(StyledFormMixin, forms.Form):
    resolution = forms.CharField(
        label="处理结果", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请填写处理结果。"}
    )


class CalendarDayForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        from .models import CalendarDay

        model = CalendarDay
        fields = ["date", "kind", "name"]
        widgets = {"date": DateInput()}
        error_messages = {"date": {"required": "请填写日期。"}}

    def validate_unique(self):
        """A date already on the calendar is replaced by the province's entry (notices.save_calendar_day)."""
