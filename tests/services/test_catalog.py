"""The catalogue's rules (checkout_hub.services.catalog): each rule's SQL expression agrees with
its Python twin over a range of products and instants, and each filter and ordering returns
what a listing expects."""

import datetime as dt

import pytest

from checkout_hub.models import Order, Product
from checkout_hub.services import catalog
from tests.factories import (
    CategoryFactory,
    OrderFactory,
    OrderItemFactory,
    ProductFactory,
    VariableProductFactory,
    VariationFactory,
)

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC)
START, END = T0, T0 + dt.timedelta(days=7)
# Before, at, inside, a moment before, at and after a [START, END) sale window.
INSTANTS = [
    START - dt.timedelta(days=1),
    START,
    START + dt.timedelta(days=3),
    END - dt.timedelta(microseconds=1),
    END,
    END + dt.timedelta(days=1),
]
IN_STOCK, ON_BACKORDER, OUT_OF_STOCK = ("instock", "onbackorder", "outofstock")


def sale(**window):
    return {"regular_price": 2000, "sale_price": 1500, **window}


def simple_products() -> list[Product]:
    """Every shape of a product's own sale: none, always, scheduled, started, ending, equal
    or higher sale price, no regular price."""
    return [
        ProductFactory(regular_price=2000),
        ProductFactory(**sale()),
        ProductFactory(**sale(sale_starts_at=START, sale_ends_at=END)),
        ProductFactory(**sale(sale_starts_at=START)),
        ProductFactory(**sale(sale_ends_at=END)),
        ProductFactory(regular_price=1500, sale_price=1500),
        ProductFactory(regular_price=1500, sale_price=1800),
        ProductFactory(regular_price=None, sale_price=1000),
        ProductFactory(regular_price=None),
    ]


def variable_products() -> list[Product]:
    """Variable products whose prices, sales and stock come from their variations."""
    plain = VariableProductFactory()
    VariationFactory(parent=plain, regular_price=1000)
    VariationFactory(parent=plain, regular_price=3000, stock_status=OUT_OF_STOCK)

    scheduled = VariableProductFactory()  # its cheap variation is cheapest only on sale
    VariationFactory(parent=scheduled, **sale(sale_starts_at=START, sale_ends_at=END))
    VariationFactory(parent=scheduled, regular_price=1800, stock_status=ON_BACKORDER)

    same = VariableProductFactory()  # one price for all
    VariationFactory(parent=same, regular_price=1200)
    VariationFactory(parent=same, regular_price=1200, stock_status=OUT_OF_STOCK)

    drafts = VariableProductFactory()  # a draft variation counts for nothing
    VariationFactory(parent=drafts, regular_price=500, status=Product.Status.DRAFT)
    VariationFactory(parent=drafts, regular_price=2500, stock_status=OUT_OF_STOCK)

    unpriced = VariableProductFactory()  # no priced variation: no span
    VariationFactory(parent=unpriced, regular_price=None)

    empty = VariableProductFactory(stock_status=ON_BACKORDER)  # no variations: its own status

    only_draft_on_sale = VariableProductFactory()
    VariationFactory(parent=only_draft_on_sale, status=Product.Status.DRAFT, **sale())
    VariationFactory(parent=only_draft_on_sale, regular_price=900)

    own_prices = VariableProductFactory(**sale())  # a parent's own sale price counts for nothing
    VariationFactory(parent=own_prices, regular_price=900)
    return [plain, scheduled, same, drafts, unpriced, empty, only_draft_on_sale, own_prices]


def loaded(products) -> list[Product]:
    """The products as a listing renders them: with their variations prefetched."""
    return list(
        Product.objects.filter(pk__in=[p.pk for p in products])
        .prefetch_related("variations")
        .order_by("pk")
    )


# --- the SQL and Python twins agree ------------------------------------------------------
@pytest.mark.parametrize("at", INSTANTS, ids=lambda at: at.isoformat())
def test_sale_active_agrees_with_is_on_sale(at):
    products = simple_products()
    in_sql = set(Product.objects.filter(catalog.sale_active(at)).values_list("pk", flat=True))

    assert in_sql == {p.pk for p in products if p.is_on_sale(at)}


