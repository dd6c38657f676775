"""Remote pairs priced without enumerating them.

Where a need allows remote work and a volunteer accepts it, only language, skills and company
decide eligibility, and at national scale those pairs are nearly all the eligible pairs (about
180 M for 100 000 volunteers and 20 000 needs). Remote volunteers are grouped by (language, a
set of up to three skills, their levels on that set). A need asking for those skills at or below
those levels values every member of the group at least at the same score, so with each group
ordered by the volunteers' dual values, "which volunteers are worth more than the duals say" is
one binary search per (need, group), and the best of them is the group's first member.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations, product
from typing import Any, Final

import numpy as np

from matching.large.candidates import NeedView

GROUP_SKILLS_MAX: Final = 3  # Needs asking for more skills are priced by enumeration.
LEVEL_TOP: Final = 4
_NONE: Final = 4095  # "No skill" in a key's skill slot; skill numbers stay below it.
_SKILL_BITS: Final = 12
_LEVEL_BITS: Final = 4
_U_SHIFT: Final = 40  # Sorted key = group number × 2⁴⁰ + dual value (duals stay below 2⁴⁰).
QUERIES_PER_GROUP: Final = 3  # A group's best needs offered to each of its members.
FIRST_MEMBERS_CHECKED: Final = 1000  # Looking for the best member of another company.


@dataclass(frozen=True, slots=True)
class RemotePricing:
    """Remote pairs worth more than the duals: some as columns, and the bound's share."""

    volunteer: Any  # Columns found (company rule applied), exact value per hour.
    need: Any
    value: Any
    need_excess: Any  # Per need: largest remote value above both duals (≥ 0, for the bound).
    volunteer_excess: Any  # Per volunteer: the same, seen from the volunteer's side.


def _tuple_code(language: Any, skills: list[Any]) -> Any:
    code = language
    for slot in range(GROUP_SKILLS_MAX):
        code = (code << _SKILL_BITS) | (skills[slot] if slot < len(skills) else _NONE)
    return code


def _levels_code(levels: list[Any]) -> Any:
    code = 0
    for slot in range(GROUP_SKILLS_MAX):
        code = (code << _LEVEL_BITS) | (levels[slot] if slot < len(levels) else 0)
    return code


def is_grouped(need: NeedView) -> bool:
    """Whether the groups price this need's remote pairs (else they are enumerated)."""
    return need.remote and 0 < len(need.skills) <= GROUP_SKILLS_MAX


