"""The explained score: each term, its weight, its reason; ranking both ways."""

from __future__ import annotations

from csr import matching, services
from csr.models import Programme, Proposal


def _ranked(proposal):
    return matching.rank_programmes(Proposal.objects.with_funding().get(pk=proposal.pk))


def _terms(scored):
    return {t.key: t for t in scored.terms}


def test_the_weights_sum_to_100():
    assert sum(matching.WEIGHTS.values()) == 100


def test_every_term_is_explained_and_the_score_is_their_sum(proposal, programme, poverty, records):
    poverty["65.01.01.2005"] = (40, 100)
    records["65.01.01.2005"] = ("maju", 3)
    [scored] = _ranked(proposal)
    terms = _terms(scored)
    assert list(terms) == ["sector", "region", "budget", "need", "equity", "record"]
    assert terms["sector"].points == 25 and "Sektor sama: Pendidikan" in terms["sector"].explanation
    assert terms["region"].points == 20 and "di dalam wilayah sasaran" in terms["region"].explanation
    assert terms["budget"].points == 15 and "Rp 100.000.000" in terms["budget"].explanation
    assert "40 keluarga miskin (desil 1-4) dari 100 keluarga: 40%" in terms["need"].explanation
    assert terms["need"].value == 0.5 * 0.4 + 0.5 * 0.4
    assert "belum menerima CSR" in terms["equity"].explanation and terms["equity"].value == 1.0
    assert "klasifikasi maju" in terms["record"].explanation
    assert scored.score == round(sum(t.points for t in scored.terms), 1)


def test_without_poverty_data_the_need_term_says_so_and_invents_nothing(proposal, programme, poverty):
    [scored] = _ranked(proposal)
    need = _terms(scored)["need"]
    assert need.value == 0 and need.explanation == "Belum ada data kemiskinan untuk desa ini."


def test_a_village_that_already_received_csr_scores_lower_on_equity(
    make_proposal, make_programme, province_staff, company_rep
):
    funded = make_proposal(amount=100_000_000)
    services.match_accept(
        user=company_rep,
        match=services.match_confirm(
            user=province_staff, proposal=funded, programme=make_programme(budget=500_000_000), amount=100_000_000
        ),
    )
    fresh = make_proposal()
    scored = _ranked(fresh)[0]
    equity = _terms(scored)["equity"]
    assert equity.value == 0.5 and "sudah menerima CSR sebesar Rp 100.000.000" in equity.explanation


def test_a_programme_short_of_budget_scores_part_of_the_budget_term(make_proposal, make_programme):
    make_programme(budget=25_000_000)
    scored = _ranked(make_proposal(amount=50_000_000))[0]
    assert _terms(scored)["budget"].value == 0.5


def test_eligible_programmes_rank_before_ineligible_ones_of_the_same_sector(make_proposal, make_programme):
    outside = make_programme(targets=("65.03",), title="Nunukan")
    inside = make_programme(targets=("65.01.01.2005",), title="Gunung Putih")
    ranked = _ranked(make_proposal())
    assert [s.programme.pk for s in ranked] == [inside.pk, outside.pk]
    assert _terms(ranked[1])["region"].value == 0


def test_a_programme_ranks_the_poorer_village_first(
    make_proposal, make_programme, region_tree, poverty, village_head, province_staff
):
    programme = make_programme(targets=("65.01",))
    rich = make_proposal(village=region_tree.village)
    poor = make_proposal(village=region_tree.village_same_kab)
    poverty.update({"65.01.01.2005": (5, 100), "65.01.02.2001": (60, 100)})
    programme = Programme.objects.with_budget().prefetch_related("target_regions").get(pk=programme.pk)
    ranked = matching.rank_proposals(programme, Proposal.objects.visible_to(province_staff))
    assert [s.proposal.pk for s in ranked] == [poor.pk, rich.pk]


def test_ranking_programmes_keeps_a_flat_query_count(make_proposal, make_programme, django_assert_max_num_queries):
    proposal = make_proposal()
    for _ in range(5):
        make_programme()
    with django_assert_max_num_queries(6) as few:
        _ranked(proposal)
    for _ in range(200):
        make_programme(targets=("65.01", "65.71"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(_ranked(proposal)) == 20
