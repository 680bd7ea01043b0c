"""GET /wp-json/fluent-cart/v2/public/products (reference §1a, §6): the catalogue, each
product with its variations (the purchasables the cart takes as item_id), prices in cents."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch

from checkout_hub.models import Product
from checkout_hub.wordpress.params import absint, parse_list

from .. import render
from .base import FluentView

MAX_PER_PAGE = 100
MAX_PAGE = 10**6


def _ids(value) -> list[int]:
    return [i for i in (absint(v) for v in parse_list(value or "")) if 0 < i < 2**63][:100]


class ProductsView(FluentView):
    def get(self, request):
        params = self.params()
        per_page = min(max(absint(params.get("per_page") or 10), 1), MAX_PER_PAGE)
        # A page no database offset can reach is simply past the end.
        page = min(max(absint(params.get("current_page") or params.get("page") or 1), 1), MAX_PAGE)
        products = (
            Product.objects.catalogue()
            .exclude(type=Product.Type.VARIATION)
            .prefetch_related(
                "images",
                Prefetch(
                    "variations",
                    queryset=Product.objects.select_related("parent")
                    .prefetch_related("images")
                    .order_by("menu_order", "id"),
                ),
            )
            .order_by("-id")
        )
        if include := _ids(params.get("include_ids")):
            products = products.filter(pk__in=include)
        if exclude := _ids(params.get("exclude_ids")):
            products = products.exclude(pk__in=exclude)
        if str(params.get("allow_out_of_stock", "1")).lower() in ("0", "false", "no"):
            products = products.filter(stock_status=Product.StockStatus.IN_STOCK)
        total = products.count()
        rows = list(products[(page - 1) * per_page : page * per_page])
        last = max((total + per_page - 1) // per_page, 1)
        base = f"{settings.HUB_PUBLIC_URL}/wp-json/fluent-cart/v2/public/products"

        def page_url(number: int) -> str:
            return f"{base}?current_page={number}&per_page={per_page}"

        start = (page - 1) * per_page + 1 if rows else None
        paginator = {
            "current_page": page,
            "data": [render.product(p) for p in rows],
            "first_page_url": page_url(1),
            "from": start,
            "last_page": last,
            "last_page_url": page_url(last),
            "next_page_url": page_url(page + 1) if page < last else None,
            "path": base,
            "per_page": per_page,
            "prev_page_url": page_url(page - 1) if page > 1 else None,
            "to": start + len(rows) - 1 if rows else None,
            "total": total,
        }
        return self.reply({"products": {"products": paginator, "total": total}})

    def reply(self, body):
        from rest_framework.response import Response

        return Response(body)
