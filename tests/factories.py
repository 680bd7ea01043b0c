"""factory-boy factories for the shared store; every test builds its own data with these."""

import factory
from django.contrib.auth import get_user_model

from checkout_hub.models import (
    Cart,
    CartItem,
    Category,
    Coupon,
    Customer,
    Order,
    OrderItem,
    Payment,
    Product,
    ShippingMethod,
    ShippingZone,
    TaxRate,
)
from checkout_hub.services import cart as cart_service


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("secret-pass-123")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    regular_price = 1000
    weight_grams = 500


class VariableProductFactory(ProductFactory):
    type = Product.Type.VARIABLE
    regular_price = None
    attributes = factory.LazyFunction(
        lambda: [
            {"name": "Color", "slug": "pa_color", "options": ["Blue", "Red"], "variation": True},
            {"name": "Size", "slug": "pa_size", "options": ["S", "M", "L"], "variation": True},
        ]
    )


class VariationFactory(ProductFactory):
    type = Product.Type.VARIATION
    parent = factory.SubFactory(VariableProductFactory)
    variation_attributes = factory.LazyFunction(lambda: {"pa_color": "Blue", "pa_size": "M"})


class CouponFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coupon

    code = factory.Sequence(lambda n: f"coupon{n}")
    discount_type = Coupon.DiscountType.PERCENT
    amount = 10


class ShippingZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingZone

    name = factory.Sequence(lambda n: f"Zone {n}")
    countries = factory.LazyFunction(lambda: ["US"])


class ShippingMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingMethod

    zone = factory.SubFactory(ShippingZoneFactory)
    method_id = ShippingMethod.MethodId.FLAT_RATE
    title = "Flat rate"
    cost = 500


class TaxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxRate

    name = "Sales tax"
    country = "US"
    state = ""
    rate = "10.0000"


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    email = factory.Sequence(lambda n: f"buyer{n}@example.com")
    first_name = "Peter"
    last_name = "Venkman"


class CartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cart

    vendor = "hub"


class CartItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CartItem

    cart = factory.SubFactory(CartFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1
    key = factory.LazyAttribute(lambda o: cart_service.line_key(o.product.pk, 0, {}, []))


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    currency = "USD"
    billing_email = factory.Sequence(lambda n: f"buyer{n}@example.com")
    billing_address = factory.LazyAttribute(
        lambda o: {"first_name": "Peter", "last_name": "Venkman", "email": o.billing_email}
    )
    total = 2000
    subtotal = 2000
    payment_method = "bacs"


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    product_ref = factory.LazyAttribute(lambda o: o.product.pk)
    name = factory.LazyAttribute(lambda o: o.product.name)
    quantity = 2
    price = 1000
    subtotal = 2000
    total = 2000


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    order = factory.SubFactory(OrderFactory)
    gateway = "bacs"
    amount = 2000
    currency = "USD"


US_ADDRESS = {
    "first_name": "Peter",
    "last_name": "Venkman",
    "company": "",
    "address_1": "550 Central Park West",
    "address_2": "Corner Penthouse Spook Central",
    "city": "New York",
    "state": "NY",
    "postcode": "10023",
    "country": "US",
    "email": "peter@example.com",
    "phone": "555-2368",
}


class CheckoutSessionFactory(factory.django.DjangoModelFactory):
    """An open Pancake session with a one-line snapshot, expiring by the model's default (45
    minutes by the hub's clock). Tests of the rules build theirs with checkout_sessions.create().
    """

    class Meta:
        model = "checkout_hub.CheckoutSession"  # by name: the imports above are shared ground

    vendor = "pancake"
    success_url = "https://example.com/thank-you"
    snapshot = factory.LazyFunction(
        lambda: {
            "currency": "USD",
            "lines": [
                {
                    "product_id": 1,
                    "parent_id": None,
                    "name": "Ecto-1 model",
                    "sku": "",
                    "unit_price": 2900,
                    "quantity": 1,
                    "subtotal": 2900,
                    "discount": 0,
                    "total": 2900,
                    "tax": 0,
                }
            ],
            "coupons": [],
            "shipping": None,
            "totals": {"subtotal": 2900, "discount": 0, "shipping": 0, "tax": 0, "total": 2900},
            "buyer_email": "customer@example.com",
            "billing_detail": {"country": "US", "isBusiness": False, "state": "NY"},
            "data": {"darkMode": True},
        }
    )
    metadata = factory.LazyFunction(lambda: {"campaign": "spring"})
