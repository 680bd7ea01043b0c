"""PHP's parse_str nesting for query strings and form bodies (wordpress.params.php_params)."""

from checkout_hub.wordpress.params import php_params


def test_nested_keys_make_objects_and_lists():
    assert php_params(
        [
            ("variation[attribute_pa_color]", "Blue"),
            ("variation[attribute_pa_size]", "M"),
            ("ids[]", "1"),
            ("ids[]", "2"),
            ("pos[0]", "x"),
            ("pos[1]", "y"),
            ("deep[a][b]", "c"),
            ("plain", "1"),
            ("plain", "2"),
        ]
    ) == {
        "variation": {"attribute_pa_color": "Blue", "attribute_pa_size": "M"},
        "ids": ["1", "2"],
        "pos": ["x", "y"],
        "deep": {"a": {"b": "c"}},
        "plain": "2",
    }


def test_odd_keys():
    assert php_params([("a]b", "1"), ("quantity[12]", "3"), ("", "x")]) == {"quantity": {"12": "3"}}
