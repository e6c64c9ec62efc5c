import pytest
from django.core.exceptions import ValidationError

from awards import services
from awards.models import AwardType

from .factories import AwardTypeFactory

pytestmark = pytest.mark.django_db

CODES = ["LDTT", "CSTDCS", "CSTDN", "CSTDTQ", "TTLDTT", "TTLDXS", "CTD_LM", "CTD_CP", "BK_BCH",
         "BK_CT", "GK", "KNC", "BK_TTG", "HCLD1", "HCLD2", "HCLD3"]


def test_the_catalogue_holds_every_code_of_the_architecture():
    seeded = set(AwardType.objects.filter(code__in=CODES).values_list("code", flat=True))

    assert seeded == set(CODES)


@pytest.mark.parametrize("code, recipients", [
    ("LDTT", "individual"), ("CSTDCS", "individual"), ("CSTDN", "individual"),
    ("CSTDTQ", "individual"), ("KNC", "individual"), ("TTLDTT", "collective"),
    ("TTLDXS", "collective"), ("CTD_LM", "collective"), ("CTD_CP", "collective"),
    ("BK_BCH", "both"), ("BK_CT", "both"), ("GK", "both"), ("BK_TTG", "both"),
    ("HCLD1", "both"), ("HCLD2", "both"), ("HCLD3", "both"),
])
def test_each_award_has_its_recipient_kind(code, recipients):
    assert AwardType.objects.get(code=code).recipient_kind == recipients


@pytest.mark.parametrize("code, name, category, level", [
    ("LDTT", "Lao động tiên tiến", "emulation_title", "unit_head"),
    ("CSTDN", "Chiến sĩ thi đua ngành", "emulation_title", "alliance_chairman"),
    ("CTD_LM", "Cờ thi đua của Ban Chấp hành Liên minh HTX Việt Nam", "emulation_title",
     "alliance_committee"),
    ("BK_TTG", "Bằng khen của Thủ tướng Chính phủ", "commendation", "prime_minister"),
    ("HCLD1", "Huân chương Lao động hạng Nhất", "commendation", "state_president"),
])
def test_names_categories_and_granting_levels(code, name, category, level):
    award = AwardType.objects.get(code=code)

    assert (award.name, award.category, award.granting_level) == (name, category, level)


def test_ministry_level_fighter_titles_go_to_a_secret_ballot():
    secret = set(AwardType.objects.filter(secret_ballot=True).values_list("code", flat=True))

    assert {"CSTDN", "CSTDTQ"} <= secret
    assert not AwardType.objects.filter(secret_ballot=True, council_vote_required=False).exists()


def test_award_type_code_never_changes():
    award = AwardTypeFactory(code="TEST_KT")

    services.award_type_update(award_type=award, code="OTHER", name="Tên mới")

    award.refresh_from_db()
    assert (award.code, award.name) == ("TEST_KT", "Tên mới")


def test_award_type_code_is_unique():
    with pytest.raises(ValidationError):
        AwardTypeFactory(code="LDTT")


def test_a_secret_ballot_without_council_vote_is_dropped_by_the_service():
    award = AwardTypeFactory(council_vote_required=False, secret_ballot=True)

    assert award.secret_ballot is False
