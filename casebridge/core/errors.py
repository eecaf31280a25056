class ApplicationError(Exception):
    """A rule of the domain the user broke; shown to them as a message, never as a 500.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
