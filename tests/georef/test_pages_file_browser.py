"""« Géoréférencer un fichier » in real headless Chromium: log in, upload, confirm the detected
columns, watch the job page poll its status and show the summary when a worker finishes it."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from django.db import connections

from quartiers.georef.jobs.services import job_run
from quartiers.georef.models import GeorefJob, JobStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_file_is_uploaded_and_its_job_followed_live(
    browser_page, live_server, prefecture_agent, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GEOREF_JOB_CHUNK_PAUSE_S = 0.2
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(3.0, 3.3, 3_000), rng.uniform(50.55, 50.75, 3_000)
    path = tmp_path / "points.csv"
    rows = "".join(f"{i};{x:.6f};{y:.6f}\n" for i, (x, y) in enumerate(zip(lon, lat, strict=True)))
    path.write_text("id;Longitude;Latitude\n" + rows, encoding="utf-8")
    page, watch = browser_page
    page.goto(live_server.url + "/connexion/")
    page.fill("input[name=username]", prefecture_agent.username)
    page.fill("input[name=password]", "mot-de-passe-de-test")
    page.locator("form button[type=submit]").last.click()
    page.goto(live_server.url + "/georeferencer/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Déposer et vérifier les colonnes").click()
    assert "Colonnes détectées : longitude = « Longitude »" in page.inner_text("[data-q-detected]")
    page.get_by_role("button", name="Lancer le géoréférencement").click()
    page.wait_for_selector("progress#job-progress")
    assert page.get_attribute("[data-q-job-text]", "aria-live") == "polite"
    job = GeorefJob.objects.get(owner=prefecture_agent)

    def run_and_disconnect() -> None:
        try:
            job_run(job_id=job.id)
        finally:
            connections.close_all()  # this thread's connection, or PostgreSQL keeps the test DB

    worker = threading.Thread(target=run_and_disconnect)
    worker.start()  # the queue's worker, in this process
    worker.join(timeout=60)
    assert GeorefJob.objects.get(pk=job.pk).status == JobStatus.DONE
    page.wait_for_selector("[data-q-job-summary]", timeout=15_000)  # polled, then reloaded
    assert page.get_attribute("progress#job-progress", "value") == "100.0"
    assert "Terminé : 3 000 / 3 000 lignes" in page.inner_text("[data-q-job-text]").replace(
        "\xa0", " "
    )
    assert page.locator("[data-q-job-result]").count() == 1
    assert page.locator("[data-q-job-summary] svg").count() == 1
    assert watch.problems == []
