"""Acme support-bot: a small RAG chat service."""
__version__ = "0.3.1"
