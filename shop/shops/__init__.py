"""A shop as a whole: its settings and link (slugs), suspension by an operator, deletion,
the merchant's downloads (CSVs and the export ZIP) and the after-restore jump.

The top of the domains: may import ordering, catalog, media, lib and models, never the
pages or the web plumbing's views.
"""
