"""The project's exceptions, each with a stable code and a message saying what to do.

Two families: :class:`PermanentError` (the input or the set-up is wrong; retrying
cannot help, the document is quarantined) and :class:`RetryableError` (a service
was down or slow; the same call may succeed later). Prefect tasks retry only the
latter.
"""

from __future__ import annotations


class AtharError(Exception):
    """Base class. ``code`` is stable and machine-readable; ``message`` is for people."""

    code = "error"
    retryable = False

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class PermanentError(AtharError):
    """Retrying will not help: fix the input or the installation."""


class RetryableError(AtharError):
    """A transient failure: the same operation may succeed later."""

    retryable = True


# ---------------------------------------------------------------- bad input


class UnreadablePathError(PermanentError):
    code = "unreadable_path"


class EmptyFileError(PermanentError):
    code = "empty_file"


class UnsupportedTypeError(PermanentError):
    code = "unsupported_type"


class CorruptFileError(PermanentError):
    code = "corrupt_file"


class CorruptPdfError(CorruptFileError):
    code = "corrupt_pdf"


class EncryptedPdfError(PermanentError):
    code = "encrypted_pdf"


class ImageTooLargeError(PermanentError):
    code = "image_too_large"


class TooManyPagesError(PermanentError):
    code = "too_many_pages"


class FileTooLargeError(PermanentError):
    code = "file_too_large"


class InputTooLargeError(PermanentError):
    code = "input_too_large"


# ----------------------------------------------------------- tools/services


class ToolMissingError(PermanentError):
    """An external program or data file is not installed."""

    code = "tool_missing"


class ToolFailedError(PermanentError):
    """An external program rejected its input."""

    code = "tool_failed"


class ToolTimeoutError(RetryableError):
    code = "tool_timeout"


class SearchUnavailableError(RetryableError):
    code = "search_unavailable"


class SearchRequestError(PermanentError):
    code = "search_request"


class StorageError(RetryableError):
    code = "storage_unavailable"


class ConfigurationError(PermanentError):
    code = "configuration"
