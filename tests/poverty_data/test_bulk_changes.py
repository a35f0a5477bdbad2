"""The review chain's bulk entry point: many proposals into the drafts of a round in one call."""

from __future__ import annotations

import json

import polars as pl
import pytest
from django.db import connection

from poverty_data.models import ChangeKind, Submission, SubmissionChange, SubmissionEvent
from poverty_data.services_bulk import CHANGE_COLUMNS, sql_array, submission_changes_add_bulk

pytestmark = pytest.mark.django_db


def new_families(village_code: str, cards: list[str]) -> pl.DataFrame:
    payloads = [
        json.dumps({"family": {"no_kk": kk, "rt": "001"}, "members": [{"nik": kk[:-1] + "9", "name": 'Ani \\ "A"'}]})
        for kk in cards
    ]
    return pl.DataFrame(
        {
            "village_code": [village_code] * len(cards), "kind": [ChangeKind.NEW_FAMILY] * len(cards),
            "family_id": [None] * len(cards), "member_id": [None] * len(cards), "field": [None] * len(cards),
            "old_value": [None] * len(cards), "new_value": [None] * len(cards), "payload": payloads,
            "base_version": [None] * len(cards),
        },
        schema={c: pl.Int64 if c in ("family_id", "member_id", "base_version") else pl.String for c in CHANGE_COLUMNS},
    )  # fmt: skip


def test_parts_written_through_one_copy_become_drafts_changes_and_their_history(region_tree, open_round, officer):
    village, other = region_tree.village, region_tree.other_village
    parts = [new_families(village.code, ["6501010101010001", "6501010101010002"]),
             new_families(other.code, ["6501010101010003"]), new_families(village.code, ["6501010101010004"])]  # fmt: skip

    created = submission_changes_add_bulk(round=open_round, villages=[village.code, other.code], changes=iter(parts),
                                          user=officer, detail="%(count)d changes imported from a.csv")  # fmt: skip

    drafts = {s.village_id: s for s in Submission.objects.filter(round=open_round)}
    assert created == {drafts[village.pk].pk: 3, drafts[other.pk].pk: 1}
    assert [e.detail for e in SubmissionEvent.objects.filter(submission=drafts[village.pk]).order_by("pk")] == [
        "",
        "3 changes imported from a.csv",
    ]
    change = SubmissionChange.objects.get(payload__isnull=False, submission=drafts[other.pk])
    # The payload comes back as the document written: text stays text, the backslash and quotes whole.
    assert change.payload == {"family": {"no_kk": "6501010101010003", "rt": "001"},
                              "members": [{"nik": "6501010101010009", "name": 'Ani \\ "A"'}]}  # fmt: skip
    assert change.created_by == officer


def test_the_same_changes_twice_change_nothing_the_second_time(region_tree, open_round, officer):
    village = region_tree.village
    part = new_families(village.code, ["6501010101010001", "6501010101010002"])
    submission_changes_add_bulk(round=open_round, villages=[village.code], changes=[part], user=officer, detail="x")

    again = submission_changes_add_bulk(round=open_round, villages=[village.code], changes=[part], user=officer,
                                        detail="x")  # fmt: skip

    assert again == {}
    assert SubmissionChange.objects.filter(submission__round=open_round).count() == 2


def test_a_failure_while_the_parts_are_built_writes_nothing(region_tree, open_round, officer):
    def parts():
        yield new_families(region_tree.village.code, ["6501010101010001"])
        raise RuntimeError("the file could not be read further")

    with pytest.raises(RuntimeError):
        submission_changes_add_bulk(round=open_round, villages=[region_tree.village.code], changes=parts(),
                                    user=officer, detail="x")  # fmt: skip

    assert not Submission.objects.filter(round=open_round).exists()
    assert not SubmissionChange.objects.exists()


@pytest.mark.parametrize("values", [["65.01", 'a"b', "c\\d", "e,f", "{g}", "", "NULL", " h "], [], [1, 22, 333]])
@pytest.mark.parametrize("given_as", [list, pl.Series], ids=["a list", "a polars series"])
def test_an_array_sent_as_one_literal_reads_back_element_for_element(values, given_as):
    cast = "bigint[]" if values and isinstance(values[0], int) else "text[]"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT %s::{cast}", [sql_array(given_as(values))])
        assert cursor.fetchone()[0] == values


def test_a_proposal_payload_is_stored_as_the_json_text_written_not_reparsed(region_tree, open_round, officer):
    submission = Submission.objects.create(round=open_round, village=region_tree.village)
    change = SubmissionChange.objects.create(
        submission=submission, kind=ChangeKind.NEW_FAMILY, payload={"b": 1, "a": "001"}, created_by=officer
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data_type FROM information_schema.columns WHERE table_name = %s AND column_name = 'payload'",
            [SubmissionChange._meta.db_table],
        )
        assert cursor.fetchone()[0] == "json"
        # Sent as json, the text is kept as written (sent as jsonb it would come back with its keys sorted).
        cursor.execute(f"SELECT payload::text FROM {SubmissionChange._meta.db_table} WHERE id = %s", [change.pk])  # noqa: S608
        assert cursor.fetchone()[0] == '{"b": 1, "a": "001"}'
    assert SubmissionChange.objects.get(pk=change.pk).payload == {"b": 1, "a": "001"}
