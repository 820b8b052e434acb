"""Loaded by Python at start-up when this folder is on PYTHONPATH: refuses every outbound network connection.

Used by tests that run ``tingji`` in a subprocess to prove that nothing leaves the machine. Each refused attempt is
appended to the file named by ``TINGJI_NETLOG`` so the test can assert that none was even tried.
"""

import os
import socket

_LOG = os.environ.get("TINGJI_NETLOG")
# One loopback "host:port" a test may allow (a clinic server the test itself started); nothing else.
_ALLOW = os.environ.get("TINGJI_NETBLOCK_ALLOW", "")


def _refuse(self, address, *args, **kwargs):
    if self.family == getattr(socket, "AF_UNIX", None):
        return _original_connect(self, address, *args, **kwargs)
    if _ALLOW and isinstance(address, tuple) and address[0] == "127.0.0.1" and f"{address[0]}:{address[1]}" == _ALLOW:
        return _original_connect(self, address, *args, **kwargs)
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as handle:
            handle.write(f"connect {address!r}\n")
    raise OSError(101, f"network disabled by the test harness (tried {address!r})")


def _refuse_lookup(host, *args, **kwargs):
    if host in (None, "localhost", "127.0.0.1", "::1"):
        return _original_getaddrinfo(host, *args, **kwargs)
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as handle:
            handle.write(f"getaddrinfo {host!r}\n")
    raise socket.gaierror(-3, f"name resolution disabled by the test harness ({host!r})")


_original_connect = socket.socket.connect
_original_getaddrinfo = socket.getaddrinfo
socket.socket.connect = _refuse
socket.socket.connect_ex = lambda self, address: _refuse(self, address)
socket.getaddrinfo = _refuse_lookup
