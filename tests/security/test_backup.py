"""manage.py backup / restore: a round trip (backup → changes and wipe → restore) gives back
the same rows and the same uploaded files, on SQLite and, when DATABASE_URL is a PostgreSQL
URL, on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.security.scratch_db import engines, manage, scratch_env, shell

COUNT = (
    "from quartiers.core.backup import table_counts; import json, hashlib; "
    "from quartiers.core.models import User; c = table_counts(); "
    "print(json.dumps({'users': sorted(User.objects.values_list('username', flat=True)), "
    "'rows': sum(c.values())}))"
)


@pytest.mark.slow
@pytest.mark.parametrize("engine", engines())
def test_a_backup_restores_the_same_rows_and_files(engine, tmp_path):
    with scratch_env(tmp_path, engine=engine) as env:
        assert manage(env, "migrate", "--noinput").returncode == 0
        shell(
            env,
            "from quartiers.core.models import User, Role; "
            "User.objects.create_user(username='camille', password='x' * 12, role=Role.AGENT)",
        )
        media = tmp_path / "media"
        (media / "contrats" / "CN05911M").mkdir(parents=True)
        document = media / "contrats" / "CN05911M" / "convention.pdf"
        document.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 100)
        before = shell(env, COUNT)

        archive = tmp_path / "sauvegardes" / "quartiers.tar.gz"
        result = manage(env, "backup", str(archive))
        assert result.returncode == 0, result.stderr
        assert "Sauvegarde" in result.stdout and "1 fichier(s)" in result.stdout

        # Damage: a user deleted, another added, the document gone, a stray file added.
        shell(
            env,
            "from quartiers.core.models import User, Role; "
            "User.objects.filter(username='camille').delete(); "
            "User.objects.create_user(username='intrus', password='x' * 12, role=Role.AGENT)",
        )
        document.unlink()
        (media / "intrus.txt").write_text("à supprimer")
        assert shell(env, COUNT) != before

        refused = manage(env, "restore", str(archive))
        assert refused.returncode != 0 and "--yes" in refused.stderr
        result = manage(env, "restore", str(archive), "--yes")
        assert result.returncode == 0, result.stderr
        assert shell(env, COUNT) == before
        assert document.read_bytes().startswith(b"%PDF-1.7")
        assert not (media / "intrus.txt").exists()


def test_a_tampered_file_in_a_backup_is_refused(tmp_path):
    import io
    import json
    import tarfile

    archive = tmp_path / "altere.tar.gz"
    manifest = {
        "engine": "sqlite",
        "database": "database.sqlite3",
        "tables": {},
        "files": {"a.pdf": "0" * 64},
    }
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (("manifest.json", json.dumps(manifest).encode()), ("media/a.pdf", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with scratch_env(tmp_path, engine="sqlite") as env:
        result = manage(env, "restore", str(archive), "--yes")
    assert result.returncode != 0
    assert "fichier altéré dans la sauvegarde : a.pdf" in result.stderr
