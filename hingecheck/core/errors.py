"""The one exception type the command line turns into a one-line message."""


class HingecheckError(Exception):
    """A user-facing error: bad input, missing model, unwritable output.

    The CLI prints ``hingecheck: error: <message>`` and exits non-zero,
    with no traceback. The message must say what went wrong and, where
    there is one, the way out.
    """

    exit_code = 2
