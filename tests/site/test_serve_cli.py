"""`kb serve` as a writer runs it, in a subprocess: what the terminal says, which requests it
answers, and how it lives through a content folder that goes away."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from kbtest import ISOLATED, write_tree

PROJECT = {
    "content/billing/pay.md": "---\ntitle: Pay\n---\nText.\n",
    **{f"content/billing/a{i}.md": f"---\ntitle: A{i}\nauthor: sam\n---\nText.\n" for i in range(4)},
}


class Served:
    """A running `kb serve`: its url, its terminal (stderr) so far, and a wait for a line in it."""

    def __init__(self, process: subprocess.Popen, url: str, log: Path) -> None:
        self.process, self.url, self.log = process, url, log

    @property
    def terminal(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, pattern: str, count: int = 1, timeout: float = 15) -> str:
        """The terminal once `pattern` (a regular expression) is in it `count` times."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.terminal
            if len(re.findall(pattern, text, re.M)) >= count:
                return text
            if self.process.poll() is not None:
                pytest.fail(f"kb serve exited with {self.process.returncode}:\n{text}")
            time.sleep(0.05)
        pytest.fail(f"{pattern!r} not printed {count} time(s) in {timeout} s:\n{self.terminal}")


@contextmanager
def kb_serve(project: Path, *args: str):
    """`kb serve --port 0 --no-search` on `project`/content; stopped (and checked to stop cleanly) after."""
    log = project / "serve.log"
    with open(log, "wb") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "kb", "serve", "--content", "content", "--port", "0", "--no-search", *args],
            stdout=subprocess.PIPE, stderr=errors, cwd=project, env={**os.environ, **ISOLATED},
        )
        try:
            url = process.stdout.readline().decode().strip()
            assert url.startswith("http://"), log.read_text()
            yield Served(process, url, log)
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert process.returncode == 0, log.read_text()
    assert "Traceback" not in log.read_text(), log.read_text()


def _get(url: str, host: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _edit(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_warnings_are_printed_after_each_build_new_ones_only(tmp_path: Path) -> None:
    """A typo'd key or a link to a missing article is said in the terminal: all of them, summarised,
    after the first build; after a rebuild only the new ones, and how many there are."""
    write_tree(tmp_path, PROJECT)
    with kb_serve(tmp_path) as served:
        first = served.wait_for(r"^kb: built 5 articles in \d+\.\d\d s; 4 warnings$")
        assert first.splitlines()[:4] == [
            "content/billing/a0.md:3:1: warning: unknown field 'author'",
            "content/billing/a1.md:3:1: warning: unknown field 'author'",
            "content/billing/a2.md:3:1: warning: unknown field 'author'",
            "warning: 1 more like this (unknown field: 4 in all)",
        ]
        _edit(tmp_path / "content/billing/pay.md", "---\ntitle: Pay\n---\nSee [refunds](refunds.md).\n")
        text = served.wait_for(r"^kb: rebuilt 5 articles .*\(pay\.md changed\); 5 warnings, 1 new$")
        after = text[len(first):].splitlines()
        assert after[0] == "content/billing/pay.md:4:15: warning: link to missing article 'refunds.md'"
        assert len(after) == 2, "the warnings printed before are not printed again"
        _edit(tmp_path / "content/billing/pay.md", "---\ntitle: Paying\n---\nSee [refunds](refunds.md).\n")
        served.wait_for(r"^kb: rebuilt 5 articles .*\(pay\.md changed\); 5 warnings, none new$")
        _edit(tmp_path / "content/billing/pay.md", "---\ntitle: Pay\n---\nText.\n")
        for i in range(4):
            _edit(tmp_path / f"content/billing/a{i}.md", f"---\ntitle: A{i}\n---\nText.\n")
        served.wait_for(r"^kb: rebuilt 5 articles .*; no warnings$")
        assert served.terminal.count("link to missing article") == 1


def test_the_content_folder_going_away_and_coming_back(tmp_path: Path) -> None:
    """Renamed away, the folder is waited for while the last good site is served; back, it is built again."""
    write_tree(tmp_path, PROJECT)
    content = tmp_path / "content"
    with kb_serve(tmp_path) as served:
        served.wait_for(r"^kb: built 5 articles")
        content.rename(tmp_path / "elsewhere")
        served.wait_for(r"^kb: the content folder 'content' is gone; still serving the last good site, "
                        r"and waiting for the folder to come back$")
        assert _get(served.url + "billing/pay/")[0] == 200
        _edit(tmp_path / "elsewhere/billing/pay.md", "---\ntitle: Paid while away\n---\nText.\n")
        time.sleep(0.6)
        (tmp_path / "elsewhere").rename(content)
        served.wait_for(r"^kb: rebuilt 5 articles .*\(the content folder is back\)")
        assert "Paid while away" in _get(served.url + "billing/pay/")[1]
        _edit(content / "billing/pay.md", "---\ntitle: Edited when back\n---\nText.\n")
        served.wait_for(r"\(pay\.md changed\)")
        assert "Edited when back" in _get(served.url + "billing/pay/")[1]
        # deleted, then made anew (another folder at the same path)
        (content / "billing").rename(tmp_path / "billing")
        content.rmdir()
        served.wait_for(r"is gone; still serving", count=2)
        write_tree(tmp_path, {"content/fresh/new.md": "---\ntitle: A new start\n---\nText.\n"})
        served.wait_for(r"^kb: rebuilt 1 article in .*\(the content folder is back\)")
        assert "A new start" in _get(served.url + "fresh/new/")[1]
        _edit(content / "fresh/new.md", "---\ntitle: Watched again\n---\nText.\n")
        served.wait_for(r"\(new\.md changed\)")
        assert "Watched again" in _get(served.url + "fresh/new/")[1]


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example:{port}",
                                  "localhost:1", "", "LOCALHOST.:{port}"])
