"""`manage.py run_huey`: huey's task queue consumer (huey.contrib.djhuey's own command).

Provided here rather than by installing ``huey.contrib.djhuey`` as an app, which would import
huey's storages (and with them redis and psycopg) in every process at start-up; see the note
above ``ROOT_URLCONF`` in config/settings.py. The consumer imports the ``tasks`` modules of the
installed apps (quartiers/georef/tasks.py).
"""

from huey.contrib.djhuey.management.commands.run_huey import Command

__all__ = ["Command"]
