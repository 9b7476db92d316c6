"""The release serves a merged adapter as the bot serves it, and the bare base beside it."""

from __future__ import annotations

import pytest

from evals.release import _served_runs
from evals.report import read_result

# The first test to ask for `llm_artifact` trains the quick model on a clean machine (as in
# test_serving.py): more than the default 600 s limit on 2 cores.
pytestmark = [pytest.mark.vllm, pytest.mark.timeout(1800)]


def test_a_merged_release_serves_the_adapter_merged_and_the_base_on_its_own(llm_artifact, tmp_path):
    names = {"adapter": "m-adapter", "base": "m-base"}
    runs = _served_runs(
        llm_artifact, suites=("easy",), out=tmp_path, command="test", names=names, base=True,
        assistant="bot.eval_assistant:make_assistant", concurrency=2, limit=4,
        merge_adapter=True,
    )  # fmt: skip
    assert set(runs) == {("easy", "m-adapter"), ("easy", "m-base")}
    adapter, base = (read_result(runs[("easy", name)]) for name in ("m-adapter", "m-base"))
    # two servers: the merged one answers under the adapter's name, the plain one as the base
    assert adapter["model"]["kind"] == "adapter" and adapter["model"]["adapter_merged"] is True
    assert base["model"]["kind"] == "base" and "adapter_merged" not in base["model"]
    assert adapter["model"]["name"] == "m-adapter"
    assert base["model"]["url"] != adapter["model"]["url"]
    for result in (adapter, base):
        assert len(result["records"]) == 4
        assert not any(r["error_kind"] == "ModelUnavailable" for r in result["records"])
    # only the adapter is served with the tool shortlist
    assert all(r["offered_tools"] for r in adapter["records"])
    assert not any(r["offered_tools"] for r in base["records"])
