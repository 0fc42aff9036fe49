"""Province-sized data plus headroom for benchmarks: `python manage.py seed_scale` (bulk inserts, idempotent).

3,000 institutions, 1,000 bases, 10,000 applications with timelines, 6,000 annual filings,
3,000 inspections, 50,000+ history rows and 20,000 uploads' metadata (sharing one small file); then training
records for those bases (portal/scale_training.py): `--participants N` trainees in classes of 100, 20,000 by
default, `--participants 3000000` for the issue's province of three years. Each part is skipped when present, so
a database seeded before grows its training records on the next run.
"""

import random
import time
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

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
from core.models import TimelineEvent
from core.periods import last_day_of_years
from portal import scale_training
from supervision.models import Inspection, InspectionItem, InspectionKind, InspectionState, Item, Result

PREFIX = "规模测试"
N_INSTITUTIONS, N_BASES, N_APPLICATIONS = 3000, 1000, 10000
N_FILINGS, N_INSPECTIONS, N_DOCUMENTS = 6000, 3000, 20000
BATCH = 2000
TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class Command(BaseCommand):
    help = "Fill the database with a province-sized load for benchmarks (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--participants",
            type=int,
            default=scale_training.DEFAULT_PARTICIPANTS,
            help=f"training participants to create (default {scale_training.DEFAULT_PARTICIPANTS:,}; "
            f"{scale_training.LARGEST:,} for the issue's three-year province)",
        )

    def handle(self, *args, **options):
        if options["participants"] < 0:
            raise CommandError("--participants 不能为负数。")
        if Institution.objects.filter(name__startswith=PREFIX).exists():
            self.stdout.write("规模数据已存在，跳过。")
        else:
            started = time.monotonic()
            with transaction.atomic():
                counts = self.seed(random.Random(20261126))
            self.report(counts)
            self.stdout.write(self.style.SUCCESS(f"规模数据已生成，用时{time.monotonic() - started:.1f}秒。"))
        if options["participants"]:
            self.grow_training(options["participants"])

    def grow_training(self, participants):
        started = time.monotonic()
        counts = scale_training.grow(
            prefix=PREFIX,
            participants=participants,
            today=timezone.localdate(),
            now=timezone.now(),
            rng=random.Random(20261204),
        )
        if counts is None:
            self.stdout.write("培训记录已存在，跳过。")
            return
        self.report(counts)
        self.stdout.write(self.style.SUCCESS(f"培训记录已生成，用时{time.monotonic() - started:.1f}秒。"))

    def report(self, counts):
        for name, n in counts.items():
            self.stdout.write(f"  {name:<24}{n:>8}")

    def seed(self, rng):
        today = timezone.localdate()
        now = timezone.now()
        regions = list(Region.objects.order_by("order"))
        departments = [Department.objects.get_or_create(name=f"{PREFIX}主管部门{i}")[0] for i in range(5)]
        for i, region in enumerate(regions):
            InspectorUnit.objects.get_or_create(name=f"{PREFIX}评估单位{i}", defaults={"region": region})
        province = User.objects.filter(role=Role.PROVINCE).first() or User.objects.create(
            username=f"{PREFIX}省厅", role=Role.PROVINCE, password=make_password("Scale12345678")
        )
        for region in regions:  # one recommender per city for the queue benchmark
            if not User.objects.filter(role=Role.RECOMMENDER, region=region).exists():
                User.objects.create(
                    username=f"scale_hr_{region.code}",
                    role=Role.RECOMMENDER,
                    region=region,
                    password=make_password("Scale12345678"),
                )
        types = list(InstitutionKind.objects.values_list("code", flat=True))

        institutions = [
            Institution(
                name=f"{PREFIX}培训机构{n:04d}",
                credit_code=self.code(n),
                type_id=rng.choice(types),
                region=rng.choice(regions),
                legal_representative="张三",
                address=f"福建省测试路{n}号",
                contact_person="李四",
                phone=f"0591-{n:08d}",
                email=f"scale{n}@example.cn",
            )
            for n in range(N_INSTITUTIONS)
        ]
        institutions = bulk_create_with_history(institutions, Institution, batch_size=BATCH, default_date=now)
        institutions = list(Institution.objects.filter(name__startswith=PREFIX).order_by("id"))
        password = make_password("Scale12345678")
        users = [
            User(
                username=f"scale_inst_{i.pk}",
                role=Role.INSTITUTION,
                institution=i,
                password=password,
                full_name="经办人",
            )
            for i in institutions
        ]
        bulk_create_with_history(users, User, batch_size=BATCH, default_date=now)
        users = dict(User.objects.filter(institution__in=institutions).values_list("institution_id", "id"))

        batches = []
        for year in range(today.year - 5, today.year + 1):
            batch, _ = Batch.objects.get_or_create(
                name=f"{PREFIX}{year}年度批次",
                defaults={"year": year, "opens_on": date(year, 3, 1), "closes_on": date(year, 12, 31)},
            )
            batches.append(batch)

        # 1,000 approved applications become the bases; 9,000 others spread over every state.
        others = [s for s in State if s != State.APPROVED]
        plan = [(institutions[i], State.APPROVED) for i in range(N_BASES)]
        plan += [(rng.choice(institutions), rng.choice(others)) for _ in range(N_APPLICATIONS - N_BASES)]
        applications = []
        for inst, state in plan:
            batch = rng.choice(batches)
            by_department = rng.random() < 0.2
            submitted = None if state == State.DRAFT else now - timedelta(days=rng.randint(1, 1500))
            applications.append(
                Application(
                    batch=batch,
                    institution=inst,
                    state=state,
                    created_by_id=users[inst.pk],
                    submitted_at=submitted,
                    last_submitted_at=submitted,
                    recommender_kind="department" if by_department else "region",
                    recommender_region=None if by_department else inst.region,
                    recommender_department=rng.choice(departments) if by_department else None,
                    legacy_fields=rng.choice(["工程技术", "卫生健康", "教育", "农业", "经济"]),
                    is_city_base=rng.random() < 0.15,
                    is_independent_legal_person=True,
                    qualification="办学许可证",
                    office_address=inst.address,
                    teaching_capacity=rng.randint(80, 800),
                    teaching_equipment="多媒体教室",
                    faculty_total=rng.randint(10, 200),
                    trained_year_1=rng.randint(500, 5000),
                    trained_year_2=rng.randint(500, 5000),
                    trained_year_3=rng.randint(500, 5000),
                    credit_declaration=True,
                    contact_person="李四",
                    contact_phone=inst.phone,
                )
            )
        bulk_create_with_history(applications, Application, batch_size=BATCH, default_date=now)
        applications = list(Application.objects.filter(institution__name__startswith=PREFIX).order_by("id"))
        # A second history row per application (a later edit), for the 50,000 history rows asked for.
        historical = Application.history.model
        tracked = [
            f.attname
            for f in historical._meta.concrete_fields
            if hasattr(Application, f.attname) and not f.attname.startswith("history_")
        ]
        extra = []
        for app in applications:
            for days_ago in (3, 2, 1):  # three later edits each
                row = historical(**{name: getattr(app, name) for name in tracked})
                row.history_date, row.history_type, row.history_change_reason = (
                    now - timedelta(days=days_ago),
                    "~",
                    None,
                )
                row.history_user_id = app.created_by_id
                extra.append(row)
        historical.objects.bulk_create(extra, batch_size=BATCH)

        ct = ContentType.objects.get_for_model(Application)
        events = []
        for app in applications:
            events.append(
                TimelineEvent(
                    content_type=ct,
                    object_id=app.pk,
                    actor_id=app.created_by_id,
                    action="create",
                    label="创建申报草稿",
                    to_state=State.DRAFT,
                )
            )
            if app.state != State.DRAFT:
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
                    )
                )
                events.append(
                    TimelineEvent(
                        content_type=ct,
                        object_id=app.pk,
                        actor_id=province.pk,
                        action="decide",
                        label="办理",
                        from_state=State.SUBMITTED,
                        to_state=app.state,
                    )
                )
        TimelineEvent.objects.bulk_create(events, batch_size=BATCH)

        people = [
            ApplicationPerson(application=app, kind=PersonKind.MANAGER, name=f"管理{k}", degree=Degree.BACHELOR)
            for app in applications[:N_BASES]
            for k in range(5)
        ]
        ApplicationPerson.objects.bulk_create(people, batch_size=BATCH)

        shared = uploads.private_storage().save("scale/shared.pdf", ContentFile(TINY_PDF))
        conditions = [
            Condition.LEGAL,
            Condition.VENUE,
            Condition.STAFF,
            *RULE_CONDITIONS,
            Condition.EXPERIENCE,
            Condition.CREDIT,
        ]
        documents = [
            ApplicationDocument(
                application=applications[i % len(applications)],
                condition=conditions[i % len(conditions)],
                file=shared,
                kind="pdf",
                content_type="application/pdf",
                original_name=f"材料{i}.pdf",
                size=len(TINY_PDF),
                sha256="0" * 64,
                uploaded_by_id=applications[i % len(applications)].created_by_id,
            )
            for i in range(N_DOCUMENTS)
        ]
        ApplicationDocument.objects.bulk_create(documents, batch_size=BATCH)

        statuses = (
            [BaseStatus.ACTIVE] * 90
            + [BaseStatus.RECTIFYING] * 5
            + [BaseStatus.REVOKED] * 3
            + [BaseStatus.CANCELLED] * 2
        )
        sequences = dict(RegisterSequence.objects.values_list("year", "last"))
        bases = []
        for app in applications[:N_BASES]:
            year = app.batch.year
            recognised = date(year, rng.randint(5, 12), rng.randint(1, 28))
            recognised = min(recognised, today)
            sequences[recognised.year] = sequences.get(recognised.year, 0) + 1
            seq = sequences[recognised.year]
            inst = app.institution
            bases.append(
                Base(
                    institution=inst,
                    application=app,
                    batch=app.batch,
                    register_number=Base.format_number(recognised.year, seq),
                    year=recognised.year,
                    sequence=seq,
                    recognised_on=recognised,
                    name=inst.name,
                    region_id=inst.region_id,
                    institution_type_id=inst.type_id,
                    fields=app.legacy_fields,
                    address=inst.address,
                    contact_person="李四",
                    phone=inst.phone,
                    email=inst.email,
                    status=rng.choice(statuses),
                    published_at=now,
                    next_inspection_due=last_day_of_years(recognised, 3),
                    verification_code=f"SC{app.pk:010d}"[:16],
                )
            )
        bulk_create_with_history(bases, Base, batch_size=BATCH, default_date=now)
        for year, last in sequences.items():
            RegisterSequence.objects.update_or_create(year=year, defaults={"last": last})
        bases = list(Base.objects.filter(name__startswith=PREFIX).order_by("id"))
        # Art. 3: each base in the field its application named (the register's field filter reads these)
        field_ids = dict(TrainingField.objects.values_list("name", "pk"))
        through = Base.training_fields.through
        through.objects.bulk_create(
            [
                through(base_id=base.pk, trainingfield_id=field_ids[base.fields])
                for base in bases
                if base.fields in field_ids
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )

        filings, filed = [], set()
        for base in bases:
            for year in range(max(base.year, today.year - 5), today.year + 1):
                if len(filings) >= N_FILINGS:
                    break
                filed.add((base.pk, year))
                trained = rng.randint(600, 5000)
                state = rng.choice(list(FilingState))
                filings.append(
                    AnnualFiling(
                        base=base,
                        year=year,
                        state=state,
                        plan_execution="完成",
                        trained_total=trained,
                        priority_area_trainees=trained // 10,
                        fees_charged="按标准收费",
                        plan_trainees=rng.randint(800, 5000),
                        plan_description="计划",
                        submitted_at=None if state == FilingState.DRAFT else now,
                    )
                )
        while len(filings) < N_FILINGS:  # bases recognised recently file fewer years: top up older years
            base, year = rng.choice(bases), today.year - rng.randint(6, 15)
            if (base.pk, year) in filed:
                continue
            filed.add((base.pk, year))
            filings.append(
                AnnualFiling(
                    base=base,
                    year=year,
                    state=FilingState.ACCEPTED,
                    trained_total=1500,
                    plan_trainees=1500,
                    submitted_at=now,
                )
            )
        bulk_create_with_history(filings, AnnualFiling, batch_size=BATCH, default_date=now, ignore_conflicts=True)

        units = list(InspectorUnit.objects.all())
        inspections = []
        for i in range(N_INSPECTIONS):
            base = bases[i % len(bases)]
            on = base.recognised_on + timedelta(days=rng.randint(30, 1000))
            done = on <= today
            inspections.append(
                Inspection(
                    base=base,
                    kind=rng.choice([InspectionKind.PERIODIC, InspectionKind.SPOT_CHECK]),
                    state=InspectionState.PUBLISHED if done else InspectionState.SCHEDULED,
                    scheduled_on=on,
                    inspector_unit=rng.choice(units),
                    inspected_on=on if done else None,
                    result=rng.choice([Result.EXCELLENT, Result.PASS, Result.PASS, Result.FAIL]) if done else "",
                    published_at=now if done else None,
                    created_by=province,
                )
            )
        bulk_create_with_history(inspections, Inspection, batch_size=BATCH, default_date=now)
        inspections = Inspection.objects.filter(base__name__startswith=PREFIX).values_list("id", flat=True)
        InspectionItem.objects.bulk_create(
            [InspectionItem(inspection_id=pk, item=item, verdict="meets") for pk in inspections for item in Item],
            batch_size=5000,
        )

        history_rows = sum(m.history.count() for m in (Institution, User, Application, Base, AnnualFiling, Inspection))
        return {
            "institutions": len(institutions),
            "applications": len(applications),
            "bases": len(bases),
            "annual filings": AnnualFiling.objects.filter(base__name__startswith=PREFIX).count(),
            "inspections": len(inspections),
            "documents": len(documents),
            "timeline events": len(events),
            "history rows": history_rows,
        }

    @staticmethod
    def code(n: int) -> str:
        body = f"52350100MK{n:07d}"
        return body + check_character(body)
