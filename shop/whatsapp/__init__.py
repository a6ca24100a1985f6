"""The order message a shopper sends the merchant and its wa.me link, the merchant's own
greeting and closing lines, and the dashboard's preview of them.

May import lib and models only (and gettext from shop.web.translating): the message is
written from an order's snapshot.
"""
