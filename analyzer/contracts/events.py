"""Writes into another context's tables, proposed as domain events (AsyncAPI 3.0).

Once the contexts are services, a context can no longer write a table another context owns (a
shared-data finding, SL101). seamline proposes the event it would publish instead: the
producer is the writing context, the channel ``producer.entity.change`` (``created`` for an
insert, ``deleted`` for a delete, else ``updated``), the payload the owning model's schema (an
identifier alone for a deletion), and the consumers the owner, which applies the change to its
own table, and every other context that reads the table.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analyzer.contracts.schemas import Classes, Components
from analyzer.model import AccessMode, DataModel
from analyzer.text import count, parts, singular
from analyzer.typeschema import REVIEW, Schema, open_schema

# what a write's snippet does first: the earliest of these decides
_CHANGES = re.compile(
    r"(?P<created>\binsert\b|\.add\(|\.add_all\(|\bcreate\b|\.create\(|bulk_create|"
    r"get_or_create|\.save\(\s*force_insert)"
    r"|(?P<deleted>\bdelete\b|\.delete\(|\bremove\(|\btruncate\b)"
    r"|(?P<updated>\bupdate\b|\.update\(|\bmerge\b|\w\.\w+\s*(?:[-+*/]?=)(?!=)|\.save\()",
    re.IGNORECASE)


@dataclass(frozen=True, slots=True, order=True)
class Site:
    path: str
    line: int
    element: str


@dataclass(frozen=True, slots=True)
class Event:
    producer: str
    owner: str
    table: str
    change: str  # created | updated | deleted
    sites: tuple[Site, ...]  # where the producer writes the table today
    consumers: tuple[str, ...]  # the owner first, then the readers by name
    entity: tuple[str, ...]  # its words: the model's class name, else the table's

    @property
    def channel(self) -> str:
        return _camel([*parts(self.producer), *self.entity, self.change])

    @property
    def address(self) -> str:
        return f"{'-'.join(parts(self.producer))}.{'-'.join(self.entity)}.{self.change}"

    @property
    def message(self) -> str:
        return "".join(w.capitalize() for w in [*self.entity, self.change])


def _camel(words: list[str]) -> str:
    return (words[0] + "".join(w.capitalize() for w in words[1:])) if words else "event"


def change_of(snippet: str) -> str:
    """``created``, ``updated`` or ``deleted``: what the write's code does first."""
    found = _CHANGES.search(snippet)
    return (found.lastgroup or "updated") if found else "updated"


def propose_events(data: DataModel, owners: Mapping[str, str],
                   readers: Mapping[str, Collection[str]],
                   context_of: Callable[[str], str | None],
                   models: Mapping[str, str]) -> list[Event]:
    """``owners``: table -> owning context; ``readers``: table -> contexts that read it;
    ``models``: table -> the model class declaring it (``pkg.mod:Name``)."""
    found: dict[tuple[str, str, str], set[Site]] = defaultdict(set)
    for access in data.accesses:
        if access.mode is not AccessMode.WRITE:
            continue
        producer, owner = context_of(access.atom), owners.get(access.table)
        if producer is None or owner is None or producer == owner:
            continue
        found[(producer, access.table, change_of(access.evidence))].add(
            Site(access.path, access.line, access.atom))
    events: list[Event] = []
    for (producer, table, change), sites in sorted(found.items()):
        owner = owners[table]
        others = sorted(set(readers.get(table, ())) - {producer, owner})
        model = models.get(table)
        named = parts(model.rpartition(":")[2]) if model else parts(table)
        events.append(Event(producer, owner, table, change, tuple(sorted(sites)),
                            (owner, *others), tuple(singular(w) for w in named) or ("row",)))
    return events


def asyncapi_document(context: str, project: str, events: Sequence[Event],
                      classes: Classes) -> dict[str, Any] | None:
    """The events ``context`` would publish or consume; None when there are none."""
    mine = [e for e in events if e.producer == context or context in e.consumers]
    if not mine:
        return None
    components = Components(classes)
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event in mine:
        key = event.channel
        message_key = "".join(w.capitalize() for w in parts(event.producer)) + event.message
        channels[key] = {
            "address": event.address,
            "title": f"{event.producer}: {' '.join(event.entity)} {event.change}",
            "description": (
                f"{event.producer} {event.change} rows of `{event.table}`, which {event.owner} "
                f"owns, at {count(len(event.sites), 'place')} "
                f"today. Proposed: {event.producer} "
                f"publishes this event and {event.owner} applies it to its own table."),
            "messages": {message_key: {"$ref": f"#/components/messages/{message_key}"}},
            "x-seamline-producer": event.producer,
            "x-seamline-consumers": list(event.consumers),
            "x-seamline-table": event.table,
        }
        messages[message_key] = {
            "name": event.message,
            "title": f"{' '.join(event.entity).capitalize()} {event.change}",
            "contentType": "application/json",
            "payload": _payload(event, classes, components),
        }
        reference = {"$ref": f"#/channels/{key}"}
        message_ref = {"$ref": f"#/channels/{key}/messages/{message_key}"}
        if event.producer == context:
            operations[f"publish{key[:1].upper()}{key[1:]}"] = {
                "action": "send", "channel": reference, "messages": [message_ref],
                "summary": f"Publish {event.message} instead of writing `{event.table}`",
                "x-seamline-writes-today": [{"python": s.element, "at": f"{s.path}:{s.line}"}
                                            for s in event.sites],
            }
        if context in event.consumers:
            how = (f"apply it to `{event.table}`" if context == event.owner else
                   f"refresh what it reads of `{event.table}`")
            operations[f"on{key[:1].upper()}{key[1:]}"] = {
                "action": "receive", "channel": reference, "messages": [message_ref],
                "summary": f"Receive {event.message} from {event.producer} and {how}",
            }
    document: dict[str, Any] = {
        "asyncapi": "3.0.0",
        "info": {
            "title": f"{context} events (proposed)",
            "version": "0.1.0",
            "description": (
                f"The domain events seamline proposes for the {context} context of {project}: "
                "each replaces a write into a table another context owns. Review the names, "
                "payloads and consumers."),
        },
        "defaultContentType": "application/json",
        "channels": dict(sorted(channels.items())),
        "operations": dict(sorted(operations.items())),
        "components": {"messages": dict(sorted(messages.items()))},
        "x-seamline-context": context,
    }
    if components.schemas:
        document["components"]["schemas"] = dict(sorted(components.schemas.items()))
    return document


def _payload(event: Event, classes: Classes, components: Components) -> Schema:
    model = classes.tables.get(event.table)
    if event.change == "deleted":
        key: Schema = {"type": "object", "properties": {"id": {}}, "required": ["id"],
                       REVIEW: f"the key of the deleted `{event.table}` row"}
        return key
    if model is None:
        return open_schema(f"`{event.table}` has no model: list the columns the event "
                           "carries")
    return components.ref(model)
