"""The hub's own /__hub/ endpoints, apart from every vendor's paths."""