@pytest.mark.parametrize("at", INSTANTS, ids=lambda at: at.isoformat())
def test_on_sale_agrees_with_its_python_twin(at):
    products = loaded(simple_products() + variable_products())
    in_sql = set(
        Product.objects.exclude(type=Product.Type.VARIATION)
        .filter(catalog.on_sale(at))
        .values_list("pk", flat=True)
    )

    assert in_sql == {p.pk for p in products if catalog.is_on_sale(p, at)}


@pytest.mark.parametrize("at", INSTANTS, ids=lambda at: at.isoformat())
def test_current_price_and_price_bounds_agree_with_their_python_twins(at):
    products = loaded(simple_products() + variable_products())
    rows = {
        row["pk"]: row
        for row in catalog.with_price_bounds(Product.objects.all(), at)
        .annotate(now_price=catalog.current_price(at))
        .values("pk", "now_price", catalog.MIN_PRICE, catalog.MAX_PRICE)
    }

    for product in products:
        row = rows[product.pk]
        assert (row[catalog.MIN_PRICE], row[catalog.MAX_PRICE]) == catalog.price_span(
            product, at
        ), product
        if product.type != Product.Type.VARIABLE:
            assert row["now_price"] == catalog.price_at(product, at)


def test_stock_status_expression_agrees_with_stock_status():
    products = loaded(simple_products() + variable_products())
    in_sql = dict(
        Product.objects.annotate(s=catalog.stock_status_expression()).values_list("pk", "s")
    )

    assert {p.pk: in_sql[p.pk] for p in products} == {
        p.pk: catalog.stock_status(p) for p in products
    }


# --- the rules themselves ----------------------------------------------------------------
def test_a_scheduled_sale_starts_at_its_start_and_ends_at_its_end():
    product = ProductFactory(**sale(sale_starts_at=START, sale_ends_at=END))

    flags = [catalog.is_on_sale(product, at) for at in INSTANTS]
    prices = [catalog.price_at(product, at) for at in INSTANTS]

    assert flags == [False, True, True, True, False, False]
    assert prices == [2000, 1500, 1500, 1500, 2000, 2000]


def test_a_variable_products_span_and_sale_follow_its_variations():
    _, scheduled, same, drafts, unpriced, *_ = loaded(variable_products())

    assert catalog.price_span(scheduled, START - dt.timedelta(days=1)) == (1800, 2000)
    assert catalog.price_span(scheduled, START) == (1500, 1800)
    assert catalog.is_on_sale(scheduled, START)
    assert not catalog.is_on_sale(scheduled, END)
    assert catalog.price_span(same, START) == (1200, 1200)
    assert catalog.price_span(drafts, START) == (2500, 2500)  # the draft's 500 is not offered
    assert catalog.price_span(unpriced, START) == (None, None)


def test_a_variable_products_stock_status_comes_from_its_published_variations():
    plain, scheduled, same, drafts, unpriced, empty, *_ = loaded(variable_products())

    assert catalog.stock_status(plain) == IN_STOCK  # one of two in stock
    assert catalog.stock_status(scheduled) == IN_STOCK
    assert catalog.stock_status(drafts) == OUT_OF_STOCK  # the in-stock one is a draft
    assert catalog.stock_status(empty) == ON_BACKORDER  # no variations: its own
    assert not catalog.is_in_stock(drafts)

    backorder_only = VariableProductFactory()
    VariationFactory(parent=backorder_only, stock_status=ON_BACKORDER)
    VariationFactory(parent=backorder_only, stock_status=OUT_OF_STOCK)
    (backorder_only,) = loaded([backorder_only])
    assert catalog.stock_status(backorder_only) == ON_BACKORDER
    assert catalog.is_on_backorder(backorder_only)


def test_a_variable_product_is_purchasable_with_a_priced_published_variation():
    plain, _, _, _, unpriced, empty, *_ = loaded(variable_products())

    assert catalog.is_purchasable(plain)
    assert not catalog.is_purchasable(unpriced)
    assert not catalog.is_purchasable(empty)
    assert catalog.is_purchasable(ProductFactory())
    assert not catalog.is_purchasable(ProductFactory(regular_price=None))


