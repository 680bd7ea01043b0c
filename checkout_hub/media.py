"""The catalogue's own placeholder images, served by the hub so a storefront works offline.

`/hub-media/placeholder/<width>x<height>/<label>.svg` draws a small SVG: a colour taken from
the label (the same label is always the same colour) and the label itself. The demo catalogue
points its images here; `image_sizes(src)` gives the smaller renditions WooCommerce's image
object lists in `srcset` (a `thumbnail` and the `srcset`/`sizes` pair).
"""

from __future__ import annotations

import functools
import hashlib
import re
from html import escape
from urllib.parse import quote, unquote

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound

PREFIX = "/hub-media/placeholder/"
# WooCommerce's image sizes: the single-product image and the catalogue thumbnail.
FULL, THUMBNAIL = 600, 300
SRCSET_WIDTHS = (600, 300, 150)
MAX_SIDE = 2000
_PATH = re.compile(r"/hub-media/placeholder/(\d+)x(\d+)/([^/]+)\.svg$")


def placeholder_url(label: str, width: int = FULL, height: int | None = None) -> str:
    """The absolute URL of a placeholder image (under HUB_PUBLIC_URL)."""
    size = f"{width}x{height or width}"
    return f"{settings.HUB_PUBLIC_URL}{PREFIX}{size}/{quote(label, safe='')}.svg"


def image_sizes(src: str) -> dict | None:
    """For a hub placeholder URL: {thumbnail, srcset, sizes} as WordPress builds them for an
    attachment (the widths it has, largest first); None for any other image."""
    sizes = _image_sizes(src or "", settings.HUB_PUBLIC_URL)
    return None if sizes is None else dict(sizes)


@functools.lru_cache(maxsize=4096)
def _image_sizes(src: str, public_url: str) -> dict | None:
    # A cart or listing renders the same few images again and again (12 URLs each).
    match = _PATH.search(src)
    if match is None:
        return None
    width, height = int(match[1]), int(match[2])
    label = unquote(match[3])
    widths = [w for w in SRCSET_WIDTHS if w <= width] or [width]

    def url(w: int) -> str:
        return placeholder_url(label, w, max(1, round(height * w / width)))

    return {
        "thumbnail": url(min(THUMBNAIL, width)),
        "srcset": ", ".join(f"{url(w)} {w}w" for w in widths),
        "sizes": f"(max-width: {width}px) 100vw, {width}px",
    }


def placeholder(request, width: int, height: int, label: str):
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        return HttpResponseNotFound("No such image size.", content_type="text/plain")
    text = unquote(label).replace("+", " ")[:60]
    digest = hashlib.sha256(text.encode()).digest()
    hue = digest[0] * 360 // 256
    font = max(10, min(width, height) // 10)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
        f'<rect width="100%" height="100%" fill="hsl({hue},45%,82%)"/>'
        f'<text x="50%" y="50%" dominant-baseline="middle" text-anchor="middle" '
        f'font-family="sans-serif" font-size="{font}" fill="hsl({hue},45%,25%)">'
        f"{escape(text)}</text></svg>"
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response
