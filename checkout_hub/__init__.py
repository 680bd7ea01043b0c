"""Checkout Hub: the Django project and the shared store every vendor API stands on."""
