"""A real hawkBit agent against `millet serve`: Debian's `swupdate`, in its suricatta hawkBit mode.

Run by scripts/test with MILLET_BIN pointing at the built executable (needs `swupdate` and
`openssl` on the PATH; scripts/test installs them). Staff upload a signed SWUpdate image as a
build and start a rollout; one device's agent polls Millet, downloads the image, installs it (the
`files` handler writes a file this test reads back) and, started again as after a reboot,
confirms success; the rollout counts the install. A second device, first seen through the tenant's
gateway token, is of a hardware revision the image does not fit: it reports failure, and the
rollout halts at its threshold. Staff then roll it back and ask the devices still installing to
cancel: a third device, which had started the upgrade, is asked to, and its agent acknowledges;
the rollout counts it as never started.
"""
import hashlib
import hmac
import json
import os
import signal
import subprocess
import time
import urllib.request


from process_test import Server

def newc(entries):
    """A CPIO archive in the "newc" format SWUpdate reads: (name, bytes) in order, then the trailer."""
    out = bytearray()
    for number, (name, data) in enumerate(entries + [("TRAILER!!!", b"")]):
        encoded = name.encode() + b"\0"
        # inode, mode, uid, gid, links, mtime, size, dev major and minor, rdev major and minor, name size, check
        fields = [number + 1, 0o100644 if name != "TRAILER!!!" else 0, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(encoded), 0]
        out += b"070701" + b"".join(b"%08X" % value for value in fields)
        out += encoded
        out += b"\0" * (-len(out) % 4)
        out += data
        out += b"\0" * (-len(out) % 4)
    return bytes(out)


def signed_image(folder, target, payload, version="1.1.0"):
    """A .swu SWUpdate accepts: a JSON sw-description (installing `payload` at `target` with the
    `files` handler, for hardware revision 1.0), signed with CMS by a certificate made for email
    protection, as Debian's build requires; answers the image and the certificate's path."""
    key, cert = os.path.join(folder, "key.pem"), os.path.join(folder, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "30",
                    "-subj", "/CN=millet-test-signer", "-addext", "keyUsage=digitalSignature",
                    "-addext", "extendedKeyUsage=emailProtection"], check=True, capture_output=True)
    description = json.dumps({"software": {
        "version": version, "hardware-compatibility": ["1.0"],
        "files": [{"filename": "payload.txt", "path": target, "sha256": hashlib.sha256(payload).hexdigest(),
                   "properties": {"create-destination": "true"}}],
    }}).encode()
    with open(os.path.join(folder, "sw-description"), "wb") as file:
        file.write(description)
    subprocess.run(["openssl", "cms", "-sign", "-in", os.path.join(folder, "sw-description"), "-out", os.path.join(folder, "sw-description.sig"),
                    "-signer", cert, "-inkey", key, "-outform", "DER", "-nosmimecap", "-binary"], check=True, capture_output=True)
    with open(os.path.join(folder, "sw-description.sig"), "rb") as file:
        signature = file.read()
    return newc([("sw-description", description), ("sw-description.sig", signature), ("payload.txt", payload)]), cert


def upload(server, token, model, version, image):
    req = urllib.request.Request(f"{server.url}/api/v1/staff/firmware-builds?model={model}&version={version}", data=image, method="POST")
    req.add_header("Content-Type", "application/octet-stream")
    req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 201
        return json.loads(resp.read())["id"]


def ddi(server, method, path, token, body=None):
    """A DDI request with a device's target token, as an agent would send it; answers status and JSON."""
    req = urllib.request.Request(f"{server.url}/DEFAULT/controller/v1/{path}", method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Authorization", "TargetToken " + token)
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status, json.loads(resp.read() or b"null")


def register(server, factory_key, serial):
    secret = hmac.new(factory_key.encode(), serial.encode(), hashlib.sha256).hexdigest()
    status, device = server.request("POST", "/api/v1/devices/registrations", {
        "serial": serial, "model": "cam-e2e", "secret": secret, "market": "IN", "channel": "stable", "version": "1.0.0"})
    assert status == 201, device
    return device


class Agent:
    """One `swupdate` in suricatta mode for one device, with its own TMPDIR (it makes sockets there)."""

    def __init__(self, folder, server, serial, credential, cert, revision, *extra):
        """`credential` is `-k <target token>` or `-g <gateway token>`."""
        self.folder = os.path.join(folder, serial + "-" + str(len(os.listdir(folder))))
        os.makedirs(self.folder)
        self.log = open(os.path.join(self.folder, "swupdate.log"), "wb")
        suricatta = f"-t DEFAULT -u {server.url} -i {serial} {credential} -p 2 " + " ".join(extra)
        # A session of its own: swupdate forks its suricatta and downloader, stopped with it.
        self.proc = subprocess.Popen(
            ["swupdate", "-v", "-k", cert, "-H", f"board:{revision}", "-m", "-M", "-u", suricatta.strip()],
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "TMPDIR": self.folder}, start_new_session=True)

    def stop(self):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(10)
                break
            except subprocess.TimeoutExpired:
                continue
        # Whatever of the group is left after SIGTERM goes with SIGKILL.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.log.close()

    def output(self):
        with open(os.path.join(self.folder, "swupdate.log"), "rb") as file:
            return file.read().decode(errors="replace")


