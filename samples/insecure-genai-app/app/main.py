"""HTTP entry point: POST /chat {"question": "..."}."""
from fastapi import FastAPI
from pydantic import BaseModel

from app import tracing  # noqa: F401  (side effect: enables LangSmith)
from app.llm_client import complete
from app.rag.embeddings import search

app = FastAPI(title="Acme support-bot")


class Ask(BaseModel):
    question: str
    provider: str = "openai"


@app.post("/chat")
def chat(body: Ask) -> dict:
    hits = search(body.question)
    context = "\n\n".join(h.get("body", h.get("title", "")) for h in hits)
    answer = complete(body.question, context, provider=body.provider)
    return {"answer": answer, "sources": [h.get("title") for h in hits]}


@app.get("/healthz")
def healthz() -> dict:
    return {"ok": True}
