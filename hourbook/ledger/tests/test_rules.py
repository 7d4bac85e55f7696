"""The pure hours rules (ledger/rules.py): counting, caps, buckets, 达标 (第八条, 第九条五, 第十条, FAQ Q3)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from hourbook.ledger import rules
from hourbook.ledger.rules import APPROVED, PENDING, REJECTED, Policy, RecordFact, compute_year

H = 3600
D = dt.date(2025, 6, 1)


def fact(id, category, seconds, status=APPROVED, end=D, created=0, zero=""):
    return RecordFact(
        id=id,
        category=category,
        status=status,
        seconds=seconds,
        end_date=end,
        created_at=created,
        zero_reason=zero,
    )


def test_only_approved_count_and_pending_shown_apart():
    """FAQ Q5 / DOMAIN Counting: pending hours are shown apart per bucket, rejected ones not at all."""
    result = compute_year(
        [
            fact(1, rules.EXTERNAL_TRAINING, 8 * H),
            fact(2, rules.EXTERNAL_TRAINING, 16 * H, PENDING),
            fact(3, rules.EXTERNAL_TRAINING, 24 * H, REJECTED),
            fact(4, rules.EXTERNAL_ONLINE, 5 * H, PENDING),
        ],
        Policy(),
    )
    assert result.buckets["training"].effective == 8 * H
    assert result.buckets["training"].pending == 16 * H
    assert result.buckets["online"].pending == 5 * H
    assert result.total == 8 * H
    assert result.categories[rules.EXTERNAL_TRAINING].pending_count == 1


def test_self_study_cap_cuts_effective_but_not_total():
    """第九条五 and FAQ Q3: 10 records of 5 hours of 在职自学 give 10 effective, 50 total, 40 cut."""
    records = [fact(i, rules.SELF_STUDY, 5 * H, created=i) for i in range(10)]
    result = compute_year(records, Policy())
    cat = result.categories[rules.SELF_STUDY]
    assert (cat.total, cat.effective, cat.capped) == (50 * H, 10 * H, 40 * H)
    assert result.total == 50 * H
    assert result.buckets["training"].effective == 10 * H
    assert cat.cap_reached
    assert rules.SELF_STUDY in result.blocked("training")
    assert rules.EXTERNAL_TRAINING in result.raisers("training")


def test_cap_reached_exactly_and_one_second_over():
    exactly = compute_year([fact(1, rules.SELF_STUDY, 10 * H)], Policy()).categories[rules.SELF_STUDY]
    assert (exactly.effective, exactly.capped, exactly.cap_reached) == (10 * H, 0, True)
    over = compute_year([fact(1, rules.SELF_STUDY, 10 * H + 1)], Policy()).categories[rules.SELF_STUDY]
    assert (over.effective, over.capped) == (10 * H, 1)
    under = compute_year([fact(1, rules.SELF_STUDY, 10 * H - 1)], Policy()).categories[rules.SELF_STUDY]
    assert under.cap_reached is False


def test_allocation_order_end_date_then_creation_then_id():
    """Each record shows its effective part: caps fill by end date, then creation time, then id."""
    records = [
        fact(3, rules.SELF_STUDY, 6 * H, end=dt.date(2025, 3, 1), created=5),
        fact(1, rules.SELF_STUDY, 6 * H, end=dt.date(2025, 5, 1), created=1),
        fact(2, rules.SELF_STUDY, 6 * H, end=dt.date(2025, 3, 1), created=5),
    ]
    result = compute_year(records, Policy())
    assert result.record_effective == {2: 6 * H, 3: 4 * H, 1: 0}


def test_requirement_90_and_110_for_leaders():
    """第八条: 90 training hours, 110 for 处级及以上; 50 online; both buckets needed."""
    records = [
        fact(1, rules.EXTERNAL_TRAINING, 100 * H, end=dt.date(2025, 5, 1)),
        fact(2, rules.EXTERNAL_ONLINE, 50 * H),
    ]
    ordinary = compute_year(records, Policy(), leader=False)
    leader = compute_year(records, Policy(), leader=True)
    assert ordinary.met is True
    assert leader.buckets["training"].met is False
    assert leader.buckets["training"].missing == 10 * H
    assert leader.met is False


def test_requirement_boundary_is_exact_seconds():
    """达标 is decided on the exact seconds: one second short is 未达标 although it shows 89.99."""
    short = compute_year([fact(1, rules.EXTERNAL_TRAINING, 90 * H - 1)], Policy())
    assert short.buckets["training"].met is False
    exact = compute_year([fact(1, rules.EXTERNAL_TRAINING, 90 * H)], Policy())
    assert exact.buckets["training"].met is True


def test_surplus_never_fills_the_other_bucket():
    result = compute_year(
        [fact(1, rules.EXTERNAL_TRAINING, 500 * H), fact(2, rules.PLATFORM_ONLINE, 49 * H)], Policy()
    )
    assert result.buckets["training"].met is True
    assert result.buckets["online"].met is False
    assert result.met is False


def test_failed_assessment_counts_zero_with_record_kept():
    """第十条: a failed assessment gets no hours; the record stays and counts in `count`."""
    result = compute_year([fact(1, rules.IN_HOUSE, 40 * H, zero="failed_assessment")], Policy())
    cat = result.categories[rules.IN_HOUSE]
    assert (cat.count, cat.total, cat.effective, cat.zero_count) == (1, 0, 0, 1)


def test_not_registered_has_no_requirement():
    """第二条: only 在册正式职工 have a requirement; others have no 达标 status."""
    result = compute_year([fact(1, rules.EXTERNAL_TRAINING, 100 * H)], Policy(), registered=False)
    assert result.met is None
    assert result.buckets["training"].required is None
    assert result.buckets["training"].effective == 100 * H


def test_programme_eligibility_one_seventh_exact():
    """第十条: absence (leave included) of 1/7 or more → no hours, compared exactly (absent*7 >= programme)."""
    half = 4 * H
    assert (
        rules.programme_trainee_eligible(
            programme_seconds=7 * half, absent_seconds=half, assessment_failed=False
        )
        is False
    )
    assert (
        rules.programme_trainee_eligible(
            programme_seconds=14 * half, absent_seconds=2 * half, assessment_failed=False
        )
        is False
    )
    assert (
        rules.programme_trainee_eligible(
            programme_seconds=14 * half, absent_seconds=half, assessment_failed=False
        )
        is True
    )
    assert (
        rules.programme_trainee_eligible(programme_seconds=10 * H, absent_seconds=0, assessment_failed=True)
        is False
    )


def test_max_seconds_for_range_inclusive():
    assert rules.max_seconds_for_range(dt.date(2025, 1, 1), dt.date(2025, 1, 1)) == 8 * H
    assert rules.max_seconds_for_range(dt.date(2024, 12, 31), dt.date(2025, 1, 1)) == 16 * H
    assert rules.is_whole_half_days(12 * H) and not rules.is_whole_half_days(5 * H)


facts = st.lists(
    st.builds(
        RecordFact,
        id=st.integers(1, 10_000),
        category=st.sampled_from(rules.CATEGORIES),
        status=st.sampled_from([APPROVED, PENDING, REJECTED]),
        seconds=st.integers(1, 200 * H),
        end_date=st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        created_at=st.integers(0, 1000),
        zero_reason=st.sampled_from(["", "", "", "failed_assessment"]),
    ),
    max_size=40,
    unique_by=lambda f: f.id,
)
caps = st.fixed_dictionaries({c: st.one_of(st.none(), st.integers(0, 100 * H)) for c in rules.CATEGORIES})


@given(records=facts, cap_map=caps, leader=st.booleans())
def test_properties_of_any_year(records, cap_map, leader):
    """Invariants: effective = min(total, cap) per category; per-record parts add up; effective ≤ total."""
    policy = Policy(caps=cap_map)
    result = compute_year(records, policy, leader=leader)
    for category, cat in result.categories.items():
        approved = [r for r in records if r.category == category and r.status == APPROVED]
        assert cat.total == sum(r.credited for r in approved)
        assert cat.effective == rules.effective_total(cat.total, cap_map[category])
        assert sum(result.record_effective[r.id] for r in approved) == cat.effective
        assert 0 <= cat.effective <= cat.total
    assert result.total == sum(c.total for c in result.categories.values())
    for bucket in result.buckets.values():
        assert bucket.met == (bucket.effective >= bucket.required)
