"""WooCommerce Store API emulator: a thin adapter over checkout_hub's services (see its issue)."""
