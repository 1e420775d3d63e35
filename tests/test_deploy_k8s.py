"""deploy/k8s: every manifest valid against Kubernetes' schemas (offline, kubernetes-validate), and wired
together: the app finds Redis, the Service and Ingress reach the app, a browser sticks to one replica."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

kv = pytest.importorskip("kubernetes_validate", reason="pip install kubernetes-validate (requirements.txt)")

K8S = Path(__file__).resolve().parents[1] / "deploy" / "k8s"


def documents() -> list[dict]:
    return [d for f in sorted(K8S.glob("*.yaml")) for d in yaml.safe_load_all(f.read_text()) if d]


def by_kind(kind: str, name: str) -> dict:
    return next(d for d in documents() if d["kind"] == kind and d["metadata"]["name"] == name)


def test_every_manifest_is_valid_for_kubernetes():
    docs = documents()
    assert {d["kind"] for d in docs} >= {"Deployment", "Service", "Ingress", "NetworkPolicy"}
    for d in docs:
        kv.validate(d, kv.latest_version(), strict=True)  # raises on a wrong field or type


@pytest.mark.parametrize("break_it", [
    lambda d: d["spec"].__setitem__("replicas", "four"),
    lambda d: d["spec"]["template"]["spec"]["containers"][0].__setitem__("imagePullPolcy", "Always"),
])
def test_the_validation_catches_a_broken_manifest(break_it):
    app = copy.deepcopy(by_kind("Deployment", "explorer"))
    break_it(app)
    with pytest.raises(kv.ValidationError):
        kv.validate(app, kv.latest_version(), strict=True)


def test_the_app_uses_redis_for_its_class_store():
    app = by_kind("Deployment", "explorer")["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in app["env"]}
    redis_svc = by_kind("Service", "explorer-redis")
    port = redis_svc["spec"]["ports"][0]["port"]
    assert env["EXPLORER_CLASS_STORE"] == f"redis://{redis_svc['metadata']['name']}:{port}/0"
    redis_pod = by_kind("Deployment", "explorer-redis")["spec"]["template"]["spec"]["containers"][0]
    assert any(p["containerPort"] == port for p in redis_pod["ports"])


def test_service_and_ingress_reach_the_app_and_pin_a_browser_to_a_replica():
    app = by_kind("Deployment", "explorer")
    labels = app["spec"]["template"]["metadata"]["labels"]
    svc = by_kind("Service", "explorer")
    assert svc["spec"]["selector"].items() <= labels.items()
    container = app["spec"]["template"]["spec"]["containers"][0]
    assert svc["spec"]["ports"][0]["targetPort"] in {p["name"] for p in container["ports"]}
    assert container["readinessProbe"]["httpGet"]["path"] == "/_stcore/health"
    ing = by_kind("Ingress", "explorer")
    notes = ing["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"  # the websocket stays on its replica
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    backend = ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == svc["metadata"]["name"]
    policy = by_kind("NetworkPolicy", "explorer-redis")
    assert policy["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"].items() <= labels.items()
