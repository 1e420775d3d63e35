"""Two replicas behind Debian's nginx on loopback (deploy/): sticky sessions, websockets, 0 errors (-m load)."""

import os
import subprocess
import urllib.request

import pytest

from explorer.bench.load import NGINX, replicas, spread
from explorer.bench.loadtest import run_load
from explorer.bench.server import FLOOR_SCRIPT, ROOT

pytestmark = pytest.mark.load
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def balanced():
    if not os.path.exists(NGINX):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but no nginx at {NGINX}: apt-get install nginx")
        pytest.skip(f"no nginx at {NGINX}")
    with replicas(FLOOR_SCRIPT, 2) as srv:
        yield srv.url


def _get(url: str, cookie: str = ""):
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with OPENER.open(req, timeout=30) as r:
        mine = [c for c in r.headers.get_all("Set-Cookie") or [] if c.startswith("explorer_replica=")]
        return r.headers.get("X-Upstream"), (mine or [None])[0]


def test_shipped_config_passes_nginx_syntax_check(tmp_path):
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid; events {{}} http {{ include {ROOT}/deploy/nginx.conf; }}")
    if not os.path.exists(NGINX):
        pytest.skip(f"no nginx at {NGINX}")
    out = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "err.log")],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr


def test_new_visitors_spread_over_both_replicas_and_a_cookie_pins_them(balanced):
    seen = [_get(balanced + "/_stcore/health") for _ in range(40)]
    assert len({up for up, _ in seen}) == 2  # 40 fresh keys all on one replica: chance 2^-39
    up, set_cookie = seen[0]
    cookie = set_cookie.split(";")[0]  # explorer_replica=<key>
    for _ in range(10):
        again, more = _get(balanced + "/_stcore/health", cookie)
        assert again == up and more is None  # same replica, and no new cookie once it has one


def test_load_through_nginx_keeps_every_session_on_its_replica(balanced):
    res = run_load(balanced, 4, duration=8.0, pace=(0.5, 1.0), resume_midway=True)
    assert sum(res.errors.values()) == 0, res.errors  # includes lost_session after the reconnect
    assert len(res.latencies_ms) >= 8 and res.images > 4
    for seen in res.upstreams:  # page GET, websocket, page GET again, websocket again
        assert len(seen) == 4 and len(set(seen)) == 1 and seen[0], seen
    assert sum(spread(res.upstreams).values()) == 4
