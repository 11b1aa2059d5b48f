"""deploy/kubernetes/: every manifest is valid Kubernetes (the API schemas of
kubernetes-validate, no cluster), and the Deployment agrees with the image
the Containerfile builds: port, user, probes, read-only mounts, shutdown."""

import re
import shlex
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from tests.support.servers import REPO

MANIFESTS = REPO / "deploy" / "kubernetes"
CONTAINERFILE = REPO / "Containerfile"
# The oldest Kubernetes release still commonly run, and the newest known.
KUBERNETES_VERSIONS = ("1.29.0", kubernetes_validate.latest_version())
# gunicorn.conf.py's default; the preStop delay comes before it.
GUNICORN_GRACEFUL_TIMEOUT_S = 30


def resources():
    """Every object of every manifest the kustomization names."""
    objects = []
    for name in kustomization()["resources"]:
        objects.extend(
            document for document in yaml.safe_load_all((MANIFESTS / name).read_text()) if document
        )
    return objects


def kustomization():
    return yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())


def find(kind, name):
    matches = [item for item in resources() if item["kind"] == kind and item["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}"
    return matches[0]


def final_stage_instructions():
    """(INSTRUCTION, arguments) of the Containerfile's last stage, continuation lines joined."""
    text = re.sub(r"\\\n", " ", CONTAINERFILE.read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, arguments = line.partition(" ")
        if keyword.upper() == "FROM":
            instructions = []
        instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def image_facts():
    facts = {"env": {}, "expose": []}
    for keyword, arguments in final_stage_instructions():
        if keyword == "ENV":
            facts["env"].update(pair.split("=", 1) for pair in shlex.split(arguments))
        elif keyword == "EXPOSE":
            facts["expose"].extend(int(port.split("/")[0]) for port in arguments.split())
        elif keyword == "USER":
            facts["user"] = arguments
        elif keyword == "HEALTHCHECK":
            facts["healthcheck"] = arguments
    return facts


@pytest.fixture(scope="module")
def api():
    """The Deployment's pod spec and its one container."""
    pod = find("Deployment", "music-metadata-api")["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    return pod, container


def test_the_kustomization_names_every_manifest():
    listed = set(kustomization()["resources"])
    assert listed == {path.name for path in MANIFESTS.glob("*.yaml")} - {"kustomization.yaml"}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_object_is_valid_kubernetes(version):
    objects = resources()
    assert {item["kind"] for item in objects} >= {
        "Deployment",
        "Service",
        "PersistentVolumeClaim",
        "HorizontalPodAutoscaler",
    }
    for item in objects:
        kubernetes_validate.validate(item, version, strict=True)


def test_container_port_is_the_images(api):
    _, container = api
    facts = image_facts()
    (port,) = container["ports"]
    assert facts["expose"] == [port["containerPort"]]
    assert facts["env"]["MUSIC_API_BIND"] == f"0.0.0.0:{port['containerPort']}"
    service = find("Service", "music-metadata-api")
    assert service["spec"]["ports"][0]["targetPort"] == port["name"]
    assert (
        service["spec"]["selector"].items()
        <= find("Deployment", "music-metadata-api")["spec"]["template"]["metadata"]["labels"].items()
    )


def test_runs_as_the_images_user(api):
    pod, container = api
    uid, gid = (int(part) for part in image_facts()["user"].split(":"))
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert (pod["securityContext"]["runAsUser"], pod["securityContext"]["runAsGroup"]) == (uid, gid)
    assert container["securityContext"]["readOnlyRootFilesystem"] is True


@pytest.mark.parametrize("probe", ["startupProbe", "readinessProbe", "livenessProbe"])
def test_probes_ask_health_on_the_service_port(api, probe):
    _, container = api
    check = container[probe]["httpGet"]
    assert check["path"] == "/health"
    assert check["port"] == container["ports"][0]["name"]
    # The image's own HEALTHCHECK asks the same path.
    assert "healthcheck.py" in image_facts()["healthcheck"]
    assert "/health" in (REPO / "deploy" / "container" / "healthcheck.py").read_text()


def test_catalogue_is_mounted_read_only_where_the_image_looks(api):
    pod, container = api
    main_file = Path(image_facts()["env"]["MUSIC_API_MAIN_DATABASE"])
    mounts = {mount["mountPath"]: mount for mount in container["volumeMounts"]}
    data = mounts[str(main_file.parent)]
    assert data["readOnly"] is True
    volume = next(volume for volume in pod["volumes"] if volume["name"] == data["name"])
    assert volume["persistentVolumeClaim"]["readOnly"] is True
    claim = find("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"])
    assert claim["spec"]["accessModes"] == ["ReadOnlyMany"]


def test_only_tmp_is_writable(api):
    pod, container = api
    writable = [mount["mountPath"] for mount in container["volumeMounts"] if not mount.get("readOnly")]
    # gunicorn's heartbeat files and PROMETHEUS_MULTIPROC_DIR live in the temporary folder.
    assert writable == ["/tmp"]
    volume = next(volume for volume in pod["volumes"] if volume["name"] == "tmp")
    assert "emptyDir" in volume


def test_shutdown_drains_before_gunicorn_stops(api):
    pod, container = api
    command = container["lifecycle"]["preStop"]["exec"]["command"]
    assert command[0] == "sleep"
    assert pod["terminationGracePeriodSeconds"] > int(command[1]) + GUNICORN_GRACEFUL_TIMEOUT_S


def test_rate_limits_go_to_the_redis_service(api):
    _, container = api
    env = {item["name"]: item["value"] for item in container["env"]}
    match = re.fullmatch(r"redis://([^:/]+):(\d+)/\d+", env["MUSIC_API_RATELIMIT_STORAGE_URI"])
    service = find("Service", match.group(1))
    assert int(match.group(2)) in [port["port"] for port in service["spec"]["ports"]]


def test_autoscaler_and_disruption_budget_target_the_deployment(api):
    autoscaler = find("HorizontalPodAutoscaler", "music-metadata-api")
    assert autoscaler["spec"]["scaleTargetRef"]["name"] == "music-metadata-api"
    budget = find("PodDisruptionBudget", "music-metadata-api")
    labels = find("Deployment", "music-metadata-api")["spec"]["template"]["metadata"]["labels"]
    assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert budget["spec"]["minAvailable"] < find("Deployment", "music-metadata-api")["spec"]["replicas"]