def wait_for(what, check, agent, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if check():
            return
        assert agent.proc.poll() is None, f"swupdate exited waiting for {what}:\n{agent.output()[-3000:]}"
        time.sleep(0.3)
    raise AssertionError(f"no {what} within {seconds} s:\n{agent.output()[-3000:]}")


def test_swupdate_installs_a_rollouts_image_and_a_failing_device_halts_it(tmp_path):
    server = Server(str(tmp_path / "millet.sqlite"))
    agents = []
    try:
        _, session = server.request("POST", "/api/v1/sessions", {"email": "staff@millet.test", "password": "millet-staff"})
        staff = session["token"]
        status, created = server.request("POST", "/api/v1/staff/device-models", {"id": "cam-e2e", "name": "Eco camera", "kind": "phone",
                                                                                  "productLine": "cameras"}, token=staff)
        assert status == 201
        # The first and third devices register themselves, as a Millet device does; the second is
        # first seen through the tenant's gateway token.
        device = register(server, created["factoryKey"], "CAM-E2E-1")
        third = register(server, created["factoryKey"], "CAM-E2E-3")
        status, gateway = server.request("PUT", "/api/v1/staff/ddi/gateway", {"model": "cam-e2e", "market": "IN", "channel": "stable",
                                                                         "serialPrefix": "CAM-E2E-"}, token=staff)
        assert status == 200, gateway
        target = str(tmp_path / "installed" / "payload.txt")
        payload = b"firmware 1.1.0 for the eco camera\n"
        image, cert = signed_image(str(tmp_path), target, payload)
        factory = upload(server, staff, "cam-e2e", "1.0.0", b"the factory image")
        build = upload(server, staff, "cam-e2e", "1.1.0", image)
        status, rollout = server.request("POST", "/api/v1/staff/rollouts", {
            "buildId": build, "channel": "stable", "stages": [100], "minReports": 2, "failureThresholdBasisPoints": 5000}, token=staff)
        assert status == 201, rollout

        def figures():
            return server.request("GET", f"/api/v1/staff/rollouts/{rollout['id']}", token=staff)[1]

        agents_dir = str(tmp_path / "agents")
        os.makedirs(agents_dir)
        # The first device: it polls, downloads, installs and says so (the action stays open).
        first = Agent(agents_dir, server, "CAM-E2E-1", "-k " + device["token"], cert, "1.0")
        agents.append(first)
        wait_for("the installed file", lambda: os.path.exists(target), first)
        wait_for("the rollout hearing the install under way", lambda: figures()["downloading"] >= 1, first)
        first.stop()
        with open(target, "rb") as file:
            assert file.read() == payload
        # Started again, as after a reboot into the new image, it confirms success.
        confirming = Agent(agents_dir, server, "CAM-E2E-1", "-k " + device["token"], cert, "1.0", "-c 2")
        agents.append(confirming)
        wait_for("the rollout counting the install", lambda: figures()["installed"] == 1, confirming)
        confirming.stop()
        # The third device starts the upgrade (the steps its agent would send), and is still under way.
        _, poll = ddi(server, "GET", "CAM-E2E-3", third["token"])
        action = poll["_links"]["deploymentBase"]["href"].split("?")[0].rsplit("/", 1)[1]
        ddi(server, "POST", f"CAM-E2E-3/deploymentBase/{action}/feedback", third["token"],
            {"id": action, "status": {"execution": "proceeding", "result": {"finished": "none"}, "details": ["downloading"]}})
        assert figures()["downloading"] == 1
        # The second device, known to nobody yet, comes in with the gateway token and is another
        # hardware revision: the image does not fit, it reports the failure, and one failure in
        # two reports reaches the 50% threshold.
        second = Agent(agents_dir, server, "CAM-E2E-2", "-g " + gateway["gatewayToken"], cert, "2.0")
        agents.append(second)
        wait_for("the rollout halting", lambda: figures()["state"] == "halted", second)
        halted = figures()
        assert halted["failed"] == 1 and halted["installed"] == 1, halted
        assert any(event["action"] == "halt" for event in halted["events"]), halted
        second.stop()
        # Rolled back, staff ask the devices still installing to cancel: the third device's agent
        # is linked to the cancellation, and acknowledges it.
        status, _ = server.request("POST", f"/api/v1/staff/rollouts/{rollout['id']}/commands",
                                   {"command": "rollback", "buildId": factory}, token=staff)
        assert status == 200
        status, asked = server.request("POST", f"/api/v1/staff/ddi/rollouts/{rollout['id']}/cancellations", token=staff)
        assert status == 200 and asked["asked"] == 1, asked
        _, poll = ddi(server, "GET", "CAM-E2E-3", third["token"])
        assert poll["_links"]["cancelAction"]["href"].endswith(f"/cancelAction/{action}"), poll
        canceling = Agent(agents_dir, server, "CAM-E2E-3", "-k " + third["token"], cert, "1.0")
        agents.append(canceling)
        wait_for("the cancellation acknowledged", lambda: figures()["downloading"] == 0, canceling)
        _, poll = ddi(server, "GET", "CAM-E2E-3", third["token"])
        assert "cancelAction" not in poll["_links"] and "deploymentBase" not in poll["_links"], poll
    finally:
        for agent in agents:
            agent.stop()
        server.stop()
