"""The Kubernetes manifests in deploy/k8s are valid and fit together and with the app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from app.core.config import Settings
from app.core.profile import Profile

K8S = Path(__file__).resolve().parent.parent / "deploy" / "k8s"
# the schemas shipped inside kubernetes-validate: no network needed
KUBERNETES_VERSION = kubernetes_validate.latest_version()
# read by boto3 rather than by Settings
CLIENT_VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}


def load_resources() -> list[dict[str, Any]]:
    resources = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            resources += [
                doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc
            ]
    return resources


RESOURCES = load_resources()


def one(kind: str, *, component: str | None = None) -> dict[str, Any]:
    found = [
        r
        for r in RESOURCES
        if r["kind"] == kind
        and (
            component is None
            or r["metadata"]["labels"].get("app.kubernetes.io/component") == component
        )
    ]
    assert len(found) == 1, f"expected one {kind} ({component}), found {len(found)}"
    return found[0]


def app_service() -> dict[str, Any]:
    """The Service in front of the app pods (the others name external hosts)."""
    (service,) = [
        r for r in RESOURCES if r["kind"] == "Service" and r["spec"].get("type") != "ExternalName"
    ]
    return service


def pod_spec(resource: dict[str, Any]) -> dict[str, Any]:
    return resource["spec"]["template"]["spec"]


def settings_environment(*, secret_key: str) -> dict[str, str]:
    """The environment the manifests give the app: ConfigMap and Secret, with a real secret key."""
    env = dict(one("ConfigMap")["data"])
    env.update(one("Secret")["stringData"])
    env["SECRET_KEY"] = secret_key
    return env


@pytest.mark.parametrize(
    "resource", RESOURCES, ids=[f"{r['kind']}/{r['metadata']['name']}" for r in RESOURCES]
)
def test_manifest_is_valid_kubernetes(resource: dict[str, Any]) -> None:
    # strict: an unknown or misspelt field fails too
    kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_validator_rejects_a_broken_manifest() -> None:
    deployment = yaml.safe_load(yaml.safe_dump(one("Deployment")))
    deployment["spec"]["replicas"] = "three"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)
    deployment["spec"]["replicas"] = 3
    container = pod_spec(deployment)["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")  # misspelt: strict mode catches it
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(kustomization["resources"]) == sorted(files)


def test_deployment_scales_out_with_probes_on_the_app_health_routes(client: TestClient) -> None:
    deployment = one("Deployment")
    assert deployment["spec"]["replicas"] >= 2
    (container,) = pod_spec(deployment)["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert container["command"][-1] == "--no-init"  # migrations belong to the Job, not to each pod
    assert str(ports["http"]) in container["command"]
    for probe, path in {"readinessProbe": "/readyz", "livenessProbe": "/healthz"}.items():
        assert container[probe]["httpGet"] == {"path": path, "port": "http"}
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    service = app_service()
    assert service["spec"]["selector"].items() <= labels.items()
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    assert one("PodDisruptionBudget")["spec"]["selector"]["matchLabels"].items() <= labels.items()
    target = one("HorizontalPodAutoscaler")["spec"]
    assert target["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert target["minReplicas"] >= deployment["spec"]["replicas"]


def test_ingress_serves_the_profile_domain_through_the_service(profile: Profile) -> None:
    ingress = one("Ingress")
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] == profile.app.domain
    assert ingress["spec"]["tls"][0]["hosts"] == [profile.app.domain]
    backend = rule["http"]["paths"][0]["backend"]["service"]
    service = app_service()
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}


def test_migration_job_runs_init_db_with_the_app_settings() -> None:
    job = one("Job")
    deployment = one("Deployment")
    (migrate,) = pod_spec(job)["containers"]
    (app,) = pod_spec(deployment)["containers"]
    assert migrate["command"][:4] == ["python", "-m", "app", "init-db"]
    assert migrate["image"] == app["image"]
    assert migrate["envFrom"] == app["envFrom"]


def test_settings_come_from_the_configmap_and_secret() -> None:
    deployment = one("Deployment")
    (app,) = pod_spec(deployment)["containers"]
    refs = {next(iter(ref)): next(iter(ref.values()))["name"] for ref in app["envFrom"]}
    assert refs == {
        "configMapRef": one("ConfigMap")["metadata"]["name"],
        "secretRef": one("Secret")["metadata"]["name"],
    }
    env = settings_environment(secret_key="a-real-secret-of-enough-length-0123456789")
    known = {name.upper() for name in Settings.model_fields}
    assert set(env) - known <= CLIENT_VARIABLES, "every variable is a setting or read by boto3"
    assert set(one("Secret")["stringData"]) >= {"SECRET_KEY", "DATABASE_URL"}


def test_manifest_settings_load_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    env = settings_environment(secret_key="a-real-secret-of-enough-length-0123456789")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.environment == "production"
    assert settings.storage_backend == "s3"
    assert settings.s3_bucket
    # PostgreSQL and S3 are reached through the ExternalName services
    external = {
        r["metadata"]["labels"]["app.kubernetes.io/component"]: r
        for r in RESOURCES
        if r["kind"] == "Service" and r["spec"].get("type") == "ExternalName"
    }
    database = external["database"]
    url = make_url(settings.database_url)
    assert url.get_backend_name() == "postgresql"
    assert url.host == database["metadata"]["name"]
    assert url.port == database["spec"]["ports"][0]["port"]
    storage = external["storage"]
    assert settings.s3_endpoint_url == (
        f"http://{storage['metadata']['name']}:{storage['spec']['ports'][0]['port']}"
    )


def test_placeholder_secret_key_is_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in settings_environment(secret_key="changethis").items():
        monkeypatch.setenv(name, value)
    assert one("Secret")["stringData"]["SECRET_KEY"] == "changethis"
    with pytest.raises(ValueError, match="SECRET_KEY is the published placeholder"):
        Settings(_env_file=None)  # type: ignore[call-arg]
