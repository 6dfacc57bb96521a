"""Errors about an input file, in French, naming the line and the column when there is one."""

from __future__ import annotations


class BatchInputError(ValueError):
    """The file cannot be processed as a whole (empty, unreadable, no usable column…)."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None):
        self.line = line
        self.column = column
        where = []
        if line is not None:
            where.append(f"ligne {line}")
        if column is not None:
            where.append(f"colonne « {column} »")
        self.message = message
        super().__init__(f"{', '.join(where)} : {message}" if where else message)
