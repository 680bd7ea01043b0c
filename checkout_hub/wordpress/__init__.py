"""What the WordPress plugins the hub emulates share (Store API, CoCart, FluentCart, HWP)."""
