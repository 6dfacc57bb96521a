"""The funding app geocodes through the real local addok (scripts/addok/setup.sh), which
indexes the Nord addresses of ../shared/data/adresses/adresses_nord_geocoder_tester.csv:
an association's seat is located from its postal address, a beneficiaries' file of addresses
(no coordinates) is measured, and an unreachable geocoder never loses an association nor
leaves an address file behind. Expected values always come from the georef engine."""

from __future__ import annotations

import csv
import html
import io
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from quartiers.geography.models import QPV
from quartiers.georef.engine import (
    STATUS_IN,
    STATUS_OUT,
    STATUS_UNCERTAIN,
    status_with_geocoding,
)
from quartiers.georef.geocoder import AddressQuery, GeocoderClient, GeocoderConfig
from quartiers.georef.loader import points_locate
from quartiers.georef.models import GeocodeCache
from quartiers.grants.demo import demo_siret
from quartiers.grants.models import Association
from quartiers.grants.services import GrantRefused
from quartiers.grants.services.associations import association_create
from quartiers.grants.services.location import GEOCODER_UNAVAILABLE
from quartiers.grants.services.targeting import beneficiaries_measure
from tests.grants.conftest import application_make, closed_port_url

pytestmark = pytest.mark.django_db
ADDRESSES = "adresses/adresses_nord_geocoder_tester.csv"


@pytest.fixture
def geocoder(settings, addok_url) -> str:
    settings.GEOCODER_URL = addok_url
    # the local addok serves one request at a time, other test runs may share it: patience
    settings.GEOCODER_MAX_ATTEMPTS = 5
    settings.GEOCODER_BACKOFF_BASE_S = 0.5
    return addok_url


@pytest.fixture(scope="module")
def rows(data_dir: Path) -> list[dict[str, str]]:
    with (data_dir / ADDRESSES).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def seat_in_qpv(rows) -> tuple[dict[str, str], str]:
    """A real Nord address (number, street, postcode) whose true position the engine puts
    inside a QPV, clear of any boundary: the row and the QPV code."""
    street_rows = [r for r in rows if r["housenumber"] and r["street"] and r["postcode"]]
    result = points_locate(
        lon=np.array([float(r["lon"]) for r in street_rows]),
        lat=np.array([float(r["lat"]) for r in street_rows]),
    )
    inside = np.flatnonzero(result.status == STATUS_IN)
    assert len(inside), "no tester address inside a QPV"
    i = int(inside[0])
    return street_rows[i], str(result.primary_codes()[i])


def _page(client, association: Association) -> str:
    response = client.get(f"/financements/associations/{association.uuid}/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_an_association_whose_address_lies_in_a_qpv_is_located_in_that_qpv(
    geocoder, seat_in_qpv, client, prefecture_agent, contracts
):
    row, code = seat_in_qpv
    client.force_login(prefecture_agent)
    response = client.post(
        "/financements/associations/nouvelle/",
        {
            "name": "Association du siège en QPV",
            "siret": demo_siret(555),
            "address": f"{row['housenumber']} {row['street']}",
            "postcode": row["postcode"],
            "city": row["city"],
        },
    )
    assert response.status_code == 302
    association = Association.objects.get(siret=demo_siret(555))
    assert association.qpv_location == "en_qpv"
    assert association.qpv.code == code and association.qpv_codes[0] == code
    assert association.location_source == "geocodage"
    assert association.geocode_type == "housenumber" and association.geocode_score >= 0.8
    assert row["street"].lower() in association.geocoded_label.lower()
    assert association.location_reasons == [] and association.location_notice == ""
    qpv = QPV.objects.get(code=code, generation=2024)
    page = _page(client, association)
    assert f"Siège situé dans le QPV {qpv.name} ({code})" in page
    assert f"Adresse géocodée : « {association.geocoded_label} » (numéro trouvé" in page


