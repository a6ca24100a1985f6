"""Photos: the Pillow pipeline that checks and re-encodes uploads, link-preview images,
the names renditions are stored under, and where they live (a local folder or S3).

May import lib, models, web and extensions; views.py serves /media/.
"""
