"""Errors a user can meet in the record stage, each with a message that says what to do."""

from __future__ import annotations

__all__ = ["SummarizerError", "LlmModelError", "LlmRuntimeError", "ServerError", "ServerUnavailable"]


class SummarizerError(Exception):
    """Base class of the record stage's errors (template errors have their own :class:`TemplateError`)."""


class LlmModelError(SummarizerError):
    """A local LLM folder is missing, incomplete or inconsistent.

    Attributes:
        path: The folder that was checked.
        problems: One line per problem, each naming the file at fault and the fix.
    """

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = list(problems)
        super().__init__(f"LLM folder {path} is not usable: " + "; ".join(self.problems))


class LlmRuntimeError(SummarizerError):
    """The runtime failed while generating (out of memory, a corrupt model that passed the checks...)."""


class ServerError(SummarizerError):
    """The clinic LLM server answered, but not usefully (bad key, unknown model, malformed reply)."""


class ServerUnavailable(ServerError):
    """The clinic LLM server could not be reached in time (refused, timed out, TLS failure, 5xx after retries)."""
