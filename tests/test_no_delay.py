"""TCP_NODELAY on the server's sockets: a listener bound the way Streamlit 1.67 binds it, a real asyncio server."""

import asyncio
import socket

import pytest
from streamlit.runtime import Runtime
from streamlit.web.server.starlette.starlette_server import _bind_socket

from explorer.bench.loadtest import run_sync
from explorer.ui import no_delay


def nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


async def accepted(port: int, accepted_socks: list, clients: list) -> socket.socket:
    """Open one connection to ``port`` (kept open in ``clients``) and return the server's side of it."""
    before = len(accepted_socks)
    clients.append((await asyncio.open_connection("127.0.0.1", port))[1])
    while len(accepted_socks) == before:
        await asyncio.sleep(0.01)
    return accepted_socks[-1]


def test_a_streamlit_listener_leaves_nagle_on_and_the_fix_turns_it_off_for_every_connection():
    async def scenario():
        loop = asyncio.get_running_loop()
        listener = _bind_socket("127.0.0.1", 0, 16)  # Streamlit's own binding: protocol number 0
        port = listener.getsockname()[1]
        socks: list[socket.socket] = []
        clients: list[asyncio.StreamWriter] = []

        class Keep(asyncio.Protocol):
            def connection_made(self, transport):
                socks.append(transport.get_extra_info("socket"))

        server = await loop.create_server(Keep, sock=listener)
        try:
            before = await accepted(port, socks, clients)
            # the bug this module fixes: asyncio leaves Nagle on for such a listener's connections
            assert nodelay(before) == 0, "Streamlit now binds with IPPROTO_TCP: explorer.ui.no_delay can go"
            assert no_delay.fix_loop(loop) >= 1  # the listener, and the connection already open
            after = await accepted(port, socks, clients)
            return nodelay(before), nodelay(after)
        finally:
            for writer in clients:
                writer.close()
            server.close()

    assert run_sync(scenario) == (1, 1)  # asyncio.run, in a thread of its own if Playwright holds a loop here


def test_sockets_that_are_not_tcp_are_left_alone():
    left, right = socket.socketpair()  # AF_UNIX, as an event loop's own wake-up pair
    with left, right:
        assert no_delay.send_at_once(left.fileno()) is False
        left.send(b"x")  # and the socket still works: the fix closed only its duplicate
        assert right.recv(1) == b"x"


def test_a_file_that_is_not_a_socket_is_left_alone(tmp_path):
    with open(tmp_path / "plain.txt", "w") as f:
        assert no_delay.send_at_once(f.fileno()) is False


def test_install_without_a_server_does_nothing(monkeypatch):
    monkeypatch.setattr(no_delay, "_DONE", set())
    assert not Runtime.exists()  # as under AppTest: no server, so no sockets to fix
    no_delay.install()
    assert not no_delay._DONE


@pytest.mark.parametrize("family", [socket.AF_INET, socket.AF_INET6])
def test_a_tcp_socket_of_either_family_is_fixed(family):
    if family == socket.AF_INET6 and not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        assert nodelay(sock) == 0
        assert no_delay.send_at_once(sock.fileno()) is True
        assert nodelay(sock) != 0
