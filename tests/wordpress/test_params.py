"""WordPress's parameter readers (checkout_hub.wordpress.params): the query string and body as
WordPress reads them, and the fields that validate them with WordPress's wording and codes."""

import datetime as dt

import pytest
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from checkout_hub.wordpress.params import (
    IdListField,
    StringListField,
    WPBooleanField,
    WPChoiceField,
    WPDateTimeField,
    WPIntegerField,
    WPStringField,
    absint,
    parse_list,
    read_params,
    wp_list,
)


class Params(serializers.Serializer):
    page = WPIntegerField(required=False, min_value=1)
    per_page = WPIntegerField(required=False, min_value=1, max_value=100)
    offset = WPIntegerField(required=False)
    featured = WPBooleanField(required=False)
    order = WPChoiceField(("asc", "desc"), required=False)
    search = WPStringField()
    after = WPDateTimeField()
    include = IdListField()
    tag = StringListField()
    stock_status = StringListField(enum=("instock", "outofstock"))


def valid(**data) -> dict:
    params = Params(data=data)
    assert params.is_valid(), params.errors
    return dict(params.validated_data)


def error(**data) -> tuple[str, str]:
    """The one field error's (message, code)."""
    params = Params(data=data)
    assert not params.is_valid()
    (detail,) = next(iter(params.errors.values()))
    return str(detail), detail.code


# --- the helpers --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("items", "text"),
    [(["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b, and c"), ([1, 2], "1 and 2")],
)
def test_wp_list_is_wp_sprintfs_l(items, text):
    assert wp_list(items) == text


@pytest.mark.parametrize(
    ("value", "items"),
    [("a,b c", ["a", "b", "c"]), (" a , ,b ", ["a", "b"]), ("", []), (["1", 2], ["1", "2"])],
)
def test_parse_list_splits_strings_and_keeps_arrays(value, items):
    assert parse_list(value) == items


@pytest.mark.parametrize(
    ("value", "number"), [("12", 12), ("-12", 12), (" 7abc", 7), ("abc", 0), (3.9, 3), ("", 0)]
)
def test_absint_is_phps(value, number):
    assert absint(value) == number


# --- the fields ---------------------------------------------------------------------------
def test_integers_take_integral_strings_and_report_bounds_as_wordpress():
    assert valid(page="3", per_page="100", offset="2.0") == {
        "page": 3,
        "per_page": 100,
        "offset": 2,
    }
    assert error(page="two") == ("page is not of type integer.", "rest_invalid_type")
    assert error(page=True) == ("page is not of type integer.", "rest_invalid_type")
    assert error(page="0") == ("page must be greater than or equal to 1", "rest_out_of_bounds")
    assert error(per_page="101") == (
        "per_page must be between 1 (inclusive) and 100 (inclusive)",
        "rest_out_of_bounds",
    )


def test_an_unbounded_integer_is_made_non_negative():
    assert valid(offset="-5") == {"offset": 5}


@pytest.mark.parametrize(
    ("value", "flag"), [("true", True), ("1", True), ("FALSE", False), ("0", False), (True, True)]
)
def test_booleans(value, flag):
    assert valid(featured=value) == {"featured": flag}


def test_a_bad_boolean_choice_or_string():
    assert error(featured="yes") == ("featured is not of type boolean.", "rest_invalid_type")
    assert error(order="up") == ("order is not one of asc and desc.", "rest_not_in_enum")
    assert error(order=1) == ("order is not of type string.", "rest_invalid_type")
    assert error(search=["a"]) == ("search is not of type string.", "rest_invalid_type")
    assert valid(search="  hood ") == {"search": "hood"}


def test_dates_take_a_date_time_or_a_bare_date_in_utc():
    assert valid(after="2030-06-01T10:30:00")["after"] == dt.datetime(
        2030, 6, 1, 10, 30, tzinfo=dt.UTC
    )
    assert valid(after="2030-06-01")["after"] == dt.datetime(2030, 6, 1, tzinfo=dt.UTC)
    assert error(after="June") == ("Invalid date.", "rest_invalid_date")


def test_id_lists_never_fail_and_drop_what_no_column_holds():
    assert valid(include="3,1, x,3")["include"] == [3, 1, 0]
    assert valid(include=["2", "-4"])["include"] == [2, 4]
    assert valid(include=str(2**63))["include"] == []


def test_string_lists_name_the_bad_item_by_its_index():
    assert valid(tag="a,b", stock_status=["instock"]) == {
        "tag": ["a", "b"],
        "stock_status": ["instock"],
    }
    assert error(stock_status="instock,gone") == (
        "stock_status[1] is not one of instock and outofstock.",
        "rest_not_in_enum",
    )


# --- read_params --------------------------------------------------------------------------
def request(query: str = "", body=None) -> Request:
    factory = APIRequestFactory()
    if body is None:
        raw = factory.get(f"/x?{query}")
    else:
        raw = factory.post(f"/x?{query}", body, format="json")
    return Request(raw, parsers=[JSONParser()])


def test_read_params_makes_lists_of_brackets_and_keeps_a_plain_keys_last_value():
    data = read_params(request("a[]=1&a[]=2&b[0]=x&c=1&c=2"))

    assert data == {"a": ["1", "2"], "b": ["x"], "c": "2"}


def test_read_params_lets_the_body_win():
    assert read_params(request("a=1&b=2", {"a": "body"})) == {"a": "body", "b": "2"}


def test_read_params_refuses_a_body_that_is_not_an_object():
    with pytest.raises(ParseError):
        read_params(request("", [1, 2]))
