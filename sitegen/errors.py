"""The exceptions sitegen raises on purpose, and the exit code of each.

    SitegenError          1   anything the CLI reports as one line and a non-zero exit
     +-- FetchError       2   the catalog could not be downloaded or read
     +-- CatalogError     3   the response is not a usable catalog as a whole
     +-- WriteError       4   a file could not be written (the site, the data folder, a message)
     |    +-- BuildError  4   the site could not be rendered or written
     +-- HistoryError     5   the change log or the data folder is unreadable or inconsistent
     +-- UsageError       64  an option's value cannot be used (the command did nothing)
     +-- BusyError        75  another sitegen command holds what this one needs; try again

70 is kept for bugs (an exception of no class above) and 130 for an interrupted command.
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


class WriteError(SitegenError):
    """A file could not be written: the data folder, the commit message or the site."""

    exit_code = 4


class BuildError(WriteError):
    """Rendering or writing the site failed, or the output folder may not be written."""


class HistoryError(SitegenError):
    """The change log cannot be read or extended (a bad line, an --at out of order)."""

    exit_code = 5


class UsageError(SitegenError):
    """An option's value cannot be used; nothing was done."""

    exit_code = 64


class BusyError(SitegenError):
    """Another sitegen command is using the same folder; running again later will work."""

    exit_code = 75
