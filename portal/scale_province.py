"""The province part of `seed_scale` (issue 20, target 4): institutions, applications with their timelines,
history, documents and notifications, bases with filings and inspections, all `scale` times today's province.

Rows are generated and inserted in chunks of CHUNK, and each chunk's history rows are written at once from the
rows just inserted (their keys taken from the sequences before a COPY; from bulk_create on SQLite), so memory
stays flat as the scale grows: what is kept across chunks is a few integers per institution and per base, never
the model objects.
"""

import random
import resource
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from time import monotonic
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, reset_queries
from django.utils import timezone

from accounts.credit_code import check_character
from accounts.models import Department, InspectorUnit, Institution, InstitutionKind, Region, Role, TrainingField, User
from applications.models import (
    RULE_CONDITIONS,
    Application,
    ApplicationDocument,
    ApplicationPerson,
    Batch,
    Condition,
    Degree,
    PersonKind,
    State,
)
from bases.models import AnnualFiling, Base, BaseStatus, FilingState, RegisterSequence
from core import uploads
from core.models import Notification, TimelineEvent
from core.periods import last_day_of_years
from supervision.models import Inspection, InspectionItem, InspectionKind, InspectionState, Item, Result

PREFIX = "规模测试"
PASSWORD = "Scale12345678"
CHUNK = 2000  # rows of the leading model per chunk: its history, timeline and documents go with it
TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
FIELDS = ("工程技术", "卫生健康", "教育", "农业", "经济")
EDITS = 3  # later edits per application, each a history row
MANAGERS = 5  # per base's application
BASE_STATUSES = (
    [BaseStatus.ACTIVE] * 90 + [BaseStatus.RECTIFYING] * 5 + [BaseStatus.REVOKED] * 3 + [BaseStatus.CANCELLED] * 2
)


@dataclass(frozen=True)
class Sizes:
    """Today's province (scale 1); every count is multiplied by the scale, the per-row figures are not."""

    institutions: int = 3000
    bases: int = 1000  # the first applications, approved, one per institution
    applications: int = 10000
    filings: int = 6000
    inspections: int = 3000
    documents_per_application: int = 2
    province_notifications: int = 200  # the first province user's inbox
    recommender_notifications: int = 50  # each city's first recommender's inbox (about)

    def times(self, scale: int) -> "Sizes":
        per_row = {"documents_per_application"}
        return replace(self, **{f.name: getattr(self, f.name) * scale for f in fields(self) if f.name not in per_row})


ONE = Sizes()  # tests shrink it


class Inst(NamedTuple):
    pk: int
    region_id: int
    type_id: str
    user_id: int


class BaseApp(NamedTuple):
    """What a base needs of its approved application."""

    pk: int
    institution: int  # index into the institutions
    batch_id: int
    year: int
    fields: str
    recommender_region_id: int | None  # its routing, which the base keeps (Base.recommender_region)
    recommender_department_id: int | None


@contextmanager
def stamped(*pairs):
    """Let bulk_create keep the times given: `auto_now_add` would overwrite them all with now."""
    found = [model._meta.get_field(name) for model, name in pairs]
    for field in found:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in found:
            field.auto_now_add = True