def test_managed_stock_goes_on_backorder_past_zero_only_when_allowed():
    allowed = ProductFactory(manage_stock=True, stock_quantity=1, backorders="notify")
    refused = ProductFactory(manage_stock=True, stock_quantity=1, backorders="no")

    assert not catalog.is_on_backorder(allowed, 1)
    assert catalog.is_on_backorder(allowed, 2)
    assert not catalog.is_on_backorder(refused, 2)


def test_visible_hides_drafts_and_variations_of_draft_parents():
    shown = ProductFactory()
    ProductFactory(status=Product.Status.DRAFT)
    variation = VariationFactory()
    VariationFactory(parent=VariableProductFactory(status=Product.Status.DRAFT))

    found = set(catalog.visible(Product.objects.all()).values_list("pk", flat=True))

    assert found == {shown.pk, variation.pk, variation.parent_id}


# --- filters -----------------------------------------------------------------------------
def pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def listing():
    return Product.objects.exclude(type=Product.Type.VARIATION)


def test_filter_price_matches_a_span_reaching_into_the_bounds():
    cheap, dear = ProductFactory(regular_price=500), ProductFactory(regular_price=5000)
    variable = VariableProductFactory()
    VariationFactory(parent=variable, regular_price=1000)
    VariationFactory(parent=variable, regular_price=3000)

    assert pks(catalog.filter_price(listing(), low=2500, at=T0)) == {dear.pk, variable.pk}
    assert pks(catalog.filter_price(listing(), high=1000, at=T0)) == {cheap.pk, variable.pk}
    assert pks(catalog.filter_price(listing(), 3500, 6000, at=T0)) == {dear.pk}
    assert pks(catalog.filter_price(listing(), at=T0)) == {cheap.pk, dear.pk, variable.pk}


def test_filter_price_reads_the_sale_price_in_its_window():
    product = ProductFactory(**sale(sale_starts_at=START, sale_ends_at=END))

    assert pks(catalog.filter_price(listing(), high=1600, at=START)) == {product.pk}
    assert pks(catalog.filter_price(listing(), high=1600, at=END)) == set()


def test_filter_on_sale_both_ways():
    on, off = ProductFactory(**sale()), ProductFactory()
    variable = VariableProductFactory()
    VariationFactory(parent=variable, **sale())

    assert pks(catalog.filter_on_sale(listing(), True, at=T0)) == {on.pk, variable.pk}
    assert pks(catalog.filter_on_sale(listing(), False, at=T0)) == {off.pk}


def test_filter_stock_status_uses_the_effective_status():
    out = ProductFactory(stock_status=OUT_OF_STOCK)
    variable = VariableProductFactory(stock_status=OUT_OF_STOCK)  # synced: in stock
    VariationFactory(parent=variable)

    assert pks(catalog.filter_stock_status(listing(), [IN_STOCK])) == {variable.pk}
    assert pks(catalog.filter_stock_status(listing(), [OUT_OF_STOCK, ON_BACKORDER])) == {out.pk}


def test_category_groups_take_ids_or_slugs_with_descendants_and_drop_unknowns():
    clothing = CategoryFactory(slug="clothing")
    hoodies = CategoryFactory(slug="hoodies", parent=clothing)
    zipped = CategoryFactory(slug="zipped", parent=hoodies)
    music = CategoryFactory(slug="music")

    assert catalog.category_groups([clothing.pk]) == [{clothing.pk, hoodies.pk, zipped.pk}]
    assert catalog.category_groups(["hoodies", "music"]) == [{hoodies.pk, zipped.pk}, {music.pk}]
    assert catalog.category_groups(["nope", 0, 10**9]) == []


