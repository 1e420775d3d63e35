"""A class across processes (-m load): two students follow a teacher with the class store in Redis (one
process), and with 2 replicas behind nginx — SQLite shared on the host, and Redis — where at least one
student sits on another replica than the teacher."""

from __future__ import annotations

import os

import pytest
from conftest import start_streamlit, stop_streamlit
from redis_server import redis_server
from test_lessons_e2e import follow_a_class

from explorer.bench.load import NGINX, replicas
from explorer.bench.server import APP_SCRIPT

pytestmark = [pytest.mark.e2e, pytest.mark.load]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def store_env(kind: str, tmp_path, redis_url_fixture) -> dict[str, str]:
    if kind == "redis":
        return {"EXPLORER_CLASS_STORE": redis_url_fixture()}
    return {"EXPLORER_CLASS_STORE": "", "EXPLORER_CLASS_DIR": str(tmp_path / "classes")}


def upstream(page, base: str) -> str:
    """Which replica this browser context is pinned to (nginx's cookie, set on the first response)."""
    return page.goto(base + "/_stcore/health").headers.get("x-upstream", "")


def test_one_process_with_the_class_store_in_redis(browser, redis_url, monkeypatch):
    monkeypatch.setenv("EXPLORER_CLASS_STORE", redis_url)
    proc, base = start_streamlit()
    contexts = []
    try:
        contexts = [browser.new_context(viewport={"width": 1280, "height": 720}) for _ in range(3)]
        follow_a_class(*(c.new_page() for c in contexts), base, base)
    finally:
        for c in contexts:
            c.close()
        stop_streamlit(proc)


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_two_replicas_behind_nginx(browser, kind, tmp_path, monkeypatch, request):
    if not os.path.exists(NGINX):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but no nginx at {NGINX}: apt-get install nginx")
        pytest.skip(f"no nginx at {NGINX}")
    for name, value in store_env(kind, tmp_path, lambda: request.getfixturevalue("redis_url")).items():
        monkeypatch.setenv(name, value)
    contexts = []
    with replicas(APP_SCRIPT, 2) as srv:
        try:
            teacher_ctx = browser.new_context(viewport={"width": 1280, "height": 720})
            contexts.append(teacher_ctx)
            teacher = teacher_ctx.new_page()
            home = upstream(teacher, srv.url)
            away = None
            for _ in range(12):  # fresh contexts until one lands on the other replica (each: 1/2)
                ctx = browser.new_context(viewport={"width": 1280, "height": 720})
                contexts.append(ctx)
                page = ctx.new_page()
                if upstream(page, srv.url) != home:
                    away = page
                    break
            assert away is not None, f"every context landed on {home}"
            ctx = browser.new_context(viewport={"width": 1280, "height": 720})
            contexts.append(ctx)
            students = [away, ctx.new_page()]
            follow_a_class(teacher, *students, srv.url, srv.url)
        finally:
            for c in contexts:
                c.close()
