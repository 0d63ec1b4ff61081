"""A Redis gate in front of flash-sale "buy now" orders: one atomic script takes a unit of the sale's allotment
and the buyer's per-person slot before any database work, so when thousands storm a sale, at most about
``allotment`` of them go on to price and place an order, and the rest are told "sold out" from Redis.

The database stays the authority: placement still takes the units with conditional UPDATEs, so the gate can
only ever let too many through (they then fail in the database, as without the gate), never sell more. What
it must not do is turn buyers away while units are left, so:

* a ticket whose order is not placed (any error, a replayed order, a quote without the sale) gives its unit
  and slot back; when the database says the sale is sold out, the gate's count is dropped instead and read
  again from the database by the next buyer;
* cancelling an order (by the buyer or the payment clock) gives its units back;
* the count lives only SHEQU_ORDERS["FLASH_GATE_SECONDS"]: whatever went wrong (a worker killed mid-order,
  the cache flushed, an operator changing the sale), it is re-read from the database (allotment - sold) then;
* a buyer over their per-person slot is not refused here but sent on to the database, which answers exactly
  (and a retry of a submit still in flight still gets its order through the idempotency key).

Only on Redis (the embedded SQLite default has one writer at a time and no crowd to hold back); only for
"buy now" of one SKU with a running sale that has an allotment. Cart checkouts go straight to the database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from redis.exceptions import RedisError

from shequ.orders.conf import orders_setting
from shequ.orders.models import FlashSale

# KEYS[1]: the SKU's gate (hash: sale, limit, left); KEYS[2]: prefix of the sale's buyers hash (+ sale id).
# ARGV: user id, quantity. Returns {status, sale}: 1 taken; 0 no gated sale; -1 not loaded; -2 over the
# person's slot; -3 sold out.
TAKE = """
local gate = redis.call('HMGET', KEYS[1], 'sale', 'limit', 'left')
if not gate[1] then return {-1, 0} end
local sale = tonumber(gate[1])
if sale == 0 then return {0, 0} end
local quantity = tonumber(ARGV[2])
local buyers = KEYS[2] .. sale
local held = tonumber(redis.call('HGET', buyers, ARGV[1]) or '0')
if held + quantity > tonumber(gate[2]) then return {-2, sale} end
if tonumber(gate[3]) < quantity then return {-3, sale} end
redis.call('HINCRBY', KEYS[1], 'left', -quantity)
redis.call('HINCRBY', buyers, ARGV[1], quantity)
if redis.call('PTTL', buyers) < 0 then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('PEXPIRE', buyers, ttl) else redis.call('PEXPIRE', buyers, 60000) end
end
return {1, sale}
"""

# Load the gate from the database's numbers unless another worker just did. ARGV: sale (0 = none), limit, left,
# ttl ms. The buyers hash of the sale is dropped with it: it never outlives the gate it was counted against.
LOAD = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2] .. ARGV[1])
redis.call('HSET', KEYS[1], 'sale', ARGV[1], 'limit', ARGV[2], 'left', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
"""

# Give a unit and a slot back. ARGV: sale, user id, quantity. Only into the gate it was taken from: a gate
# loaded since then already counted it from the database.
GIVE_BACK = """
if tonumber(redis.call('HGET', KEYS[1], 'sale') or '0') == tonumber(ARGV[1]) then
  redis.call('HINCRBY', KEYS[1], 'left', ARGV[3])
end
local buyers = KEYS[2] .. ARGV[1]
local held = tonumber(redis.call('HGET', buyers, ARGV[2]) or '0')
if held > tonumber(ARGV[3]) then
  redis.call('HINCRBY', buyers, ARGV[2], -tonumber(ARGV[3]))
elseif held > 0 then
  redis.call('HDEL', buyers, ARGV[2])
end
return 1
"""

logger = logging.getLogger("shequ.orders")
_scripts: dict[int, dict] = {}


def _redis():
    """(client, backend) when the cache is Redis, else None."""
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(None, write=True), backend


def _script(client, name: str, source: str):
    scripts = _scripts.setdefault(id(client), {})
    if name not in scripts:
        scripts[name] = client.register_script(source)
    return scripts[name]


def _keys(backend, sku_id: int) -> list[str]:
    gate = backend.make_and_validate_key(f"orders:gate:{sku_id}")
    return [gate, f"{gate}:buyers:"]


def _queued_key(keys: list[str], sale_id: int) -> str:
    return f"{keys[0]}:queued:{sale_id}"


# How long the count of queued units outlives the last change to it: a worker that died with tickets in hand
# holds their units off sale at most this long.
QUEUED_SECONDS = 120


