"""Photos: the Pillow pipeline that checks and re-encodes uploads, and where renditions live."""
