"""Service cluster IPs: allocated from 10.96.0.0/16, unique, immutable once set."""

from __future__ import annotations

import ipaddress
from typing import Any

from tools.k8s.sandbox.errors import invalid
from tools.k8s.sandbox.store import Store

SERVICE_RANGE = ipaddress.ip_network("10.96.0.0/16")
FIRST_DYNAMIC = 10
"""10.96.0.1-9 are left for well-known services (kubernetes, DNS)."""


def allocate_cluster_ip(store: Store, service: dict[str, Any]) -> None:
    """Give a new Service its clusterIP (the requested one when free); 422 when taken."""
    spec = service["spec"]
    if spec.get("type") == "ExternalName" or spec.get("clusterIP") == "None":
        return
    used = {s["spec"].get("clusterIP") for s in store.items("services")}
    wanted = spec.get("clusterIP")
    if wanted and wanted in used:
        raise invalid(
            kind="Service",
            group="",
            name=service["metadata"]["name"],
            causes=[
                (
                    "FieldValueInvalid",
                    "spec.clusterIPs",
                    f'Invalid value: []string{{"{wanted}"}}: failed to allocate IP {wanted}:'
                    " provided IP is already allocated",
                )
            ],
        )
    if not wanted:
        hosts = SERVICE_RANGE.hosts()
        wanted = next(
            str(ip)
            for index, ip in enumerate(hosts, 1)
            if index >= FIRST_DYNAMIC and str(ip) not in used
        )
    spec["clusterIP"], spec["clusterIPs"] = wanted, [wanted]
