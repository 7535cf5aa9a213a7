"""Reading a typed address: pure, no database."""

import pytest

from jiedao.addresses.parsing import ParsedAddress, address_parse, chinese_number, house_number_label


@pytest.mark.parametrize(("typed", "road", "number", "sub_number", "rest"), [
    ("桃源路88号", "桃源路", 88, "", ""),
    ("桃源路 88 号", "桃源路", 88, "", ""),
    ("  桃源路\u300088号 ", "桃源路", 88, "", ""),
    ("桃源路８８号", "桃源路", 88, "", ""),
    ("桃源路八十八号", "桃源路", 88, "", ""),
    ("桃源路一百零二号", "桃源路", 102, "", ""),
    ("桃源路88号3栋", "桃源路", 88, "", "3栋"),
    ("桃源路88-1号", "桃源路", 88, "1", ""),
    ("桃源路88号之一", "桃源路", 88, "1", ""),
    ("青溪大街12号", "青溪大街", 12, "", ""),
    ("溪口组5号", "溪口组", 5, "", ""),
    ("桃源路8", "桃源路", 8, "", ""),
    ("文三路88號", "文三路", 88, "", ""),
])
def test_a_house_number_comes_apart(typed, road, number, sub_number, rest):
    parsed = address_parse(typed)
    assert (parsed.road, parsed.number, parsed.sub_number, parsed.rest) == (road, number, sub_number, rest)
    assert parsed.is_house_number


def test_a_road_alone_is_a_road_without_a_number():
    assert address_parse("桃源路") == ParsedAddress(text="桃源路", road="桃源路")


def test_a_name_that_is_not_an_address_is_kept_for_a_name_search():
    assert address_parse("青溪小学") == ParsedAddress(text="青溪小学", rest="青溪小学")
    assert address_parse("   ") == ParsedAddress(text="")


@pytest.mark.parametrize(("text", "value"), [
    ("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("八十八", 88), ("一百零二", 102), ("一零二", 102),
    ("两百", 200), ("八八", 88), ("三三十", None), ("八十a", None), ("", None),
])
def test_simple_chinese_numerals(text, value):
    assert chinese_number(text) == value


def test_the_standard_writing_of_a_house_number():
    assert house_number_label(road="桃源路", number=88) == "桃源路88号"
    assert house_number_label(road="桃源路", number=88, sub_number="1") == "桃源路88-1号"


def test_a_number_no_street_reaches_is_not_a_house_number():
    assert address_parse("桃源路123456789012345678901234567890号").number is None
    assert address_parse("桃源路一千零一号").number == 1001
