"""The process's copies of products (services.reference.products), which a cart read's lines
come from: every ORM write of a product reaches the next read, in this process and (through the
shared generation) in every other, and a copy one caller changes never reaches another."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkout_hub.models import Product
from checkout_hub.services import cart as cart_service
from checkout_hub.services import reference
from tests.factories import ProductFactory, VariableProductFactory, VariationFactory

pytestmark = pytest.mark.django_db


def cart_with(*products):
    cart = cart_service.create_cart(vendor="woo_store", key=f"copies-{products[0].pk}")
    for product in products:
        cart_service.add_item(cart, product.pk)
    return cart


def line_product(cart, product_id) -> Product:
    loaded = cart_service.load(cart.key)
    return next(i.product for i in loaded.items.all() if i.product_id == product_id)


def test_a_warm_read_takes_its_products_from_the_copies():
    product = ProductFactory()
    cart = cart_with(product)
    cart_service.load(cart.key)  # the first read loads the product
    with CaptureQueriesContext(connection) as captured:
        assert line_product(cart, product.pk).name == product.name
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert len(captured.captured_queries) == 2  # the cart, its lines
    assert "checkout_hub_product" not in sql


@pytest.mark.parametrize(
    "write",
    [
        lambda p: Product.objects.filter(pk=p.pk).update(regular_price=4321),
        lambda p: Product.objects.bulk_update(
            [Product(pk=p.pk, regular_price=4321)], ["regular_price"]
        ),
        lambda p: (setattr(p, "regular_price", 4321), p.save()),
    ],
    ids=["update", "bulk_update", "save"],
)
def test_every_orm_write_reaches_the_next_read(write):
    product = ProductFactory(regular_price=1000)
    cart = cart_with(product)
    assert line_product(cart, product.pk).regular_price == 1000
    write(Product.objects.get(pk=product.pk))
    assert line_product(cart, product.pk).regular_price == 4321


def test_a_stock_movement_from_an_order_reaches_the_next_read():
    product = ProductFactory(manage_stock=True, stock_quantity=5)
    cart = cart_with(product)
    assert line_product(cart, product.pk).stock_quantity == 5
    Product.objects.filter(pk=product.pk).update(stock_quantity=2)
    assert line_product(cart, product.pk).stock_quantity == 2


def test_another_workers_write_reaches_this_process_by_the_shared_generation():
    product = ProductFactory(regular_price=1000)
    cart = cart_with(product)
    line_product(cart, product.pk)
    # Another worker wrote the row and moved the generation; this process's copy is stale.
    Product.objects.filter(pk=product.pk).update(regular_price=2500)
    stale = Product.objects.get(pk=product.pk)
    stale.regular_price = 1000
    reference._set_products(cache.get(reference.PRODUCTS_KEY), {product.pk: stale})
    assert line_product(cart, product.pk).regular_price == 1000  # the stale copy, same generation
    cache.incr(reference.PRODUCTS_KEY)
    assert line_product(cart, product.pk).regular_price == 2500


def test_a_change_to_one_copy_never_reaches_another():
    parent = VariableProductFactory(
        attributes=[{"name": "Color", "slug": "color", "options": ["Blue"], "variation": True}]
    )
    variation = VariationFactory(parent=parent, variation_attributes={"color": "Blue"})
    cart = cart_with(variation)
    first = line_product(cart, variation.pk)
    first.name = "changed"
    first.variation_attributes["color"] = "Red"
    first.parent.name = "changed parent"
    first.parent.attributes.append({"name": "Size"})
    second = line_product(cart, variation.pk)
    assert second.name == variation.name
    assert second.variation_attributes == {"color": "Blue"}
    assert second.parent.name == parent.name
    assert [a["name"] for a in second.parent.attributes] == ["Color"]


def test_a_deleted_product_takes_its_lines_with_it():
    product, other = ProductFactory(), ProductFactory()
    cart = cart_with(product, other)
    cart_service.load(cart.key)
    Product.objects.filter(pk=product.pk).delete()
    loaded = cart_service.load(cart.key)
    assert [i.product.pk for i in loaded.items.all()] == [other.pk]


def test_a_read_inside_a_transaction_keeps_nothing_a_rollback_could_take_back():
    from django.db import transaction

    product = ProductFactory(manage_stock=True, stock_quantity=5)
    cart = cart_with(product)
    line_product(cart, product.pk)
    try:
        with transaction.atomic():
            Product.objects.filter(pk=product.pk).update(stock_quantity=1)
            assert line_product(cart, product.pk).stock_quantity == 1  # its own write
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert line_product(cart, product.pk).stock_quantity == 5


def test_deleting_one_product_drops_the_copies():
    product, other = ProductFactory(), ProductFactory()
    cart = cart_with(other)
    line_product(cart, other.pk)
    assert reference._products[1]
    Product.objects.get(pk=product.pk).delete()
    assert reference._products[1] == {}
