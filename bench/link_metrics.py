"""Scores of a linking against the truth: harmful merges, pairwise precision/recall, B-cubed, review."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from link.cluster import pair_key


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


@dataclass(frozen=True)
class LinkScore:
    """What one linking run got right and wrong."""

    mentions: int
    dossiers: int
    harmful_dossiers: int  # dossiers holding two or more identities
    trap_merges: int  # namesake or brother pairs put into one dossier
    trap_pairs: int
    precision: float  # pairwise, automatic links
    recall: float
    bcubed_precision: float
    bcubed_recall: float
    missed_pairs: int  # dossier pairs that should be one, not joined
    missed_in_review: int  # ... of which the review queue asks

    @property
    def bcubed_f1(self) -> float:
        p, r = self.bcubed_precision, self.bcubed_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def review_share(self) -> float:
        return self.missed_in_review / self.missed_pairs if self.missed_pairs else 1.0

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("mentions / dossiers", f"{self.mentions} / {self.dossiers}"),
            ("harmful dossiers (2+ people)", str(self.harmful_dossiers)),
            ("namesake/brother traps merged", f"{self.trap_merges} of {self.trap_pairs}"),
            ("pairwise precision (automatic)", f"{self.precision:.4f}"),
            ("pairwise recall (automatic)", f"{self.recall:.4f}"),
            (
                "B-cubed P / R / F1",
                f"{self.bcubed_precision:.4f} / {self.bcubed_recall:.4f} / {self.bcubed_f1:.4f}",
            ),
            (
                "missed joins asked in review",
                f"{self.missed_in_review} of {self.missed_pairs} ({self.review_share:.3f})",
            ),
        ]


def score(
    truth: dict[str, int],
    assignment: dict[str, str],
    traps: Iterable[tuple[int, int]],
    review: Iterable[tuple[str, str]],
) -> LinkScore:
    """``truth``: mention -> identity; ``assignment``: mention -> dossier; ``traps``: identity pairs that
    must stay apart; ``review``: (mention, mention) pairs the review queue asks."""
    clusters: dict[str, list[str]] = defaultdict(list)
    for mention, dossier in assignment.items():
        clusters[dossier].append(mention)
    identities: dict[int, list[str]] = defaultdict(list)
    for mention, ident in truth.items():
        identities[ident].append(mention)
    predicted = sum(_pairs(len(ms)) for ms in clusters.values())
    true = sum(_pairs(len(ms)) for ms in identities.values())
    correct = 0
    harmful = 0
    bp = br = 0.0
    together: set[tuple[int, int]] = set()
    for members in clusters.values():
        counts = Counter(truth[m] for m in members)
        correct += sum(_pairs(c) for c in counts.values())
        harmful += len(counts) > 1
        keys = sorted(counts)
        together.update((x, y) for i, x in enumerate(keys) for y in keys[i + 1 :])
        for ident, c in counts.items():
            bp += c * (c / len(members))
            br += c * (c / len(identities[ident]))
    trap_set = {pair_key(str(a), str(b)) for a, b in traps}
    merged_traps = sum(pair_key(str(x), str(y)) in trap_set for x, y in together)
    missed, asked = _missed(identities, assignment, review)
    n = len(truth)
    return LinkScore(
        mentions=n,
        dossiers=len(clusters),
        harmful_dossiers=harmful,
        trap_merges=merged_traps,
        trap_pairs=len(trap_set),
        precision=correct / predicted if predicted else 1.0,
        recall=correct / true if true else 1.0,
        bcubed_precision=bp / n if n else 1.0,
        bcubed_recall=br / n if n else 1.0,
        missed_pairs=missed,
        missed_in_review=asked,
    )


def _missed(
    identities: dict[int, list[str]], assignment: dict[str, str], review: Iterable[tuple[str, str]]
) -> tuple[int, int]:
    """Dossier pairs holding one identity that were not joined, and how many of them review asks."""
    asked = {pair_key(assignment[a], assignment[b]) for a, b in review if a in assignment and b in assignment}
    missed: set[tuple[str, str]] = set()
    for members in identities.values():
        dossiers = sorted({assignment[m] for m in members})
        missed.update((x, y) for i, x in enumerate(dossiers) for y in dossiers[i + 1 :])
    return len(missed), len(missed & asked)


def rss_mib() -> float:
    """Peak resident memory of this process, MiB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], object]) -> float:
    """Seconds ``fn`` takes (process CPU and wall are close here: one thread)."""
    import time

    began = time.perf_counter()
    fn()
    return time.perf_counter() - began
