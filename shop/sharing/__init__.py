"""How a shop's links look where they are shared: the link cards (Open Graph and Twitter
tags) WhatsApp, Instagram and Facebook show. Used by the storefront's pages and by the
dashboard's preview of them, so both show the same card."""
