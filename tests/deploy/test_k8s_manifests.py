"""deploy/k8s/ validated offline against the Kubernetes schemas (kubernetes-validate, strict:
unknown fields fail), plus the parts a rolling restart and the security review rely on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from server.config import Settings
from tests.processes import ROOT

K8S = ROOT / "deploy" / "k8s"
MANIFESTS = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
VERSIONS = ["1.29.0", kubernetes_validate.latest_version()]


def documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def resource(kind: str, name: str | None = None) -> dict[str, Any]:
    for path in MANIFESTS:
        for doc in documents(path):
            if doc["kind"] == kind and (name is None or doc["metadata"]["name"] == name):
                return doc
    raise AssertionError(f"no {kind} {name or ''}")


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_validates_against_the_kubernetes_schema(path: Path, version: str) -> None:
    for doc in documents(path):
        kubernetes_validate.validate(doc, version, strict=True)


def test_kustomization_lists_every_manifest_but_the_job_and_the_secret_example() -> None:
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    expected = {p.name for p in MANIFESTS} - {"migration-job.yaml", "secret.example.yaml"}
    assert sorted(listed) == sorted(expected)


def test_deployment_probes_security_and_graceful_shutdown() -> None:
    deployment = resource("Deployment")
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert {"requests", "limits"} <= set(container["resources"])
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    config = resource("ConfigMap")["data"]
    budget = float(config["NEUVO_SHUTDOWN_DELAY_S"]) + float(config["NEUVO_SHUTDOWN_TIMEOUT_S"])
    assert pod["terminationGracePeriodSeconds"] > budget
    job = resource("Job")["spec"]["template"]["spec"]
    assert job["containers"][0]["args"] == ["db", "upgrade"]
    assert job["securityContext"]["runAsNonRoot"] is True


def test_config_and_secret_hold_only_real_settings() -> None:
    known = {f"NEUVO_{name.upper()}" for name in Settings.model_fields}
    assert set(resource("ConfigMap")["data"]) <= known
    secret = resource("Secret")["stringData"]
    assert set(secret) <= known and "NEUVO_SECRET_KEY" in secret
    assert not set(secret) & set(resource("ConfigMap")["data"])


def test_ingress_routes_the_app_but_not_metrics_and_is_not_sticky() -> None:
    ingress = resource("Ingress")
    annotations = ingress["metadata"]["annotations"]
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) > 25
    assert not [k for k in annotations if "affinity" in k]
    paths = [p["path"] for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]]
    assert "/ws" in paths and not [p for p in paths if p.startswith(("/metrics", "/readyz"))]
    assert ("/", "Exact") in [(p["path"], p["pathType"]) for rule in ingress["spec"]["rules"]
                              for p in rule["http"]["paths"]]
    assert ingress["spec"]["tls"]
    assert resource("Service")["spec"]["sessionAffinity"] == "None"


def test_disruption_budget_autoscaler_and_network_policy() -> None:
    assert resource("PodDisruptionBudget")["spec"]["minAvailable"] >= 1
    hpa = resource("HorizontalPodAutoscaler")["spec"]
    assert hpa["minReplicas"] >= 2 and hpa["maxReplicas"] > hpa["minReplicas"]
    policy = resource("NetworkPolicy")["spec"]
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    assert [p["port"] for rule in policy["ingress"] for p in rule["ports"]] == [8000]
