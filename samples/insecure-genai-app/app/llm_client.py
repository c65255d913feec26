"""Thin wrapper over the OpenAI and Anthropic SDKs."""
import os

import anthropic
from openai import OpenAI

from app import settings

# TODO(dana): move to the secret manager before launch
OPENAI_API_KEY = "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"
ANTHROPIC_KEY = "sk-ant-api03-nHQyNQ5hF-Umvi76XiqEmtmzUY7z3q9_eJvgGgdXSQBZXu46EBBuUeqO_omphmc7g5T7jh21z6VOYOT9xT9q4TZFrG5rNAA"

SYSTEM_PROMPT = (
    "You are Acme's support assistant. Answer only from the provided context. "
    "If the answer is not in the context, say you do not know."
)


def openai_client() -> OpenAI:
    # Falls back to the hard-coded key when the env var is missing (bad idea).
    api_key = os.environ.get("OPENAI_API_KEY") or OPENAI_API_KEY
    return OpenAI(api_key=api_key)


def claude_client() -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key=ANTHROPIC_KEY)


def complete(question: str, context: str, provider: str = "openai") -> str:
    user = f"Context:\n{context}\n\nQuestion: {question}"
    if provider == "anthropic":
        msg = claude_client().messages.create(
            model="claude-3-5-sonnet-latest",
            max_tokens=settings.MAX_TOKENS,
            system=SYSTEM_PROMPT,
            messages=[{"role": "user", "content": user}],
        )
        return msg.content[0].text
    resp = openai_client().chat.completions.create(
        model=settings.DEFAULT_MODEL,
        messages=[
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": user},
        ],
        temperature=0.2,
    )
    return resp.choices[0].message.content
