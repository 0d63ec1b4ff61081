"""The registry through which every app takes part in data-export and account-deletion requests.

Each app that stores personal data registers an exporter (what goes into the user's archive) and an eraser
(how its rows are deleted or anonymised when the account is deleted) from its AppConfig.ready(). The
accounts service runs them all, so no app's tables are touched by another app's code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]


@dataclass(frozen=True)
class Handler:
    section: str
    export: Exporter | None
    erase: Eraser | None
    order: int


_handlers: dict[str, Handler] = {}


def register(section: str, *, export: Exporter | None = None, erase: Eraser | None = None, order: int = 100):
    _handlers[section] = Handler(section=section, export=export, erase=erase, order=order)


def handlers() -> list[Handler]:
    return sorted(_handlers.values(), key=lambda handler: (handler.order, handler.section))
