"""Import box types: upsert by code; box types not in the file are left alone."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from station.data.models import BoxType
from sync.importing import csvmap
from sync.importing.batch import insert_many, select_in, update_many, write_transaction
from sync.importing.issues import ImportResult, Issues
from sync.importing.loading import first_lines, load
from sync.importing.readers import Progress
from sync.importing.records import BoxTypeRecord
from sync.importing.steps import Report, Steps

FIELDS = ("name", "tare_g", "length_mm", "width_mm", "height_mm")


def import_box_types(
    sessions: sessionmaker[Session], path: Path, *, progress: Progress | None = None,
    report: Report | None = None,
) -> ImportResult:
    """Import a box-types file (all or nothing); `progress(n)` gets bytes read so far.

    `report(done, total, phase)` follows the import through its phases (`sync.importing.steps`);
    if it raises, nothing is imported.
    """
    issues = Issues()
    steps = Steps(report)
    parsed = load(path, BoxTypeRecord, issues, progress, columns=csvmap.BOX_COLUMNS,
                  from_csv=csvmap.box_record, steps=steps)
    steps.start("checking")
    first_lines(parsed, lambda r: r.code, "code", issues, "box code")
    issues.raise_if_any()
    steps.finish()
    with write_transaction(sessions) as s:
        steps.start("writing")  # a station has a few dozen box types: one chunk
        existing = {row.code: row for row in select_in(
            s, lambda b: select(BoxType.id, BoxType.code, *(getattr(BoxType, f) for f in FIELDS))
            .where(BoxType.code.in_(b)), (p.record.code for p in parsed))}
        new, changed = [], []
        for item in parsed:
            row = box_row(item.record)
            old = existing.get(item.record.code)
            if old is None:
                new.append({"code": item.record.code, **row})
            elif any(getattr(old, f) != row[f] for f in FIELDS):
                changed.append({"id": old.id, **row})
        insert_many(s, BoxType, new)
        update_many(s, BoxType, changed)
        steps.finish()  # the last report before the commit: raising there still undoes all
    return ImportResult(created=len(new), updated=len(changed),
                        unchanged=len(parsed) - len(new) - len(changed), records=len(parsed))


def box_row(record: BoxTypeRecord) -> dict:
    """Return the `box_types` columns a record sets."""
    length, width, height = record.dimensions_mm or (None, None, None)
    return {"name": record.name, "tare_g": record.tare_g, "length_mm": length,
            "width_mm": width, "height_mm": height}
