"""An empty URL map (test_handler: a new map does not answer from the old one's matches)."""

urlpatterns: list = []
