"""pyhelmfile: a helmfile-compatible Helm orchestrator."""

__version__ = "0.1.0"