def test_only_localhost_names_are_answered(tmp_path: Path, host: str) -> None:
    """DNS rebinding: a page on another name that resolves to 127.0.0.1 must not read the preview (drafts included)."""
    write_tree(tmp_path, {**PROJECT, "content/billing/secret.md": "---\ntitle: Secret plan\ndraft: true\n---\nText.\n"})
    with kb_serve(tmp_path) as served:
        port = served.url.rsplit(":", 1)[1].strip("/")
        for name in ("127.0.0.1", "localhost", "[::1]", "LocalHost"):
            status, body = _get(served.url + "billing/secret/", host=f"{name}:{port}")
            assert status == 200 and "Secret plan" in body, name
        connection = http.client.HTTPConnection(served.url.split("/")[2], timeout=10)
        connection.putrequest("GET", "/billing/secret/", skip_host=True)
        if host:
            connection.putheader("Host", host.format(port=port))
        connection.endheaders()
        response = connection.getresponse()
        body = response.read().decode()
        assert response.status == 403
        assert body == ("kb serve answers only requests for localhost, 127.0.0.1 or [::1] with its port; "
                        "to preview from another machine, start it with --host 0.0.0.0\n")
        shown = repr(host.format(port=port))
        served.wait_for(re.escape(f"kb: refused a request for Host {shown}: only localhost names are answered"))


def test_with_host_any_name_is_answered_and_a_warning_says_so(tmp_path: Path) -> None:
    write_tree(tmp_path, PROJECT)
    with kb_serve(tmp_path, "--host", "0.0.0.0") as served:
        text = served.wait_for(r"^kb: serving ")
        port = served.url.rsplit(":", 1)[1].strip("/")
        assert served.url == f"http://127.0.0.1:{port}/"
        assert (f"kb: warning: serving on 0.0.0.0:{port}, to the network: anyone who can reach this machine sees "
                "the site, drafts included") in text
        assert _get(served.url + "billing/pay/", host=f"my-laptop.lan:{port}")[0] == 200


def test_a_loopback_host_keeps_the_check(tmp_path: Path) -> None:
    write_tree(tmp_path, PROJECT)
    with kb_serve(tmp_path, "--host", "localhost") as served:
        assert "serving on" not in served.terminal.replace("kb: serving http", "")
        assert _get(served.url + "billing/pay/", host="evil.example")[0] == 403


