"""Art. 9: register numbers 闽继教基地〔年〕序号号 are unique and run 1..n within each year, without gaps,
whatever order approvals of different years come in — and carry on from where a year's sequence stands."""

from collections import defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bases.models import Base, RegisterSequence
from bases.services import create_base
from tests import factories

from .conftest import WITH_DB, fresh_example

pytestmark = pytest.mark.django_db

YEARS = (2024, 2025, 2026, 2027)
recognition_dates = st.builds(
    lambda year, day: date(year, 1, 1) + timedelta(days=day), st.sampled_from(YEARS), st.integers(0, 364)
)
already_issued = st.dictionaries(st.sampled_from(YEARS), st.integers(0, 30), max_size=2)


@pytest.fixture
def applicant(db):
    institution = factories.InstitutionFactory()
    return factories.BatchFactory(), institution, factories.InstitutionUserFactory(institution=institution)


@WITH_DB
@given(dates=st.lists(recognition_dates, min_size=1, max_size=10), issued=already_issued)
def test_any_sequence_of_approvals_numbers_each_year_from_where_it_stood_without_gaps(applicant, dates, issued):
    batch, institution, user = applicant
    with fresh_example():
        for year, last in issued.items():
            RegisterSequence.objects.create(year=year, last=last)
        bases = [
            create_base(
                application=factories.ApplicationFactory(batch=batch, institution=institution, created_by=user),
                recognised_on=day,
            )
            for day in dates
        ]
        stored = list(
            Base.objects.filter(pk__in=[b.pk for b in bases]).values_list("year", "sequence", "register_number")
        )
        sequences = {year: seq.last for year, seq in RegisterSequence.objects.in_bulk().items()}

    by_year = defaultdict(list)
    for base, day in zip(bases, dates, strict=True):
        assert base.year == day.year and base.recognised_on == day
        by_year[base.year].append(base.sequence)
    for year, numbers in by_year.items():
        start = issued.get(year, 0)
        # in the order approved: start+1, start+2, ... — unique, consecutive, no gaps
        assert numbers == list(range(start + 1, start + 1 + len(numbers))), (year, numbers)
        assert sequences[year] == start + len(numbers)
    assert len({number for _, _, number in stored}) == len(stored)
    assert all(number == Base.format_number(year, seq) for year, seq, number in stored)