class RemoteGroups:
    """Remote-accepting volunteers grouped by (language, skill set, levels), and per need the
    groups it values, with the score it gives each (exact for the skills in the group)."""

    def __init__(
        self,
        *,
        skills: Sequence[dict[str, int]],
        languages: Sequence[frozenset[str]],
        hours: Sequence[int],
        remote: Sequence[bool],
        company: Any,
        needs: Sequence[NeedView],
        need_company: Any,
    ) -> None:
        codes = sorted({s for d in skills for s in d} | {s for n in needs for s, _, _ in n.skills})
        assert len(codes) < _NONE, "too many distinct skills for the group keys"
        skill_number = {code: i for i, code in enumerate(codes)}
        language_number = {
            code: i
            for i, code in enumerate(
                sorted({x for ls in languages for x in ls} | {n.language for n in needs})
            )
        }
        self.company = company
        needs_count = len(need_company)
        self.grouped_needs = [n for n in needs if is_grouped(n)]
        # Every (volunteer, skill number, level) held, and the same as a dense matrix
        # (volunteer × skill number) for exact values of the pairs found.
        held_by, held_skill, held_level = [], [], []
        for position, held in enumerate(skills):
            for code, level in held.items():
                held_by.append(position)
                held_skill.append(skill_number[code])
                held_level.append(level)
        flat = (
            np.array(held_by, dtype=np.int64),
            np.array(held_skill, dtype=np.int64),
            np.array(held_level, dtype=np.int64),
        )
        self.levels = np.zeros((len(skills), max(1, len(codes))), dtype=np.int8)
        self.levels[flat[0], flat[1]] = flat[2]
        # Needs' skills padded to three slots (weight 0 in empty slots).
        self.need_skill = np.zeros((needs_count, GROUP_SKILLS_MAX), dtype=np.int64)
        self.need_min = np.ones((needs_count, GROUP_SKILLS_MAX), dtype=np.int64)
        self.need_weight = np.zeros((needs_count, GROUP_SKILLS_MAX), dtype=np.int64)
        self.need_priority = np.zeros(needs_count, dtype=np.int64)
        self.need_company = need_company
        for n in self.grouped_needs:
            required = sorted((skill_number[s], m, w) for s, m, w in n.skills)
            for slot, (s, m, w) in enumerate(required):
                self.need_skill[n.position, slot] = s
                self.need_min[n.position, slot] = m
                self.need_weight[n.position, slot] = w
            self.need_priority[n.position] = n.priority
        query_need, query_key, query_score = self._query_keys(language_number)
        # Groups are formed only on the skill sets some need asks for (any levels).
        wanted = np.unique(query_key >> (_LEVEL_BITS * GROUP_SKILLS_MAX))
        self._group_members(flat, languages, hours, remote, language_number, wanted)
        # The queries that reach a group that has members.
        if len(self.keys):
            group = np.minimum(np.searchsorted(self.keys, query_key), len(self.keys) - 1)
            found = self.keys[group] == query_key
        else:
            group = np.zeros(len(query_key), dtype=np.int64)
            found = np.zeros(len(query_key), dtype=bool)
        self.query_need = query_need[found]
        self.query_group = group[found]
        self.query_score = query_score[found]

    def _group_members(
        self,
        flat: tuple[Any, Any, Any],
        languages: Sequence[frozenset[str]],
        hours: Sequence[int],
        remote: Sequence[bool],
        language_number: dict[str, int],
        wanted_codes: Any,
    ) -> None:
        # Remote volunteers with hours, their skills in skill-number order, one row per
        # language they speak; by number of skills, so that subsets are taken column-wise.
        held_by, held_skill, held_level = flat
        offered = np.asarray(remote, dtype=bool) & (np.asarray(hours, dtype=np.int64) > 0)
        usable = offered[held_by]
        held_by, held_skill, held_level = held_by[usable], held_skill[usable], held_level[usable]
        order = np.lexsort((held_skill, held_by))
        held_by, held_skill, held_level = held_by[order], held_skill[order], held_level[order]
        volunteers, first, count = np.unique(held_by, return_index=True, return_counts=True)
        spoken = [
            (i, language_number[x]) for i, v in enumerate(volunteers.tolist()) for x in languages[v]
        ]
        speaker = np.array([i for i, _ in spoken], dtype=np.int64)
        spoken_language = np.array([x for _, x in spoken], dtype=np.int64)
        keys, members = [], []
        for skills_count in np.unique(count).tolist():
            rows = np.flatnonzero(count[speaker] == skills_count)
            volunteer = speaker[rows]
            held = first[volunteer][:, None] + np.arange(skills_count)
            positions = volunteers[volunteer]
            language_numbers = spoken_language[rows]
            skill_matrix, level = held_skill[held], held_level[held]
            for size in range(1, min(GROUP_SKILLS_MAX, skills_count) + 1):
                for subset in combinations(range(skills_count), size):
                    code = _tuple_code(language_numbers, [skill_matrix[:, c] for c in subset])
                    keep = np.isin(code, wanted_codes)
                    if not keep.any():
                        continue
                    key = (code << (_LEVEL_BITS * GROUP_SKILLS_MAX)) | _levels_code(
                        [level[:, c] for c in subset]
                    )
                    keys.append(key[keep])
                    members.append(positions[keep])
        key_all = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        member_all = np.concatenate(members) if members else np.zeros(0, dtype=np.int64)
        order = np.lexsort((member_all, key_all))
        self.keys, starts = np.unique(key_all[order], return_index=True)
        self.member = member_all[order]
        self.group_of = np.repeat(
            np.arange(len(self.keys)), np.diff(np.append(starts, len(order)))
        ).astype(np.int64)
        self.group_start = starts.astype(np.int64)
        self.group_size = np.diff(np.append(starts, len(order))).astype(np.int64)

    def _query_keys(self, language_number: dict[str, int]) -> tuple[Any, Any, Any]:
        """Every group key a grouped need values, with the score it gives its members (need
        position, key, score): subsets of the need's skills, at each level from the need's
        minimum up to the top.

        Computed per number of required skills, pattern by pattern (a subset of the three
        slots and a level offset for each) over all such needs at once, then put back in the
        order of the loop it stands for (need, subset size, subset, levels)."""
        positions = np.array([n.position for n in self.grouped_needs], dtype=np.int64)
        counts = np.array([len(n.skills) for n in self.grouped_needs], dtype=np.int64)
        languages = np.array(
            [language_number[n.language] for n in self.grouped_needs], dtype=np.int64
        )
        parts: list[tuple[Any, Any, Any, Any]] = []  # (need order, pattern order, key, score)
        for count in range(1, GROUP_SKILLS_MAX + 1):
            chosen = np.flatnonzero(counts == count)
            if not len(chosen):
                continue
            rows = positions[chosen]
            minimum, weight = self.need_min[rows], self.need_weight[rows]
            pattern = 0
            for size in range(1, count + 1):
                for subset in combinations(range(count), size):
                    code = _tuple_code(
                        languages[chosen], [self.need_skill[rows, c] for c in subset]
                    )
                    for offsets in product(range(LEVEL_TOP), repeat=size):
                        levels = [minimum[:, c] + o for c, o in zip(subset, offsets, strict=True)]
                        valid = np.logical_and.reduce([lv <= LEVEL_TOP for lv in levels])
                        if valid.any():
                            key = (code << (_LEVEL_BITS * GROUP_SKILLS_MAX)) | _levels_code(levels)
                            score: Any = sum(
                                weight[:, c] * (1 + o) for c, o in zip(subset, offsets, strict=True)
                            )
                            parts.append(
                                (
                                    chosen[valid],
                                    np.full(int(valid.sum()), pattern),
                                    key[valid],
                                    score[valid],
                                )
                            )
                        pattern += 1
        if not parts:
            nothing = np.zeros(0, dtype=np.int64)
            return nothing, nothing.copy(), nothing.copy()
        need_order, pattern_order, keys, scores = (
            np.concatenate([part[i] for part in parts]) for i in range(4)
        )
        order = np.lexsort((pattern_order, need_order))
        return positions[need_order[order]], keys[order], scores[order]

    def __len__(self) -> int:
        return len(self.member)

    def pairs_at_most(self) -> int:
        """An upper bound on the remote pairs of grouped needs (a volunteer counts once per
        group of the need it sits in)."""
        return int(self.group_size[self.query_group].sum())

    def value(self, volunteer: Any, need: Any) -> Any:
        """Exact value per hour of (volunteer, need) pairs of grouped needs."""
        total = np.zeros(len(volunteer), dtype=np.int64)
        for slot in range(GROUP_SKILLS_MAX):
            level = self.levels[volunteer, self.need_skill[need, slot]].astype(np.int64)
            total += self.need_weight[need, slot] * np.maximum(
                0, level - self.need_min[need, slot] + 1
            )
        return total * self.need_priority[need]

    def price(self, u: Any | None, w: Any | None, per_query: int | None) -> RemotePricing:
        """Remote pairs of grouped needs worth more than the duals (zero duals: all of them):
        up to `per_query` per (need, group), spread over the group so that needs valuing the
        same group take different volunteers, and each need's largest excess for the bound."""
        needs_count = len(self.need_priority)
        u_of = np.zeros(len(self.company), dtype=np.int64) if u is None else u
        w_of = np.zeros(needs_count, dtype=np.int64) if w is None else w
        # Members ordered by dual within each group (groups stay in key order).
        order = np.lexsort((u_of[self.member], self.group_of))
        member = self.member[order]
        member_u = u_of[member]
        sorted_key = self.group_of * (1 << _U_SHIFT) + member_u
        qn, qg = self.query_need, self.query_group
        worth = self.need_priority[qn] * self.query_score - w_of[qn]  # Value above w, by query.
        start = self.group_start[qg]
        below = (
            np.searchsorted(sorted_key, qg * (1 << _U_SHIFT) + np.maximum(worth, 0), "left") - start
        )
        # The group's best member (lowest dual) not of the need's own company; past the first
        # FIRST_MEMBERS_CHECKED, the first member stands in (a valid, looser bound).
        size = self.group_size[qg]
        best_u = np.full(len(qn), -1, dtype=np.int64)
        pending = np.arange(len(qn))
        for k in range(FIRST_MEMBERS_CHECKED):
            pending = pending[k < size[pending]]
            if not len(pending):
                break
            rows = start[pending] + k
            other = self.company[member[rows]] != self.need_company[qn[pending]]
            best_u[pending[other]] = member_u[rows[other]]
            pending = pending[~other]
        best_u[pending] = member_u[start[pending]]
        valued = best_u >= 0
        excess = np.zeros(needs_count, dtype=np.int64)
        np.maximum.at(excess, qn[valued], (worth - best_u)[valued])
        # Columns: up to per_query members below the threshold (all when None), from a
        # rotating offset so that needs valuing the same group take different volunteers.
        take = below if per_query is None else np.minimum(below, per_query)
        live = np.flatnonzero(take > 0)
        counts = take[live]
        query_of = np.repeat(live, counts)
        step = np.arange(len(query_of)) - np.repeat(np.cumsum(counts) - counts, counts)
        offset = (qn[query_of] * (per_query or 0)) % below[query_of]
        rows = start[query_of] + (offset + step) % below[query_of]
        v, n = member[rows], qn[query_of]
        keep = self.company[v] != self.need_company[n]
        v, n = v[keep], n[keep]
        best_v, best_n, volunteer_excess = self._volunteers_best(worth, u_of)
        v, n = np.concatenate([v, best_v]), np.concatenate([n, best_n])
        return RemotePricing(v, n, self.value(v, n), excess, volunteer_excess)

    def _volunteers_best(self, worth: Any, u: Any) -> tuple[Any, Any, Any]:
        """Each volunteer's best grouped needs above the duals, seen from its groups: every
        group's QUERIES_PER_GROUP best needs are offered to all its members. Also each
        volunteer's largest remote excess (for the volunteer-side bound), exact unless a
        group's best needs are all of the volunteer's own company (then looser, still valid)."""
        qg = self.query_group
        order = np.argsort(qg * (1 << 32) + ((1 << 31) - np.clip(worth, -(1 << 30), 1 << 30)))
        ranked_group = qg[order]
        starts = np.flatnonzero(np.r_[True, ranked_group[1:] != ranked_group[:-1]])
        rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        top = order[rank < QUERIES_PER_GROUP]
        # Per group, its top queries; then every member × its group's top queries.
        per_group = np.bincount(qg[top], minlength=len(self.keys))
        first_of_group = np.r_[0, np.cumsum(per_group)[:-1]]
        top = top[np.argsort(qg[top], kind="stable")]
        counts = per_group[self.group_of]
        entry = np.repeat(np.arange(len(self.member)), counts)
        step = np.arange(len(entry)) - np.repeat(np.cumsum(counts) - counts, counts)
        query = top[first_of_group[self.group_of[entry]] + step]
        v, n = self.member[entry], self.query_need[query]
        reduced = worth[query] - u[v]
        own = self.company[v] == self.need_company[n]
        # Own-company needs are not eligible. When a group's best needs are all of the
        # volunteer's company and the group has more, its first one counts anyway (a looser,
        # valid bound); when it has no more, the group offers the volunteer nothing.
        other_seen = np.bincount(entry, ~own, minlength=len(self.member)) > 0
        more = np.bincount(qg, minlength=len(self.keys)) > QUERIES_PER_GROUP
        relaxed = ~other_seen & more[self.group_of]
        shown = ~own | (relaxed[entry] & (step == 0))
        volunteer_excess = np.zeros(len(self.company), dtype=np.int64)
        np.maximum.at(volunteer_excess, v[shown], reduced[shown])
        keep = (reduced > 0) & ~own
        return v[keep], n[keep], volunteer_excess