@dataclass
class Ticket:
    """A unit (and slot) taken at the gate for one order attempt: ``placed``, ``give_back`` or ``sold_out``
    says what became of it (once)."""

    sku_id: int
    sale_id: int
    user_id: int
    quantity: int
    settled: bool = False

    def as_dict(self) -> dict:
        """What a background worker needs to settle the ticket (see orders/order_queue.py)."""
        return {"sku_id": self.sku_id, "sale_id": self.sale_id, "user_id": self.user_id, "quantity": self.quantity}

    def placed(self, flash_sale_ids: set[int]) -> None:
        """The order was placed: the unit is its own if the order took this sale, else it goes back."""
        if self.sale_id in flash_sale_ids:
            self.settled = True
        else:
            self.give_back()

    def give_back(self) -> None:
        if not self.settled:
            self.settled = True
            units_return(sku_id=self.sku_id, sale_id=self.sale_id, user_id=self.user_id, quantity=self.quantity)

    def queued(self, delta: int = 1) -> None:
        """The unit waits in the order queue (``delta`` 1), or the queue is done with it (-1): until its order
        is written, ``sold`` does not count it, so a gate re-read from the database must not offer it again."""
        found = _redis()
        if found is None:
            return
        client, backend = found
        key = _queued_key(_keys(backend, self.sku_id), self.sale_id)
        try:
            pipe = client.pipeline()
            pipe.incrby(key, delta * self.quantity)
            pipe.expire(key, QUEUED_SECONDS)
            pipe.execute()
        except RedisError:  # at worst the gate lets a few too many through, and the database refuses them
            logger.warning("flash gate: could not count queued units of SKU %s", self.sku_id, exc_info=True)

    def sold_out(self) -> None:
        """The database says there is nothing left: drop the count (the next buyer re-reads it)."""
        if not self.settled:
            self.settled = True
            gate_forget(sku_id=self.sku_id, sale_id=self.sale_id, user_id=self.user_id, quantity=self.quantity)


class GateClosed(Exception):
    """No unit left at the gate for this sale."""

    def __init__(self, sale_id: int) -> None:
        super().__init__(sale_id)
        self.sale_id = sale_id


def _load(client, backend, keys: list[str], sku_id: int) -> None:
    """Read the sale running on the SKU now and its units left, and set up the gate (unless someone did)."""
    now = timezone.now()
    sale = (
        FlashSale.objects.filter(sku_id=sku_id, is_active=True, starts_at__lte=now, ends_at__gt=now)
        .order_by("ends_at", "id")
        .values_list("pk", "per_user_limit", "allotment", "sold")
        .first()
    )
    if sale is None or sale[2] is None:  # no sale, or no cap on it: nothing to gate
        sale_id, limit, left = 0, 0, 0
    else:
        sale_id, limit, left = sale[0], sale[1], max(0, sale[2] - sale[3])
    if sale_id:  # units held by queued orders are not in ``sold`` yet (orders/order_queue.py)
        left = max(0, left - int(client.get(_queued_key(keys, sale_id)) or 0))
    ttl_ms = int(float(orders_setting("FLASH_GATE_SECONDS")) * 1000)
    _script(client, "load", LOAD)(keys=keys, args=[sale_id, limit, left, ttl_ms])


def enabled() -> bool:
    """True when buy-now orders of capped flash sales pass the gate (Redis, FLASH_GATE_SECONDS > 0)."""
    return float(orders_setting("FLASH_GATE_SECONDS")) > 0 and _redis() is not None


def gate_enter(*, user, sku_id: int, quantity: int) -> Ticket | None:
    """Take ``quantity`` units of the flash sale running on ``sku_id`` for ``user``. Returns a Ticket to settle
    (None when there is no gate to pass: no Redis, no capped sale running, or over the person's slot — the
    database decides those), or raises GateClosed when the sale has no units left."""
    found = _redis() if float(orders_setting("FLASH_GATE_SECONDS")) > 0 else None
    if found is None or not isinstance(quantity, int) or quantity < 1 or not getattr(user, "pk", None):
        return None
    client, backend = found
    keys = _keys(backend, sku_id)
    take = _script(client, "take", TAKE)
    try:
        status, sale_id = take(keys=keys, args=[user.pk, quantity])
        if status == -1:
            _load(client, backend, keys, sku_id)
            status, sale_id = take(keys=keys, args=[user.pk, quantity])
    except RedisError:  # the gate only saves work: without it the database decides, as it always does
        logger.warning("flash gate unavailable for SKU %s", sku_id, exc_info=True)
        return None
    if status == 1:
        return Ticket(sku_id=sku_id, sale_id=int(sale_id), user_id=user.pk, quantity=quantity)
    if status == -3:
        raise GateClosed(int(sale_id))
    return None


def units_return(*, sku_id: int, sale_id: int, user_id: int, quantity: int) -> None:
    """Give units (and the person's slot) back to a sale's gate, e.g. when an order is cancelled. Call it after
    the database has them back (on commit), so the next buyer let through can really take them."""
    found = _redis()
    if found is None:
        return
    client, backend = found
    try:
        _script(client, "give_back", GIVE_BACK)(keys=_keys(backend, sku_id), args=[sale_id, user_id, quantity])
    except RedisError:  # the count is re-read from the database within FLASH_GATE_SECONDS
        logger.warning("flash gate: could not give units back for SKU %s", sku_id, exc_info=True)


def units_return_on_commit(*, lines: list[tuple[int, int, int]], user_id: int) -> None:
    """``units_return`` for (sku id, sale id, quantity) lines once the current transaction commits."""
    if lines and _redis() is not None:
        transaction.on_commit(
            lambda: [
                units_return(sku_id=sku_id, sale_id=sale_id, user_id=user_id, quantity=quantity)
                for sku_id, sale_id, quantity in lines
            ]
        )


def gate_forget(*, sku_id: int, sale_id: int = 0, user_id: int = 0, quantity: int = 0) -> None:
    """Drop the SKU's gate so the next buyer re-reads it from the database (and free the person's slot)."""
    found = _redis()
    if found is None:
        return
    client, backend = found
    keys = _keys(backend, sku_id)
    try:
        client.delete(keys[0])
        if sale_id and user_id:
            _script(client, "give_back", GIVE_BACK)(keys=keys, args=[sale_id, user_id, quantity])
    except RedisError:  # the count is re-read from the database within FLASH_GATE_SECONDS
        logger.warning("flash gate: could not drop the gate of SKU %s", sku_id, exc_info=True)
