import pytest

from clusters.models import Organization, Person
from clusters.tests.factories import OrganizationFactory, PersonFactory
from clusters.text import clean_text, fold, person_sort_key, sort_key

ORDERED = ["Anh", "Ánh", "Ân", "Ba", "Dũng", "Đức", "Em", "Êm", "Zung"]


def test_sort_key_orders_the_vietnamese_alphabet():
    shuffled = ["Zung", "Êm", "Đức", "Ân", "Em", "Ba", "Ánh", "Dũng", "Anh"]

    assert sorted(shuffled, key=sort_key) == ORDERED


@pytest.mark.parametrize("shorter, longer", [("An", "An Bình"), ("An", "Anh"), ("Hà", "Hà Nam")])
def test_sort_key_puts_a_prefix_first(shorter, longer):
    assert sort_key(shorter) < sort_key(longer)


def test_sort_key_treats_both_accent_placements_alike():
    assert sort_key("Hòa") == sort_key("Hoà")
    assert sort_key("Thúy") == sort_key("Thuý")


def test_sort_key_ignores_case_and_decomposed_input():
    decomposed = "Đu\u031b\u0301c"  # "Đức" typed as base letters and combining marks

    assert sort_key(decomposed) == sort_key("đức")


@pytest.mark.django_db
def test_database_orders_organizations_in_vietnamese_order():
    for name in reversed(ORDERED):
        OrganizationFactory(name=f"{name}", kind=Organization.Kind.COOP_GROUP)

    names = list(Organization.objects.filter(kind=Organization.Kind.COOP_GROUP)
                 .order_by("sort_key").values_list("name", flat=True))

    assert names == ORDERED


@pytest.mark.django_db
def test_people_are_listed_by_given_name_then_family_name():
    for name in ["Trần Văn Đức", "Nguyễn Thị Anh", "Lê Văn Dũng", "Phạm Thị Ánh", "Bùi Văn Anh"]:
        PersonFactory(full_name=name)

    names = list(Person.objects.order_by("sort_key").values_list("full_name", flat=True))

    assert names == ["Bùi Văn Anh", "Nguyễn Thị Anh", "Phạm Thị Ánh", "Lê Văn Dũng", "Trần Văn Đức"]


def test_fold_removes_case_and_diacritics():
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold("  HỢP   TÁC xã ") == "hop tac xa"


def test_person_sort_key_uses_the_last_word_as_given_name():
    assert person_sort_key("Nguyễn An") < person_sort_key("Bùi Bình")


def test_clean_text_composes_to_nfc_and_folds_spaces():
    assert clean_text("  Hoa\u0300   Bi\u0300nh ") == "Hoà Bình"
    assert clean_text("Hoa\u0300") == "Hoà"


@pytest.mark.django_db
def test_search_ignores_case_and_diacritics(world):
    found = Organization.objects.search("hop tac xa rau sach")

    assert list(found) == [world.coop_hanoi]
    assert list(Person.objects.search("NGUYEN")) == []