def test_an_association_is_saved_when_the_geocoder_is_unreachable_and_located_later(
    settings, geocoder, seat_in_qpv, client, prefecture_agent, contracts
):
    row, code = seat_in_qpv
    settings.GEOCODER_URL = closed_port_url()
    association = association_create(
        values={
            "name": "Association en attente de localisation",
            "siret": demo_siret(556),
            "address": f"{row['housenumber']} {row['street']}",
            "postcode": row["postcode"],
        },
        user=prefecture_agent,
    )
    association.refresh_from_db()
    assert association.qpv_location == "inconnu" and association.lon is None
    assert association.location_notice == GEOCODER_UNAVAILABLE
    client.force_login(prefecture_agent)
    assert (
        "Non localisée : localisation impossible pour le moment (service de géocodage "
        "indisponible)." in _page(client, association)
    )

    settings.GEOCODER_URL = geocoder
    out = io.StringIO()
    call_command("grants_locate_associations", stdout=out)
    assert "1 localisée(s)" in out.getvalue()
    association.refresh_from_db()
    assert (association.qpv_location, association.qpv.code) == ("en_qpv", code)
    assert association.location_notice == ""
    assert "Siège situé dans le QPV" in _page(client, association)


def test_the_locate_button_locates_the_seat_again(
    settings, geocoder, seat_in_qpv, client, prefecture_agent, contracts
):
    row, code = seat_in_qpv
    settings.GEOCODER_URL = closed_port_url()
    association = association_create(
        values={
            "name": "Association relocalisée",
            "siret": demo_siret(557),
            "address": f"{row['housenumber']} {row['street']} {row['postcode']}",
        },
        user=prefecture_agent,
    )
    assert association.qpv_location == "inconnu"
    settings.GEOCODER_URL = geocoder
    client.force_login(prefecture_agent)
    response = client.post(f"/financements/associations/{association.uuid}/localiser/")
    assert response.status_code == 302
    association.refresh_from_db()
    assert (association.qpv_location, association.qpv.code) == ("en_qpv", code)


def test_a_seat_typed_on_a_qpv_boundary_is_uncertain_with_the_reason(
    client, prefecture_agent, contracts
):
    qpv = QPV.objects.filter(generation=2024).order_by("code").first()
    vertex = shapely.get_coordinates(shapely.from_wkb(qpv.contour_wkb).boundary)[0]
    association = association_create(
        values={
            "name": "Association sur la limite",
            "siret": demo_siret(558),
            "lon": float(vertex[0]),
            "lat": float(vertex[1]),
        },
        user=prefecture_agent,
    )
    assert association.qpv_location == "incertain"
    assert association.location_source == "saisie"
    client.force_login(prefecture_agent)
    page = _page(client, association)
    assert "Incertain : à 0 m de la limite du QPV" in page
    assert "la position peut être approximative" in page


# --- beneficiaries' files of addresses -------------------------------------------------------


def _line(row: dict[str, str]) -> str:
    """One address line of a real row: the tester's query, with the postcode when missing."""
    query = row["query"]
    return query if row["postcode"] in query else f"{query} {row['postcode']}"


LAYOUTS = {
    # one full address line per beneficiary (every row of the file)
    "ligne": (["adresse"], lambda rows: rows, lambda r: [_line(r)]),
    # number / street / postcode / city (the rows that have a street)
    "champs": (
        ["numero", "voie", "code_postal", "commune"],
        lambda rows: [r for r in rows if r["street"]],
        lambda r: [r["housenumber"], r["street"], r["postcode"], r["city"]],
    ),
}


def _queries(cells: list[list[str]]) -> list[AddressQuery]:
    return [AddressQuery(" ".join(c for c in row if c)) for row in cells]


