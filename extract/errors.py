"""The project's exceptions: bad input is told apart from bugs.

`BadInput` and its subclasses are caught once, at the document boundary, and become the
one-line `error` of a `failed` row in documents.parquet. Anything else is a bug: it is
recorded the same way (the batch goes on) but with its type name, so it can be reported.
"""


class JixiaoError(Exception):
    """Base of every exception this package raises on purpose."""


class SettingsError(JixiaoError, ValueError):
    """A setting given by a library caller that is not one of its choices."""


class NoInputs(JixiaoError):
    """A batch was given paths under which no file it reads lies."""


class BadInput(JixiaoError):
    """The file cannot be read as a document; the message is the one-line reason."""


class NotADocument(BadInput):
    """Neither a PDF nor an image this tool reads."""


class EmptyFile(BadInput):
    """Zero bytes."""


class EncryptedDocument(BadInput):
    """The PDF needs a password to open."""


class CorruptDocument(BadInput):
    """The file claims to be a PDF or image but its structure is broken."""


class OcrUnavailable(BadInput):
    """A page needs OCR but the OCR stack is not installed or OCR is switched off."""


class ExecutorUnavailable(JixiaoError):
    """The executor asked for cannot run here (Ray not installed, its cluster unreachable)."""
