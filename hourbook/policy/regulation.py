"""The regulation's figures (人字〔2019〕89号), written once in pure Python.

No Django import, so the pure hours rules (`ledger.rules`) read them as well as the policy's models, forms and
migrations' successors. Everything that needs a category's bucket, a default requirement or cap, or the
answer to "which of two rules is stricter" (第十六条) imports it from here.

- Categories and their buckets (DOMAIN.md, Record categories; 第九条).
- The default requirements: 90 training hours, 110 for 处级及以上, 50 online hours (第八条); the default cap:
  10 hours of 在职自学 (第九条五). A year's policy (`policy.YearPolicy`) starts from these.
- Strictness (第十六条): the higher requirement is the stricter; the lower cap is the stricter, and a cap is
  stricter than none. The leaders' training requirement is never below the ordinary one.
"""

from hourbook.common.hours import SECONDS_PER_HOUR

TRAINING = "training"
ONLINE = "online"
BUCKETS = (TRAINING, ONLINE)

IN_HOUSE = "in_house"
EXTERNAL_TRAINING = "external_training"
SELF_STUDY = "self_study"
STUDY_ABROAD = "study_abroad"
PLATFORM_ONLINE = "platform_online"
EXTERNAL_ONLINE = "external_online"
CATEGORIES = (IN_HOUSE, EXTERNAL_TRAINING, SELF_STUDY, STUDY_ABROAD, PLATFORM_ONLINE, EXTERNAL_ONLINE)

# The bucket each category fills (第八条: surplus in one bucket never fills the other).
CATEGORY_BUCKET: dict[str, str] = {
    IN_HOUSE: TRAINING,
    EXTERNAL_TRAINING: TRAINING,
    SELF_STUDY: TRAINING,
    STUDY_ABROAD: TRAINING,
    PLATFORM_ONLINE: ONLINE,
    EXTERNAL_ONLINE: ONLINE,
}

# 第八条: the yearly requirements, in seconds.
DEFAULT_TRAINING_REQUIRED = 90 * SECONDS_PER_HOUR
DEFAULT_TRAINING_REQUIRED_LEADER = 110 * SECONDS_PER_HOUR
DEFAULT_ONLINE_REQUIRED = 50 * SECONDS_PER_HOUR
# 第九条五: 在职自学 counts at most 10 hours a year; every other category is uncapped by default.
DEFAULT_SELF_STUDY_CAP = 10 * SECONDS_PER_HOUR
DEFAULT_CAPS: dict[str, int | None] = {
    c: DEFAULT_SELF_STUDY_CAP if c == SELF_STUDY else None for c in CATEGORIES
}


def stricter_requirement(a: int | None, b: int | None) -> int | None:
    """第十六条: of two requirements, the higher applies; None (not set) inherits the other."""
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def stricter_cap(a: int | None, b: int | None) -> int | None:
    """第十六条: of two caps, the lower applies; no cap (None) is the loosest of all."""
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def is_looser_requirement(value: int, inherited: int) -> bool:
    """A rule's requirement below what it inherits would loosen it (refused, 第十六条)."""
    return stricter_requirement(value, inherited) != value


def is_looser_cap(value: int | None, inherited: int | None) -> bool:
    """A rule's cap above the inherited cap would loosen it (refused, 第十六条).

    None on the rule's side means "inherit", never "remove the cap", so it is not looser.
    """
    return value is not None and stricter_cap(value, inherited) != value


def leader_requirement(*, ordinary: int, leader: int) -> int:
    """The leaders' training requirement that applies: never below the ordinary one (DOMAIN.md, 第十六条)."""
    return max(ordinary, leader)
