"""Reading input files: encodings, delimiters, BOM, quotes, XLSX, and what is refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from quartiers.georef.batch.chunks import csv_records
from quartiers.georef.batch.columns import columns_detect, columns_parse
from quartiers.georef.batch.errors import BatchInputError
from quartiers.georef.batch.readers import csv_blocks, source_inspect

ROWS = [
    ["id", "Libellé", "Longitude", "Latitude"],
    ["1", "Hôtel de ville de Lille", "3.0706", "50.6310"],
    ["2", "Mairie d'Aniche; annexe", "3.2503", "50.3234"],
]


def _write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_encoding_and_delimiter_are_detected(tmp_path, encoding, delimiter):
    def cell(value: str) -> str:
        return f'"{value}"' if delimiter in value or ";" in value else value

    text = "\r\n".join(delimiter.join(cell(v) for v in row) for row in ROWS) + "\r\n"
    path = _write(tmp_path / "f.csv", text, encoding)
    info = source_inspect(path=path)
    assert info.delimiter == delimiter
    assert info.encoding == ("cp1252" if encoding == "cp1252" else "utf-8")
    assert info.header == ROWS[0]
    assert bool(info.warnings) == (encoding == "cp1252")
    records = [
        fields for block in csv_blocks(info=info) for _, fields in csv_records(block, delimiter)
    ]
    assert records == ROWS[1:]


def test_quoted_fields_may_hold_delimiters_quotes_and_line_breaks(tmp_path):
    text = 'id,nom,lon,lat\n1,"Résidence ""Les Tilleuls"",\nbât. A",3.07,50.63\n2,simple,3.1,50.6\n'
    path = _write(tmp_path / "q.csv", text, "utf-8")
    info = source_inspect(path=path)
    blocks = list(csv_blocks(info=info, block_bytes=16))  # a block boundary inside the quotes
    records = [r for block in blocks for r in csv_records(block, ",")]
    assert records == [
        (2, ["1", 'Résidence "Les Tilleuls",\nbât. A', "3.07", "50.63"]),
        (4, ["2", "simple", "3.1", "50.6"]),
    ]


def test_delimiter_and_encoding_can_be_forced(tmp_path):
    path = _write(tmp_path / "f.csv", "a|b\n1|2\n", "utf-8")
    assert source_inspect(path=path, delimiter=",").delimiter == ","
    assert source_inspect(path=path, encoding="latin-1").encoding == "latin-1"
    with pytest.raises(BatchInputError, match="séparateur « : » non pris en charge"):
        source_inspect(path=path, delimiter=":")


def test_a_one_column_address_file_keeps_the_commas_inside_its_addresses(tmp_path):
    text = "adresse\nMairie, place Roger Salengro 59300 Valenciennes\n2 rue Nationale 59000 Lille\n"
    path = _write(tmp_path / "adresses.csv", text, "utf-8")
    info = source_inspect(path=path)
    assert info.header == ["adresse"]
    assert info.delimiter != ","


def test_a_file_in_utf8_then_cp1252_further_down_names_the_line(tmp_path):
    head = "id,lon,lat\n" + "".join(f"{i},3.0,50.6\n" for i in range(100_000))
    path = tmp_path / "mixed.csv"
    path.write_bytes(head.encode() + "100000,3.0,50.6,Hénin\n".encode("cp1252"))
    info = source_inspect(path=path)
    assert info.encoding == "utf-8"  # the 1 MiB sample is pure ASCII
    with pytest.raises(BatchInputError) as error:
        list(csv_blocks(info=info))
    assert error.value.line == 100_002
    assert "caractère illisible en utf-8" in str(error.value)
    assert "ligne 100002" in str(error.value)


def test_xlsx_rows_are_read_as_text(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Adresse", "Code postal", "X", "Y"])
    sheet.append(["2 rue de Paris", 59000, 704_000.5, 7_059_000])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    info = source_inspect(path=path)
    assert info.format == "xlsx"
    assert info.header == ["Adresse", "Code postal", "X", "Y"]
    assert columns_detect(header=info.header).mode == "xy"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "le fichier est vide"),
        (b"\r\n \r\n", "aucun caractère visible"),
        (b"id;lon;lat\r\n", "ne contient qu'une ligne d'en-tête"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Excel 97-2003"),
        (b"\xff\xfei\x00d\x00", "UTF-16"),
        (b"PK\x03\x04 not really a zip", "archive ZIP illisible"),
        (b"\x89PNG\r\n\x1a\n\0\0\0", "octets nuls"),
    ],
)
def test_unusable_files_get_a_french_message(tmp_path, content, message):
    path = tmp_path / "fichier.csv"
    path.write_bytes(content)
    with pytest.raises(BatchInputError, match=message):
        source_inspect(path=path)


def test_a_zip_renamed_xlsx_is_refused(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.txt", "pas un classeur")
    with pytest.raises(BatchInputError, match="archive ZIP mais pas un classeur XLSX"):
        source_inspect(path=path)


def test_xml_entity_tricks_in_an_xlsx_are_refused(tmp_path):
    workbook = Workbook()
    workbook.active.append(["lon", "lat"])
    workbook.active.append([3.0, 50.6])
    good = tmp_path / "good.xlsx"
    workbook.save(good)
    bad = tmp_path / "bomb.xlsx"
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', b"")
                data = bomb.encode() + data.replace(b"<v>3</v>", b"<v>&lol2;</v>", 1)
            dst.writestr(item, data)
    with pytest.raises(BatchInputError, match=r"XML interdites|illisible"):
        source_inspect(path=bad)


def test_columns_are_detected_from_french_and_english_headers():
    assert columns_detect(header=["ID", "Longitude", "Latitude"]).columns == {"lon": 1, "lat": 2}
    mapping = columns_detect(header=["Numéro", "Voie", "Code postal", "Commune", "Code INSEE"])
    assert mapping.mode == "fields"
    assert mapping.columns == {"number": 0, "street": 1, "postcode": 2, "city": 3, "insee": 4}
    assert columns_detect(header=["Adresse complète", "CP"]).mode == "address"
    assert columns_detect(header=["x_l93", "y_l93"]).mode == "xy"


def test_column_overrides_win_and_unknown_columns_are_named():
    header = ["adresse", "gps_e", "gps_n"]
    mapping = columns_detect(header=header, overrides=columns_parse(text="lon=gps_e,lat=3"))
    assert (mapping.mode, mapping.columns) == ("lonlat", {"lon": 1, "lat": 2})
    with pytest.raises(BatchInputError, match="la colonne « gps_x » demandée pour « longitude »"):
        columns_detect(header=header, overrides={"lon": "gps_x", "lat": "gps_n"})


def test_no_usable_column_lists_the_columns_read():
    with pytest.raises(BatchInputError) as error:
        columns_detect(header=["nom", "téléphone"])
    assert error.value.line == 1
    assert "aucune colonne utilisable" in str(error.value)
    assert "« nom », « téléphone »" in str(error.value)
