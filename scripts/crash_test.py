"""Crash test: `millet serve` is killed with SIGKILL at random moments while clients write
(orders, signed payment webhooks, community posts, device registrations), restarted, and every
write it acknowledged with a 2xx is looked for. A lost acknowledged write fails the run.

    python3 scripts/crash_test.py --rounds 20 --seconds 3 --out build/crash

runs it from the command line (MILLET_BIN names the executable, .build/debug/millet by default)
and prints each round and the totals; scripts/process_test.py runs a short one in the suite.
"""
import argparse
import hashlib
import hmac
import json
import os
import random
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from process_test import Server  # noqa: E402

SECRET = "crash-test-secret"
ADDRESS = {"name": "Crash Fan", "line1": "1 MG Road", "city": "Bengaluru", "postcode": "560001", "phone": "+91 98450 00000"}


class Ledger:
    """Every write a client saw acknowledged, by kind."""

    def __init__(self):
        self.lock = threading.Lock()
        self.orders, self.paid, self.posts, self.devices = {}, set(), {}, {}
        self.waiting = set()  # posters told to wait an hour

    def counts(self):
        with self.lock:
            return {"orders": len(self.orders), "paid": len(self.paid), "posts": len(self.posts), "devices": len(self.devices)}


def sign(body):
    stamp = str(int(time.time()))
    mac = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


def raw(server, method, path, body, headers):
    import urllib.request
    request = urllib.request.Request(server.url + path, data=body, method=method)
    for name, value in headers.items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def writer(kind, server, setup, ledger, stop, rng):
    """Writes one kind of thing until `stop` or the server is gone; records what was acknowledged."""
    fan = setup["fans"][rng.randrange(len(setup["fans"]))]
    while not stop.is_set():
        try:
            if kind == "order":
                status, order = raw(
                    server, "POST", "/api/v1/orders",
                    json.dumps({"market": "IN", "shippingAddress": ADDRESS, "items": [{"skuId": setup["sku"], "quantity": 1}]}).encode(),
                    {"Content-Type": "application/json", "Authorization": "Bearer " + fan, "Idempotency-Key": "crash-" + uuid.uuid4().hex})
                if status == 201:
                    with ledger.lock:
                        ledger.orders[order["id"]] = fan
                    # Pay it through the provider's signed webhook.
                    status, payment = server.request("POST", f"/api/v1/orders/{order['id']}/payments", {"provider": "sandbox"}, fan)
                    if status == 201:
                        notice = json.dumps({"amount": payment["amount"]["amount"], "currency": payment["amount"]["currency"],
                                             "eventId": "evt_" + uuid.uuid4().hex, "kind": "payment.succeeded", "paymentId": payment["id"]},
                                            sort_keys=True, separators=(",", ":")).encode()
                        status, _ = raw(server, "POST", "/api/v1/payments/sandbox/webhook", notice,
                                        {"Content-Type": "application/json", "Millet-Signature": sign(notice)})
                        if 200 <= status < 300:
                            with ledger.lock:
                                ledger.paid.add(order["id"])
            elif kind == "post":
                # New accounts write five posts an hour: each poster writes until it is told to wait.
                with ledger.lock:
                    posters = [p for p in setup["posters"] if p not in ledger.waiting]
                if not posters:
                    return
                poster = posters[rng.randrange(len(posters))]
                status, post = server.request("POST", "/api/v1/community/boards/general/posts",
                                              {"kind": "idea", "title": "Crash idea " + uuid.uuid4().hex[:8], "body": "Written while the server may die."},
                                              poster)
                with ledger.lock:
                    if status == 201:
                        ledger.posts[post["id"]] = True
                    elif status == 429:
                        ledger.waiting.add(poster)
            elif kind == "device":
                serial = "CRASH-" + uuid.uuid4().hex[:12].upper()
                secret = hmac.new(setup["factoryKey"].encode(), serial.encode(), hashlib.sha256).hexdigest()
                status, device = server.request("POST", "/api/v1/devices/registrations", {
                    "serial": serial, "model": setup["model"], "secret": secret, "market": "IN", "channel": "stable", "version": "1.0.0"})
                if status == 201:
                    with ledger.lock:
                        ledger.devices[device["token"]] = serial
        except (OSError, ValueError, KeyError, TypeError):
            return  # the server died mid-request: nothing was acknowledged


