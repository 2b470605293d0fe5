"""Figure identity across languages and names: the key is built from the source's identity."""

from __future__ import annotations

import pytest

from claimwatch_extract.extractor import extract_article
from claimwatch_extract.lexicons import Lang, LexiconError, PersonEntry
from claimwatch_schemas import Article, Claim

NATO = "RU/killed_or_wounded/soldiers/total/nato"


def one(text: str, lang: Lang) -> Claim:
    found = extract_article(Article(text=text, language=lang)).claims
    assert len(found) == 1, [(c.value, c.unit, c.source) for c in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "lang", "source"),
    [
        (
            "In Brüssel sagte Generalsekretär Mark Rutte, es gebe mehr als 600.000 getöteten oder "
            "verwundeten russischen Soldaten.",
            "de",
            "Mark Rutte",
        ),
        (
            "Seit Kriegsbeginn seien mehr als 600.000 russische Soldaten getötet oder verwundet worden, "
            "sagte Nato-Generalsekretär Mark Rutte.",
            "de",
            "Mark Rutte",
        ),
        ("NATO said more than 700,000 Russian soldiers had been killed or wounded.", "en", "NATO"),
        ("Laut der NATO wurden mehr als 700.000 russische Soldaten getötet oder verwundet.", "de", "NATO"),
        (
            "More than 700,000 Russian soldiers have been killed or wounded, "
            "NATO spokeswoman Allison Hart said.",
            "en",
            "Allison Hart",
        ),
    ],
)
def test_nato_and_those_who_speak_for_it_share_one_key(text: str, lang: Lang, source: str) -> None:
    claim = one(text, lang)
    assert claim.source == source  # displayed as written
    assert claim.source_id == "nato"
    assert claim.figure_key == NATO


@pytest.mark.parametrize(
    ("de", "en", "key"),
    [
        (
            "Laut Präsident Wolodymyr Selenskyj wurden 45.000 ukrainische Soldaten getötet.",
            "According to President Volodymyr Zelensky, 45,000 Ukrainian soldiers have been killed.",
            "UA/killed/soldiers/total/zelensky",
        ),
        (
            "Laut dem südkoreanischen Geheimdienst hat Nordkorea rund 11.000 Soldaten "
            "nach Russland geschickt.",
            "North Korea has sent about 11,000 soldiers to Russia, according to South Korean intelligence.",
            "KP/deployed/soldiers/total/kr_intelligence",
        ),
        (
            "Russland hat nach Angaben des ukrainischen Generalstabs 9.000 Panzer verloren.",
            "Russia has lost 9,000 tanks, Ukraine's General Staff said.",
            "RU/lost/tanks/total/ua_general_staff",
        ),
        (
            "Nach Angaben von Kyrylo Budanow hat Nordkorea 11.000 Soldaten nach Russland geschickt.",
            "North Korea has sent 11,000 soldiers to Russia, Kyrylo Budanov said.",
            "KP/deployed/soldiers/total/kyrylo_budanov",
        ),
    ],
)
def test_german_and_english_names_of_one_source_share_one_key(de: str, en: str, key: str) -> None:
    german, english = one(de, "de"), one(en, "en")
    assert german.source != english.source
    assert german.figure_key == english.figure_key == key


def test_unknown_people_and_bare_bodies_fall_back_to_a_slug() -> None:
    claim = one("Mehr als 1.000 Soldaten wurden getötet, sagte der Militärexperte Gustav Gressel.", "de")
    assert (claim.source, claim.source_id) == ("Gustav Gressel", "gustav_gressel")
    assert one("About 500 soldiers were killed, the General Staff said.", "en").source_id == "general_staff"
    assert one("Es starben 500 Soldaten.", "de").source_id is None


def test_a_person_needs_exactly_one_identity() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        PersonEntry(names=["Rutte"])
    with pytest.raises(ValueError, match="exactly one"):
        PersonEntry(names=["Rutte"], id="mark_rutte", speaks_for="nato")
    assert PersonEntry(names=["Rutte"], speaks_for="nato").identity == "nato"
    assert issubclass(LexiconError, ValueError)


@pytest.mark.parametrize(
    ("text", "lang", "source", "source_id"),
    [
        (
            "Seit Beginn der Invasion beziffert Kiew die russischen Verluste auf insgesamt 790.800 Soldaten.",
            "de",
            "Kiew",
            "ua_government",
        ),
        ("Israel says it has killed more than 17,000 militants.", "en", "Israel", "il_government"),
        (
            "Nordkorea hat nach Angaben Südkoreas rund 11.000 Soldaten nach Russland geschickt.",
            "de",
            "Südkorea",
            "kr_government",
        ),
    ],
)
def test_a_country_right_next_to_its_cue_is_the_source(
    text: str, lang: Lang, source: str, source_id: str
) -> None:
    claim = one(text, lang)
    assert (claim.source, claim.source_id) == (source, source_id)


def test_a_country_pledging_or_merely_named_is_no_source() -> None:
    assert one("Schweden kündigte ein Paket von 1,2 Milliarden Euro an.", "de").source is None
    assert one("Die Niederlande sagten 500 Millionen Euro für Drohnen zu.", "de").source is None
