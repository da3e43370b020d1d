"""The exceptions sitegen raises on purpose, and the exit code of each.

    SitegenError          1   anything the CLI reports as one line and a non-zero exit
     +-- FetchError       2   the catalog could not be downloaded or read
     +-- CatalogError     3   the response is not a usable catalog (not JSON, wrong shape, empty)
     +-- WriteError       4   a file could not be written (the site, the data folder, a message)
     |    +-- BuildError  4   the site could not be made, or --out may not be replaced
     +-- HistoryError     5   the change log or the data folder is unreadable or inconsistent
     +-- UsageError       64  an option's value cannot be used (the command did nothing)
     +-- BusyError        75  another sitegen command holds what this one needs; try again

70 is kept for bugs (an exception of no class above) and 130 for an interrupted command.
Messages are complete sentences that name the model, field or file at fault.
"""


class SitegenError(Exception):
    """Shown to the user as it is, on one line: line breaks and control characters (terminal
    escapes too) that a server or a file put into the message are shown escaped."""

    exit_code = 1

    def __str__(self) -> str:
        return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in super().__str__())


class FetchError(SitegenError):
    exit_code = 2


class CatalogError(SitegenError):
    exit_code = 3


class WriteError(SitegenError):
    exit_code = 4


class BuildError(WriteError):
    exit_code = 4


class HistoryError(SitegenError):
    exit_code = 5


class UsageError(SitegenError):
    exit_code = 64


class BusyError(SitegenError):
    exit_code = 75
