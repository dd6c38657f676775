"""The refusals of skills: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank.errors import Conflict, InvalidInput, NotFound, Refusal

DUPLICATE_SKILL = Refusal(
    "duplicate_skill",
    Conflict,
    fr="La compétence « {code} » existe déjà.",
    en="Skill '{code}' already exists.",
    field="code",
)

INVALID_ESCO_URI = Refusal(
    "invalid_esco_uri",
    InvalidInput,
    fr="URI ESCO invalide (elle commence par {esco_uri_prefix}).",
    en="Invalid ESCO URI (it starts with {esco_uri_prefix}).",
    field="esco_uri",
)

INVALID_SKILL_CODE = Refusal(
    "invalid_skill_code",
    InvalidInput,
    fr="Code de compétence invalide : « {code} » (minuscules, chiffres et tirets).",
    en="Invalid skill code: '{code}' (lower case, digits and hyphens).",
    field="code",
)

SKILL_NOT_FOUND = Refusal(
    "skill_not_found",
    NotFound,
    fr="Compétence introuvable : {id}.",
    en="Skill not found: {id}.",
)

UNKNOWN_DOMAIN = Refusal(
    "unknown_domain",
    InvalidInput,
    fr="Domaine inconnu : « {domain} ».",
    en="Unknown domain: '{domain}'.",
    field="domain",
)

UNKNOWN_SKILL = Refusal(
    "unknown_skill",
    InvalidInput,
    fr="Compétence inconnue : « {code} ».",
    en="Unknown skill: '{code}'.",
)
