class GrantRefused(Exception):
    """A request the rules refuse; the message (French) says why and what to do."""
