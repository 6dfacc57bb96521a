import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Import the URLconf (every view, form and template tag module) now, not at the first request,
# then keep everything loaded so far out of the garbage collector's full collections: they
# traverse every tracked object (some 230 000 once the app is loaded), which cost a request
# ~200 ms every 20 or so (issue 13: CPU per logged-in request). The app's own objects never
# form cycles worth collecting; objects created by requests are collected as before.
get_resolver().url_patterns  # noqa: B018  (a property: loads the URLconf)
gc.collect()
gc.freeze()
