"""Values written to an archive read back as the same values, whatever the column's type."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

import pytest
import sqlalchemy as sa

from kmrg.auth.models import Role
from kmrg.backup.archive import BackupError, decoder_for, encode_value
from kmrg.models import UTCDateTime, enum_type

ROUND_TRIPS = [
    (sa.Integer(), 9_223_372_036_854_775_807),
    (sa.String(20), "Msunduzi – eThekwini ✓"),
    (sa.Boolean(), False),
    (UTCDateTime(), datetime(2026, 12, 4, 21, 5, 3, 123456, tzinfo=UTC)),
    (sa.Date(), date(2026, 2, 28)),
    (sa.Time(), time(23, 59, 1)),
    (sa.LargeBinary(), b"\x00\xffbinary"),
    (sa.Numeric(10, 2), Decimal("1234.50")),
    (sa.Float(), 0.1),
    (sa.JSON(), {"sections": [{"title": "Context", "body": "…"}], "n": None}),
    (sa.Uuid(), UUID("12345678-1234-5678-1234-567812345678")),
    (sa.Interval(), timedelta(days=2, seconds=5)),
]


@pytest.mark.parametrize(("column_type", "value"), ROUND_TRIPS)
def test_a_value_reads_back_as_written(column_type, value):
    column = sa.Column("value", column_type)
    written = json.loads(json.dumps(encode_value(value)))
    assert decoder_for(column)(written) == value


def test_an_enum_is_written_as_its_stored_value():
    column = sa.Column("role", enum_type(Role))
    assert encode_value(Role.CHAMPION) == "champion"
    assert decoder_for(column)("champion") == "champion"  # the column takes its stored value


def test_a_value_of_an_unknown_type_is_refused_not_mangled():
    with pytest.raises(BackupError, match="cannot write a value of type object"):
        encode_value(object())
