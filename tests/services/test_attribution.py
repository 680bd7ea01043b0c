"""Order attribution from a checkout's query values and User-Agent: WooCommerce's
`_wc_order_attribution_*` meta, the affiliate meta, and HeadlessWP's marketing UTM meta."""

import pytest

from checkout_hub.services import attribution

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
IPAD = "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
ANDROID_TABLET = "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 Chrome/124 Safari"
ANDROID_PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Mobile Safari"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/124 Safari/537.36"
P = attribution.PREFIX


def test_affiliate_ref_takes_precedence():
    meta = attribution.order_meta({"ref": "aff42", "campaign": "spring"})
    assert meta == {
        f"{P}source_type": "referral",
        f"{P}utm_source": "affiliatewp",
        f"{P}utm_medium": "affiliate",
        f"{P}utm_campaign": "spring",
        f"{P}utm_content": "aff42",
        "_affwp_ref": "aff42",
        "_affwp_campaign": "spring",
    }


def test_affiliate_ref_without_a_campaign():
    meta = attribution.order_meta({"ref": "aff42"})
    assert meta == {
        f"{P}source_type": "referral",
        f"{P}utm_source": "affiliatewp",
        f"{P}utm_medium": "affiliate",
        f"{P}utm_content": "aff42",
        "_affwp_ref": "aff42",
    }


def test_utm_values_without_a_ref():
    params = {
        "utm_source": "newsletter",
        "utm_medium": "email",
        "utm_campaign": "launch",
        "utm_content": "hero",
    }
    assert attribution.order_meta(params) == {
        f"{P}source_type": "utm",
        f"{P}utm_source": "newsletter",
        f"{P}utm_medium": "email",
        f"{P}utm_campaign": "launch",
        f"{P}utm_content": "hero",
        "marketingUtmSource": "newsletter",
        "marketingUtmMedium": "email",
        "marketingUtmCampaign": "launch",
        "marketingUtmContent": "hero",
    }


def test_any_single_utm_value_is_utm():
    meta = attribution.order_meta({"utm_medium": "cpc"})
    assert meta == {
        f"{P}source_type": "utm",
        f"{P}utm_medium": "cpc",
        "marketingUtmMedium": "cpc",
    }


def test_nothing_is_typein():
    # WooCommerce's "Direct": Sourcebuster's (direct) source; its "(none)" medium is skipped.
    assert attribution.order_meta({}) == {
        f"{P}source_type": "typein",
        f"{P}utm_source": "(direct)",
    }


def test_ref_with_utm_keeps_the_marketing_meta():
    params = {"ref": "aff42", "utm_source": "google", "utm_medium": "cpc", "utm_campaign": "x"}
    meta = attribution.order_meta(params)
    assert meta[f"{P}source_type"] == "referral"
    assert meta[f"{P}utm_source"] == "affiliatewp"
    assert meta[f"{P}utm_medium"] == "affiliate"
    assert f"{P}utm_campaign" not in meta  # the affiliate's campaign, and there is none
    assert meta[f"{P}utm_content"] == "aff42"
    assert {k: v for k, v in meta.items() if k.startswith("marketing")} == {
        "marketingUtmSource": "google",
        "marketingUtmMedium": "cpc",
        "marketingUtmCampaign": "x",
    }


@pytest.mark.parametrize(
    "value",
    ["", "   ", "(none)", "x" * 101, "bad\nvalue", "tab\there", "nul\x00", None, 5, ["a"]],
)
def test_invalid_values_are_ignored(value):
    assert attribution.clean_value(value) is None
    meta = attribution.order_meta({"utm_source": value, "ref": value})
    assert meta[f"{P}source_type"] == "typein"
    assert not any(k.startswith("marketing") for k in meta)


def test_values_are_trimmed_and_may_be_100_characters():
    assert attribution.clean_value("  spring  ") == "spring"
    assert attribution.clean_value("x" * 100) == "x" * 100
    meta = attribution.order_meta({"utm_source": " news ", "utm_medium": "(none)"})
    assert meta == {
        f"{P}source_type": "utm",
        f"{P}utm_source": "news",
        "marketingUtmSource": "news",
    }


def test_other_query_values_are_ignored():
    assert attribution.order_meta({"utm_term": "shoes", "gclid": "abc"}) == {
        f"{P}source_type": "typein",
        f"{P}utm_source": "(direct)",
    }


@pytest.mark.parametrize(
    "agent, device",
    [
        (IPHONE, "Mobile"),
        (ANDROID_PHONE, "Mobile"),
        (IPAD, "Tablet"),
        (ANDROID_TABLET, "Tablet"),
        (DESKTOP, "Desktop"),
        ("curl/8.5.0", "Desktop"),
    ],
)
def test_user_agent_and_device_type(agent, device):
    meta = attribution.order_meta({}, agent)
    assert meta[f"{P}user_agent"] == agent
    assert meta[f"{P}device_type"] == device
    assert attribution.device_type(agent) == device


@pytest.mark.parametrize("agent", [None, "", "   "])
def test_no_user_agent_no_device(agent):
    meta = attribution.order_meta({}, agent)
    assert f"{P}user_agent" not in meta and f"{P}device_type" not in meta


def test_long_user_agents_are_cut_and_control_characters_dropped():
    meta = attribution.order_meta({}, "A\x00gent/" + "x" * 600)
    assert meta[f"{P}user_agent"] == ("Agent/" + "x" * 600)[:500]


def test_source_type():
    assert attribution.source_type({"ref": "a", "utm_source": "b"}) == "referral"
    assert attribution.source_type({"utm_content": "b"}) == "utm"
    assert attribution.source_type({"campaign": "spring"}) == "typein"
