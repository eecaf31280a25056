"""The PostgreSQL session the pages run in."""

import pytest
from django.db import connection


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_pages_queries_are_not_jit_compiled():
    # At 500,000 people a police officer's name search spent 2.6 s of 2.7 s compiling the
    # permission filter's plan (bench/web_latency.py); the same query runs in 60 ms without.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        (jit,) = cursor.fetchone()

    assert jit == "off"
