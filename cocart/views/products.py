"""products, products/{id} (an id or a slug) and store (reference §0, §1), with 4.9's ETags."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db.models import Count, Max
from rest_framework import serializers as drf
from rest_framework.response import Response

from checkout_hub.models import Product
from checkout_hub.services import catalog
from checkout_hub.wordpress.pagination import pagination_headers
from checkout_hub.wordpress.params import (
    IdListField,
    StringListField,
    WPBooleanField,
    WPChoiceField,
    WPIntegerField,
    WPStringField,
)

from .. import products
from ..errors import CoCartError
from .base import VERSION, CoCartView, if_none_match, truthy


class ProductsQuery(drf.Serializer):
    page = WPIntegerField(default=1, min_value=1)
    per_page = WPIntegerField(default=10, min_value=1, max_value=100)
    search = WPStringField()
    include = IdListField()
    exclude = IdListField()
    order = WPChoiceField(("asc", "desc"), default="desc", required=False)
    orderby = WPChoiceField(products.ORDERBY, default="date", required=False)
    slug = WPStringField()
    type = WPChoiceField(("simple", "grouped", "external", "variable", "variation"), required=False)
    sku = WPStringField()
    featured = WPBooleanField(required=False)
    category = StringListField()
    tag = StringListField()
    on_sale = WPBooleanField(required=False)
    min_price = WPIntegerField(required=False, min_value=0)
    max_price = WPIntegerField(required=False, min_value=0)
    stock_status = StringListField(enum=("instock", "outofstock", "onbackorder"))


class ProductRoute(CoCartView):
    def etag_reply(self, hashed: str, build) -> Response:
        """4.9's product ETag: 304 when If-None-Match has it, else the reply with it."""
        skip = truthy(self.request.query_params.get("_skip_cache"))
        etag = f'W/"{hashed}"'
        if not skip and hashed in if_none_match(self.request):
            response = Response(status=304)
            response["ETag"], response["CoCart-Cache"] = etag, "HIT"
            return response
        response = build()
        if skip:
            response["CoCart-Cache"] = "SKIP"
        else:
            response["ETag"], response["CoCart-Cache"] = etag, "MISS"
        return response


class ProductsView(ProductRoute):
    def get(self, request):
        q = self.validated(ProductsQuery)
        stats = Product.objects.catalogue().aggregate(last=Max("updated_at"), n=Count("id"))
        params = json.dumps({k: str(v) for k, v in sorted(q.items())})
        hashed = hashlib.md5(
            f"cocart_products_{stats['last']}_{stats['n']}_{params}{VERSION}".encode()
        ).hexdigest()
        return self.etag_reply(hashed, lambda: self.listing(request, q))

    def listing(self, request, q) -> Response:
        queryset = products.filter_products(q)
        total = queryset.count()
        per_page, page = q["per_page"], q["page"]
        start = (page - 1) * per_page
        found = (
            list(products.with_product_data(queryset)[start : start + per_page])
            if start < total
            else []
        )
        pages = -(-total // per_page)
        body = {
            "products": [products.product_object(p, settings.HUB_CURRENCY) for p in found],
            "page": page,
            "total_pages": pages,
            "total_products": total,
        }
        url = request.build_absolute_uri(request.path)
        return Response(body, headers=pagination_headers(request, total, page, per_page, url))


class ProductView(ProductRoute):
    def get(self, request, id):
        lookup = {"pk": int(id)} if id.isdigit() and len(id) < 19 else {"slug": id}
        product = products.with_product_data(
            catalog.visible(Product.objects.filter(**lookup))
        ).first()
        if product is None:
            raise CoCartError(
                "cocart_product_not_found" if id.isdigit() else "cocart_product_slug_not_found",
                "Invalid product ID." if id.isdigit() else "Invalid product slug.",
                404,
            )
        hashed = hashlib.md5(
            f"cocart_product_{product.pk}_{product.updated_at}_{product.price}_"
            f"{product.stock_quantity}_{product.stock_status}_{VERSION}".encode()
        ).hexdigest()
        return self.etag_reply(
            hashed, lambda: Response(products.product_object(product, settings.HUB_CURRENCY))
        )


class StoreView(CoCartView):
    def get(self, request):
        return Response(
            {
                "title": "Checkout Hub",
                "description": "A local fake store speaking five checkout APIs.",
                "home_url": settings.HUB_PUBLIC_URL,
                "language": "en-US",
                "gmt_offset": "0",
                "timezone_string": "UTC",
                "store_address": {
                    "address": "1 Hub Street",
                    "address_2": "",
                    "city": "San Francisco",
                    "country": "US:CA",
                    "postcode": "94110",
                },
            }
        )
