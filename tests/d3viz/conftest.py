"""A headless Chromium driven over the DevTools protocol, for the d3viz page tests.

The browser is Debian's ``chromium`` (``.ci/run`` installs it), or the one
named by ``THEANO_CHROMIUM``.  It is driven through ``--remote-debugging-pipe``
(JSON messages ended by a NUL byte on file descriptors 3 and 4), so no
Python or npm package is needed.  Without a browser the tests fail, saying
how to install one: they are not skipped.
"""
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time

import pytest

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
WIDTH, HEIGHT = 1200, 800


def find_chromium():
    exe = os.environ.get("THEANO_CHROMIUM") or next(
        (p for p in map(shutil.which, _CANDIDATES) if p), None)
    if not exe:
        pytest.fail("The d3viz page tests need a headless Chromium and none was found (looked "
                    "for THEANO_CHROMIUM, then %s on the PATH). Install it: `apt-get install "
                    "chromium` on Debian (.ci/run does), or set THEANO_CHROMIUM=/path/to/chrome."
                    % ", ".join(_CANDIDATES), pytrace=False)
    return exe


class Chromium:
    """One headless browser; :meth:`open` loads a page in a fresh tab."""

    def __init__(self, exe, profile_dir, log_path):
        cmd_r, self._cmd_w = os.pipe()     # we write commands, the browser reads fd 3
        self._res_r, res_w = os.pipe()     # the browser writes fd 4, we read
        # Above 9, so that dup2 onto 3 and 4 in the child cannot clobber one of them.
        child_r = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10)
        child_w = fcntl.fcntl(res_w, fcntl.F_DUPFD, 10)
        os.close(cmd_r)
        os.close(res_w)

        def in_child():
            os.dup2(child_r, 3)
            os.dup2(child_w, 4)

        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--no-first-run", "--disable-component-update",
             "--disable-sync", "--disable-extensions", "--mute-audio",
             "--user-data-dir=" + str(profile_dir), "--window-size=%d,%d" % (WIDTH, HEIGHT),
             "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
            preexec_fn=in_child, close_fds=False)
        os.close(child_r)
        os.close(child_w)
        self._buffer, self._next_id, self.events = b"", 0, []
        self.session = None

    # -- protocol ---------------------------------------------------------
    def _read_message(self, deadline):
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._res_r], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._res_r, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe (exit code %s)"
                                   % self.proc.poll())
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, params=None, session=True, timeout=30):
        self._next_id += 1
        msg = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError("%s failed: %s" % (method, reply["error"]))
                return reply.get("result", {})
            self.events.append(reply)

    # -- page helpers -------------------------------------------------------
    def open(self, url, ready="document.body && document.body.getAttribute('data-d3viz-ready')"):
        """Load ``url`` in a new tab and wait until ``ready`` evaluates to a true value."""
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target["targetId"], "flatten": True},
                                 session=False)["sessionId"]
        self.events.clear()
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
        self.call("Page.navigate", {"url": url})
        deadline = time.monotonic() + 30
        while not self.evaluate(ready):
            if time.monotonic() > deadline:
                raise TimeoutError("the page %s never became ready; JavaScript errors: %s"
                                   % (url, self.js_errors()))
            time.sleep(0.05)

    def evaluate(self, expression):
        res = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                             "awaitPromise": True})
        if "exceptionDetails" in res:
            raise RuntimeError("JavaScript error in %r: %s" % (expression,
                                                               res["exceptionDetails"]))
        return res["result"].get("value")

    def js_errors(self):
        out = []
        for ev in self.events:
            if ev.get("method") == "Runtime.exceptionThrown":
                out.append(ev["params"]["exceptionDetails"].get("exception", {})
                           .get("description") or ev["params"]["exceptionDetails"]["text"])
            elif (ev.get("method") == "Runtime.consoleAPICalled"
                  and ev["params"]["type"] == "error"):
                out.append(" ".join(str(a.get("value", a.get("description")))
                                    for a in ev["params"]["args"]))
        return out

    def mouse(self, kind, x, y, **extra):
        params = {"type": kind, "x": x, "y": y}
        params.update(extra)
        self.call("Input.dispatchMouseEvent", params)

    def click(self, x, y):
        self.mouse("mouseMoved", x, y)
        self.mouse("mousePressed", x, y, button="left", clickCount=1)
        self.mouse("mouseReleased", x, y, button="left", clickCount=1)

    def drag(self, start, end, steps=5):
        self.mouse("mouseMoved", *start)
        self.mouse("mousePressed", *start, button="left", clickCount=1)
        for k in range(1, steps + 1):
            self.mouse("mouseMoved", start[0] + (end[0] - start[0]) * k / steps,
                       start[1] + (end[1] - start[1]) * k / steps, button="left", buttons=1)
        self.mouse("mouseReleased", *end, button="left", clickCount=1)

    def screenshot(self):
        return base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"])

    def close(self):
        try:
            self.call("Browser.close", session=False, timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._cmd_w)
        os.close(self._res_r)
        self._log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    exe = find_chromium()
    tmp = tmp_path_factory.mktemp("chromium")
    chrome = Chromium(exe, tmp / "profile", tmp / "chromium.log")
    try:
        chrome.call("Browser.getVersion", session=False, timeout=60)
    except (RuntimeError, TimeoutError) as exc:
        chrome.close()
        pytest.fail("Could not start %s in headless mode: %s; its log: %s"
                    % (exe, exc, (tmp / "chromium.log").read_text(errors="replace")[-2000:]),
                    pytrace=False)
    yield chrome
    chrome.close()
