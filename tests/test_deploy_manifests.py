"""deploy/: the Kubernetes manifests against the Kubernetes schemas (kubernetes-validate, strict: an unknown or
misspelt field fails), what they must hold (health probes, cookie affinity, the app's upload limit), and the
nginx configuration deploy/local.py writes, checked by nginx itself (`nginx -t`) when nginx is installed."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / "deploy" / "k8s" / "backprop-explorer.yaml"


def _docs() -> dict[str, dict]:
    return {d["kind"]: d for d in yaml.safe_load_all(MANIFEST.read_text()) if d}


def _validate(doc: dict) -> None:
    kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)


def test_the_manifests_are_valid_kubernetes_objects():
    docs = _docs()
    assert set(docs) == {"Deployment", "Service", "Ingress"}
    for doc in docs.values():
        _validate(doc)


def test_a_misspelt_field_fails_the_validation():
    broken = copy.deepcopy(_docs()["Deployment"])
    broken["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"httpGet": {"path": "/_stcore/health"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        _validate(broken)


def test_probes_affinity_and_limits():
    docs = _docs()
    app = docs["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert app["readinessProbe"]["httpGet"]["path"] == app["livenessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert app["resources"]["requests"]["memory"] and app["resources"]["limits"]["memory"]
    notes = docs["Ingress"]["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert notes["nginx.ingress.kubernetes.io/proxy-body-size"] == "2m"  # config.toml: maxUploadSize = 1 (MB)


def test_the_local_nginx_configuration_passes_nginx_t(tmp_path):
    import sys

    sys.path.insert(0, str(REPO))
    from deploy.local import app_limits, find_nginx, nginx_conf

    assert app_limits()["upload_mb"] == 1
    nginx = find_nginx()
    if nginx is None:
        pytest.skip("nginx not installed (apt-get install nginx)")
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_conf([8501, 8502], 8080, tmp_path))
    assert "client_max_body_size 2m;" in conf.read_text()
    checked = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "e.log")],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
