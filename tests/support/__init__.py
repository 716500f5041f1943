"""Shared test infrastructure (toolchain, servers, differential harness)."""