def test_filter_terms_in_not_in_and():
    shirts, hats = CategoryFactory(), CategoryFactory()
    shirt, hat, both, none = (ProductFactory() for _ in range(4))
    shirt.categories.set([shirts])
    hat.categories.set([hats])
    both.categories.set([shirts, hats])
    groups = [{shirts.pk}, {hats.pk}]

    assert pks(catalog.filter_terms(listing(), groups, "in")) == {shirt.pk, hat.pk, both.pk}
    assert pks(catalog.filter_terms(listing(), groups, "not_in")) == {none.pk}
    assert pks(catalog.filter_terms(listing(), groups, "and")) == {both.pk}
    # No known term: `in` matches nothing, `not_in` and `and` leave the listing alone.
    assert pks(catalog.filter_terms(listing(), None, "in")) == set()
    assert len(pks(catalog.filter_terms(listing(), [], "not_in"))) == 4
    assert len(pks(catalog.filter_terms(listing(), None, "and"))) == 4


# --- ordering ----------------------------------------------------------------------------
def order_of(queryset) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


def test_ordered_by_price_spans_and_puts_unpriced_first_ascending():
    mid = ProductFactory(regular_price=2000)
    cheap = ProductFactory(regular_price=500)
    variable = VariableProductFactory()  # spans 1000..3000
    VariationFactory(parent=variable, regular_price=1000)
    VariationFactory(parent=variable, regular_price=3000)
    unpriced = ProductFactory(regular_price=None)

    ascending = catalog.ordered(listing(), "price", descending=False, at=T0)
    descending = catalog.ordered(listing(), "price", at=T0)

    assert order_of(ascending) == [unpriced.pk, cheap.pk, variable.pk, mid.pk]
    assert order_of(descending) == [variable.pk, mid.pk, cheap.pk, unpriced.pk]


def test_ordered_by_price_after_a_price_filter():
    dear, cheap = ProductFactory(regular_price=900), ProductFactory(regular_price=700)
    ProductFactory(regular_price=100)
    filtered = catalog.filter_price(listing(), low=500, at=T0)

    assert order_of(catalog.ordered(filtered, "price", descending=False, at=T0)) == [
        cheap.pk,
        dear.pk,
    ]


def test_ordered_by_popularity_counts_sales_of_paid_orders_only():
    bestseller, pending_only, unsold = ProductFactory(), ProductFactory(), ProductFactory()
    OrderItemFactory(product=bestseller, quantity=3, order=OrderFactory(status="completed"))
    OrderItemFactory(product=pending_only, quantity=9, order=OrderFactory(status="pending"))

    # Popularity is always most-sold first, ties by newest id, whatever the direction.
    for descending in (True, False):
        found = order_of(catalog.ordered(listing(), "popularity", descending=descending))
        assert found == [bestseller.pk, unsold.pk, pending_only.pk]
    assert Order.Status.PENDING not in catalog.SALES_STATUSES


def test_ordered_by_include_title_and_rating():
    a = ProductFactory(name="Beta", average_rating="4.50", review_count=2)
    b = ProductFactory(name="Alpha", average_rating="4.50", review_count=9)
    c = ProductFactory(name="Gamma", average_rating="3.00")

    assert order_of(catalog.ordered(listing(), "include", include=[c.pk, a.pk, b.pk])) == [
        c.pk,
        a.pk,
        b.pk,
    ]
    assert order_of(catalog.ordered(listing(), "title", descending=False)) == [b.pk, a.pk, c.pk]
    assert order_of(catalog.ordered(listing(), "rating", descending=False)) == [b.pk, a.pk, c.pk]
    # "include" without ids, and an unknown name, order by date (newest first).
    assert order_of(catalog.ordered(listing(), "include")) == [c.pk, b.pk, a.pk]
    assert order_of(catalog.ordered(listing(), "nonsense")) == [c.pk, b.pk, a.pk]


def test_a_listing_with_every_filter_and_price_ordering_is_one_query(django_assert_num_queries):
    category = CategoryFactory()
    product = ProductFactory(**sale())
    product.categories.set([category])
    groups = catalog.category_groups([category.pk])  # reads the category tree: its own query

    with django_assert_num_queries(1):
        queryset = catalog.filter_terms(listing(), groups, "in")
        queryset = catalog.filter_on_sale(queryset, True, at=T0)
        queryset = catalog.filter_stock_status(queryset, [IN_STOCK])
        queryset = catalog.filter_price(queryset, 1000, 2000, at=T0)
        assert order_of(catalog.ordered(queryset, "price", at=T0)) == [product.pk]
