"""Tests of the `millet serve` process itself: signals, restarts, durability.

Run by scripts/test with MILLET_BIN pointing at the built executable. Each test starts its own
server on 127.0.0.1 with its own database in a temporary folder.
"""
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

BIN = os.environ.get("MILLET_BIN", ".build/debug/millet")
# Every client of these tests is on 127.0.0.1, so the limit of registrations per IP is raised.
os.environ.setdefault("MILLET_REGISTRATIONS_PER_IP_HOUR", "100000")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `millet serve` process."""

    def __init__(self, database, *extra):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # A PostgreSQL URL is no file to log beside: its log goes to the temporary folder.
        log = database + ".log" if "://" not in database else os.path.join(os.environ.get("TMPDIR", "/tmp"), f"millet-{self.port}.log")
        self.log = open(log, "ab")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--database", database, "--host", "127.0.0.1", "--port", str(self.port), *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/health", timeout=1)
                return
            except OSError:
                assert self.proc.poll() is None, "server exited while starting"
                time.sleep(0.1)
        raise AssertionError("server did not start")

    def request(self, method, path, body=None, token=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture
def database(tmp_path):
    return str(tmp_path / "millet.sqlite")


def test_sigterm_lets_the_request_in_flight_finish(database):
    server = Server(database)
    try:
        body = json.dumps({"email": "inflight@fan.test", "password": "inflight-password", "displayName": "In Flight"}).encode()
        conn = socket.create_connection(("127.0.0.1", server.port))
        conn.sendall(b"POST /api/v1/accounts HTTP/1.1\r\nHost: millet\r\nContent-Type: application/json\r\n"
                     + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:10])
        time.sleep(0.3)
        server.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        assert server.proc.poll() is None, "the server stopped with a request in flight"
        conn.sendall(body[10:])
        conn.settimeout(10)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
        conn.close()
        assert answer.startswith(b"HTTP/1.1 201"), answer[:200]
        assert server.proc.wait(timeout=15) == 0
        # New connections are refused once it has stopped.
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", server.port), timeout=1)
    finally:
        server.stop()
    # The account answered 201 is there after a restart.
    again = Server(database)
    try:
        status, _ = again.request("POST", "/api/v1/sessions", {"email": "inflight@fan.test", "password": "inflight-password"})
        assert status == 201
    finally:
        again.stop()


def sale_fans(server, count):
    """Registers `count` fans; answers their bearer tokens."""
    tokens = []
    for i in range(count):
        status, body = server.request("POST", "/api/v1/accounts", {
            "email": f"crowd{i}@fan.test", "password": "crowd-password", "displayName": f"Crowd {i}"})
        assert status == 201, body
        tokens.append(server.request("POST", "/api/v1/sessions", {"email": f"crowd{i}@fan.test", "password": "crowd-password"})[1]["token"])
    return tokens


def purchase(server, sale_id, token, key, purchase_token):
    body = {"shippingAddress": {"name": "Crowd", "line1": "1 Road", "city": "Pune", "postcode": "411001", "phone": "9800000000"},
            "purchaseToken": purchase_token}
    req = urllib.request.Request(server.url + f"/api/v1/flash-sales/{sale_id}/purchases", data=json.dumps(body).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    req.add_header("Authorization", "Bearer " + token)
    req.add_header("Idempotency-Key", key)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_kill_9_mid_sale_loses_no_order_and_strands_no_unit(database):
    """Fans buy from many threads; the server is killed with SIGKILL mid-sale. After a restart
    every order answered 201 exists, its key still answers it, no fan is over the limit, the
    counters add up, and the units the dead node had leased are sold to the next fans."""
    import datetime
    import threading

    units, fans = 12, 24
    server = Server(database)
    answered = {}  # (fan, key) -> order id, for every 201 the fans saw
    try:
        staff = server.request("POST", "/api/v1/sessions", {"email": "staff@millet.test", "password": "millet-staff"})[1]["token"]
        sku = server.request("GET", "/api/v1/products?market=IN")[1]["items"][0]["skus"][0]["id"]
        tokens = sale_fans(server, fans)
        now = datetime.datetime.now(datetime.timezone.utc)
        stamp = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
        status, sale = server.request("POST", "/api/v1/staff/flash-sales", {
            "title": "Crash launch", "skuId": sku, "market": "IN", "units": units,
            "startsAt": stamp(now + datetime.timedelta(seconds=2)), "endsAt": stamp(now + datetime.timedelta(minutes=30))}, staff)
        assert status == 201, sale
        time.sleep(max(0, (datetime.datetime.fromisoformat(sale["startsAt"].replace("Z", "+00:00")) - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) + 0.2)
        passes = [server.request("POST", f"/api/v1/flash-sales/{sale['id']}/tokens", token=t)[1]["token"] for t in tokens]

        lock = threading.Lock()
        def crowd(fan):
            for attempt in range(50):
                key = f"crash-{fan}-{attempt}"
                try:
                    status, body = purchase(server, sale["id"], tokens[fan], key, passes[fan])
                except OSError:
                    return  # the server is gone
                if status == 201:
                    with lock:
                        answered[(fan, key)] = body["id"]
                    return
                if status == 409 and body["error"]["code"] == "sold_out":
                    return
        threads = [threading.Thread(target=crowd, args=(fan,)) for fan in range(fans)]
        for thread in threads:
            thread.start()
        # Kill as soon as some orders have been answered, while others are in flight.
        deadline = time.time() + 10
        while time.time() < deadline and len(answered) < units // 3:
            time.sleep(0.005)
        server.proc.kill()
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    assert answered, "no purchase was answered before the kill"

    again = Server(database)
    try:
        for (fan, key), order_id in answered.items():
            status, order = again.request("GET", f"/api/v1/orders/{order_id}", token=tokens[fan])
            assert status == 200 and order["status"] == "pending_payment", (status, order)
            # The key still answers the same order after the restart.
            status, replay = purchase(again, sale["id"], tokens[fan], key, passes[fan])
            assert status == 201 and replay["id"] == order_id, (status, replay)
        status, figures = again.request("GET", f"/api/v1/flash-sales/{sale['id']}")
        live = figures["live"]
        assert live["sold"] >= len(answered) and live["sold"] + live["left"] == units, live
        for fan, token in enumerate(tokens):
            orders = again.request("GET", "/api/v1/orders?perPage=100", token=token)[1]["items"]
            assert len(orders) <= 1, (fan, orders)

        # The dead node's lease comes back; fans without an order buy every remaining unit.
        buyers = {fan for fan, token in enumerate(tokens) if again.request("GET", "/api/v1/orders", token=token)[1]["items"]}
        waiting = [fan for fan in range(fans) if fan not in buyers]
        deadline = time.time() + 20
        while time.time() < deadline and waiting:
            if again.request("GET", f"/api/v1/flash-sales/{sale['id']}")[1]["live"]["sold"] == units:
                break
            fan = waiting[0]
            fresh = again.request("POST", f"/api/v1/flash-sales/{sale['id']}/tokens", token=tokens[fan])[1]["token"]
            status, body = purchase(again, sale["id"], tokens[fan], f"after-{fan}-{time.time()}", fresh)
            if status == 201:
                waiting.pop(0)
            else:
                time.sleep(0.3)
        live = again.request("GET", f"/api/v1/flash-sales/{sale['id']}")[1]["live"]
        assert live["sold"] == units and live["left"] == 0, live
    finally:
        again.stop()


def test_no_webhook_secret_has_a_default_outside_the_demo(database, tmp_path):
    """Without MILLET_SANDBOX_SECRET a demo database makes a random secret once and keeps it
    across restarts; with --no-demo serve refuses to start without one."""
    import sqlite3
    env = {k: v for k, v in os.environ.items() if k != "MILLET_SANDBOX_SECRET"}
    bare = str(tmp_path / "bare.sqlite")
    refused = subprocess.run([BIN, "serve", "--database", bare, "--no-demo", "--port", str(free_port())],
                             env=env, capture_output=True, timeout=60)
    assert refused.returncode != 0 and b"MILLET_SANDBOX_SECRET" in refused.stdout + refused.stderr

    def kept():
        with sqlite3.connect(database) as db:
            return db.execute("SELECT value FROM settings WHERE name = 'sandbox_secret'").fetchone()[0]

    saved = os.environ.pop("MILLET_SANDBOX_SECRET", None)
    try:
        first = Server(database)
        first.stop()
        secret = kept()
        assert len(secret) == 64 and secret != "millet-sandbox-demo-secret"
        second = Server(database)
        second.stop()
        assert kept() == secret
    finally:
        if saved is not None:
            os.environ["MILLET_SANDBOX_SECRET"] = saved


def test_sigkill_at_random_moments_loses_no_acknowledged_write(database):
    """Orders, payment webhooks, posts and device registrations are written while the server is
    killed with SIGKILL at random moments and restarted: every 2xx is there afterwards."""
    import crash_test
    report = crash_test.run(database, rounds=3, seconds=1.5, seed=7, say=lambda line: None)
    assert report["lost"] == [], report["lost"][:5]
    totals = report["totals"]
    assert totals["orders"] > 0 and totals["posts"] > 0 and totals["devices"] > 0, totals


def test_sigkill_at_random_moments_loses_no_acknowledged_write_on_postgresql():
    """The same on PostgreSQL (MILLET_CRASH_POSTGRES_URL, an empty database scripts/test makes)."""
    url = os.environ.get("MILLET_CRASH_POSTGRES_URL")
    if not url:
        assert os.environ.get("MILLET_REQUIRE_POSTGRES") != "1", "MILLET_CRASH_POSTGRES_URL is not set"
        pytest.skip("no PostgreSQL for the crash test")
    import crash_test
    report = crash_test.run(url, rounds=3, seconds=1.5, seed=11, say=lambda line: None)
    assert report["lost"] == [], report["lost"][:5]
    totals = report["totals"]
    assert totals["orders"] > 0 and totals["posts"] > 0 and totals["devices"] > 0, totals