def prepare(server):
    logins = {role: server.request("POST", "/api/v1/sessions", {"email": f"{role}@millet.test", "password": f"millet-{role}"})[1]["token"]
              for role in ("staff", "fan", "moderator", "admin")}
    staff = logins["staff"]
    sku = server.request("GET", "/api/v1/products?market=IN")[1]["items"][0]["skus"][0]["id"]
    fans = []
    for i in range(4):
        email = f"crash{i}-{uuid.uuid4().hex[:6]}@fan.test"
        status, body = server.request("POST", "/api/v1/accounts", {"email": email, "password": "crash-password", "displayName": f"Crash {i}"})
        assert status == 201, body
        fans.append(body["token"])
    # Enough units for every order of a long run.
    for warehouse in server.request("GET", "/api/v1/staff/warehouses?market=IN", token=staff)[1]["items"]:
        status, body = server.request("POST", "/api/v1/staff/stock/receipts", {"skuId": sku, "warehouseId": warehouse["id"], "quantity": 100000}, staff)
        assert status == 201, body
    model = "crash-" + uuid.uuid4().hex[:6]
    status, created = server.request("POST", "/api/v1/staff/device-models",
                                      {"id": model, "name": "Crash phone", "kind": "phone", "productLine": "phones"}, staff)
    assert status == 201, created
    return {"staff": staff, "posters": list(logins.values()) + fans, "sku": sku, "fans": fans, "model": model, "factoryKey": created["factoryKey"]}


def verify(server, ledger):
    """Looks for every acknowledged write; answers the ones missing."""
    missing = []
    with ledger.lock:
        orders, paid, posts, devices = dict(ledger.orders), set(ledger.paid), dict(ledger.posts), dict(ledger.devices)
    for order_id, fan in orders.items():
        status, order = server.request("GET", f"/api/v1/orders/{order_id}", token=fan)
        if status != 200:
            missing.append(("order", order_id, status))
        elif order_id in paid and order["status"] not in ("paid", "shipped", "delivered"):
            missing.append(("payment", order_id, order["status"]))
    for post_id in posts:
        status, _ = server.request("GET", f"/api/v1/community/posts/{post_id}")
        if status != 200:
            missing.append(("post", post_id, status))
    for token in devices:
        status, _ = server.request("POST", "/api/v1/devices/check-in", {"version": "1.0.0"}, token)
        if status != 200:
            missing.append(("device", devices[token], status))
    return missing


def run(database, rounds, seconds, seed=1, say=print):
    """`rounds` kills, each after a random moment of up to `seconds` of writing; answers the figures."""
    saved = {name: os.environ.get(name) for name in ("MILLET_SANDBOX_SECRET", "MILLET_REGISTRATIONS_PER_IP_HOUR")}
    os.environ["MILLET_SANDBOX_SECRET"] = SECRET
    os.environ["MILLET_REGISTRATIONS_PER_IP_HOUR"] = "100000"
    try:
        return crash(database, rounds, seconds, random.Random(seed), say)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def crash(database, rounds, seconds, rng, say):
    ledger = Ledger()
    server = Server(database)
    setup = prepare(server)
    report = {"rounds": [], "lost": []}
    try:
        for number in range(1, rounds + 1):
            stop = threading.Event()
            threads = [threading.Thread(target=writer, args=(kind, server, setup, ledger, stop, random.Random(rng.random())))
                       for kind in ("order", "order", "post", "device")]
            before = ledger.counts()
            for thread in threads:
                thread.start()
            moment = rng.uniform(0.2, seconds)
            time.sleep(moment)
            server.proc.kill()
            stop.set()
            for thread in threads:
                thread.join()
            server.stop()
            server = Server(database)
            lost = verify(server, ledger)
            after = ledger.counts()
            acked = {kind: after[kind] - before[kind] for kind in after}
            report["rounds"].append({"round": number, "killedAfterSeconds": round(moment, 3), "acknowledged": acked, "lost": len(lost)})
            report["lost"] += lost
            say(f"round {number}/{rounds}: killed after {moment:.2f} s; acknowledged "
                + ", ".join(f"{acked[k]} {k}" for k in acked) + f"; all {sum(after.values())} so far checked, {len(lost)} missing")
    finally:
        server.stop()
    report["totals"] = ledger.counts()
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=3.0, help="the longest a round writes before the kill")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="build/crash")
    parser.add_argument("--database", help="an empty PostgreSQL database's URL; a new SQLite file in --out by default")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    database = args.database or os.path.join(args.out, f"crash-{int(time.time())}.sqlite")
    started = time.time()
    report = run(database, args.rounds, args.seconds, args.seed)
    report["seconds"] = round(time.time() - started, 1)
    with open(os.path.join(args.out, "crash.json"), "w") as out:
        json.dump(report, out, indent=2)
    totals = report["totals"]
    print(f"{args.rounds} kills in {report['seconds']} s; acknowledged writes: " + ", ".join(f"{v} {k}" for k, v in totals.items())
          + f"; lost: {len(report['lost'])}")
    sys.exit(1 if report["lost"] else 0)


if __name__ == "__main__":
    main()
