"""The data: merchants, their shops and catalogs, and the orders shoppers send.

One module per domain; everything is importable from here (``from shop.models import
Shop``). Models hold data and invariants only: no URLs, no HTTP, no commits. Money is
always an integer number of minor units of the shop's currency, in the exponent stored
beside it (see shop.lib.money).
"""

from shop.models import catalog_version  # noqa: F401  (keeps loaded shops' version fresh)
from shop.models.accounts import AuthSession, FormSubmission, User
from shop.models.activity import Activity, ActivityKind
from shop.models.analytics import DailyCount, DailySalt, DailySource, DailyVisitor
from shop.models.base import utcnow
from shop.models.catalog import (
    Availability,
    Category,
    Item,
    ItemPhoto,
    OptionChoice,
    OptionGroup,
    OptionKind,
    VariantStock,
)
from shop.models.catalog_version import CatalogQuiet
from shop.models.customers import Customer
from shop.models.discounts import Discount, DiscountKind
from shop.models.domains import DomainState, ShopDomain
from shop.models.jobs import Job, JobState, JobStep, Worker
from shop.models.media import Image, PendingUpload
from shop.models.order_counts import OrderCount
from shop.models.ordering import (
    Order,
    OrderLine,
    OrderStatus,
    PaymentKind,
    PaymentMethod,
    ShippingMethod,
    ShippingZone,
    SlotBooking,
    ZoneKind,
)
from shop.models.push import PushSubscription
from shop.models.shops import ClosedPolicy, PhonePolicy, Shop, ShopSlugRedirect, ShopTombstone
from shop.models.team import Invitation, Membership, Role

__all__ = [
    "Activity",
    "ActivityKind",
    "AuthSession",
    "Availability",
    "CatalogQuiet",
    "Category",
    "ClosedPolicy",
    "Customer",
    "DailyCount",
    "DailySalt",
    "DailySource",
    "DailyVisitor",
    "Discount",
    "DiscountKind",
    "DomainState",
    "FormSubmission",
    "Image",
    "Invitation",
    "Item",
    "ItemPhoto",
    "Job",
    "JobState",
    "JobStep",
    "Membership",
    "OptionChoice",
    "OptionGroup",
    "OptionKind",
    "Order",
    "OrderCount",
    "OrderLine",
    "OrderStatus",
    "PaymentKind",
    "PaymentMethod",
    "PendingUpload",
    "PhonePolicy",
    "PushSubscription",
    "Role",
    "ShippingMethod",
    "ShippingZone",
    "Shop",
    "ShopDomain",
    "ShopSlugRedirect",
    "ShopTombstone",
    "SlotBooking",
    "User",
    "VariantStock",
    "Worker",
    "ZoneKind",
    "utcnow",
]
