"""LangSmith tracing for every chain run."""
import os

os.environ["LANGCHAIN_TRACING_V2"] = "true"
os.environ["LANGCHAIN_PROJECT"] = "acme-supportbot-prod"
os.environ["LANGCHAIN_API_KEY"] = "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"


def tags(user_id: str) -> dict:
    return {"tags": ["supportbot", "prod"], "metadata": {"user": user_id}}
