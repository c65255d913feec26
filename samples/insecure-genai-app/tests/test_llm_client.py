"""Unit tests use a dummy key; nothing here is a secret."""
from unittest import mock

from app import llm_client


def test_openai_client_prefers_env(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-your-key-here")
    with mock.patch.object(llm_client, "OpenAI") as fake:
        llm_client.openai_client()
    fake.assert_called_once_with(api_key="sk-your-key-here")
