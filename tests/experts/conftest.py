"""What the expert tests share: the province that keeps the pool, an institution of 福州 to be judged, and a
panel formed for one of its applications (Art. 26)."""

import pytest

from accounts.models import Role
from experts import services
from experts.models import PanelPurpose
from tests import factories


@pytest.fixture
def province(db):
    return factories.UserFactory(role=Role.PROVINCE)


@pytest.fixture
def institution(db):
    return factories.InstitutionFactory(name="被评审培训学院", region=factories.region("350100"))


@pytest.fixture
def form_panel(province, institution):
    """form_panel(size=..., **options): a panel for a site visit of one of the institution's applications."""

    def form(size=1, *, case=None, for_institution=None, fields="工程技术", **options):
        target = for_institution or institution
        case = case or factories.ApplicationFactory(institution=target, state="site_visit")
        return services.create_panel(
            actor=province,
            purpose=PanelPurpose.SITE_VISIT,
            case=case,
            institution=target,
            case_label=f"{target.name}申报实地考察",
            fields=fields,
            size=size,
            **options,
        )

    return form


def seated(panel):
    return list(panel.assignments.filter(state__in=["drawn", "declared"]).order_by("id"))


def reasons(panel) -> dict[int, str]:
    """The exclusions of the panel's first draw, by expert id."""
    return {expert_id: reason for expert_id, reason in panel.draws.order_by("id").first().exclusions}