def copy_in(model, objs, *, keys: bool = False) -> None:
    """Rows written with COPY on PostgreSQL, which spares Django's per-value preparation (bulk_create elsewhere).
    With `keys`, the objects first take their primary keys from the table's sequence, as bulk_create gives them,
    for the history rows and the rows that point at them."""
    if connection.vendor != "postgresql" or not objs:
        model.objects.bulk_create(objs)
        return
    if keys:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) AS pk FROM generate_series(1, %s) ORDER BY pk",
                [model._meta.db_table, model._meta.pk.column, len(objs)],
            )
            for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
    meta, now = model._meta, timezone.now()
    fields = [
        f
        for f in meta.concrete_fields
        if (keys or f is not meta.pk) and not getattr(f, "generated", False) and not f.has_db_default()
    ]  # generated columns and columns with a database default are left to the database
    prepared = {f.attname for f in fields if f.get_internal_type() in ("FileField", "JSONField")}
    stamped_now = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    names = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.copy(f"COPY {meta.db_table} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            row = []
            for field, name in zip(fields, names, strict=True):
                value = getattr(obj, name)
                if name in prepared:
                    value = field.get_db_prep_save(value, connection)
                elif value is None and name in stamped_now:
                    value = now
                row.append(value)
            copy.write_row(row)


def chunks(total: int):
    for start in range(0, total, CHUNK):
        yield range(start, min(start + CHUNK, total))


def credit_code(n: int) -> str:
    body = f"52350100MK{n:07d}"
    return body + check_character(body)


class ProvinceSeed:
    """Seeds the province part; `run()` reports each part's counts and time through `say`."""

    def __init__(self, *, scale: int, rng: random.Random, today: date, now: datetime, say: Callable[[str], None]):
        self.sizes = ONE.times(scale)
        self.rng, self.today, self.now, self.say = rng, today, now, say
        self.history_rows = 0
        self.notified = 0

    def run(self) -> None:
        self.part("reference data", self.reference)
        self.part("institutions", self.institutions)
        self.part("applications", self.applications)
        self.part("bases", self.bases)
        self.part("older filings", self.older_filings)
        self.say(f"  {'history rows (all parts)':<28}{self.history_rows:>10,}")

    def part(self, name: str, step: Callable[[], dict[str, int]]) -> None:
        started = monotonic()
        counts = step()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        self.say(f"{name}: {monotonic() - started:.1f}s (peak memory so far {peak:.0f} MiB)")
        for what, n in counts.items():
            self.say(f"  {what:<28}{n:>10,}")

    def history(self, model, objs, *, kind="+", at="%s", by="NULL", params=None) -> None:
        """The history rows of objects just inserted, copied by the database from their rows (no read-back, no
        Python objects): `at` and `by` are SQL over the row for history_date and history_user_id, `params`
        fill their placeholders (`at` defaults to now)."""
        self.history_rows += len(objs)
        if connection.vendor != "postgresql":  # the tests' SQLite: django-simple-history's own bulk writer
            model.history.bulk_history_create(objs, batch_size=CHUNK, update=kind == "~")
            return
        historical = model.history.model
        columns = [f.column for f in historical.tracked_fields if not getattr(f, "generated", False)]
        listed = ", ".join(connection.ops.quote_name(c) for c in columns)
        sql = (
            f"INSERT INTO {historical._meta.db_table} ({listed}, history_date, history_change_reason, history_type,"
            f" history_user_id) SELECT {listed}, {at}, NULL, %s, {by} FROM {model._meta.db_table}"
            f" WHERE {model._meta.pk.column} = ANY(%s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*([self.now] if params is None else params), kind, [o.pk for o in objs]])

    # ---- reference data: departments, units, the province and one recommender per city, batches

    def reference(self) -> dict[str, int]:
        self.regions = list(Region.objects.order_by("order"))
        self.departments = [Department.objects.get_or_create(name=f"{PREFIX}主管部门{i}")[0] for i in range(5)]
        for i, region in enumerate(self.regions):
            InspectorUnit.objects.get_or_create(name=f"{PREFIX}评估单位{i}", defaults={"region": region})
        self.units = list(InspectorUnit.objects.values_list("pk", flat=True))
        self.password = make_password(PASSWORD)
        # the benchmarks sign in as the first province user and each city's first recommender
        self.province = User.objects.filter(role=Role.PROVINCE).first() or User.objects.create(
            username=f"{PREFIX}省厅", role=Role.PROVINCE, password=self.password
        )
        self.recommenders = {}
        for region in self.regions:
            first = User.objects.filter(role=Role.RECOMMENDER, region=region).order_by("pk").first()
            self.recommenders[region.pk] = first or User.objects.create(
                username=f"scale_hr_{region.code}", role=Role.RECOMMENDER, region=region, password=self.password
            )
        self.types = list(InstitutionKind.objects.values_list("code", flat=True))
        self.batches = []
        for year in range(self.today.year - 5, self.today.year + 1):
            batch, _ = Batch.objects.get_or_create(
                name=f"{PREFIX}{year}年度批次",
                defaults={"year": year, "opens_on": date(year, 3, 1), "closes_on": date(year, 12, 31)},
            )
            self.batches.append(batch)
        self.shared_file = uploads.private_storage().save("scale/shared.pdf", ContentFile(TINY_PDF))
        return {"batches": len(self.batches), "recommenders": len(self.recommenders)}

    # ---- institutions and their users

    def institutions(self) -> dict[str, int]:
        rng = self.rng
        self.inst: list[Inst] = []
        for block in chunks(self.sizes.institutions):
            institutions = [
                Institution(
                    name=f"{PREFIX}培训机构{n:05d}",
                    credit_code=credit_code(n),
                    type_id=rng.choice(self.types),
                    region=rng.choice(self.regions),
                    legal_representative="张三",
                    address=f"福建省测试路{n}号",
                    contact_person="李四",
                    phone=f"0591-{n:08d}",
                    email=f"scale{n}@example.cn",
                )
                for n in block
            ]
            copy_in(Institution, institutions, keys=True)
            self.history(Institution, institutions)
            users = [
                User(
                    username=f"scale_inst_{i.pk}",
                    role=Role.INSTITUTION,
                    institution=i,
                    password=self.password,
                    full_name="经办人",
                )
                for i in institutions
            ]
            copy_in(User, users, keys=True)
            self.history(User, users)
            self.inst += [Inst(i.pk, i.region_id, i.type_id, u.pk) for i, u in zip(institutions, users, strict=True)]
            reset_queries()  # DEBUG keeps every statement: megabytes per chunk
        return {"institutions": len(self.inst), "institution users": len(self.inst)}

    # ---- applications: history, timeline, managers, documents and notifications, chunk by chunk

    def applications(self) -> dict[str, int]:
        sizes, rng, now = self.sizes, self.rng, self.now
        others = [s for s in State if s != State.APPROVED]
        conditions = [Condition.LEGAL, Condition.VENUE, Condition.STAFF, *RULE_CONDITIONS]
        conditions += [Condition.EXPERIENCE, Condition.CREDIT]
        ct = ContentType.objects.get_for_model(Application)
        every_province = max(1, sizes.applications // sizes.province_notifications)
        cities = len(self.regions)
        every_city = max(1, int(sizes.applications * 0.8 / cities / max(1, sizes.recommender_notifications)))
        routed = dict.fromkeys(self.recommenders, 0)
        self.base_apps: list[BaseApp] = []
        counts = dict.fromkeys(("applications", "timeline events", "documents", "managers", "notifications"), 0)
        for block in chunks(sizes.applications):
            apps = []
            for i in block:
                if i < sizes.bases:  # the first become the bases: one per institution
                    index, state = i, State.APPROVED
                else:
                    index, state = rng.randrange(len(self.inst)), rng.choice(others)
                inst = self.inst[index]
                batch = rng.choice(self.batches)
                by_department = rng.random() < 0.2
                if state == State.DRAFT:
                    submitted, created = None, now - timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 1439))
                else:
                    submitted = now - timedelta(days=rng.randint(1, 1500), minutes=rng.randint(0, 1439))
                    created = submitted - timedelta(days=rng.randint(1, 30))
                apps.append(
                    Application(
                        batch=batch,
                        institution_id=inst.pk,
                        state=state,
                        created_by_id=inst.user_id,
                        created_at=created,
                        submitted_at=submitted,
                        last_submitted_at=submitted,
                        recommender_kind="department" if by_department else "region",
                        recommender_region_id=None if by_department else inst.region_id,
                        recommender_department=rng.choice(self.departments) if by_department else None,
                        legacy_fields=rng.choice(FIELDS),
                        is_city_base=rng.random() < 0.15,
                        is_independent_legal_person=True,
                        qualification="办学许可证",
                        office_address=f"福建省测试路{index}号",
                        teaching_capacity=rng.randint(80, 800),
                        teaching_equipment="多媒体教室",
                        faculty_total=rng.randint(10, 200),
                        trained_year_1=rng.randint(500, 5000),
                        trained_year_2=rng.randint(500, 5000),
                        trained_year_3=rng.randint(500, 5000),
                        credit_declaration=True,
                        contact_person="李四",
                        contact_phone=f"0591-{index:08d}",
                    )
                )
                if i < sizes.bases:
                    app = apps[-1]
                    self.base_apps.append(
                        BaseApp(
                            0,
                            index,
                            batch.pk,
                            batch.year,
                            app.legacy_fields,
                            app.recommender_region_id,
                            app.recommender_department_id,
                        )
                    )
            with stamped((Application, "created_at")):
                copy_in(Application, apps, keys=True)
            for k, app in enumerate(apps):
                if block[k] < sizes.bases:
                    self.base_apps[block[k]] = self.base_apps[block[k]]._replace(pk=app.pk)
            self.application_history(apps)
            counts["applications"] += len(apps)
            counts["timeline events"] += self.timeline(apps, ct)
            counts["managers"] += self.managers([a for i, a in zip(block, apps, strict=True) if i < sizes.bases])
            counts["documents"] += self.documents(apps, block, conditions)
            notifications = []
            for i, app in zip(block, apps, strict=True):
                if i % every_province == 0:  # exactly province_notifications
                    notifications.append(self.notification(self.province, app, "申报动态"))
                if app.state == State.DRAFT:
                    continue
                if app.recommender_region_id in routed:
                    routed[app.recommender_region_id] += 1
                    if routed[app.recommender_region_id] % every_city == 0:
                        recommender = self.recommenders[app.recommender_region_id]
                        notifications.append(self.notification(recommender, app, "申报待推荐"))
            with stamped((Notification, "created_at")):
                copy_in(Notification, notifications)
            counts["notifications"] += len(notifications)
            reset_queries()
        return counts

    def application_history(self, apps) -> None:
        """A creation row at the creation time by its author, then EDITS later edits between it and now."""
        self.history(Application, apps, at="created_at", by="created_by_id", params=[])
        for k in range(1, EDITS + 1):
            at = f"created_at + (%s - created_at) * {k / (EDITS + 1)}"
            self.history(Application, apps, kind="~", at=at, by="created_by_id")

    def timeline(self, apps, ct) -> int:
        events = []
        for app in apps:
            events.append(
                TimelineEvent(
                    content_type=ct,
                    object_id=app.pk,
                    actor_id=app.created_by_id,
                    action="create",
                    label="创建申报草稿",
                    to_state=State.DRAFT,
                    created_at=app.created_at,
                )
            )
            if app.state == State.DRAFT:
                continue
            events.append(
                TimelineEvent(
                    content_type=ct,
                    object_id=app.pk,
                    actor_id=app.created_by_id,
                    action="submit",
                    label="提交申报",
                    from_state=State.DRAFT,
                    to_state=State.SUBMITTED,
                    article="第八条第三项",
                    created_at=app.submitted_at,
                )
            )
            if app.state != State.SUBMITTED:
                events.append(
                    TimelineEvent(
                        content_type=ct,
                        object_id=app.pk,
                        actor_id=self.province.pk,
                        action="decide",
                        label="办理",
                        from_state=State.SUBMITTED,
                        to_state=app.state,
                        created_at=min(self.now, app.submitted_at + timedelta(days=self.rng.randint(1, 60))),
                    )
                )
        with stamped((TimelineEvent, "created_at")):
            copy_in(TimelineEvent, events)
        return len(events)

    def managers(self, apps) -> int:
        people = [
            ApplicationPerson(application_id=app.pk, kind=PersonKind.MANAGER, name=f"管理{k}", degree=Degree.BACHELOR)
            for app in apps
            for k in range(MANAGERS)
        ]
        copy_in(ApplicationPerson, people)
        return len(people)

    def documents(self, apps, block, conditions) -> int:
        per = self.sizes.documents_per_application
        documents = [
            ApplicationDocument(
                application_id=app.pk,
                condition=conditions[(i * per + k) % len(conditions)],
                file=self.shared_file,
                kind="pdf",
                content_type="application/pdf",
                original_name=f"材料{i * per + k}.pdf",
                size=len(TINY_PDF),
                sha256="0" * 64,
                uploaded_by_id=app.created_by_id,
            )
            for i, app in zip(block, apps, strict=True)
            for k in range(per)
        ]
        copy_in(ApplicationDocument, documents)
        return len(documents)

    def notification(self, recipient, app, title) -> Notification:
        created = min(self.now, (app.submitted_at or app.created_at) + timedelta(hours=self.rng.randint(0, 72)))
        self.notified += 1
        read = self.notified % 10 < 7  # seven in ten read, the others waiting in the inbox
        return Notification(
            recipient=recipient,
            title=f"{title}：{PREFIX}申报{app.pk}",
            body="有一份申报等待您办理。",
            url=app.get_absolute_url(),
            created_at=created,
            read_at=created + timedelta(hours=self.rng.randint(1, 48)) if read else None,
            emailed_at=created,
        )

    # ---- bases, their fields, filings of recent years and inspections with checklists

    def bases(self) -> dict[str, int]:
        rng, today, now = self.rng, self.today, self.now
        sequences = dict(RegisterSequence.objects.values_list("year", "last"))
        field_ids = dict(TrainingField.objects.values_list("name", "pk"))
        through = Base.training_fields.through
        self.base_ids: list[int] = []
        self.natural_filings = 0
        counts = dict.fromkeys(("bases", "annual filings", "inspections", "checklist rows"), 0)
        for block in chunks(len(self.base_apps)):
            bases = []
            for b in block:
                app = self.base_apps[b]
                inst = self.inst[app.institution]
                recognised = min(date(app.year, rng.randint(5, 12), rng.randint(1, 28)), today)
                sequences[recognised.year] = sequences.get(recognised.year, 0) + 1
                seq = sequences[recognised.year]
                bases.append(
                    Base(
                        institution_id=inst.pk,
                        application_id=app.pk,
                        batch_id=app.batch_id,
                        register_number=Base.format_number(recognised.year, seq),
                        year=recognised.year,
                        sequence=seq,
                        recognised_on=recognised,
                        name=f"{PREFIX}培训机构{app.institution:05d}",
                        region_id=inst.region_id,
                        recommender_region_id=app.recommender_region_id,
                        recommender_department_id=app.recommender_department_id,
                        institution_type_id=inst.type_id,
                        fields=app.fields,
                        address=f"福建省测试路{app.institution}号",
                        contact_person="李四",
                        phone=f"0591-{app.institution:08d}",
                        email=f"scale{app.institution}@example.cn",
                        status=rng.choice(BASE_STATUSES),
                        published_at=now,
                        next_inspection_due=last_day_of_years(recognised, 3),
                        verification_code=f"SC{app.pk:010d}"[:16],
                    )
                )
            copy_in(Base, bases, keys=True)
            self.history(Base, bases)
            self.base_ids += [base.pk for base in bases]
            # Art. 3: each base in the field its application named (the register's field filter reads these)
            copy_in(
                through,
                [through(base_id=b.pk, trainingfield_id=field_ids[b.fields]) for b in bases if b.fields in field_ids],
            )
            counts["bases"] += len(bases)
            counts["annual filings"] += self.recent_filings(bases)
            inspections, items = self.inspections(bases, block)
            counts["inspections"] += inspections
            counts["checklist rows"] += items
            reset_queries()
        for year, last in sequences.items():
            RegisterSequence.objects.update_or_create(year=year, defaults={"last": last})
        return counts

    def recent_filings(self, bases) -> int:
        """Each base files every year since its recognition, within the last six (up to the filings asked)."""
        filings = []
        for base in bases:
            for year in range(max(base.year, self.today.year - 5), self.today.year + 1):
                if self.natural_filings + len(filings) >= self.sizes.filings:
                    break
                trained = self.rng.randint(600, 5000)
                state = self.rng.choice(list(FilingState))
                filings.append(
                    AnnualFiling(
                        base_id=base.pk,
                        year=year,
                        state=state,
                        plan_execution="完成",
                        trained_total=trained,
                        priority_area_trainees=trained // 10,
                        fees_charged="按标准收费",
                        plan_trainees=self.rng.randint(800, 5000),
                        plan_description="计划",
                        submitted_at=None if state == FilingState.DRAFT else self.now,
                    )
                )
        copy_in(AnnualFiling, filings, keys=True)
        self.history(AnnualFiling, filings)
        self.natural_filings += len(filings)
        return len(filings)

    def inspections(self, bases, block) -> tuple[int, int]:
        """Inspection i goes to base i mod the bases: three for each at scale 1."""
        rng, today, total = self.rng, self.today, len(self.base_apps)
        inspections = []
        for base, b in zip(bases, block, strict=True):
            for _ in range(b, self.sizes.inspections, total):
                on = base.recognised_on + timedelta(days=rng.randint(30, 1000))
                done = on <= today
                inspections.append(
                    Inspection(
                        base_id=base.pk,
                        kind=rng.choice([InspectionKind.PERIODIC, InspectionKind.SPOT_CHECK]),
                        state=InspectionState.PUBLISHED if done else InspectionState.SCHEDULED,
                        scheduled_on=on,
                        inspector_unit_id=rng.choice(self.units),
                        inspected_on=on if done else None,
                        result=rng.choice([Result.EXCELLENT, Result.PASS, Result.PASS, Result.FAIL]) if done else "",
                        published_at=self.now if done else None,
                        created_by_id=self.province.pk,
                    )
                )
        copy_in(Inspection, inspections, keys=True)
        self.history(Inspection, inspections)
        items = [InspectionItem(inspection_id=i.pk, item=item, verdict="meets") for i in inspections for item in Item]
        copy_in(InspectionItem, items)
        return len(inspections), len(items)

    def older_filings(self) -> dict[str, int]:
        """Bases recognised recently file fewer years: top up with accepted filings of older years."""
        rng, now = self.rng, self.now
        missing = min(max(0, self.sizes.filings - self.natural_filings), len(self.base_ids) * 10)
        filed: set[tuple[int, int]] = set()
        while len(filed) < missing:  # older than the recent filings' six years: no clash with them
            filed.add((rng.choice(self.base_ids), self.today.year - rng.randint(6, 15)))
        pairs = sorted(filed)
        del filed
        for block in chunks(len(pairs)):
            filings = [
                AnnualFiling(
                    base_id=pairs[i][0],
                    year=pairs[i][1],
                    state=FilingState.ACCEPTED,
                    trained_total=1500,
                    plan_trainees=1500,
                    submitted_at=now,
                )
                for i in block
            ]
            copy_in(AnnualFiling, filings, keys=True)
            self.history(AnnualFiling, filings)
            reset_queries()
        return {"annual filings": len(pairs)}
