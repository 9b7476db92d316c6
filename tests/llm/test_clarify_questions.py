"""Which question a clarify answer asks (llm/clarify_questions.py)."""

from __future__ import annotations

import pytest

from llm.clarify_questions import (
    CAREFUL,
    CAREFUL_FLOOR,
    OPEN_QUESTION,
    QUESTION_FLOOR,
    QUESTIONS,
    question_for,
)
from tools.registry import ToolRegistry


def test_every_action_has_a_question_a_clarify_call_can_carry():
    registry = ToolRegistry()
    assert set(QUESTIONS) == set(registry.names(include_non_actions=False))
    assert CAREFUL <= set(QUESTIONS)
    for question in [*QUESTIONS.values(), OPEN_QUESTION]:
        call = registry.parse_call({"tool": "clarify", "args": {"question": question}})
        assert call.args.question == question and question.endswith("?")


def test_the_likely_action_asks_its_own_question():
    likely = {"create_namespace": 0.8, "restart_deployment": 0.2}
    assert question_for(likely) == "What should the new namespace be called?"
    assert question_for({"restart_deployment": QUESTION_FLOOR, "scale_deployment": 0.5}) in (
        QUESTIONS["restart_deployment"],
        QUESTIONS["scale_deployment"],
    )


@pytest.mark.parametrize(
    "probabilities",
    [
        {},  # no shortlist opinion at all
        {"restart_deployment": 0.4, "scale_deployment": 0.35, "set_image": 0.25},  # unsure
        {"delete_deployment": 0.8, "restart_deployment": 0.2},  # a removal, not sure enough
        {"tool_from_the_future": 0.99},  # an action without a question
    ],
)
def test_an_unsure_or_removing_guess_asks_the_open_question(probabilities):
    assert question_for(probabilities) == OPEN_QUESTION


def test_a_sure_removal_asks_which_one():
    assert question_for({"drain_node": CAREFUL_FLOOR, "cordon_node": 0.1}) == (
        "Which node should I drain?"
    )
