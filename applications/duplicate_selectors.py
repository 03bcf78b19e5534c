"""Reads of evidence duplicates (证明材料重复): two applications of one enterprise that carry
the same file (the same SHA-256 of the content), and the reviewer's decision on the pair.

A pair is *flagged* while both applications are submitted (not drafts) and no reviewer has
decided it; the decision (``EvidenceMatch``) says whether the two are the same matter (grouped
as one matter for 就高不重复 in proposal runs: ``same_matter_labels``) or different (the flag is
cleared). Flags are computed from the stored files, so removing the shared file removes the
flag. Only reviewers see flags, and only between applications they may both see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from accounts.access import is_city_reviewer, is_county_officer
from applications.models import (
    Application,
    ApplicationStatus,
    Evidence,
    EvidenceMatch,
    EvidenceMatchDecision,
)
from applications.selectors import application_visible_qs, is_reviewer

S = ApplicationStatus


def can_decide(user: Any) -> bool:
    """County officers and the city reviewer decide duplicates (in their scope)."""
    return is_county_officer(user) or is_city_reviewer(user)


def pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class EvidenceDuplicate:
    """Another application of the same enterprise that carries one of this one's files."""

    pk: int
    year: int
    measure: str
    status_label: str
    matter: str
    files: tuple[str, ...]  # this application's files that the other one carries too
    decision: str  # "" (open), "same" or "different"
    decision_label: str
    comment: str
    decided_by: str


def _shared(applications: list[int]) -> dict[tuple[int, int], set[str]]:
    """For each pair (one of ``applications``, another non-draft application of the same
    enterprise) the SHA-256s they share."""
    mine = Evidence.objects.filter(application_id__in=applications).values_list(
        "application_id", "application__enterprise_id", "sha256"
    )
    wanted: dict[tuple[int, str], set[int]] = defaultdict(set)
    for app_id, enterprise_id, sha in mine:
        wanted[enterprise_id, sha].add(app_id)
    if not wanted:
        return {}
    others = (
        Evidence.objects.filter(
            sha256__in={sha for _, sha in wanted},
            application__enterprise_id__in={e for e, _ in wanted},
        )
        .exclude(application__status=S.DRAFT)
        .values_list("application_id", "application__enterprise_id", "sha256")
    )
    shared: dict[tuple[int, int], set[str]] = defaultdict(set)
    for other_id, enterprise_id, sha in others:
        for app_id in wanted.get((enterprise_id, sha), ()):
            if app_id != other_id:
                shared[app_id, other_id].add(sha)
    return shared


def evidence_duplicates_for(*, user: Any, application: Application) -> list[EvidenceDuplicate]:
    """This application's evidence duplicates the reviewer may see (others they cannot see are
    left out); none for an enterprise user or a draft."""
    if not is_reviewer(user) or application.status == S.DRAFT:
        return []
    shared = _shared([application.pk])
    if not shared:
        return []
    other_ids = [o for _, o in shared]
    others = {
        o.pk: o for o in application_visible_qs(user=user).filter(pk__in=other_ids).order_by("pk")
    }
    decisions = {
        (m.first_id, m.second_id): m
        for m in EvidenceMatch.objects.filter(
            first_id__in=[*other_ids, application.pk], second_id__in=[*other_ids, application.pk]
        ).select_related("decided_by")
    }
    names: dict[str, str] = dict(
        application.evidence.values_list("sha256", "original_name").order_by("-pk")
    )
    out = []
    for (_, other_id), shas in sorted(shared.items()):
        other = others.get(other_id)
        if other is None:
            continue
        decision = decisions.get(pair(application.pk, other_id))
        out.append(
            EvidenceDuplicate(
                pk=other.pk,
                year=other.round.year,
                measure=other.measure,
                status_label=str(S(other.status).label),
                matter=other.matter,
                files=tuple(sorted(names.get(sha, sha[:12]) for sha in shas)),
                decision=decision.decision if decision else "",
                decision_label=str(EvidenceMatchDecision(decision.decision).label)
                if decision
                else "",
                comment=decision.comment if decision else "",
                decided_by=str(decision.decided_by or "") if decision else "",
            )
        )
    return out


def evidence_flag_counts(*, applications: list[Application]) -> dict[int, int]:
    """For review lists: how many undecided evidence duplicates each non-draft application has."""
    ids = [a.pk for a in applications if a.status != S.DRAFT]
    if not ids:
        return {}
    shared = _shared(ids)
    if not shared:
        return {}
    decided = set(
        EvidenceMatch.objects.filter(
            first_id__in={pair(*p)[0] for p in shared}, second_id__in={pair(*p)[1] for p in shared}
        ).values_list("first_id", "second_id")
    )
    counts: dict[int, int] = defaultdict(int)
    for app_id, other_id in shared:
        if pair(app_id, other_id) not in decided:
            counts[app_id] += 1
    return dict(counts)


def shared_evidence(first: int, second: int) -> set[str]:
    """The SHA-256s two applications both carry (empty: nothing to decide)."""
    a = set(Evidence.objects.filter(application_id=first).values_list("sha256", flat=True))
    b = set(Evidence.objects.filter(application_id=second).values_list("sha256", flat=True))
    return a & b


def same_matter_labels(applications: Iterable[Application]) -> dict[int, str]:
    """For a proposal run: the matter label each application is grouped under because a
    reviewer decided it is the same matter as another application (transitively).

    The label is the matter of the smallest-id application of the group that has one, else
    ``申报#<id>证明材料`` (the smallest id); applications in no such group are left out.
    """
    apps = list(applications)
    enterprises = {a.enterprise_id for a in apps}
    if not enterprises:
        return {}
    links = EvidenceMatch.objects.filter(
        decision=EvidenceMatchDecision.SAME, first__enterprise_id__in=enterprises
    ).values_list("first_id", "second_id")
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    if not parent:
        return {}
    members: dict[int, list[int]] = defaultdict(list)
    for x in list(parent):
        members[root(x)].append(x)
    for r in list(members):
        members[r].append(r)
    matters = dict(
        Application.objects.filter(pk__in=[x for m in members.values() for x in m]).values_list(
            "pk", "matter"
        )
    )
    labels: dict[int, str] = {}
    for group in members.values():
        ordered = sorted(set(group))
        label = next((matters[x] for x in ordered if matters.get(x)), f"申报#{ordered[0]}证明材料")
        for x in ordered:
            labels[x] = label
    wanted = {a.pk for a in apps}
    return {pk: label for pk, label in labels.items() if pk in wanted}
