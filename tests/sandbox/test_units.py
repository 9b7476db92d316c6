"""Pure pieces of the sandbox, checked without a server: lifecycle timing, names, sizes."""

from __future__ import annotations

import pytest

from tools.k8s.sandbox.pod_lifecycle import MAX_BACKOFF_S, compute_pod, crash_times, qos_class
from tools.k8s.sandbox.printers import human_duration
from tools.k8s.sandbox.quantities import parse_quantity
from tools.k8s.sandbox.revisions import fenceposts, template_hash

T0 = 1_700_000_000.0


def _pod(image: str) -> dict:
    return {
        "metadata": {"name": "p", "namespace": "ns", "uid": "u-1"},
        "spec": {"nodeName": "node-1", "containers": [{"name": "c", "image": image}]},
    }


def test_pod_is_creating_until_the_delay_then_ready():
    before = compute_pod(_pod("nginx:1"), created=T0, scheduled=T0, now=T0 + 0.9, delay=1.0)
    assert before.status["phase"] == "Pending" and before.next_due == T0 + 1.0
    assert before.status["containerStatuses"][0]["state"] == {
        "waiting": {"reason": "ContainerCreating"}
    }
    after = compute_pod(_pod("nginx:1"), created=T0, scheduled=T0, now=T0 + 1.0, delay=1.0)
    assert after.status["phase"] == "Running" and after.next_due is None
    assert [e.reason for e in after.events] == [
        "Scheduled",
        "Pulling",
        "Pulled",
        "Created",
        "Started",
    ]
    again = compute_pod(_pod("nginx:1"), created=T0, scheduled=T0, now=T0 + 500, delay=1.0)
    assert again.status == after.status  # status is a function of time: stable once Ready


def test_crash_loop_backs_off_exponentially_up_to_five_minutes():
    assert crash_times(first=0.0, backoff=1.0, until=10.0) == [0.0, 1.0, 3.0, 7.0]
    times = crash_times(first=0, backoff=10, until=5000)
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert max(gaps) == MAX_BACKOFF_S and gaps == sorted(gaps)
    timeline = compute_pod(_pod("app:broken"), created=T0, scheduled=T0, now=T0 + 8, delay=1.0)
    container = timeline.status["containerStatuses"][0]
    assert container["restartCount"] == 4 and not container["ready"]
    assert timeline.next_due == T0 + 1 + 15
    backoff = [e for e in timeline.events if e.reason == "BackOff"][0]
    assert (backoff.count, backoff.type) == (4, "Warning")


def test_image_that_cannot_be_pulled():
    timeline = compute_pod(_pod("app:notfound"), created=T0, scheduled=T0, now=T0 + 5, delay=1.0)
    assert timeline.status["phase"] == "Pending"
    state = timeline.status["containerStatuses"][0]["state"]["waiting"]
    assert state["reason"] == "ImagePullBackOff"


def test_unscheduled_pod_reports_why():
    pod = _pod("nginx:1")
    del pod["spec"]["nodeName"]
    timeline = compute_pod(
        pod,
        created=T0,
        scheduled=None,
        now=T0 + 9,
        delay=1.0,
        unschedulable="0/1 nodes are available.",
    )
    assert timeline.status["conditions"][0]["reason"] == "Unschedulable"
    assert timeline.events[0].reason == "FailedScheduling"


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        ({}, "BestEffort"),
        ({"requests": {"cpu": "100m"}}, "Burstable"),
        ({"limits": {"cpu": "1", "memory": "1Gi"}}, "Guaranteed"),
        (
            {
                "requests": {"cpu": "1000m", "memory": "1024Mi"},
                "limits": {"cpu": "1", "memory": "1Gi"},
            },
            "Guaranteed",
        ),
    ],
)
def test_qos_class(resources, expected):
    assert qos_class({"containers": [{"name": "c", "resources": resources}]}) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2Gi", 2 * 2**30),
        ("500m", 0.5),
        ("1e3", 1000),
        ("1.5G", 1.5e9),
        (3, 3),
        ("x", None),
        ("1Qi", None),
    ],
)
def test_parse_quantity(text, value):
    parsed = parse_quantity(text)
    assert (parsed is None and value is None) or float(parsed) == value


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (5, "5s"),
        (119, "119s"),
        (185, "3m5s"),
        (600, "10m"),
        (3 * 3600, "3h"),
        (7 * 3600 + 60, "7h1m"),
        (50 * 3600, "2d2h"),
        (400 * 86400, "400d"),
    ],
)
def test_human_duration(seconds, shown):
    assert human_duration(seconds) == shown


def test_template_hash_ignores_its_own_label_and_is_stable():
    template = {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "a"}]}}
    labelled = {
        "metadata": {"labels": {"app": "a", "pod-template-hash": "x"}},
        "spec": template["spec"],
    }
    assert template_hash(template) == template_hash(labelled)
    assert len(template_hash(template)) == 10
    assert template_hash(template, collision=1) != template_hash(template)


@pytest.mark.parametrize(
    ("replicas", "strategy", "expected"),
    [
        (3, {}, (1, 0)),
        (4, {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}, (1, 1)),
        (10, {"rollingUpdate": {"maxSurge": 2, "maxUnavailable": 0}}, (2, 0)),
        (1, {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}, (0, 1)),
        (5, {"type": "Recreate"}, (0, 5)),
    ],
)
def test_rolling_update_fenceposts(replicas, strategy, expected):
    assert fenceposts({"spec": {"replicas": replicas, "strategy": strategy}}) == expected