def _expected(addok_url: str, queries: list[AddressQuery]) -> dict:
    """What the engine says of the positions the geocoder gives (straight from addok, no
    cache, no grants code)."""
    config = GeocoderConfig(base_url=addok_url, rate_per_s=1_000.0, max_concurrency=2)
    with GeocoderClient(config) as client:
        found = [r for page in client.geocode_batch(queries) for r in page]
    hits = [r for r in found if r.found]
    result = points_locate(lon=[r.lon for r in hits], lat=[r.lat for r in hits])
    status = status_with_geocoding(
        status=result.status,
        score=np.array([np.nan if r.score is None else r.score for r in hits]),
        match_type=np.array([r.type for r in hits], dtype=object),
    )
    inside = result.primary >= 0
    return {
        "geocoded": len(hits),
        "in_qpv": int(inside.sum()),
        "by_qpv": dict(Counter(str(c) for c in result.primary_codes()[inside])),
        "uncertain": int((status == STATUS_UNCERTAIN).sum()),
    }


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_file_of_addresses_gives_the_engines_share_and_is_deleted(
    layout, geocoder, rows, tmp_path, asso_a, call_mel, prefecture_agent
):
    header, pick, cells_of = LAYOUTS[layout]
    chosen = pick(rows)
    cells = [cells_of(r) for r in chosen]
    upload = tmp_path / f"beneficiaires-{layout}.csv"
    with upload.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(cells)
    expected = _expected(geocoder, _queries(cells))
    assert 0 < expected["in_qpv"] < expected["geocoded"] <= len(chosen)

    application = application_make(asso_a, call_mel)
    beneficiaries_measure(application=application, path=upload, user=prefecture_agent)

    assert not upload.exists()
    application.refresh_from_db()
    assert application.beneficiaries_rows == len(chosen)
    assert application.beneficiaries_geocoded == expected["geocoded"]
    assert application.beneficiaries_not_geocoded == len(chosen) - expected["geocoded"]
    assert application.beneficiaries_total == expected["geocoded"]
    assert application.beneficiaries_in_qpv == expected["in_qpv"]
    assert application.beneficiaries_out == expected["geocoded"] - expected["in_qpv"]
    assert application.beneficiaries_by_qpv == expected["by_qpv"]
    assert application.beneficiaries_uncertain == expected["uncertain"]
    # no address survives on the application…
    stored = str({f.name: getattr(application, f.name) for f in application._meta.fields})
    assert not [c for row in cells[:50] for c in row if len(c) > 5 and c in stored]
    # …and the geocoding cache tells nobody who asked: no relation, no file, no action.
    assert not [f.name for f in GeocodeCache._meta.get_fields() if f.is_relation]
    assert GeocodeCache.objects.count() > 0
    for row in GeocodeCache.objects.values():
        assert upload.name not in str(row) and str(application.uuid) not in str(row)


def test_an_unreachable_geocoder_refuses_the_file_in_french_and_deletes_it(
    client, rows, member_a, asso_a, call_mel, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    settings.GEOCODER_URL = closed_port_url()
    application = application_make(asso_a, call_mel)
    body = "adresse\n" + "\n".join(_line(r) for r in rows[:20]) + "\n"
    client.force_login(member_a)
    response = client.post(
        f"/financements/dossiers/{application.uuid}/beneficiaires/",
        {"file": SimpleUploadedFile("adresses.csv", body.encode("utf-8"), "text/csv")},
        follow=True,
    )
    page = html.unescape(response.content.decode())
    assert "géocodage impossible pour le moment (service de géocodage indisponible)" in page
    assert "Le fichier a été supprimé." in page
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    application.refresh_from_db()
    assert application.targeting_measured_at is None

    upload = tmp_path / "adresses.csv"
    upload.write_text(body, encoding="utf-8")
    with pytest.raises(GrantRefused, match="service de géocodage indisponible"):
        beneficiaries_measure(application=application, path=upload, user=None)
    assert not upload.exists()


def test_a_seat_typed_outside_every_qpv_says_how_far_the_nearest_one_is(
    rows, client, prefecture_agent, contracts
):
    lon = np.array([float(r["lon"]) for r in rows])
    lat = np.array([float(r["lat"]) for r in rows])
    result = points_locate(lon=lon, lat=lat)
    i = int(np.flatnonzero(result.status == STATUS_OUT)[0])
    nearest = QPV.objects.get(code=str(result.codes[result.nearest[i]]), generation=2024)
    association = association_create(
        values={
            "name": "Association hors QPV",
            "siret": demo_siret(559),
            "lon": float(lon[i]),
            "lat": float(lat[i]),
        },
        user=prefecture_agent,
    )
    assert (association.qpv_location, association.qpv) == ("hors_qpv", None)
    assert association.qpv_distance_m == pytest.approx(float(result.distance_m[i]), abs=0.1)
    client.force_login(prefecture_agent)
    page = _page(client, association)
    assert "Hors QPV : siège à " in page
    assert f"du QPV le plus proche, {nearest.name} ({nearest.code})." in page
