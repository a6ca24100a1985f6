"""Where a stored image's renditions are served from (used by templates and feeds)."""


def image_url(image, width: int = 640) -> str:
    """URL of the WebP rendition closest to `width`."""
    raise NotImplementedError  # TODO(stub): being built


def image_srcset(image) -> str:
    """`srcset` value listing every WebP rendition with its width."""
    raise NotImplementedError  # TODO(stub): being built


def preview_url(image) -> str:
    """URL of the JPEG link-preview rendition (og:image)."""
    raise NotImplementedError  # TODO(stub): being built
