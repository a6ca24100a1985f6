"""Recognising the social apps' built-in browsers from their user agents."""

from __future__ import annotations

import pytest

from shop.lib.in_app import in_app_browser

ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP1A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36"  # noqa: E501
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"  # noqa: E501


@pytest.mark.parametrize(
    ("agent", "app"),
    [
        (
            ANDROID + " Instagram 330.0.0.40.92 Android (34/14; 420dpi; 1080x2400; Google)",
            "Instagram",
        ),
        (IPHONE + " Instagram 330.0.2.17.96 (iPhone15,3; iOS 17_4; es_ES; es)", "Instagram"),
        (ANDROID + " [FB_IAB/FB4A;FBAV/460.0.0.48.109;]", "Facebook"),
        (
            IPHONE
            + " [FBAN/FBIOS;FBAV/460.0.0.38.107;FBBV/5;FBDV/iPhone15,3;FBMD/iPhone;FBSN/iOS]",
            "Facebook",
        ),
        (ANDROID + " [FB_IAB/Orca-Android;FBAV/452.0.0.39.110;]", "Messenger"),
        (IPHONE + " [FBAN/MessengerForiOS;FBAV/455.0.0.45.109;FBBV/1;]", "Messenger"),
        (
            ANDROID + " trill_340502 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly",
            "TikTok",
        ),
        (IPHONE + " musical_ly_34.1.0 JsSdk/2.0 BytedanceWebview/d8a21c6", "TikTok"),
        (ANDROID + " WhatsApp/2.24.9.78", "WhatsApp"),
        (ANDROID.replace("; wv", "").replace("Version/4.0 ", ""), None),  # Chrome itself
        (IPHONE + " Version/17.4 Safari/604.1", None),
        ("", None),
        (None, None),
        ("🙂" * 5000 + " Instagram", None),  # past the bound: not looked at
    ],
)
def test_names_the_app_whose_browser_it_is(agent, app):
    assert in_app_browser(agent) == app
