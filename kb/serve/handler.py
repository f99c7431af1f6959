"""`kb serve`'s HTTP side: which requests it answers (a page of the preview, the reload events) and
which it refuses (a Host that is not this machine's own name or address, against DNS rebinding)."""

from __future__ import annotations

import http.server
import ipaddress
import socket
import socketserver
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from .overlay import EVENTS_PATH
from .preview import Preview

LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]")
MAX_VERSION_DIGITS = 18


def local_hosts(port: int, bound: str | None = None) -> frozenset[str]:
    """The Host headers a browser sends for this machine's own names, and for the loopback address
    `bound` the server listens on (`127.0.0.2`), on `port` (lower-case)."""
    names = set(LOCAL_NAMES)
    if bound is not None:
        names.add(_shown(ipaddress.ip_address(bound)))
    hosts = {f"{name}:{port}" for name in names}
    if port == 80:  # the default port is left out of the header
        hosts.update(names)
    return frozenset(hosts)


def _shown(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """An address as a URL (and a Host header) writes it: `127.0.0.2`, `[::1]`."""
    return f"[{ip}]" if ip.version == 6 else str(ip)


def since_version(query: str) -> int | None:
    """The `v` of an events request (0 when absent); None when it is not a number."""
    value = parse_qs(query, keep_blank_values=True).get("v", ["0"])[0] or "0"
    if not value.isascii() or not value.isdigit() or len(value) > MAX_VERSION_DIGITS:
        return None
    return int(value)


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    """Answers GET requests from a Preview; `hosts` is the set of Host headers answered (None: any)."""

    protocol_version = "HTTP/1.1"
    preview: Preview
    hosts: frozenset[str] | None = None
    names = "localhost, 127.0.0.1 or [::1]"  # the names answered, for the refusal
    refused: Callable[[str], None] = staticmethod(lambda host: None)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's API
        try:
            self._answer()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away
        except Exception as exc:  # noqa: BLE001 - one request failing must not print a traceback nor stop the server
            self.preview.say(f"kb: could not answer {self.path[:200]!r}: {type(exc).__name__}: {exc}")
            self.close_connection = True
            try:
                self._send(500, "text/plain; charset=utf-8", b"kb could not answer this request; see the terminal\n")
            except OSError:
                pass

    def _answer(self) -> None:
        host = (self.headers.get("Host") or "").strip()
        if self.hosts is not None and host.lower() not in self.hosts:
            type(self).refused(host)
            self._send(403, "text/plain; charset=utf-8",
                       f"kb serve answers only requests for {self.names} with its port; "
                       "to preview from another machine, start it with --host 0.0.0.0\n".encode())
            return
        parts = urlsplit(self.path)
        if parts.path == EVENTS_PATH:
            since = since_version(parts.query)
            if since is None:
                self._send(400, "text/plain; charset=utf-8", b"v must be a version number\n")
                return
            self._events(since)
            return
        status, kind, body, location = self.preview.respond(self.path)
        self._send(status, kind, body, location)

    def _send(self, status: int, kind: str, body: bytes, location: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(body)

    def _events(self, since: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

        def write(data: bytes) -> None:
            self.wfile.write(data)
            self.wfile.flush()

        try:
            self.preview.events(since, write)
        except (BrokenPipeError, ConnectionResetError):
            pass


def make_server(preview: Preview, host: str | None, port: int, say: Callable[[str], None]) -> socketserver.TCPServer:
    """A threading HTTP server bound to `host` (default 127.0.0.1) and `port` (0: a free one). On a
    loopback address only localhost Host headers are answered; elsewhere any, with a warning."""
    family, _, _, _, address = socket.getaddrinfo(host or "127.0.0.1", port, type=socket.SOCK_STREAM,
                                                  flags=socket.AI_PASSIVE)[0]

    class Server(http.server.ThreadingHTTPServer):
        address_family = family
        daemon_threads = True

        def server_bind(self) -> None:  # not HTTPServer's, which looks the host's name up in the DNS
            socketserver.TCPServer.server_bind(self)
            self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    seen: set[str] = set()

    def refused(name: str) -> None:
        if name not in seen and len(seen) < 10:  # say it once per name, and not for ever
            seen.add(name)
            say(f"kb: refused a request for Host {name[:100]!r}: only localhost names are answered "
                "(--host to serve the network)")

    handler = type("Handler", (PreviewHandler,), {"preview": preview, "refused": staticmethod(refused)})
    server = Server(address[:2], handler)
    bound = ipaddress.ip_address(str(server.server_address[0]).split("%")[0])
    if bound.is_loopback:  # its own address too: the URL kb serve prints (127.0.0.2 is loopback)
        handler.hosts = local_hosts(int(server.server_address[1]), str(bound))
        if _shown(bound) not in LOCAL_NAMES:
            handler.names = f"{', '.join(LOCAL_NAMES)} or {_shown(bound)}"
    else:
        say(f"kb: warning: serving on {_shown(bound)}:{server.server_address[1]}, to the network: anyone who can reach "
            "this machine sees the site, drafts included")
    return server


def server_url(server: socketserver.TCPServer) -> str:
    """The address to open in a browser on this machine."""
    address, port = str(server.server_address[0]).split("%")[0], int(server.server_address[1])
    ip = ipaddress.ip_address(address)
    if ip.is_unspecified:
        ip = ipaddress.ip_address("::1" if ip.version == 6 else "127.0.0.1")
    return f"http://{ip}:{port}/" if ip.version == 4 else f"http://[{ip}]:{port}/"
