"""`python manage.py seed_store`: the demo catalogue a storefront can be built against.

Every row has an explicit primary key, so the ids below are the ids the APIs answer with on a
fresh database, and running the command again restores these rows to exactly this content
(stock, prices, coupon usage) without creating duplicates. Rows you added yourself are left
alone. Prices are integers in minor units (cents).
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.core.management.color import no_style
from django.db import connection, transaction

from checkout_hub import media, seeding
from checkout_hub.models import (
    Attribute,
    AttributeTerm,
    Brand,
    Category,
    Coupon,
    Product,
    ProductImage,
    Review,
    ShippingMethod,
    ShippingZone,
    Tag,
    TaxRate,
)
from checkout_hub.services import reference

# A fixed creation date keeps API output (date_created...) the same on every run.
SEEDED_AT = dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.UTC)


def placeholder(text: str) -> str:
    # The hub's own image (checkout_hub.media): no outside host, so images work offline.
    return media.placeholder_url(text)


# --- categories ---
CATEGORIES = [
    {"id": 1, "name": "Clothing", "slug": "clothing", "description": "Things to wear."},
    {"id": 2, "name": "Accessories", "slug": "accessories", "description": "Finishing touches."},
    {"id": 3, "name": "Music", "slug": "music", "description": "Records and downloads."},
    {"id": 4, "name": "Digital", "slug": "digital", "description": "Nothing to ship."},
    {"id": 5, "name": "Decor", "slug": "decor", "description": "For the walls."},
]

# --- products ---
# Each entry: the Product fields, plus "categories" (ids) and "images" ([(id, text)]).
HOODIE_ATTRIBUTES = [
    {"name": "Color", "slug": "pa_color", "options": ["Blue", "Red", "Green"], "variation": True},
    {"name": "Size", "slug": "pa_size", "options": ["S", "M", "L"], "variation": True},
]

PRODUCTS = [
    {
        "id": 1,
        "name": "T-shirt",
        "slug": "t-shirt",
        "sku": "HUB-TSHIRT",
        "regular_price": 1800,
        "weight_grams": 200,
        "featured": True,
        "short_description": "A plain cotton T-shirt.",
        "description": "Soft 100% cotton T-shirt with the hub's logo. The everyday product.",
        "categories": [1],
        "images": [(1, "T-shirt")],
    },
    {
        "id": 2,
        "name": "Long sleeve tee",
        "slug": "long-sleeve-tee",
        "sku": "HUB-LONGSLEEVE",
        "regular_price": 2500,
        "weight_grams": 250,
        "short_description": "The T-shirt, with sleeves all the way down.",
        "description": "Long sleeve cotton tee for colder days.",
        "categories": [1],
        "images": [(2, "Long sleeve tee")],
    },
    {
        "id": 3,
        "name": "Polo",
        "slug": "polo",
        "sku": "HUB-POLO",
        "regular_price": 2000,
        "weight_grams": 300,
        "short_description": "A collared polo shirt.",
        "description": "Pique cotton polo shirt with a two-button placket.",
        "categories": [1],
        "images": [(3, "Polo")],
    },
    {
        "id": 4,
        "name": "Cap",
        "slug": "cap",
        "sku": "HUB-CAP",
        "regular_price": 1600,
        "weight_grams": 100,
        "short_description": "A baseball cap.",
        "description": "Six-panel cotton baseball cap with an adjustable strap.",
        "categories": [2],
        "images": [(4, "Cap")],
    },
    {
        "id": 5,
        "name": "Beanie",
        "slug": "beanie",
        "sku": "HUB-BEANIE",
        "regular_price": 1800,
        "sale_price": 1400,
        "weight_grams": 120,
        "short_description": "A knitted beanie, on sale.",
        "description": "Warm knitted beanie. ON SALE: $18.00 reduced to $14.00.",
        "categories": [2],
        "images": [(5, "Beanie")],
    },
    {
        "id": 6,
        "name": "Belt",
        "slug": "belt",
        "sku": "HUB-BELT",
        "regular_price": 5500,
        "manage_stock": True,
        "stock_quantity": 0,
        "weight_grams": 250,
        "short_description": "A leather belt. Out of stock.",
        "description": "Full-grain leather belt. OUT OF STOCK: managed stock at 0, no backorders.",
        "categories": [2],
        "images": [(6, "Belt")],
    },
    {
        "id": 7,
        "name": "Sunglasses",
        "slug": "sunglasses",
        "sku": "HUB-SUNGLASSES",
        "regular_price": 9000,
        "manage_stock": True,
        "stock_quantity": 2,
        "low_stock_amount": 2,
        "weight_grams": 60,
        "short_description": "Polarised sunglasses. Only 2 left.",
        "description": "Polarised sunglasses. LOW STOCK: exactly 2 left, so a third is refused.",
        "categories": [2],
        "images": [(7, "Sunglasses")],
    },
    {
        "id": 8,
        "name": "Poster",
        "slug": "poster",
        "sku": "HUB-POSTER",
        "regular_price": 1200,
        "weight_grams": 150,
        "short_description": "A 50x70 cm art print.",
        "description": "Art print of the hub's architecture diagram, rolled in a tube.",
        "categories": [5],
        "images": [(8, "Poster")],
    },
    {
        "id": 9,
        "name": "Signed poster",
        "slug": "signed-poster",
        "sku": "HUB-POSTER-SIGNED",
        "regular_price": 4500,
        "sold_individually": True,
        "weight_grams": 150,
        "short_description": "The poster, signed. One per order.",
        "description": "Hand-signed poster. SOLD INDIVIDUALLY: a cart holds at most one.",
        "categories": [5],
        "images": [(9, "Signed poster")],
    },
    {
        "id": 10,
        "name": "Album",
        "slug": "album",
        "sku": "HUB-ALBUM-VINYL",
        "regular_price": 2500,
        "weight_grams": 400,
        "short_description": "The hub's album on vinyl.",
        "description": "12-inch vinyl record of the hub's greatest hits.",
        "categories": [3],
        "images": [(10, "Album")],
    },
    {
        "id": 11,
        "name": "Album download",
        "slug": "album-download",
        "sku": "HUB-ALBUM-MP3",
        "regular_price": 900,
        "virtual": True,
        "downloadable": True,
        "downloads": [
            {"name": "Album (MP3)", "file": "https://example.com/downloads/album-mp3.zip"},
            {"name": "Album (FLAC)", "file": "https://example.com/downloads/album-flac.zip"},
        ],
        "short_description": "The album as MP3 and FLAC.",
        "description": "VIRTUAL + DOWNLOADABLE: needs no shipping; the files come by link.",
        "categories": [3, 4],
        "images": [(11, "Album download")],
    },
    {
        "id": 12,
        "name": "Membership",
        "slug": "membership",
        "sku": "HUB-MEMBERSHIP",
        "regular_price": 4900,
        "virtual": True,
        "sold_individually": True,
        "short_description": "One year of hub membership.",
        "description": "VIRTUAL and SOLD INDIVIDUALLY: nothing to ship, one per order.",
        "categories": [4],
        "images": [(12, "Membership")],
    },
    {
        "id": 13,
        "name": "Hoodie",
        "slug": "hoodie",
        "sku": "HUB-HOODIE",
        "type": Product.Type.VARIABLE,
        "regular_price": None,
        "attributes": HOODIE_ATTRIBUTES,
        "featured": True,
        "weight_grams": 600,
        "short_description": "A hooded sweatshirt in three colours.",
        "description": "VARIABLE: choose Color and Size; each variation has its own SKU and price.",
        "categories": [1],
        "images": [(13, "Hoodie"), (101, "Hoodie back")],
    },
]

# The Hoodie's variations: (id, color, size, sku, regular price, sale price, stock quantity).
# A stock quantity of None means unmanaged stock; a size of "" means "any size".
HOODIE_VARIATIONS = [
    (14, "Blue", "S", "HUB-HOODIE-BLUE-S", 4200, None, None),
    (15, "Blue", "M", "HUB-HOODIE-BLUE-M", 4200, None, 10),
    (16, "Blue", "L", "HUB-HOODIE-BLUE-L", 4500, None, 5),
    (17, "Red", "M", "HUB-HOODIE-RED-M", 4400, 3900, None),
    (18, "Red", "L", "HUB-HOODIE-RED-L", 4600, None, 3),
    (19, "Green", "", "HUB-HOODIE-GREEN", 4000, None, None),
]


def hoodie_variation(pk, color, size, sku, regular_price, sale_price, stock) -> dict:
    label = f"{color}, {size}" if size else f"{color}, any size"
    return {
        "id": pk,
        "name": "Hoodie",
        "slug": f"hoodie-{color}-{size or 'any'}".lower(),
        "sku": sku,
        "type": Product.Type.VARIATION,
        "parent_id": 13,
        "variation_attributes": {"pa_color": color, "pa_size": size},
        "regular_price": regular_price,
        "sale_price": sale_price,
        "manage_stock": stock is not None,
        "stock_quantity": stock,
        "weight_grams": 600,
        "description": f"Hoodie variation: {label}.",
        "categories": [],
        "images": [(100 + pk, f"Hoodie {color}")],
    }


PRODUCTS += [hoodie_variation(*row) for row in HOODIE_VARIATIONS]

# --- coupons ---
COUPONS = [
    {
        "id": 1,
        "code": "10off",
        "discount_type": Coupon.DiscountType.PERCENT,
        "amount": 10,
        "description": "10% off the whole cart.",
    },
    {
        "id": 2,
        "code": "5dollars",
        "discount_type": Coupon.DiscountType.FIXED_CART,
        "amount": 500,
        "description": "$5.00 off the cart total (fixed cart).",
    },
    {
        "id": 3,
        "code": "2offeach",
        "discount_type": Coupon.DiscountType.FIXED_PRODUCT,
        "amount": 200,
        "description": "$2.00 off each item in the cart (fixed product, per unit).",
    },
    {
        "id": 4,
        "code": "big20",
        "discount_type": Coupon.DiscountType.PERCENT,
        "amount": 20,
        "minimum_spend": 5000,
        "description": "20% off with a minimum spend of $50.00; refused below it.",
    },
    {
        "id": 5,
        "code": "freeship",
        "discount_type": Coupon.DiscountType.FIXED_CART,
        "amount": 0,
        "free_shipping": True,
        "description": "Unlocks the US free shipping method; no discount on items.",
    },
    {
        "id": 6,
        "code": "expired",
        "discount_type": Coupon.DiscountType.PERCENT,
        "amount": 15,
        "expires_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        "description": "15% off, but expired on 2020-01-01: always refused as expired.",
    },
    {
        "id": 7,
        "code": "usedup",
        "discount_type": Coupon.DiscountType.FIXED_CART,
        "amount": 1000,
        "usage_limit": 1,
        "usage_count": 1,
        "description": "$10.00 off, but its usage limit (1) is reached: always refused.",
    },
]

# --- shipping ---
# The first zone by `order` that matches the address supplies the methods; the US zone comes
# first, the zone with no countries catches everything else.
SHIPPING_ZONES = [
    {"id": 1, "name": "United States", "order": 0, "countries": ["US"], "states": []},
    {"id": 2, "name": "Rest of the world", "order": 1, "countries": [], "states": []},
]

SHIPPING_METHODS = [
    {
        "id": 1,
        "zone_id": 1,
        "method_id": ShippingMethod.MethodId.FLAT_RATE,
        "title": "Flat rate",
        "description": "Standard delivery anywhere in the US.",
        "delivery_time": "3-5 business days",
        "order": 0,
        "cost": 500,
    },
    {
        "id": 2,
        "zone_id": 1,
        "method_id": ShippingMethod.MethodId.FREE_SHIPPING,
        "title": "Free shipping",
        "description": "With the freeship coupon or an order of $100.00 or more.",
        "delivery_time": "5-7 business days",
        "order": 1,
        "cost": 0,
        "requires": ShippingMethod.FreeShippingRequires.EITHER,
        "min_amount": 10000,
    },
    {
        "id": 3,
        "zone_id": 1,
        "method_id": ShippingMethod.MethodId.FLAT_RATE,
        "title": "Express",
        "description": "Next-day delivery, California and New York only.",
        "delivery_time": "1 business day",
        "order": 2,
        "cost": 1500,
        "states": ["US:CA", "US:NY"],
    },
    {
        "id": 4,
        "zone_id": 2,
        "method_id": ShippingMethod.MethodId.FLAT_RATE,
        "title": "International flat rate",
        "description": "Tracked international delivery.",
        "delivery_time": "7-14 business days",
        "order": 0,
        "cost": 2000,
    },
]

# --- taxes ---
TAX_RATES = [
    {"id": 1, "name": "CA Sales Tax", "country": "US", "state": "CA", "rate": Decimal("7.2500")},
    {"id": 2, "name": "NY Sales Tax", "country": "US", "state": "NY", "rate": Decimal("8.8750")},
    {"id": 3, "name": "VAT", "country": "GB", "state": "", "rate": Decimal("20.0000")},
]

SEEDED_MODELS = [Category, Product, ProductImage, Coupon, ShippingZone, ShippingMethod, TaxRate]
SEEDED_MODELS += [Tag, Brand, Attribute, AttributeTerm, Review]

# --- tags, brands, global attributes, reviews, dimensions (the filter blocks' data) ---
TAGS = [
    {"id": 1, "name": "Cotton", "slug": "cotton", "products": [1, 2, 3, 13]},
    {"id": 2, "name": "Winter", "slug": "winter", "products": [5, 13]},
    {"id": 3, "name": "Wall art", "slug": "wall-art", "products": [8, 9]},
    {"id": 4, "name": "Vinyl", "slug": "vinyl", "products": [10]},
]
BRANDS = [
    {"id": 1, "name": "Hub Basics", "slug": "hub-basics", "products": [1, 2, 3, 13],
     "description": "Everyday cotton wear."},
    {"id": 2, "name": "Northwind", "slug": "northwind", "products": [4, 5, 6, 7],
     "description": "Accessories for every season."},
    {"id": 3, "name": "Studio Hub", "slug": "studio-hub", "products": [8, 9, 10, 11],
     "description": "Records and prints."},
]  # fmt: skip
# The Hoodie's pa_color and pa_size, as global attributes with their terms (ids fixed).
ATTRIBUTES = [
    {
        "id": 1,
        "name": "Color",
        "slug": "pa_color",
        "terms": [(1, "Blue"), (2, "Red"), (3, "Green")],
    },
    {"id": 2, "name": "Size", "slug": "pa_size", "terms": [(4, "S"), (5, "M"), (6, "L")]},
]
REVIEWS = [  # (id, product, reviewer, rating, verified, text)
    (1, 1, "Ray Stantz", 5, True, "Soft, and it survived the wash."),
    (2, 1, "Egon Spengler", 4, False, "Fits as expected."),
    (3, 13, "Winston Zeddemore", 5, True, "Warm and well made."),
    (4, 13, "Janine Melnitz", 3, True, "The sleeves run long."),
    (5, 5, "Dana Barrett", 4, False, "A good beanie for the price."),
    (6, 10, "Louis Tully", 5, True, "Great pressing."),
]
DIMENSIONS_CM = {  # product: (length, width, height)
    1: ("30", "25", "2"),
    2: ("32", "26", "3"),
    3: ("30", "25", "3"),
    4: ("25", "20", "12"),
    8: ("70", "50", "0.5"),
    9: ("70", "50", "0.5"),
    10: ("31.5", "31.5", "0.5"),
    13: ("40", "35", "6"),
}

# Defaults every product starts from, so a re-run resets fields an entry leaves out.
PRODUCT_DEFAULTS = {
    "type": Product.Type.SIMPLE,
    "parent_id": None,
    "status": Product.Status.PUBLISH,
    "short_description": "",
    "description": "",
    "featured": False,
    "menu_order": 0,
    "regular_price": None,
    "sale_price": None,
    "virtual": False,
    "downloadable": False,
    "downloads": [],
    "manage_stock": False,
    "stock_quantity": None,
    "stock_status": Product.StockStatus.IN_STOCK,
    "backorders": Product.Backorders.NO,
    "low_stock_amount": None,
    "sold_individually": False,
    "weight_grams": None,
    "attributes": [],
    "variation_attributes": {},
}


class Command(BaseCommand):
    help = "Create (or restore) the demo catalogue, coupons, shipping, taxes and admin user."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Seed only a store with no products yet (bin/serve: a team's edits survive).",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Product.objects.exists():
            self.stdout.write("The store already has products: not seeded (--if-empty).")
            return
        with transaction.atomic():
            self.seed_categories()
            self.seed_products()
            self.seed_taxonomies()
            self.seed_coupons()
            self.seed_shipping()
            self.seed_taxes()
            admin_created = self.seed_admin()
            self.reset_sequences()
            reference.invalidate()  # rows written in bulk send no signal
            seeding.run_all()  # what the vendor apps add (checkout_hub.seeding)

        self.print_summary(admin_created)

    # --- steps --------------------------------------------------------------------------------
    def seed_categories(self):
        for data in CATEGORIES:
            data = dict(data)
            Category.objects.update_or_create(pk=data.pop("id"), defaults=data)

    def seed_products(self):
        # Parents come before their variations in PRODUCTS, so parent_id always exists.
        for entry in PRODUCTS:
            data = {**PRODUCT_DEFAULTS, **entry, "created_at": SEEDED_AT}
            pk = data.pop("id")
            categories = data.pop("categories")
            images = data.pop("images")
            product, _ = Product.objects.update_or_create(pk=pk, defaults=data)
            product.categories.set(categories)
            for position, (image_id, text) in enumerate(images):
                ProductImage.objects.update_or_create(
                    pk=image_id,
                    defaults={
                        "product": product,
                        "src": placeholder(text),
                        "name": text,
                        "alt": text,
                        "position": position,
                    },
                )

    def seed_taxonomies(self):
        for model, entries in ((Tag, TAGS), (Brand, BRANDS)):
            for entry in entries:
                data = dict(entry)
                products = data.pop("products")
                term, _ = model.objects.update_or_create(pk=data.pop("id"), defaults=data)
                term.products.set(products)
        for entry in ATTRIBUTES:
            attribute, _ = Attribute.objects.update_or_create(
                pk=entry["id"], defaults={"name": entry["name"], "slug": entry["slug"]}
            )
            for order, (term_id, name) in enumerate(entry["terms"]):
                AttributeTerm.objects.update_or_create(
                    pk=term_id,
                    defaults={
                        "attribute": attribute,
                        "name": name,
                        "slug": name.lower(),
                        "menu_order": order,
                    },
                )
        Review.objects.exclude(pk__in=[r[0] for r in REVIEWS]).delete()
        for pk, product_id, reviewer, rating, verified, text in REVIEWS:
            Review.objects.update_or_create(
                pk=pk,
                defaults={
                    "product_id": product_id,
                    "reviewer": reviewer,
                    "reviewer_email": f"{reviewer.split()[0].lower()}@example.com",
                    "review": text,
                    "rating": rating,
                    "verified": verified,
                    "status": Review.Status.APPROVED,
                    "created_at": SEEDED_AT + dt.timedelta(days=pk),
                },
            )
        for product_id, (length, width, height) in DIMENSIONS_CM.items():
            Product.objects.filter(pk=product_id).update(
                length_cm=Decimal(length), width_cm=Decimal(width), height_cm=Decimal(height)
            )

    def seed_coupons(self):
        defaults = {
            "enabled": True,
            "free_shipping": False,
            "individual_use": False,
            "exclude_sale_items": False,
            "minimum_spend": None,
            "maximum_spend": None,
            "usage_limit": None,
            "usage_count": 0,
            "expires_at": None,
        }
        for entry in COUPONS:
            data = {**defaults, **entry, "created_at": SEEDED_AT}
            coupon, _ = Coupon.objects.update_or_create(pk=data.pop("id"), defaults=data)
            coupon.products.clear()

    def seed_shipping(self):
        for data in SHIPPING_ZONES:
            data = dict(data)
            ShippingZone.objects.update_or_create(pk=data.pop("id"), defaults=data)
        defaults = {
            "enabled": True,
            "taxable": True,
            "requires": "",
            "min_amount": None,
            "countries": [],
            "states": [],
        }
        for entry in SHIPPING_METHODS:
            data = {**defaults, **entry}
            ShippingMethod.objects.update_or_create(pk=data.pop("id"), defaults=data)

    def seed_taxes(self):
        for entry in TAX_RATES:
            data = {"priority": 1, "shipping": True, "tax_class": "", **entry}
            data["order"] = data["id"]
            TaxRate.objects.update_or_create(pk=data.pop("id"), defaults=data)

    def seed_admin(self) -> bool:
        """The dev superuser; its password is reset so the printed credentials always work."""
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=settings.HUB_ADMIN_USERNAME,
            defaults={"email": f"{settings.HUB_ADMIN_USERNAME}@example.com"},
        )
        # Only save on a real change, so a second run leaves the row (and its hash) untouched.
        changed = created or not (user.is_staff and user.is_superuser and user.is_active)
        user.is_staff = user.is_superuser = user.is_active = True
        quick = seeding.quick() and not created  # POST /__hub/reset: no hash check
        if not quick and not user.check_password(settings.HUB_ADMIN_PASSWORD):
            user.set_password(settings.HUB_ADMIN_PASSWORD)
            changed = True
        if changed:
            user.save()
        return created

    def reset_sequences(self):
        """Move PostgreSQL sequences past the explicit ids (a no-op on SQLite)."""
        statements = connection.ops.sequence_reset_sql(no_style(), SEEDED_MODELS)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

    def print_summary(self, admin_created: bool):
        catalogue = Product.objects.catalogue().count()
        variations = Product.objects.filter(type=Product.Type.VARIATION).count()
        lines = [
            "Seeded the demo store:",
            f"  categories:       {Category.objects.count()}",
            f"  products:         {catalogue} (+ {variations} variations)",
            f"  images:           {ProductImage.objects.count()}",
            f"  coupons:          {Coupon.objects.count()}",
            f"  shipping zones:   {ShippingZone.objects.count()}",
            f"  shipping methods: {ShippingMethod.objects.count()}",
            f"  tax rates:        {TaxRate.objects.count()}",
            f"  tags, brands:     {Tag.objects.count()}, {Brand.objects.count()}",
            f"  attributes:       {Attribute.objects.count()} "
            f"({AttributeTerm.objects.count()} terms)",
            f"  reviews:          {Review.objects.count()}",
            "",
            f"Admin user ({'created' if admin_created else 'ready'}): "
            f"{settings.HUB_PUBLIC_URL}/admin/",
            f"  username: {settings.HUB_ADMIN_USERNAME}",
            f"  password: {settings.HUB_ADMIN_PASSWORD}",
        ]
        self.stdout.write("\n".join(lines))
