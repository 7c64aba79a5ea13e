"""Reads the admins' people directory: a CSV of email, department and optional groups."""

from __future__ import annotations

import csv
from pathlib import Path

from handlers.services import Directory, DirectoryEntry


class DirectoryError(ValueError):
    pass


def load_directory(path: Path | None) -> Directory:
    if path is None:
        return Directory()
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = {c.strip().lower() for c in reader.fieldnames or ()}
            if "email" not in columns or "department" not in columns:
                raise DirectoryError(
                    f"{path}: the first line must name the columns email,department[,groups]"
                )
            entries = {}
            for line, row in enumerate(reader, start=2):
                row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
                email = row.get("email", "").lower()
                if not email:
                    continue
                if "@" not in email:
                    raise DirectoryError(f"{path}:{line}: {email!r} is not an email address")
                groups = frozenset(
                    g.strip() for g in row.get("groups", "").replace("|", ";").split(";") if g.strip()
                )
                entries[email] = DirectoryEntry(department=row.get("department") or None, groups=groups)
    except OSError as error:
        raise DirectoryError(f"cannot read the people directory {path}: {error}") from None
    return Directory(entries)
