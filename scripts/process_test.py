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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `millet serve` process."""

    def __init__(self, database, *extra):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(database + ".log", "ab")
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
