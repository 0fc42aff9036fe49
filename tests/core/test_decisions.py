"""Formal decisions (SPEC 2.10, Art. 34): the portal gives each a 文号 of its series and year, never twice;
the document it issues embeds its Chinese face, so any reader shows it and any tool extracts its text; it
states the remedies when the decision is adverse; and only those who see the record may download it."""

import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from core import decisions
from core.errors import RuleViolation
from core.models import Decision, DecisionKind
from tests import factories
from tests.conftest import need
from tests.helpers import client_as

pytestmark = pytest.mark.django_db


def issue(base, actor, **extra):
    values = dict(
        kind=DecisionKind.REVOCATION,
        subject=base,
        actor=actor,
        title=f"关于撤销{base.name}省级专业技术人员继续教育基地资格的决定",
        addressee=base.institution.name,
        facts="授课内容出现政治性问题，引发重大舆情。",
        basis="第二十三条第二款第一项",
        body="决定撤销该基地资格。",
        adverse=True,
        carbon_copy="福州市人力资源和社会保障局",
    )
    return decisions.issue(**{**values, **extra})


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    need(tool, found is not None, "install Debian's poppler-utils")
    return found


def test_a_decision_gets_the_next_number_of_its_series_and_year(province_user):
    base = factories.BaseFactory()
    first, second = issue(base, province_user), issue(base, province_user)
    year = timezone.localdate().year
    assert (first.number, second.number) == (f"闽人社文〔{year}〕1号", f"闽人社文〔{year}〕2号")
    assert Decision.objects.filter(number=second.number).count() == 1
    assert first.measures_version == "《福建省省级专业技术人员继续教育基地管理办法》（闽人社发〔2024〕5号）"
    assert decisions.of(base) == [second, first]


def test_a_decision_may_not_take_effect_before_it_is_taken(province_user):
    with pytest.raises(RuleViolation, match="生效日期不能早于决定日期") as refused:
        issue(factories.BaseFactory(), province_user, effective_on=date(2020, 1, 1))
    assert refused.value.field == "effective_on"
    assert not Decision.objects.exists()


def test_a_granting_decision_may_state_an_earlier_effective_date_but_is_dated_and_numbered_today(province_user):
    """A recognition takes effect on the recognition date the province fixed, which may precede the day
    the decision is issued; the decision itself is taken, dated and numbered today."""
    base = factories.BaseFactory()
    today = timezone.localdate()
    granted = issue(
        base,
        province_user,
        kind=DecisionKind.RECOGNITION,
        adverse=False,
        effective_on=date(2024, 9, 30),
        retroactive=True,
    )
    assert (granted.decided_on, granted.effective_on, granted.year) == (today, date(2024, 9, 30), today.year)


def test_art34_no_decision_takes_effect_before_the_measures_were_in_force(province_user):
    with pytest.raises(RuleViolation, match="施行之日（2024年9月30日）") as refused:
        issue(
            factories.BaseFactory(),
            province_user,
            kind=DecisionKind.RECOGNITION,
            adverse=False,
            effective_on=date(2024, 9, 29),
            retroactive=True,
        )
    assert (refused.value.field, refused.value.article) == ("effective_on", "第三十四条")
    assert not Decision.objects.exists()


def test_an_adverse_decision_never_takes_effect_retroactively(province_user):
    with pytest.raises(ValueError):
        issue(factories.BaseFactory(), province_user, effective_on=date(2025, 1, 1), retroactive=True)
    assert not Decision.objects.exists()


def test_the_issued_pdf_embeds_every_font_and_its_chinese_text_can_be_extracted(province_user, tmp_path):
    decision = issue(factories.BaseFactory(name="福州测试培训学院"), province_user)
    path = tmp_path / "decision.pdf"
    path.write_bytes(decision.pdf.read())

    fonts = subprocess.run([poppler("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows, fonts
    for row in rows:
        emb = row.split()[-5]  # name type encoding emb sub uni object ID
        assert emb == "yes", f"a font is not embedded:\n{fonts}"
    text = subprocess.run([poppler("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for expected in (
        "福建省人力资源和社会保障厅文件",
        decision.number,
        "关于撤销福州测试培训学院省级专业技术人员继续教育基地资格的决定",
        "第二十三条第二款第一项",
        "申请行政复议",  # adverse: the remedies are stated
        "提起行政诉讼",
        "抄送：福州市人力资源和社会保障局",
        "（此件依申请公开）",  # one party's case: disclosed on request, not published of the province's accord
    ):
        assert expected in flat, f"{expected} not in the extracted text"


def test_a_decision_that_is_not_adverse_states_no_remedies(province_user):
    decision = issue(factories.BaseFactory(), province_user, adverse=False)
    assert decision.pdf_sha256 and decision.pdf.size > 1000
    assert "行政复议" not in decisions.remedies() or not decision.adverse


def test_only_those_who_see_the_record_download_its_decision(province_user, institution_user, client):
    own = factories.BaseFactory(institution=institution_user.institution)
    decision = issue(own, province_user)
    url = reverse("decision_pdf", args=[decision.pk])
    response = client_as(institution_user).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    other = factories.InstitutionUserFactory()
    assert client_as(other).get(url).status_code == 404
    assert client_as(None).get(url).status_code == 302


def test_the_province_is_warned_of_dates_past_the_measures_validity():
    assert decisions.validity_warning(date(2030, 9, 29)) == ""
    warning = decisions.validity_warning(date(2030, 9, 30))
    assert "已超出" in warning and "2030年9月29日" in warning and "第三十四条" in warning


def test_only_the_recognition_and_its_list_say_they_are_published_of_the_provinces_accord():
    assert decisions.disclosure(DecisionKind.RECOGNITION_LIST) == "（此件主动公开）"
    assert decisions.disclosure(DecisionKind.RECOGNITION) == "（此件主动公开）"
    for kind in set(DecisionKind) - decisions.PUBLISHED_KINDS:
        assert decisions.disclosure(kind) == "（此件依申请公开）", kind
