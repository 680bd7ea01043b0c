"""The domain: every rule the five vendor APIs share, written once.

Vendors call these modules and render their results and exceptions; nothing here knows a
vendor's field names, money format or envelope.
"""
