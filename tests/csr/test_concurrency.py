"""Two staff confirming against the same programme at once can never overspend it (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from csr import services
from csr.models import Match


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_respect_the_budget(make_programme, make_proposal, province_staff, kabupaten_staff):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite serialises writers anyway")
    programme = make_programme(budget=60_000_000)
    first, second = make_proposal(amount=50_000_000), make_proposal(amount=50_000_000)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm(user, proposal):
        try:
            barrier.wait()
            services.match_confirm(user=user, proposal=proposal, programme=programme, amount=50_000_000)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=confirm, args=(province_staff, first)),
        threading.Thread(target=confirm, args=(kabupaten_staff, second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Match.objects.count() == 1
