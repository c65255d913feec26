"""Runtime settings. These reads are the *right* way to do it."""
import os

# Correct: read from the environment, never hard-code.
OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]
ANTHROPIC_API_KEY = os.getenv("ANTHROPIC_API_KEY", "")
DEFAULT_MODEL = os.getenv("SUPPORTBOT_MODEL", "gpt-4o-mini")
MAX_TOKENS = int(os.getenv("SUPPORTBOT_MAX_TOKENS", "1024"))
CONFIG_PATH = os.getenv("SUPPORTBOT_CONFIG", "config/settings.yaml")
