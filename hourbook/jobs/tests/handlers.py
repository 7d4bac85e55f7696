"""Handlers used by the jobs tests."""

CALLS: list[int] = []


def count_to_three(job, progress):
    progress(0, 3)
    for i in range(1, 4):
        progress(i)
    CALLS.append(job.pk)
    return "result.txt", b"done"


def explode(job, progress):
    raise RuntimeError("boom")
