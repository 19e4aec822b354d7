"""A synthetic monolith of many domains, for the report at scale: each domain a package with a
table, a repository that writes it and a service; services call a few other domains' services
(some both ways: cycles), and some read another domain's table."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Tree, write_tree

WORDS = ("billing", "catalog", "checkout", "coupon", "courier", "customer", "dispatch",
         "document", "email", "export", "fraud", "gift", "intake", "invoice", "ledger",
         "loyalty", "market", "media", "notice", "offer", "order", "partner", "payment",
         "payout", "pricing", "product", "profile", "promo", "quote", "rating", "refund",
         "report", "rma", "review", "route", "search", "seller", "session", "shipment",
         "sms", "stock", "store", "supplier", "survey", "tax", "ticket", "tracking", "transfer",
         "upload", "user", "vendor", "voucher", "wallet", "warehouse", "webhook", "wishlist",
         "zone", "audit", "badge", "cart", "chat", "claim", "contract", "credit", "device",
         "event", "feed", "forum", "invite", "label", "lead", "locale", "metric", "note",
         "pallet", "plan", "poll", "queue", "region", "slot")


def domains(n: int) -> list[str]:
    return list(WORDS[:n])


def uses(n: int) -> dict[int, list[int]]:
    """Who each domain calls: the next one, one further on, and for every seventh a call
    back (a cycle)."""
    calls: dict[int, list[int]] = {}
    for i in range(n):
        out = {(i + 1) % n, (i * 7 + 3) % n}
        if i % 7 == 0:
            out.add((i - 1) % n)
        out.discard(i)
        calls[i] = sorted(out)
    return calls


def monolith(root: Path, n: int) -> Path:
    names = domains(n)
    files: Tree = {"mono/__init__.py": ""}
    pins: list[str] = []
    for i, name in enumerate(names):
        package = f"mono/{name}"
        files[f"{package}/__init__.py"] = ""
        files[f"{package}/repository.py"] = f'''
            def save_{name}(cur, value):
                cur.execute("INSERT INTO {name}_records (value) VALUES (?)", (value,))


            def load_{name}(cur, key):
                return cur.execute("SELECT value FROM {name}_records WHERE id = ?", (key,))
            '''
        imports = "".join(f"from mono.{names[j]}.service import handle_{names[j]}\n"
                          for j in uses(n)[i])
        calls = "".join(f"    handle_{names[j]}(cur, value)\n" for j in uses(n)[i])
        reads = ""
        if i % 5 == 0:  # reads another domain's table
            other = names[(i + 11) % n]
            reads = f'    cur.execute("SELECT value FROM {other}_records")\n'
        files[f"{package}/service.py"] = (
            f"from mono.{name}.repository import load_{name}, save_{name}\n{imports}\n\n"
            f"def handle_{name}(cur, value):\n    save_{name}(cur, value)\n"
            f"    load_{name}(cur, value)\n{calls}{reads}")
        pins.append(f'{name} = ["mono.{name}.repository", "mono.{name}.service"]')
    files["seamline.toml"] = "[pin]\n" + "\n".join(pins) + "\n"
    return write_tree(root, files)
