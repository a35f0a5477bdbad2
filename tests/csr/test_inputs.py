"""csr/inputs.py reads the registry (and the poverty data) for the matching score."""

from __future__ import annotations

import datetime as dt

from csr import inputs
from organisations import services as org_services
from organisations.models import Organisation, ProgrammeStatus
from tests.factories import OrganisationProgrammeFactory


def test_the_proposer_record_is_the_classification_and_the_programmes_done(administrator, region_tree):
    organisation = org_services.organisation_create(
        user=administrator, region=region_tree.village, name="Karang Taruna Gunung Putih"
    )
    org_services.assessment_record(
        user=administrator, organisation=organisation, assessed_on=dt.date(2026, 6, 1),
        score_organisation=90, score_human_resources=90, score_facilities=90, score_administration=90,
        score_partnerships=90, score_programmes=90,
    )  # fmt: skip
    for status in (ProgrammeStatus.DONE, ProgrammeStatus.DONE, ProgrammeStatus.PLANNED):
        OrganisationProgrammeFactory(organisation=organisation, status=status)
    record = inputs.proposer_record([region_tree.village.code, region_tree.other_village.code])
    assert record == {region_tree.village.code: ("percontohan", 2)}
    assert Organisation.objects.count() == 1


def test_village_need_counts_active_poor_families_of_desil_1_to_4(region_tree, django_assert_num_queries):
    from poverty_data.models import Family, FamilyStatus
    from poverty_data.stats import village_stats_refresh
    from tests.poverty_data.conftest import make_families

    families = make_families(region_tree.village, 4, desil=3) + make_families(region_tree.village, 2, start=50, desil=7)
    Family.objects.filter(pk=families[0].pk).update(status=FamilyStatus.INACTIVE)
    village_stats_refresh()  # writes outside the services: the repair the command runs
    with django_assert_num_queries(1) as captured:
        need = inputs.village_need([region_tree.village.code, region_tree.other_village.code])
    assert need == {region_tree.village.code: (3, 5)}
    # It reads the per-village summaries, not the families (a million rows at scale 50).
    assert "poverty_data_family" not in captured.captured_queries[0]["sql"]
