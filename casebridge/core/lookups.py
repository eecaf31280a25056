"""A lookup for "one of these thousands of values" that costs one parameter, not thousands.

Django's ``__in`` makes a placeholder for each value: building, compiling and (psycopg, with
client-side binding) rendering a query of 2,000 of them costs milliseconds, and an import asks
several such queries for every chunk of rows. ``AnyOf`` sends the values as one parameter: an
array on PostgreSQL (``= ANY(%s)``), a JSON array that ``json_each`` unpacks on SQLite. Both
use the column's index as ``IN`` would.

    LoadedRow.objects.filter(AnyOf(F("reference"), references), kind=kind)
"""

import json
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup
from django.db.models.sql.compiler import SQLCompiler


class AnyOf(Lookup):  # type: ignore[type-arg]
    """The column's value is one of ``rhs`` (a list, prepared as the column's field prepares
    each value); none of an empty one."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(
        self, value: Any, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        field = self.lhs.output_field
        values = [field.get_db_prep_value(item, connection, prepared=False) for item in value]
        if connection.vendor == "postgresql":
            return "%s", [values]
        return "%s", [json.dumps(values)]

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        params = (*lhs_params, *rhs_params)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY({rhs})", params
        return f"{lhs} IN (SELECT value FROM json_each({rhs}))", params  # noqa: S608 (compiled)  # nosec B608  # Django's compiled SQL, values as parameters
