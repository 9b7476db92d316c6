"""Quantities, names, images and env vars: the shared validation of tool arguments."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from tools.validation import (
    DNS1035_LABEL,
    DNS1123_LABEL,
    DNS1123_SUBDOMAIN,
    ENV_NAME,
    IMAGE_REFERENCE,
    CpuQuantity,
    EnvDict,
    GrepText,
    ImageReference,
    MemoryQuantity,
    check_request_within_limit,
    format_cpu,
    format_memory,
    parse_quantity,
    quantities_equal,
)

MEMORY = TypeAdapter(MemoryQuantity)
CPU = TypeAdapter(CpuQuantity)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2Gi", 2 * 1024**3),
        ("2048Mi", 2 * 1024**3),
        ("512Mi", 512 * 1024**2),
        ("1.5Gi", 1536 * 1024**2),
        ("2G", 2 * 10**9),
        ("100M", 10**8),
        ("1k", 1000),
        ("1Ki", 1024),
        ("500m", Decimal("0.5")),
        ("2", 2),
        ("0.25", Decimal("0.25")),
        ("1e3", 1000),
        ("1E-3", Decimal("0.001")),
        ("+1", 1),
        ("-1Mi", -(1024**2)),
        (".5", Decimal("0.5")),
        ("1500u", Decimal("0.0015")),
    ],
)
def test_parse_quantity_values(text, value):
    assert parse_quantity(text) == Decimal(value)


@pytest.mark.parametrize(
    "text",
    ["", "Gi", "2 Gi", "2GB", "2gb", "2gi", "two", "1..5", "2Gi ", "0x10", "1e999999999", "Mi2"],
)
def test_parse_quantity_rejects_with_message(text):
    with pytest.raises(ValueError) as info:
        parse_quantity(text)
    assert "quantity" in str(info.value) or "exponent" in str(info.value)


def test_quantities_compare_by_value():
    assert quantities_equal("2Gi", "2048Mi")
    assert quantities_equal("0.5", "500m")
    assert quantities_equal("1G", "1000M")
    assert not quantities_equal("2G", "2Gi")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2048Mi", "2Gi"),
        ("2Gi", "2Gi"),
        ("1.5Gi", "1536Mi"),
        ("2G", "2G"),
        ("16Mi", "16Mi"),
        ("64Gi", "64Gi"),
    ],
)
def test_memory_is_canonicalized(text, canonical):
    assert MEMORY.validate_python(text) == canonical


@pytest.mark.parametrize(
    ("text", "canonical"), [("0.5", "500m"), ("2000m", "2"), ("10m", "10m"), ("1.25", "1250m")]
)
def test_cpu_is_canonicalized(text, canonical):
    assert CPU.validate_python(text) == canonical


@pytest.mark.parametrize(
    "text", ["15Mi", "65Gi", "1Ti", "100k", "2gb", "2 Gi", "-1Gi", "1.0000001Gi"]
)
def test_memory_out_of_range_or_malformed_is_rejected(text):
    with pytest.raises(ValidationError) as info:
        MEMORY.validate_python(text)
    message = str(info.value)
    assert "16Mi to 64Gi" in message or "pattern" in message or "whole number" in message


@pytest.mark.parametrize("text", ["5m", "33", "0.001", "100", "1.5m", "1 cpu", "1e3m"])
def test_cpu_out_of_range_or_malformed_is_rejected(text):
    with pytest.raises(ValidationError):
        CPU.validate_python(text)


@given(st.integers(min_value=16, max_value=64 * 1024))
def test_memory_round_trips_by_value(mebibytes):
    canonical = MEMORY.validate_python(f"{mebibytes}Mi")
    assert parse_quantity(canonical) == mebibytes * 1024**2
    assert MEMORY.validate_python(canonical) == canonical


@given(st.integers(min_value=10, max_value=32000))
def test_cpu_round_trips_by_value(millicores):
    canonical = CPU.validate_python(f"{millicores}m")
    assert parse_quantity(canonical) == Decimal(millicores) / 1000
    assert CPU.validate_python(canonical) == canonical


@given(st.text(max_size=30))
def test_parse_quantity_never_raises_anything_but_value_error(text):
    try:
        parse_quantity(text)
    except ValueError:
        pass


@given(st.integers(min_value=1, max_value=2**62))
def test_format_memory_preserves_value(value):
    assert parse_quantity(format_memory(Decimal(value))) == value


@given(st.integers(min_value=1, max_value=10**7))
def test_format_cpu_preserves_value(millis):
    assert parse_quantity(format_cpu(Decimal(millis) / 1000)) * 1000 == millis


def test_request_above_limit_is_an_error():
    check_request_within_limit(kind="memory", request="1Gi", limit="1024Mi")
    with pytest.raises(ValueError, match="larger than the memory limit"):
        check_request_within_limit(kind="memory", request="2Gi", limit="1Gi")


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (
            DNS1123_LABEL,
            ["web", "a", "web-1", "1a", "a" * 63],
            ["Web", "-web", "web-", "web_1", "a.b", ""],
        ),
        (DNS1035_LABEL, ["web", "a-1"], ["1web", "Web", "-a"]),
        (DNS1123_SUBDOMAIN, ["node-1", "ip-10-0-1-2.ec2.internal"], ["Node", "a..b", ".a", "a_b"]),
        (ENV_NAME, ["LOG_LEVEL", "_x", "a1"], ["1A", "A-B", "A B", ""]),
    ],
)
def test_name_patterns(pattern, good, bad):
    for text in good:
        assert re.fullmatch(pattern.strip("^$"), text), text
    for text in bad:
        assert not re.fullmatch(pattern.strip("^$"), text), text


@pytest.mark.parametrize(
    "image",
    [
        "nginx",
        "nginx:1.27",
        "library/nginx:1.27-alpine",
        "ghcr.io/acme/api:2.3.1",
        "localhost:5000/team/app:dev_1",
        "registry.example.com:443/a/b/c:v1.0.0",
        "redis@sha256:" + "a" * 64,
        "redis:7.2@sha256:" + "0" * 64,
    ],
)
def test_valid_images(image):
    assert TypeAdapter(ImageReference).validate_python(image) == image
    assert re.match(IMAGE_REFERENCE, image)


@pytest.mark.parametrize(
    "image",
    [
        "",
        "nginx latest",
        "Nginx",
        "nginx:",
        ":1.0",
        "nginx:1.0\n",
        "nginx\t",
        "a//b",
        "nginx@sha256:xyz",
        "-a/b",
    ],
)
def test_invalid_images(image):
    with pytest.raises(ValidationError):
        TypeAdapter(ImageReference).validate_python(image)


def test_env_dict_bounds():
    adapter = TypeAdapter(EnvDict)
    assert adapter.validate_python({"A": "1", "B_2": "x y"}) == {"A": "1", "B_2": "x y"}
    with pytest.raises(ValidationError):
        adapter.validate_python({f"V{i}": "x" for i in range(51)})
    with pytest.raises(ValidationError):
        adapter.validate_python({"A": "line1\nline2"})
    with pytest.raises(ValidationError):
        adapter.validate_python({"1A": "x"})


def test_grep_text_is_printable_and_bounded():
    adapter = TypeAdapter(GrepText)
    assert adapter.validate_python("error (x+)*") == "error (x+)*"
    for bad in ("", "a\nb", "x" * 101, "\x00"):
        with pytest.raises(ValidationError):
            adapter.validate_python(bad)
