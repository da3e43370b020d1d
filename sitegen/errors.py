"""The exceptions sitegen raises on purpose.

    SitegenError          anything the CLI reports as one line and a non-zero exit
     +-- FetchError       the catalog could not be downloaded or read
     +-- CatalogError     the response is not a usable catalog as a whole
     +-- BuildError       the site could not be rendered or written
     +-- HistoryError     the change log or the data folder is unreadable or inconsistent

Messages are complete sentences that name the model, field or file at fault.
"""


class SitegenError(Exception):
    """Base class: the message is shown to the user as it is."""

    exit_code = 1

    def __str__(self) -> str:
        # Always one line, whatever a server or a file put into the message: line breaks and
        # control characters (terminal escapes too) are shown escaped, never acted on.
        return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in super().__str__())


class FetchError(SitegenError):
    """Downloading or reading the catalog failed."""

    exit_code = 2


class CatalogError(SitegenError):
    """The response cannot be used as a catalog (not JSON, wrong shape, empty)."""

    exit_code = 3


class BuildError(SitegenError):
    """Rendering or writing the site failed."""

    exit_code = 4


class HistoryError(SitegenError):
    """The change log cannot be read or extended (a bad line, an --at out of order)."""

    exit_code = 5
