"""CSV import and export of the service directory on SQLite and PostgreSQL: `;` with a BOM
(Excel in Finland) and `,`; merge by id and replace; every bad file refused whole with line
numbers (half-bad files keep nothing); size and row limits; the export reads back."""

from __future__ import annotations

import pytest

from server.services import directory, directory_csv
from server.services.directory_rules import PointInvalid
from server.services.errors import InvalidInput, TooLarge
from tests.services.conftest import Services

HEADER = "id;type;municipality;name_fi;name_sv;name_en;address;hours_fi;phone;web;languages"
GOOD = (HEADER + "\r\n"
        ";health_station;Seinäjoki;Seinäjoen terveysasema;Seinäjoki hälsostation;;"
        "Koulukatu 1;ma–pe 8–16;06 123 4567;https://www.example.fi/ta;fi,sv\r\n"
        ";food_aid;Vasa;Vaasan ruoka-apu;Matutdelning i Vasa;Vaasa food aid;"
        "\"Kirkkokatu 2; piha\";ti 10–12;;;fi,sv,en\r\n")


async def _names(svc: Services) -> list[str]:
    return sorted(p["name"]["fi"] for p in (await directory.list_points(svc.ctx))["items"])


async def test_semicolon_file_with_bom_imports_and_exports_back(svc: Services) -> None:
    result = await directory_csv.import_csv(svc.ctx, "ed1", ("\ufeff" + GOOD).encode())
    assert result == {"added": 2, "updated": 0, "deleted": 0, "mode": "merge"}
    items = (await directory.list_points(svc.ctx))["items"]
    food = next(p for p in items if p["type"] == "food_aid")
    assert food["municipality"] == "Vaasa" and food["address"] == "Kirkkokatu 2; piha"
    exported = await directory_csv.export_csv(svc.ctx)
    assert exported.startswith("\ufeff" + ";".join(directory_csv.COLUMNS))
    # The export is an import file: re-importing it updates the same points, adds none.
    again = await directory_csv.import_csv(svc.ctx, "ed2", exported.encode())
    assert again == {"added": 0, "updated": 2, "deleted": 0, "mode": "merge"}
    revisions = {p["revision"] for p in (await directory.list_points(svc.ctx))["items"]}
    assert revisions == {2}
    log = (await directory.history(svc.ctx, None))["items"]
    assert log[0]["action"] == "import" and log[0]["by"] == "ed2"


async def test_comma_file_and_replace_mode(svc: Services) -> None:
    old = await directory.create(svc.ctx, "ed1", {
        "name_fi": "Vanha paikka", "type": "lahitori", "municipality": "Kemi"})
    kept = await directory.create(svc.ctx, "ed1", {
        "name_fi": "Kemin lähitori", "type": "lahitori", "municipality": "Kemi"})
    comma = ("id,type,municipality,name_fi\n"
             f"{kept['id']},lahitori,Kemi,Kemin lähitori (uusi)\n"
             ",digital_support,Tornio,Tornion digituki\n")
    result = await directory_csv.import_csv(svc.ctx, "sup1", comma.encode(), "replace")
    assert result == {"added": 1, "updated": 1, "deleted": 1, "mode": "replace"}
    assert await _names(svc) == ["Kemin lähitori (uusi)", "Tornion digituki"]
    assert old["id"] not in {p["id"] for p in (await directory.list_points(svc.ctx))["items"]}


async def test_a_half_bad_file_is_refused_whole_with_line_numbers(svc: Services) -> None:
    await directory.create(svc.ctx, "ed1", {"name_fi": "Ennen", "type": "lahitori",
                                            "municipality": "Kemi"})
    bad = (GOOD
           + ";health_station;Atlantis;Atlantiksen asema;;;;;;;fi\r\n"  # line 4
           + "\r\n"  # an empty line (5) is skipped but still counted
           + "nosuchid;food_aid;Kemi;Kemin ruoka-apu;;;;;;http://x.fi;fi\r\n"  # line 6
           + ";food_aid;Kemi;;;;;;;;fi,de\r\n")  # line 7
    with pytest.raises(PointInvalid) as refused:
        await directory_csv.import_csv(svc.ctx, "ed1", bad.encode())
    found = {(e["line"], e["field"], e["code"]) for e in refused.value.errors}
    assert found == {(4, "municipality", "unknown_municipality"), (6, "id", "unknown_id"),
                     (6, "web", "bad_web"), (7, "name_fi", "required"),
                     (7, "languages", "bad_languages")}
    assert refused.value.http_status == 422 and "nothing was imported" in refused.value.message
    assert await _names(svc) == ["Ennen"]  # the two good rows were not kept either


@pytest.mark.parametrize(("text", "code", "line"), [
    ("type;municipality\nlahitori;Kemi\n", "missing_column", 1),
    ("type;municipality;name_fi;colour\nlahitori;Kemi;A;red\n", "unknown_column", 1),
    ("type;municipality;name_fi;name_fi\nlahitori;Kemi;A;B\n", "duplicate_column", 1),
    ("type;municipality;name_fi\nlahitori;Kemi\n", "columns", 2),
    ("\n\n", "no_header", 1),
    ("id;type;municipality;name_fi\nabc;lahitori;Kemi;A\n", "unknown_id", 2),
])
async def test_malformed_files_are_refused(svc: Services, text: str, code: str, line: int) -> None:
    with pytest.raises(PointInvalid) as refused:
        await directory_csv.import_csv(svc.ctx, "ed1", text.encode())
    assert (line, code) in {(e["line"], e["code"]) for e in refused.value.errors}
    assert await _names(svc) == []


async def test_a_duplicate_id_is_refused(svc: Services) -> None:
    point = await directory.create(svc.ctx, "ed1", {"name_fi": "A", "type": "lahitori",
                                                    "municipality": "Kemi"})
    text = f"id;type;municipality;name_fi\n{point['id']};lahitori;Kemi;B\n{point['id']};lahitori;Kemi;C\n"
    with pytest.raises(PointInvalid) as refused:
        await directory_csv.import_csv(svc.ctx, "ed1", text.encode())
    assert [(e["line"], e["code"]) for e in refused.value.errors] == [(3, "duplicate_id")]
    assert await _names(svc) == ["A"]


async def test_limits_and_encoding(svc: Services) -> None:
    with pytest.raises(TooLarge):
        await directory_csv.import_csv(svc.ctx, "ed1", b"x" * (directory_csv.MAX_CSV_BYTES + 1))
    many = "type;municipality;name_fi\n" + "lahitori;Kemi;A\n" * (directory_csv.MAX_ROWS + 1)
    with pytest.raises(TooLarge, match="rows"):
        await directory_csv.import_csv(svc.ctx, "ed1", many.encode())
    with pytest.raises(InvalidInput, match="UTF-8"):
        await directory_csv.import_csv(svc.ctx, "ed1", "type;municipality;name_fi\nlahitori;Kemi;Ä\n"
                                       .encode("latin-1"))
    exactly = "type;municipality;name_fi\n" + "lahitori;Kemi;A\n" * directory_csv.MAX_ROWS
    result = await directory_csv.import_csv(svc.ctx, "ed1", exactly.encode())
    assert result["added"] == directory_csv.MAX_ROWS
