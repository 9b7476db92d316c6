"""Slack front-end (slack-bolt): payloads -> ChatRequest, ChatReply -> Block Kit messages."""
