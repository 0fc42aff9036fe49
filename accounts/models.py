"""Accounts and the organisations they belong to: regions, departments, inspector units, institutions."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .credit_code import normalise, validate_credit_code


class Role(models.TextChoices):
    INSTITUTION = "institution", "施教机构"
    RECOMMENDER = "recommender", "推荐单位"
    PROVINCE = "province", "省人社厅"
    INSPECTOR = "inspector", "考核委托单位"
    EXPERT = "expert", "评审专家"
    ADMIN = "admin", "系统管理员"


class InstitutionType(models.TextChoices):
    """The six kinds of institution Art. 8(2) names: the codes seeded into InstitutionKind, which the
    province then maintains (renames, adds, retires). Code refers to a kind by these codes."""

    UNIVERSITY = "university", "高等院校"
    RESEARCH = "research", "科研院所"
    TRAINING = "training", "教育培训机构"
    ASSOCIATION = "association", "专业协会（学会）"
    ENTERPRISE = "enterprise", "大中型企业施教机构"
    OTHER = "other", "其他组织和单位"


class Region(models.Model):
    """One of the ten city-level units (设区市人社局 ×9 and 平潭综合实验区党群工作部)."""

    code = models.CharField("行政区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    hr_unit_name = models.CharField("人社部门名称", max_length=100)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = verbose_name_plural = "设区市"

    def __str__(self):
        return self.name


class Department(models.Model):
    """A provincial industry department (省级行业主管部门/主管单位) that may recommend applicants."""

    name = models.CharField("名称", max_length=100, unique=True)
    active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "省级行业主管部门"

    def __str__(self):
        return self.name


class InspectorUnit(models.Model):
    """A unit the province commissions to carry out on-site inspections (Art. 20)."""

    name = models.CharField("名称", max_length=100, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name="所在设区市", null=True, blank=True)
    active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "考核委托单位"

    def __str__(self):
        return self.name


class CategoryQuerySet(models.QuerySet):
    def in_use(self):
        """The categories still offered for new records (not retired)."""
        return self.filter(retired_on__isnull=True)


class Category(models.Model):
    """Reference data the province maintains (分类管理, Art. 3): added, renamed and retired, never deleted,
    so records that name a retired category keep it."""

    name = models.CharField("名称", max_length=50, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    retired_on = models.DateField("停用日期", null=True, blank=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class TrainingField(Category):
    """A field (培训领域) a base trains in, an expert judges or a provincial programme belongs to (Art. 3)."""

    history = HistoricalRecords()

    class Meta(Category.Meta):
        verbose_name = verbose_name_plural = "培训领域"


class InstitutionKind(Category):
    """A kind of institution (机构类型, Art. 8(2)), managed like the fields (Art. 3). Records refer to it by
    its code, which never changes; the name the province gives it may."""

    code = models.SlugField("代码", max_length=20, unique=True)
    history = HistoricalRecords()

    class Meta(Category.Meta):
        verbose_name = verbose_name_plural = "机构类型"


class TrainingFieldAlias(models.Model):
    """A word institutions wrote for a field in the free text of earlier applications ("医疗卫生" for 卫生健康):
    the migration and the unmapped-words report read the free text through these."""

    word = models.CharField("写法", max_length=50, unique=True)
    field = models.ForeignKey(TrainingField, on_delete=models.CASCADE, related_name="aliases", verbose_name="培训领域")

    class Meta:
        ordering = ["field__order", "word"]
        verbose_name = verbose_name_plural = "培训领域别名"

    def __str__(self):
        return f"{self.word} → {self.field}"


class Institution(models.Model):
    """A training institution (施教机构) with its own account (Art. 8(3))."""

    name = models.CharField("机构名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code])
    type = models.ForeignKey(
        "InstitutionKind",
        on_delete=models.PROTECT,
        to_field="code",
        db_column="type",
        related_name="institutions",
        verbose_name="机构类型",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name="登记所在设区市")
    legal_representative = models.CharField("法定代表人", max_length=50)
    address = models.CharField("办公地址", max_length=200)
    contact_person = models.CharField("联系人", max_length=50)
    phone = models.CharField("联系电话", max_length=30)
    email = models.EmailField("电子邮箱")
    website = models.URLField("网站", blank=True)
    created_at = models.DateTimeField("注册时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "施教机构"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code = normalise(self.credit_code)
        super().save(*args, **kwargs)


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person with exactly one role and the one organisation that role needs."""

    role = models.CharField("角色", max_length=20, choices=Role.choices)
    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="施教机构",
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="所属设区市人社部门",
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="所属省级行业主管部门",
    )
    inspector_unit = models.ForeignKey(
        InspectorUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="所属考核委托单位",
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = PortalUserManager()

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                name="user_org_matches_role",
                condition=(
                    Q(
                        role=Role.INSTITUTION,
                        institution__isnull=False,
                        region__isnull=True,
                        department__isnull=True,
                        inspector_unit__isnull=True,
                    )
                    | Q(
                        role=Role.RECOMMENDER,
                        institution__isnull=True,
                        inspector_unit__isnull=True,
                        region__isnull=False,
                        department__isnull=True,
                    )
                    | Q(
                        role=Role.RECOMMENDER,
                        institution__isnull=True,
                        inspector_unit__isnull=True,
                        region__isnull=True,
                        department__isnull=False,
                    )
                    | Q(
                        role=Role.INSPECTOR,
                        inspector_unit__isnull=False,
                        institution__isnull=True,
                        region__isnull=True,
                        department__isnull=True,
                    )
                    | Q(
                        role__in=[Role.PROVINCE, Role.EXPERT, Role.ADMIN],
                        institution__isnull=True,
                        region__isnull=True,
                        department__isnull=True,
                        inspector_unit__isnull=True,
                    )
                ),
            )
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def organisation(self):
        """The organisation this account acts for, or None for province staff and administrators."""
        return self.institution or self.region or self.department or self.inspector_unit

    @property
    def organisation_name(self) -> str:
        if self.role == Role.PROVINCE:
            return "福建省人力资源和社会保障厅"
        if self.region_id:
            return self.region.hr_unit_name
        org = self.organisation
        return str(org) if org else ""

    @property
    def two_factor_required(self) -> bool:
        """Province staff and administrators (the Django admin's staff too) sign in with a second factor (等保 2.0
        双因素; issue 19 (8)); everyone else may turn it on."""
        return self.role in (Role.PROVINCE, Role.ADMIN) or self.is_staff or self.is_superuser
