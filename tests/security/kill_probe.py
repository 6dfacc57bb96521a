"""Runs a management command in this process and stops it inside its write transaction:
`python -m tests.security.kill_probe MARKER N TABLE command args…`.

Every INSERT, UPDATE or DELETE on TABLE is counted; right after the N-th one has been executed
(inside the command's transaction, nothing committed yet) the probe writes to MARKER the
count and whether a transaction is open, then waits to be killed. If the command ends before
its N-th write, MARKER gets "fin <count>" instead; after a commit nothing more is written."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    marker, stop_after, table = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    quoted = f'"{table}"'
    writes = 0

    def probe(execute, sql, params, many, context):
        nonlocal writes
        result = execute(sql, params, many, context)
        verb = sql.lstrip().split(None, 1)[0].upper()
        if verb in {"INSERT", "UPDATE", "DELETE"} and quoted in sql:
            writes += 1
            if writes == stop_after:
                tmp = marker.with_suffix(".tmp")
                tmp.write_text(f"ecriture {writes} transaction {int(connection.in_atomic_block)}")
                tmp.replace(marker)
                while True:  # inside the transaction: wait for SIGKILL
                    time.sleep(1)
        return result

    with connection.execute_wrapper(probe):
        call_command(*sys.argv[4:])
    marker.write_text(f"fin {writes}")


if __name__ == "__main__":
    main()
