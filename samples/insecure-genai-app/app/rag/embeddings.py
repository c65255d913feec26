"""Embeds help-centre articles and stores them in Pinecone."""
from huggingface_hub import InferenceClient
from pinecone import Pinecone

HF_TOKEN = "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"
PINECONE_API_KEY = "pcsk_i7GG5M_r1U9p4IuHzl8zav9YxlehHI0j5zF3iAuFTO5BmY7GWU9YcDx9K0uZA0KbJSRUrA"
INDEX_NAME = "acme-helpcentre-v2"
EMBED_MODEL = "sentence-transformers/all-MiniLM-L6-v2"

_hf = InferenceClient(model=EMBED_MODEL, token=HF_TOKEN)
_pc = Pinecone(api_key=PINECONE_API_KEY)


def embed(texts: list[str]) -> list[list[float]]:
    return [_hf.feature_extraction(t).tolist() for t in texts]


def upsert(docs: list[dict]) -> int:
    index = _pc.Index(INDEX_NAME)
    vectors = embed([d["body"] for d in docs])
    index.upsert(vectors=[(d["id"], v, {"title": d["title"]}) for d, v in zip(docs, vectors)])
    return len(docs)


def search(query: str, k: int = 4) -> list[dict]:
    index = _pc.Index(INDEX_NAME)
    res = index.query(vector=embed([query])[0], top_k=k, include_metadata=True)
    return [m["metadata"] for m in res["matches"]]
