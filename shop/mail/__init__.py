"""E-mail: sent by a background job through any SMTP server the operator configures."""

from shop.mail.outbox import mail_configured, send_mail

__all__ = ["mail_configured", "send_mail"]
