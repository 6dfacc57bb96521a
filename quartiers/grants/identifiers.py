"""French identifiers of associations: SIRET / SIREN (Luhn) and RNA number.

La Poste's establishments (SIREN 356 000 000) are numbered outside the Luhn rule: their SIRET
is valid when the sum of its 14 digits is a multiple of 5 (INSEE's documented exception).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

LA_POSTE_SIREN = "356000000"
RNA_PATTERN = re.compile(r"^W\d{9}$")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def identifier_clean(value: str) -> str:
    """Drop the spaces, dots and dashes people type between groups of digits."""
    return re.sub(r"[\s.\-\u00a0\u202f]", "", value or "").upper()


def siren_check(value: str) -> str:
    siren = identifier_clean(value)
    if not re.fullmatch(r"\d{9}", siren):
        raise ValidationError(f"Le SIREN « {value} » doit compter exactement 9 chiffres.")
    if not luhn_valid(siren):
        raise ValidationError(
            f"Le SIREN « {value} » n'est pas valide (clé de contrôle de Luhn incorrecte) : "
            "vérifiez-le sur l'avis de situation INSEE."
        )
    return siren


def siret_check(value: str) -> str:
    """The cleaned SIRET, or a French ValidationError."""
    siret = identifier_clean(value)
    if not re.fullmatch(r"\d{14}", siret):
        raise ValidationError(f"Le SIRET « {value} » doit compter exactement 14 chiffres.")
    if siret.startswith(LA_POSTE_SIREN):
        if luhn_valid(siret) or sum(int(c) for c in siret) % 5 == 0:
            return siret
        raise ValidationError(
            f"Le SIRET « {value} » (La Poste) n'est pas valide : la somme de ses chiffres "
            "doit être un multiple de 5."
        )
    if not luhn_valid(siret):
        raise ValidationError(
            f"Le SIRET « {value} » n'est pas valide (clé de contrôle de Luhn incorrecte) : "
            "vérifiez-le sur l'avis de situation INSEE."
        )
    siren_check(siret[:9])
    return siret


def siren_of(siret: str) -> str:
    return identifier_clean(siret)[:9]


def rna_check(value: str) -> str:
    """The RNA number (`W` + 9 digits), cleaned; blank stays blank (Alsace-Moselle, old files)."""
    rna = identifier_clean(value)
    if not rna:
        return ""
    if not RNA_PATTERN.fullmatch(rna):
        raise ValidationError(
            f"Le numéro RNA « {value} » doit s'écrire W suivi de 9 chiffres (ex. W595001234)."
        )
    return rna
