"""What the press kit « Engagements Quartiers 2030 » (préfecture du Nord, mars 2024) says about
programmes, measures and dispositifs — its wording, its figures, nothing else.

Conventions (docs/programmes.md): « d'ici 2027 » / « horizon 2027 » → deadline 31 December
2027; « automne 2024 » → the last day of autumn, 20 December 2024; a count « en 2023 » →
baseline dated 31 December 2023. A figure the press kit does not give is left empty.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from quartiers.programmes.choices import DispositifKind, Scope, TargetMode, Theme

PRESS_KIT = "Dossier de presse « Engagements Quartiers 2030 », préfecture du Nord, mars 2024"
END_2027 = date(2027, 12, 31)
NORD_NOTE = "Engagement présenté pour les quartiers prioritaires du Nord par le dossier de presse"

PROGRAMMES: list[dict[str, object]] = [
    {
        "code": "engagements-quartiers-2030",
        "name": "Engagements Quartiers 2030",
        "description": "Mobilisation renforcée de toutes les politiques publiques au profit des "
        "quartiers prioritaires (emploi, santé, transition écologique) : exemples de mesures.",
        "responsible_body": "État",
    },
    {
        "code": "entrepreneuriat-quartiers-2030",
        "name": "Entrepreneuriat Quartiers 2030",
        "description": "Porté par Bpifrance : 456 millions d'euros mobilisés sur 4 ans pour "
        "soutenir la création d'entreprises dans les quartiers, notamment via 600 M d'euros de "
        "prêts d'honneur et de prêts bonifiés. Objectifs nationaux à horizon 2027.",
        "responsible_body": "Bpifrance",
        "start_year": 2024,
        "end_year": 2027,
    },
    {
        "code": "fonds-vert",
        "name": "Fonds vert",
        "description": "Soutien à l'investissement des collectivités locales dans la transition "
        "écologique.",
        "responsible_body": "État",
    },
    {
        "code": "mediateurs-sante",
        "name": "Adultes-relais médiateurs santé",
        "description": "Dispositif-phare santé, en cohérence avec le Programme régional de santé.",
        "dispositif_kind": DispositifKind.HEALTH_MEDIATOR,
        "declared_total": 24,
        "declared_scope": "Nord",
        "declared_source": f"{PRESS_KIT} : « 24 médiateurs-santé sont actifs sur le territoire »",
    },
    {
        "code": "programmes-reussite-educative",
        "name": "Programmes de réussite éducative",
        "description": "Suivi individualisé d'enfants de la maternelle au lycée résidant en "
        "quartier prioritaire et présentant des signes de fragilité.",
        "dispositif_kind": DispositifKind.PRE,
        "declared_total": 34,
        "declared_scope": "Nord",
        "declared_source": f"{PRESS_KIT} : « 34 programmes de réussite éducative dans le Nord »",
    },
    {
        "code": "cites-educatives",
        "name": "Cités éducatives",
        "description": "Fédérer tous les acteurs autour de l'école, de la crèche à l'insertion "
        "professionnelle ; de nouvelles cités éducatives seront déployées.",
        "dispositif_kind": DispositifKind.EDUCATIONAL_CITY,
        "declared_total": 15,
        "declared_scope": "Nord",
        "declared_source": f"{PRESS_KIT} : « Le département compte également 15 cités éducatives »",
    },
    {
        "code": "ateliers-sante-ville",
        "name": "Ateliers Santé Ville",
        "description": "Dispositif-phare santé, en cohérence avec le Programme régional de santé.",
        "dispositif_kind": DispositifKind.HEALTH_WORKSHOP,
    },
    {
        "code": "contrats-locaux-sante",
        "name": "Contrats locaux de santé",
        "description": "Dispositif-phare santé, en cohérence avec le Programme régional de santé.",
        "dispositif_kind": DispositifKind.LOCAL_HEALTH_CONTRACT,
    },
    {
        "code": "contrats-locaux-sante-mentale",
        "name": "Contrats locaux de santé mentale",
        "description": "Dispositif-phare santé, en cohérence avec le Programme régional de santé.",
        "dispositif_kind": DispositifKind.MENTAL_HEALTH_CONTRACT,
    },
    {
        "code": "maisons-sante-pluriprofessionnelles",
        "name": "Maisons de santé pluriprofessionnelles",
        "description": "Dispositif de droit commun dont le déploiement sera intensifié dans les "
        "quartiers prioritaires par l'ARS et l'Assurance Maladie.",
        "responsible_body": "ARS et Assurance Maladie",
        "dispositif_kind": DispositifKind.HEALTH_CENTRE,
    },
]


def _nord(code: str, theme: str, label: str, unit: str, **extra: object) -> dict[str, object]:
    return {
        "programme": "engagements-quartiers-2030",
        "code": code,
        "theme": theme,
        "label": label,
        "source_text": label,
        "unit": unit,
        "scope": Scope.DEPARTEMENT,
        "scope_note": NORD_NOTE,
        **extra,
    }


def _eq2030(code: str, label: str, target: int, unit: str, text: str, **extra: object):
    return {
        "programme": "entrepreneuriat-quartiers-2030",
        "code": code,
        "theme": Theme.ENTREPRENEURSHIP,
        "label": label,
        "unit": unit,
        "target_value": Decimal(target),
        "deadline": END_2027,
        "deadline_label": "horizon 2027",
        "scope": Scope.NATIONAL,
        "scope_note": "Objectif national du programme (toute la France)",
        "responsible_body": "Bpifrance",
        "source_text": text,
        **extra,
    }


_CAP_CREA = "Bpifrance et réseaux du collectif Cap Créa"
_CITESLAB = (
    "Les CitésLab, relais humains dédiés à la détection et à la préparation des porteurs de "
    "projets. Objectifs à horizon 2027: 200 CitésLab ; 70 000 personnes détectées ; 1 100 "
    "quartiers couverts."
)
_BUS = (
    "Les « Bus Entrepreneuriat pour tous », permettant de toucher les populations sur leur lieu "
    "de vie. Objectifs à horizon 2027 : 40 « Bus Entrepreneuriat pour tous » ; 60 000 personnes "
    "détectées ; 1 300 quartiers couverts."
)
_CARREFOURS = (
    "Les Fabriques à Entreprendre - Carrefours de l'Entrepreneuriat, lieu unique réunissant les "
    "solutions pour les porteurs de projets et créateurs d'entreprises. Objectifs à horizon "
    "2027: 40 Carrefours ; 80 000 personnes sensibilisées et détectées"
)
_FLASH = (
    "Un nouveau prêt bonifié Flash, (100% digital) à destination des TPE de plus de 3 ans. "
    "Objectifs à horizon 2027 : 3 000 TPE financées 150 M€ de prêts accordés."
)
_FONDS_VERT_2023 = (
    "Par ailleurs, en 2023, 118 actions de rénovation énergétique ont mobilisé le Fond Vert "
    "dans les quartiers prioritaires (source DDTM) dont 12 concernaient des établissements "
    "scolaires."
)

MEASURES: list[dict[str, object]] = [
    _nord(
        "places-creches",
        Theme.EMPLOYMENT,
        "Augmenter de 5 % le nombre de places en crèches d'ici 2027",
        "places",
        target_mode=TargetMode.RELATIVE_PERCENT,
        target_change=Decimal(5),
        deadline=END_2027,
        deadline_label="d'ici 2027",
    ),
    _nord(
        "aides-permis",
        Theme.EMPLOYMENT,
        "Développer des aides au permis de conduire pour les jeunes",
        "aides",
    ),
    _nord(
        "vehicules-prix-modique",
        Theme.EMPLOYMENT,
        "Mettre à disposition des véhicules en location à prix modique pour des personnes à "
        "très faibles ressources qui retrouvent un emploi, une formation ou un stage",
        "véhicules",
    ),
    _nord(
        "immersions-entreprise",
        Theme.EMPLOYMENT,
        "Proposer des immersions en entreprise pour faire découvrir aux jeunes les métiers des "
        "secteurs en tension",
        "immersions",
    ),
    _nord(
        "camion-depistage",
        Theme.HEALTH,
        "Favoriser la prévention des cancers par la mise en place par le département, l'ARS et "
        "l'État d'un camion de dépistage à l'automne 2024",
        "camion",
        target_value=Decimal(1),
        deadline=date(2024, 12, 20),
        deadline_label="automne 2024",
        responsible_body="Département du Nord, ARS et État",
    ),
    _nord(
        "maisons-sport-sante",
        Theme.HEALTH,
        "Déployer des maisons sport-santé pour proposer une activité physique adaptée sur "
        "prescription médicale",
        "maisons sport-santé",
    ),
    _nord(
        "micro-fermes-jardins",
        Theme.ECOLOGY,
        "Créer des micro-fermes et des jardins partagés",
        "micro-fermes et jardins",
    ),
    _nord(
        "energie-familles",
        Theme.ECOLOGY,
        "Accompagner les familles dans la réduction de leur consommation d'énergie avec des "
        "solutions adaptées",
        "familles accompagnées",
    ),
    _nord(
        "fonds-vert-part-qpv",
        Theme.ECOLOGY,
        "Mobiliser au moins 15 % des crédits du fonds vert au profit des quartiers prioritaires",
        "%",
        programme="fonds-vert",
        target_mode=TargetMode.THRESHOLD,
        target_value=Decimal(15),
        source_text="Soutenir l'investissement des collectivités locales dans la transition "
        "écologique en mobilisant au moins 15 % des crédits du fonds vert au profit des "
        "quartiers prioritaires",
    ),
    _nord(
        "fonds-vert-renovation",
        Theme.ECOLOGY,
        "Actions de rénovation énergétique financées par le Fonds vert dans les quartiers "
        "prioritaires",
        "actions",
        programme="fonds-vert",
        baseline_value=Decimal(118),
        baseline_date=date(2023, 12, 31),
        baseline_note="année 2023 (source DDTM)",
        source_text=_FONDS_VERT_2023,
        scope_note="Quartiers prioritaires du Nord (source DDTM)",
    ),
    _nord(
        "fonds-vert-renovation-ecoles",
        Theme.ECOLOGY,
        "dont actions concernant des établissements scolaires",
        "actions",
        programme="fonds-vert",
        baseline_value=Decimal(12),
        baseline_date=date(2023, 12, 31),
        baseline_note="année 2023 (source DDTM)",
        source_text=_FONDS_VERT_2023,
        scope_note="Quartiers prioritaires du Nord (source DDTM)",
    ),
    _nord(
        "couverture-mediateurs-sante",
        Theme.HEALTH,
        "Couvrir 100 % des quartiers prioritaires par un médiateur santé d'ici à 2030",
        "%",
        programme="mediateurs-sante",
        target_value=Decimal(100),
        deadline=date(2030, 12, 31),
        deadline_label="d'ici à 2030",
        coverage_kind=DispositifKind.HEALTH_MEDIATOR,
        baseline_note="24 médiateurs-santé actifs (mars 2024) ; part des QPV couverts non "
        "renseignée",
        source_text="24 médiateurs-santé sont actifs sur le territoire avec un objectif dans le "
        "cadre de la nouvelle programmation de 100 % de couverture d'ici à 2030.",
        scope_note="Quartiers prioritaires du Nord (géographie 2024)",
    ),
    _eq2030("eq2030-citeslab", "CitésLab", 200, "CitésLab", _CITESLAB),
    _eq2030(
        "eq2030-citeslab-detectes", "Personnes détectées (CitésLab)", 70_000, "personnes", _CITESLAB
    ),
    _eq2030(
        "eq2030-citeslab-quartiers", "Quartiers couverts (CitésLab)", 1_100, "quartiers", _CITESLAB
    ),
    _eq2030("eq2030-bus", "« Bus Entrepreneuriat pour tous »", 40, "bus", _BUS),
    _eq2030(
        "eq2030-bus-detectes",
        "Personnes détectées (Bus Entrepreneuriat pour tous)",
        60_000,
        "personnes",
        _BUS,
    ),
    _eq2030(
        "eq2030-bus-quartiers",
        "Quartiers couverts (Bus Entrepreneuriat pour tous)",
        1_300,
        "quartiers",
        _BUS,
    ),
    _eq2030("eq2030-carrefours", "Carrefours de l'Entrepreneuriat", 40, "Carrefours", _CARREFOURS),
    _eq2030(
        "eq2030-carrefours-personnes",
        "Personnes sensibilisées et détectées (Carrefours de l'Entrepreneuriat)",
        80_000,
        "personnes",
        _CARREFOURS,
    ),
    _eq2030(
        "eq2030-accompagnements",
        "Accompagnements renforcés des réseaux (Cap Créa)",
        50_000,
        "accompagnements",
        "Le renforcement des actions des réseaux du collectif Cap Créa pour adapter leur "
        "accompagnement à la nature du besoin des entrepreneurs. Objectifs à horizon 2027 : "
        "50 000 accompagnement renforcés Réseaux.",
        responsible_body=_CAP_CREA,
    ),
    _eq2030(
        "eq2030-prets-honneur",
        "Prêts d'honneur « Quartiers »",
        30_000,
        "prêts d'honneur",
        "Un nouveau prêt d'honneur « Quartiers » déployé par les réseaux financeurs du "
        "collectif Cap Créa, pour répondre massivement aux besoins de fonds propres des "
        "créateurs. Objectifs à horizon 2027 : 30 000 prêts d'honneur.",
        responsible_body=_CAP_CREA,
    ),
    _eq2030(
        "eq2030-projets-innovants",
        "Projets innovants accompagnés et financés (French "
        "Tech Tremplin, bourse French Tech Quartier)",
        1_000,
        "projets",
        "Des actions renforcées en soutien aux projets innovants, grâce au programme French "
        "Tech Tremplin avec une nouvelle bourse French Tech Quartier favorisant l'émergence "
        "de start-up ambitieuses. Objectifs à horizon 2027 : 1 000 projets innovant "
        "accompagnés et financés.",
    ),
    _eq2030("eq2030-flash-tpe", "TPE financées par le prêt bonifié Flash", 3_000, "TPE", _FLASH),
    _eq2030("eq2030-flash-montant", "Prêts Flash accordés", 150, "M€", _FLASH),
    _eq2030(
        "eq2030-fonds-commerces",
        "Fonds en investissement (dont fonds commerces) : total levé",
        200,
        "M€",
        "Un nouveau fonds en investissement qui souscrirait notamment dans un fonds "
        "commerces, pour accompagner la création de commerces de proximité en quartiers "
        "prioritaires de la ville, notamment sous forme de franchise. Objectifs à horizon "
        "2027 : total levés 200 M€.",
    ),
    _eq2030(
        "eq2030-fast-track",
        "Entrepreneurs à fort potentiel accompagnés (Fast Track to Cash)",
        2_500,
        "entrepreneurs",
        "Une équipe Fast Track to Cash sera mise en place par Bpifrance. Objectifs à horizon "
        "2027 : 2 500 entrepreneurs à fort potentiel accompagnés dans leur recherche de "
        "financement.",
    ),
]