def _can_bind(address: str) -> bool:
    import socket

    try:
        with socket.socket() as probe:
            probe.bind((address, 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _can_bind("127.0.0.2"), reason="127.0.0.2 is not a loopback address of this machine")
def test_a_loopback_host_answers_the_url_it_prints(tmp_path: Path) -> None:
    """127.0.0.2 is loopback, so the Host check stays on; the address kb serve printed must be answered."""
    write_tree(tmp_path, PROJECT)
    with kb_serve(tmp_path, "--host", "127.0.0.2") as served:
        port = served.url.rsplit(":", 1)[1].strip("/")
        assert served.url == f"http://127.0.0.2:{port}/"
        assert served.wait_for(r"^kb: serving ").count("serving on") == 0  # no warning: not the network
        assert _get(served.url + "billing/pay/")[0] == 200  # Host: 127.0.0.2:PORT, as a browser sends it
        assert _get(served.url + "billing/pay/", host=f"localhost:{port}")[0] == 200
        status, body = _get(served.url + "billing/pay/", host=f"127.0.0.3:{port}")
        assert status == 403
        assert body.startswith("kb serve answers only requests for localhost, 127.0.0.1, [::1] or 127.0.0.2 with its port")
        assert _get(served.url + "billing/pay/", host="127.0.0.2:1")[0] == 403


def test_the_host_names_answered_on_a_loopback_address() -> None:
    from kb.serve.handler import local_hosts

    assert local_hosts(8000) == {"localhost:8000", "127.0.0.1:8000", "[::1]:8000"}
    assert local_hosts(8000, "127.0.0.2") == {"localhost:8000", "127.0.0.1:8000", "[::1]:8000", "127.0.0.2:8000"}
    assert local_hosts(80, "::1") == {"localhost", "127.0.0.1", "[::1]", "localhost:80", "127.0.0.1:80", "[::1]:80"}
    assert local_hosts(8000, "0:0:0:0:0:0:0:1") == local_hosts(8000)  # the form a browser sends: [::1]


@pytest.mark.parametrize("query", ["v=abc", "v=-1", "v=1e3", "v=" + "9" * 40, "v=%00", "v=%D9%A1%D9%A2"])
def test_a_bad_events_version_is_a_400_not_a_traceback(tmp_path: Path, query: str) -> None:
    write_tree(tmp_path, PROJECT)
    with kb_serve(tmp_path) as served:
        assert _get(served.url + "__kb/events?" + query) == (400, "v must be a version number\n")
        assert _get(served.url + "billing/pay/")[0] == 200


def test_odd_paths_are_answered_without_a_traceback(tmp_path: Path) -> None:
    write_tree(tmp_path, PROJECT)
    with kb_serve(tmp_path) as served:
        for path in ("pagefind/" + "a" * 5000, "pagefind/%00", "%00", "billing/%2e%2e/%2e%2e/etc/passwd",
                     "pagefind/../../x", "//evil/x", "a" * 20000):
            status, _ = _get(served.url + path)
            assert status in (301, 404), path
        assert _get(served.url + "billing/pay/")[0] == 200


def test_a_port_in_use_or_an_unknown_host_is_a_usage_error(tmp_path: Path) -> None:
    write_tree(tmp_path, PROJECT)
    with kb_serve(tmp_path) as served:
        port = served.url.rsplit(":", 1)[1].strip("/")
        done = subprocess.run([sys.executable, "-m", "kb", "serve", "--port", port, "--no-search"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60, env={**os.environ, **ISOLATED})
        assert done.returncode == 2
        assert done.stderr.splitlines()[-1].startswith(f"Error: cannot serve on 127.0.0.1:{port}: ")
    done = subprocess.run([sys.executable, "-m", "kb", "serve", "--host", "no-such-host.invalid", "--no-search"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, env={**os.environ, **ISOLATED})
    assert done.returncode == 2 and "Error: cannot serve on no-such-host.invalid:8000: " in done.stderr
    assert "Traceback" not in done.stderr


def test_a_content_folder_that_is_a_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {"content": "not a folder"})
    done = subprocess.run([sys.executable, "-m", "kb", "serve", "--port", "0"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, env={**os.environ, **ISOLATED})
    assert done.returncode == 2
    assert done.stderr.endswith("Error: content folder 'content' is not a folder\n")
