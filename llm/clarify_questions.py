"""The question a clarify answer asks, chosen by what the request is most likely about.

Our small model decides well enough *whether* to ask, but the question it writes is free
text it picks with little regard to the request: in the release of 2026-12-07 23:08 it
asked "Which deployment should I roll back?" for "create a ns", "Which Lambda function
should I delete?" for "the lambda equivalent of `kubectl get pods`" and "How many replicas
should it run?" for "why is `cart` crashlooping?". An operator reading "should I delete?"
for a request to list things stops trusting the bot.

So the question is judged like no_action's reason (llm/tool_shortlist.py, `Offer.judged`):
the tool shortlist's classifier ranks the actions, and when one is at least QUESTION_FLOOR
likely (CAREFUL_FLOOR for a question that offers to remove something), clarify may ask
only that action's question (QUESTIONS); otherwise only the open question (OPEN_QUESTION).
The probabilities are the classifier's over actions alone: a request that needs asking
gives clarify much of its probability, and what matters is which action it is about.

The grammar then pins the question. The model still decides whether to ask at all, and that
decision comes first in the call (the tool's name), so it is the same as before. Each
question asks for what a request for that action most often leaves out (the data's clarify
families, datasets/templates/clarify.yaml).
"""

from __future__ import annotations

from collections.abc import Mapping

# Below this probability of the most likely action, the request is unclear as a whole:
# the action must be more likely than all the others together. On the validation split a
# lower floor matched the data's own questions a little more often (10 of 46 at 0.3, 8 at
# 0.5), by asking specific questions on weak guesses; measured: evals/results/README.md,
# "Clarify questions judged by the shortlist".
QUESTION_FLOOR = 0.5
# Questions that offer to remove something are asked only when the classifier is this sure:
# "the thing that's been leaking memory since noon" ranks delete_deployment first at 0.73,
# and "Which deployment should I delete?" is not what that user should read.
CAREFUL_FLOOR = 0.9
CAREFUL = frozenset(
    "delete_deployment delete_service drain_node lambda_delete_function gcf_delete_function".split()
)
OPEN_QUESTION = "What should I do, and on which deployment, node or function?"
QUESTIONS: Mapping[str, str] = {
    "cordon_node": "Which node should I cordon?",
    "create_hpa": "Which deployment should I autoscale, and up to how many replicas?",
    "create_namespace": "What should the new namespace be called?",
    "delete_deployment": "Which deployment should I delete?",
    "delete_service": "Which service should I delete?",
    "deploy_app": "What should I deploy (name and image)?",
    "deploy_service": "Which one: redis, postgres or nginx?",
    "describe_deployment": "Which deployment should I describe?",
    "describe_pod": "Which pod should I describe?",
    "drain_node": "Which node should I drain?",
    "gcf_delete_function": "Which Cloud Function should I delete?",
    "gcf_deploy_function": "Which Cloud Function should I deploy, and from which source?",
    "gcf_describe_function": "Which Cloud Function do you mean?",
    "gcf_list_functions": "Which GCP project should I list Cloud Functions in?",
    "gcf_update_config": "Which Cloud Function, and what should change?",
    "get_events": "Events of which deployment or namespace?",
    "get_pod_logs": "Logs of which deployment or pod?",
    "lambda_delete_function": "Which Lambda function should I delete?",
    "lambda_deploy_function": "Which Lambda function should I deploy, and from which bundle?",
    "lambda_describe_function": "Which Lambda function do you mean?",
    "lambda_list_functions": "Which AWS account should I list Lambda functions in?",
    "lambda_move_alias": "Which Lambda function and alias, and which version?",
    "lambda_publish_version": "Which Lambda function should I publish a version of?",
    "lambda_rollback_alias": "Which Lambda function and alias should I roll back?",
    "lambda_update_config": "Which Lambda function, and what should change?",
    "list_deployments": "Deployments in which namespace or cluster?",
    "list_nodes": "Nodes of which cluster?",
    "list_pods": "Pods in which namespace or cluster?",
    "restart_deployment": "Which deployment should I restart?",
    "rollback_deployment": "Which deployment should I roll back?",
    "scale_deployment": "Which deployment should I scale, and to how many replicas?",
    "set_env": "Which variable and value should I set, and on which deployment?",
    "set_image": "Which deployment, and which image?",
    "set_resources": "Which deployment, and how much CPU or memory?",
    "uncordon_node": "Which node should I uncordon?",
}


def question_for(action_probability: Mapping[str, float]) -> str:
    """The question for a request whose actions (declines left out) have these
    probabilities: the most likely action's, when it is at least QUESTION_FLOOR likely
    and has one; the open question otherwise."""
    if action_probability:
        action = max(action_probability, key=action_probability.__getitem__)
        floor = CAREFUL_FLOOR if action in CAREFUL else QUESTION_FLOOR
        if action_probability[action] >= floor and action in QUESTIONS:
            return QUESTIONS[action]
    return OPEN_QUESTION
