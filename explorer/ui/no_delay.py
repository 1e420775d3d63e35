"""Every websocket of the server sends at once: TCP_NODELAY on the listening socket (a fix for Streamlit 1.67).

Streamlit 1.67 binds its listening socket itself (``socket.socket(family=...)``, protocol number 0)
and hands it to uvicorn. asyncio turns Nagle's algorithm off only for a socket whose protocol
number reads ``IPPROTO_TCP``, so every connection accepted from that listener keeps it on
(uvicorn issue #3149 describes the same for its own pre-bound sockets). A rerun writes several
small messages, and with Nagle on the second waits until the browser acknowledges the first. A
browser that sent its move within ~40 ms of the last reply (quick clicks, a burst of moves) delays
that acknowledgement, by 40 ms on Linux: such a move came back ~48 ms after it was sent instead of
~10 ms on a bare one-slider page (measured with moves 30 ms apart; with 100 ms apart no delay shows).

Linux hands a listening socket's TCP_NODELAY down to each connection it accepts, so
:func:`install` sets it once on the listener, and on the connections already open, from the event
loop the server runs on.
"""

from __future__ import annotations

import asyncio
import socket

from streamlit.runtime import Runtime

_DONE: set[int] = set()  # the event loops already fixed (one per server process)


def send_at_once(fd: int) -> bool:
    """Turn Nagle's algorithm off on the TCP socket ``fd`` (True), or leave any other socket alone (False)."""
    try:
        sock = socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM)  # a duplicate: closing it keeps fd open
    except OSError:  # not a socket
        return False
    with sock:
        if sock.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) != socket.SOCK_STREAM:
            return False
        if sock.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN) not in (socket.AF_INET, socket.AF_INET6):
            return False  # the loop's own wake-up socketpair, a Unix socket
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return True


def fix_loop(loop: asyncio.AbstractEventLoop) -> int:
    """TCP_NODELAY on every TCP socket ``loop`` watches (the listener and its connections); how many.
    Runs on the loop's own thread, which owns its selector."""
    selector = getattr(loop, "_selector", None)  # a selector loop's; another kind sets the option itself
    if selector is None:
        return 0
    return sum(send_at_once(key.fd) for key in list(selector.get_map().values()))


def install() -> None:
    """Once per server process: fix the listener (and open connections) on the runtime's event loop."""
    if not Runtime.exists():  # AppTest and bare runs: no server, no sockets
        return
    loop = Runtime.instance()._get_async_objs().eventloop
    if id(loop) in _DONE:
        return
    _DONE.add(id(loop))
    loop.call_soon_threadsafe(fix_loop, loop)
