"""Qualifiers, units, metrics, subjects, sources, periods and traps, field by field."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from claimwatch_extract.extractor import extract_article
from claimwatch_extract.lexicons import Lang
from claimwatch_schemas import Article, Claim, Evidence, Qualifier, claim_id_for, figure_key


def claims(text: str, lang: Lang) -> list[Claim]:
    return extract_article(Article(text=text, language=lang)).claims


def one(text: str, lang: Lang) -> Claim:
    found = claims(text, lang)
    assert len(found) == 1, [(c.value, c.unit) for c in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "lang", "qualifier"),
    [
        ("Russland hat mindestens 1150 Soldaten verloren.", "de", Qualifier.AT_LEAST),
        ("Russland hat mehr als 1150 Soldaten verloren.", "de", Qualifier.MORE_THAN),
        ("Russland hat über 1150 Soldaten verloren.", "de", Qualifier.MORE_THAN),
        ("Russland hat rund 1150 Soldaten verloren.", "de", Qualifier.ABOUT),
        ("Russland hat ca. 1150 Soldaten verloren.", "de", Qualifier.ABOUT),
        ("Russland hat knapp 1150 Soldaten verloren.", "de", Qualifier.ABOUT),
        ("Russland hat bis zu 1150 Soldaten verloren.", "de", Qualifier.UP_TO),
        ("Russland hat weniger als 1150 Soldaten verloren.", "de", Qualifier.FEWER_THAN),
        ("Russland hat insgesamt 1150 Soldaten verloren.", "de", Qualifier.EXACT),
        ("Russland hat insgesamt rund 1150 Soldaten verloren.", "de", Qualifier.ABOUT),
        ("Russia lost at least 1,150 soldiers.", "en", Qualifier.AT_LEAST),
        ("Russia lost nearly 1,150 soldiers.", "en", Qualifier.ABOUT),
        ("Russia lost some 1,150 soldiers.", "en", Qualifier.ABOUT),
        ("Russia lost as many as 1,150 soldiers.", "en", Qualifier.UP_TO),
        ("Russia lost fewer than 1,150 soldiers.", "en", Qualifier.FEWER_THAN),
        ("Russia lost 1,150 soldiers or more.", "en", Qualifier.AT_LEAST),
        ("Russia lost thousands of soldiers.", "en", Qualifier.AT_LEAST),
        ("Russia lost between 1,000 and 1,200 soldiers.", "en", Qualifier.RANGE),
    ],
)
def test_qualifiers(text: str, lang: Lang, qualifier: Qualifier) -> None:
    assert one(text, lang).qualifier is qualifier


def test_qualifier_and_metric_carry_over_a_list() -> None:
    found = claims("Russland verlor über 10.000 Panzer und 20.000 gepanzerte Fahrzeuge.", "de")
    assert [(c.value, c.qualifier, c.unit, c.metric) for c in found] == [
        (10_000, Qualifier.MORE_THAN, "tanks", "lost"),
        (20_000, Qualifier.MORE_THAN, "armored_vehicles", "lost"),
    ]


@pytest.mark.parametrize(
    ("text", "lang", "unit", "metric", "subject"),
    [
        (
            "Rutte sprach von 600.000 getöteten oder verwundeten russischen Soldaten.",
            "de",
            "soldiers",
            "killed_or_wounded",
            "RU",
        ),
        (
            "Mehr als 600.000 russische Soldaten wurden getötet oder verwundet.",
            "de",
            "soldiers",
            "killed_or_wounded",
            "RU",
        ),
        ("Bei dem Angriff gab es mindestens einen Toten in Kiew.", "de", "people", "killed", "UA"),
        ("Nordkorea hat Tausende Soldaten nach Russland geschickt.", "de", "soldiers", "deployed", "KP"),
        (
            "Nordkorea plant, insgesamt rund 12.000 Soldaten einzusetzen.",
            "de",
            "soldiers",
            "planned_deployment",
            "KP",
        ),
        ("Ukrainian air defences shot down 40 Russian drones.", "en", "drones", "intercepted", "RU"),
        ("Seven people were killed in Kharkiv, officials said.", "en", "people", "killed", "UA"),
        ("Russia launched 112 drones at Ukraine overnight.", "en", "drones", "launched", "RU"),
        ("Germany will send 14 tanks to Ukraine.", "en", "tanks", "supplied", "DE"),
        ("North Korea has sent 10,000 troops to Russia.", "en", "soldiers", "deployed", "KP"),
        ("Ukrainian forces destroyed 14 tanks near Bakhmut.", "en", "tanks", "lost", "RU"),
        ("Die ukrainische Armee will 2077 russische Panzer abgeschossen haben.", "de", "tanks", "lost", "RU"),
        ("In Litauen sind bislang etwa 400 deutsche Soldaten vor Ort.", "de", "soldiers", "deployed", "DE"),
        (
            "Some 11,000 North Korean soldiers are in Russia's Kursk region.",
            "en",
            "soldiers",
            "deployed",
            "KP",
        ),
        (
            "Derzeit sind rund 11.000 nordkoreanische Soldaten in der Region Kursk.",
            "de",
            "soldiers",
            "deployed",
            "KP",
        ),
    ],
)
def test_unit_metric_subject(text: str, lang: Lang, unit: str, metric: str, subject: str) -> None:
    c = one(text, lang)
    assert (c.unit, c.metric, c.subject) == (unit, metric, subject)


def test_out_of_is_a_partitive() -> None:
    found = claims("Ukraine downs 24 out of 37 Russian missiles, the air force says.", "en")
    assert [(c.value, c.unit, c.metric) for c in found] == [
        (24, "missiles", "intercepted"),
        (37, "missiles", "launched"),
    ]


@pytest.mark.parametrize(
    ("text", "lang", "source"),
    [
        (
            "„Mehr als 600.000 russische Soldaten wurden getötet“, sagte Generalsekretär Mark Rutte.",
            "de",
            "Mark Rutte",
        ),
        (
            "Laut dem südkoreanischen Geheimdienst hat Nordkorea Tausende Soldaten geschickt.",
            "de",
            "südkoreanischer Geheimdienst",
        ),
        (
            "Berichten des südkoreanischen Geheimdienstes zufolge hat Nordkorea 12.000 Soldaten geschickt.",
            "de",
            "südkoreanischer Geheimdienst",
        ),
        (
            "Nach Angaben des ukrainischen Generalstabs verlor Russland 1.270 Soldaten.",
            "de",
            "ukrainischer Generalstab",
        ),
        ("Berichten zufolge gibt es mindestens einen Toten in Kiew.", "de", None),
        ("Nach ukrainischen Angaben verlor Russland 1.200 Soldaten.", "de", "Ukraine"),
        ("Russland soll israelischen Angaben zufolge 1.200 Soldaten verloren haben.", "de", "Israel"),
        ("Russia lost 1,200 soldiers, according to Ukrainian figures.", "en", "Ukraine"),
        ("UN: Bis zu 1,2 Millionen Menschen auf der Flucht", "de", "UN"),
        (
            "Bei dem Angriff sind nach Behördenangaben mindestens 51 Menschen getötet worden.",
            "de",
            "Behörden",
        ),
        ("Nach israelischen Militärangaben feuerte der Iran 370 Raketen ab.", "de", "israelisches Militär"),
        (
            "Die Vereinten Nationen haben seit 2022 mehr als 11.700 getötete Zivilisten registriert.",
            "de",
            "UN",
        ),
        ("Das SEM rechnet mit 18.000 neuen Flüchtlingen.", "de", "SEM"),
        ("Auf Grundlage von Erbschaftsregistern wurden 140.000 Soldaten getötet.", "de", None),
        ("Russia lost 1,270 soldiers, according to NATO.", "en", "NATO"),
        ("Russia lost 1,270 soldiers, Ukraine's General Staff said.", "en", "Ukrainian General Staff"),
        ("Russia has lost 1,270 soldiers, analyst Michael Kofman estimated.", "en", "Michael Kofman"),
        ("Nach UN-Angaben sind 20.000 Menschen aus der Stadt geflohen.", "de", "UN"),
        ("Die Weltbank beziffert die Schäden auf 4 Milliarden Dollar.", "de", "Weltbank"),
        ("Russia lost 1,270 soldiers, Qatar's foreign ministry said.", "en", "Qatari Foreign Ministry"),
        (
            "South Korea's National Intelligence Service said 300 North Korean soldiers had been killed.",
            "en",
            "South Korean intelligence",
        ),
        (
            "Landeshauptfrau Anna Beispiel sagte, 900 Gebäude seien beschädigt worden.",
            "de",
            "Anna Beispiel",
        ),
    ],
)
def test_sources(text: str, lang: Lang, source: str | None) -> None:
    assert one(text, lang).source == source


def test_a_capitalised_first_word_is_no_speaker() -> None:
    assert one("Early reports from a volunteer group put the death toll at 61.", "en").source is None


def test_the_army_said_points_back_only_to_an_army() -> None:
    found = claims(
        "The health ministry said 61 people were killed. "
        "The army said on Saturday that 78 civilians were killed in the attack.",
        "en",
    )
    assert [(c.value, c.source) for c in found] == [(61, "health ministry"), (78, "military")]


def test_source_carries_to_the_next_sentence_by_anaphor() -> None:
    found = claims(
        "Laut der NATO verlor Russland 1000 Panzer. Demnach wurden zudem 500 Drohnen zerstört.", "de"
    )
    assert [c.source for c in found] == ["NATO", "NATO"]


def test_fact_box_takes_the_source_of_its_last_line() -> None:
    found = claims("Verluste im Überblick\nPanzer: 1.200\nDrohnen: 3.400\nQuelle: Nato\n", "de")
    assert [(c.value, c.source) for c in found] == [(1200, "NATO"), (3400, "NATO")]


def test_budget_money_has_no_subject() -> None:
    assert one("Russland nahm 2024 rund 100 Milliarden Dollar aus dem Ölexport ein.", "de").subject is None


@pytest.mark.parametrize(
    ("text", "lang", "period"),
    [
        ("Russland hat an nur einem Tag mindestens 1150 Soldaten verloren.", "de", "P1D"),
        ("Russland verlor in 24 Stunden 1150 Soldaten.", "de", "P1D"),
        ("Russia lost 1,150 soldiers per day.", "en", "P1D"),
        ("Russia launched 112 drones overnight.", "en", "P1D"),
        ("Die Luftwaffe meldete in der Nacht 35 russische Kampfdrohnen.", "de", "P1D"),
        ("The ministry said last month that 200 drones had been launched.", "en", None),
        ("Russia recruits 30,000 soldiers a month.", "en", "P1M"),
        ("Die Ukraine erhielt jährlich 2 Millionen Granaten.", "de", "P1Y"),
        ("Russia fires three million shells a year.", "en", "P1Y"),
        ("Moskau meldete 524 ukrainische Drohnen in drei Tagen.", "de", "P3D"),
        ("Russland hat seit Kriegsbeginn 600.000 Soldaten verloren.", "de", None),
    ],
)
def test_periods(text: str, lang: Lang, period: str | None) -> None:
    assert one(text, lang).period == period


def test_location_uses_english_exonyms() -> None:
    assert one("Bei einem Angriff auf Kiew wurden sieben Menschen getötet.", "de").location == "Kyiv"


def test_untracked_plain_count() -> None:
    c = one("Vertreter der 32 NATO-Staaten berieten in Brüssel.", "de")
    assert (c.value, c.unit, c.metric, c.tracked, c.subject) == (32, "countries", "count", False, None)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Hegseth nannte die Rückkehr zu den Grenzen von 2014 unrealistisch.", "de"),
        ("Die Ukraine erhält weitere Leopard 2 und F-16 sowie Su-34-Wracks.", "de"),
        ("Am 12. Februar 2025 sprach der 42-jährige Minister.", "de"),
        ("Die Zustimmung liegt bei 30 Prozent.", "de"),
        ("Rufen Sie 030 1234567 an, siehe Seite 12.", "de"),
        ("He was first elected in 2000 and is now 71 years old.", "en"),
        ("Turnout was 77 percent and 99% of the votes were counted.", "en"),
        ("The 3rd brigade moved 12 km at 9:30 a.m. on page 4.", "en"),
        ("The F-16 and the Su-34 are aircraft models, as is the MiG-29.", "en"),
        ("Ein russischer Soldat sagte, er sei müde.", "de"),
    ],
)
def test_traps_are_no_claims(text: str, lang: Lang) -> None:
    assert claims(text, lang) == []


def test_claim_identity_and_dates() -> None:
    text = "Russland hat mindestens 1150 Soldaten verloren."
    article = Article(id="a1", text=text, language="de", published_at=date(2025, 2, 12))
    c = extract_article(article).claims[0]
    assert c.published_at == datetime(2025, 2, 12, tzinfo=UTC)
    assert c.claim_id == claim_id_for("a1", c.evidence.start, c.evidence.end)
    assert c.figure_key == figure_key(subject="RU", metric="lost", unit="soldiers", period=None, source=None)
    assert text[c.evidence.start : c.evidence.end] == "mindestens 1150 Soldaten"
    assert c.evidence.text == text


def test_claims_are_deterministic_and_ordered() -> None:
    text = "Russland verlor 1000 Panzer und 2000 Soldaten. Die Ukraine verlor 500 Panzer."
    first = claims(text, "de")
    assert first == claims(text, "de")
    assert [c.evidence.start for c in first] == sorted(c.evidence.start for c in first)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "Bei Angriffen im Gazastreifen sind mindestens 38 Menschen getötet worden, darunter elf Kinder.",
            "de",
        ),
        ("More than 120 people, including 24 children, are feared dead.", "en"),
    ],
)
def test_a_part_of_a_toll_shares_its_metric(text: str, lang: Lang) -> None:
    assert [(c.unit, c.metric) for c in claims(text, lang)] == [("people", "killed"), ("children", "killed")]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "The toll rose to 61, with 35 civilians killed in El Fasher and 26 in Zamzam.",
            "en",
            [(61, "people", "killed"), (35, "civilians", "killed"), (26, "civilians", "killed")],
        ),
        (
            "In Charkiw wurden 12 Menschen getötet, in Sumy 5.",
            "de",
            [(12, "people", "killed"), (5, "people", "killed")],
        ),
    ],
)
def test_a_bare_number_for_another_place_repeats_the_figure(
    text: str, lang: Lang, expected: list[tuple[float, str, str]]
) -> None:
    assert [(c.value, c.unit, c.metric) for c in claims(text, lang)] == expected


def test_a_daily_report_with_its_running_total() -> None:
    found = claims(
        "Russia has lost about 1,320 soldiers in the past 24 hours, bringing its total losses since "
        "the full-scale invasion to 812,560, Ukraine's General Staff said. Russia also lost 12 tanks, "
        "28 armored fighting vehicles and 41 artillery systems.",
        "en",
    )
    assert [(c.value, c.unit, c.metric, c.period) for c in found] == [
        (1320, "soldiers", "lost", "P1D"),
        (812_560, "soldiers", "lost", None),
        (12, "tanks", "lost", None),
        (28, "armored_vehicles", "lost", None),
        (41, "artillery_systems", "lost", None),
    ]


def test_a_verb_before_and_belongs_to_the_figure_it_closes() -> None:
    found = claims("Roughly 300 North Korean soldiers had been killed and 2,700 injured.", "en")
    assert [(c.value, c.metric) for c in found] == [(300, "killed"), (2700, "wounded")]


def test_including_a_bare_number_is_part_of_the_tracked_figure() -> None:
    found = claims(
        "Air defences destroyed 47 Ukrainian drones over seven regions, including 19 over Kursk.", "en"
    )
    assert [(c.value, c.unit, c.metric) for c in found if c.tracked] == [
        (47, "drones", "intercepted"),
        (19, "drones", "intercepted"),
    ]


def test_claims_are_valid_models() -> None:
    """Claims are built without validation (speed): every field must still be of its type."""
    text = (
        "Laut dem ukrainischen Generalstab hat Russland seit Kriegsbeginn rund 600.000 Soldaten verloren. "
        "Zwischen 20 und 30 Panzer wurden zerstört, teilte die Armee am Montag mit."
    )
    found = claims(text, "de") + claims("Hamas said 1,200 people were killed and dozens wounded.", "en")
    assert found
    for claim in found:
        dumped = claim.model_dump()
        assert Claim.model_validate(dumped).model_dump() == dumped
        assert Claim.model_validate_json(claim.model_dump_json()).model_dump(mode="json") == claim.model_dump(
            mode="json"
        )
        assert type(claim.value) is float
        assert type(claim.evidence.start) is int


def test_a_daily_report_fact_box_with_deltas() -> None:
    found = claims(
        "Russia's combat losses, according to the General Staff of Ukraine's Armed Forces:\n"
        "Tanks: 10,942 (+3)\n"
        "Armored fighting vehicles: 22,803 (+9)\n",
        "en",
    )
    assert [(c.value, c.unit, c.metric, c.subject, c.period, c.source) for c in found] == [
        (10_942, "tanks", "lost", "RU", None, "Ukrainian General Staff"),
        (3, "tanks", "lost", "RU", "P1D", "Ukrainian General Staff"),
        (22_803, "armored_vehicles", "lost", "RU", None, "Ukrainian General Staff"),
        (9, "armored_vehicles", "lost", "RU", "P1D", "Ukrainian General Staff"),
    ]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Seoul puts North Korean casualties at 4,900.", "en", (4900, "soldiers", "killed_or_wounded")),
        ("Russia's losses in personnel have reached 1,010,370.", "en", (1_010_370, "soldiers", "lost")),
        ("51 killed in past 24 hours as strikes continue", "en", (51, "people", "killed")),
        ("Die Verluste der russischen Armee stiegen auf 1.010.370.", "de", (1_010_370, "soldiers", "lost")),
    ],
)
def test_a_bare_number_takes_the_noun_linked_to_it(
    text: str, lang: Lang, expected: tuple[float, str, str]
) -> None:
    c = one(text, lang)
    assert (c.value, c.unit, c.metric) == expected


def test_up_from_and_remain_repeat_the_figure() -> None:
    found = claims(
        "Losses averaged 1,180 soldiers per day in May, up from 1,060 in April. "
        "The quake killed 2,886 people, while 373 remain missing.",
        "en",
    )
    assert [(c.value, c.unit, c.metric) for c in found] == [
        (1180, "soldiers", "lost"),
        (1060, "soldiers", "lost"),
        (2886, "people", "killed"),
        (373, "people", "missing"),
    ]


def test_military_nouns_elided_compounds_and_a_comma_closing_a_verb() -> None:
    found = claims(
        "Mehr als 1.500 Hisbollah-Kämpfer wurden getötet, fünf Blauhelme verletzt. "
        "Die USA liefern mehrere Hundert Aufklärungs- und Kampfdrohnen.",
        "de",
    )
    assert [(c.value, c.unit, c.metric) for c in found] == [
        (1500, "soldiers", "killed"),
        (5, "soldiers", "wounded"),
        (100, "drones", "supplied"),
    ]


def test_a_qualifier_does_not_cross_a_comma_and() -> None:
    found = claims("The package includes about a dozen interceptors, and five peacekeepers were hurt.", "en")
    assert [(c.value, c.unit, c.qualifier) for c in found] == [
        (12, "missiles", Qualifier.ABOUT),
        (5, "soldiers", Qualifier.EXACT),
    ]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Brent kostete 75,40 US-Dollar je Barrel.", "de"),
        ("Die Aktie des Rüstungskonzerns stieg auf 1 786 Euro.", "de"),
        ("The shares closed at $12.35 on Monday.", "en"),
    ],
)
def test_prices_are_no_figures(text: str, lang: Lang) -> None:
    assert claims(text, lang) == []


def test_a_sentence_ending_in_a_number_is_no_ordinal() -> None:
    found = claims(
        "In Thailand stieg die Zahl der Todesopfer auf 21. In Bangkok stürzte ein Hochhaus ein.", "de"
    )
    assert [(c.value, c.unit, c.metric) for c in found] == [(21, "people", "killed")]


def test_a_year_is_no_range_start() -> None:
    found = claims("Oil revenue rose in 2025 to 8.48 trillion roubles.", "en")
    assert [(c.value, c.value_max, c.unit) for c in found] == [(8.48e12, None, "rub")]


def test_a_bare_body_takes_its_country_from_earlier_in_the_article() -> None:
    found = claims(
        "The Israeli military said it struck 40 targets. Four soldiers were killed, the military said.", "en"
    )
    assert [(c.value, c.source) for c in found] == [(40, "Israeli military"), (4, "Israeli military")]


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("The UN migration agency IOM said 65,000 people have fled.", "IOM"),
        ("Gaza's health ministry said 61,158 people had been killed.", "Gaza health ministry"),
        ("Save the Children said around 190 children arrived alone.", "Save the Children"),
        ("IDF: 4 soldiers killed", "Israeli military"),
        ("About 5.9 million refugees were recorded, according to the U.N. refugee agency UNHCR.", "UNHCR"),
        ("A total of 4.3 million people held temporary protection status, Eurostat data show.", "Eurostat"),
        ("The U.N. human rights monitoring mission has verified the deaths of 14,775 civilians.", "OHCHR"),
    ],
)
def test_named_sources(text: str, source: str) -> None:
    assert one(text, "en").source == source


def test_victims_of_a_disaster_belong_to_the_place() -> None:
    c = one("In Mandalay wurden mehr als 4.500 Menschen verletzt.", "de")
    assert (c.subject, c.location) == ("MM", "Mandalay")


def test_the_islamic_republic_is_iran() -> None:
    c = one("Die Islamische Republik hat rund 370 ballistische Raketen abgefeuert.", "de")
    assert (c.unit, c.metric, c.subject) == ("missiles", "launched", "IR")


def test_a_list_that_goes_on_after_a_loss_sentence() -> None:
    found = claims(
        "Insgesamt beziffert Kiew die russischen Verluste auf 1.161.420 Soldaten. "
        "Dazu kommen nach ukrainischer Zählung 11.328 Panzer und 23.541 gepanzerte Kampffahrzeuge.",
        "de",
    )
    assert [(c.value, c.metric, c.subject, c.location) for c in found] == [
        (1_161_420, "lost", "RU", None),
        (11_328, "lost", "RU", None),
        (23_541, "lost", "RU", None),
    ]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Alle vier Moskauer Flughäfen wurden geschlossen.", "de", [(4, "flughaefen")]),
        ("Die Stadt richtete 12 Feldküchen ein.", "de", [(12, "feldkuechen")]),
        ("Die Stadt richtete 12 Notunterkünfte ein.", "de", [(12, "shelters")]),
        (
            "All four Moscow airports were closed and nearly 300 temporary shelters opened.",
            "en",
            [(4, "airports"), (300, "shelters")],
        ),
        ("Er ist 45 Jahre alt und kam vor zwei Jahrzehnten, zwei Drittel davon in Kiew.", "de", []),
        ("The bill passed with 311 votes after 22 months of war.", "en", []),
    ],
)
def test_any_other_counted_noun_is_a_plain_count(
    text: str, lang: Lang, expected: list[tuple[float, str]]
) -> None:
    found = claims(text, lang)
    assert [(c.value, c.unit) for c in found] == expected
    assert all(not c.tracked and c.metric == "count" and c.subject is None for c in found)


def test_another_and_over_a_region_repeat_the_figure() -> None:
    found = claims(
        "Russia launched 112 drones; 81 were shot down and another 35 were lost. "
        "Air defences downed 140 drones, 94 over the Moscow region.",
        "en",
    )
    assert [(c.value, c.unit) for c in found] == [
        (112, "drones"),
        (81, "drones"),
        (35, "drones"),
        (140, "drones"),
        (94, "drones"),
    ]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("More than half a million people have fled.", "en", [(500_000, "people", "displaced")]),
        ("Ein kambodschanischer Soldat wurde getötet.", "de", [(1, "soldiers", "killed")]),
        ("One person was killed in the attack.", "en", [(1, "people", "killed")]),
        ("It was one of the largest attacks since the 11 September 2001 attacks.", "en", []),
        (
            "Russia hit nine sites and four air bases.",
            "en",
            [(9, "targets", "attacks"), (4, "targets", "attacks")],
        ),
    ],
)
def test_half_a_million_one_and_targets(
    text: str, lang: Lang, expected: list[tuple[float, str, str]]
) -> None:
    assert [(c.value, c.unit, c.metric) for c in claims(text, lang)] == expected


def test_qualifiers_stay_with_their_number() -> None:
    found = claims(
        "Russia fired 415 drones and more than 40 missiles. They were downed over 11 regions.", "en"
    )
    assert [(c.value, c.qualifier) for c in found] == [
        (415, Qualifier.EXACT),
        (40, Qualifier.MORE_THAN),
        (11, Qualifier.EXACT),
    ]


def test_when_something_was_said_is_no_period() -> None:
    assert one("The ministry said last week that 200 soldiers had been sent.", "en").period is None


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Pakistan said five Indian jets were shot down.", "en", ("aircraft", "lost")),
        ("Germany pledged a further €105 million for demining.", "en", ("eur", "aid")),
        ("Allies have given Kyiv weapons worth more than $100 billion.", "en", ("usd", "supplied")),
        ("At least 2,900 bodies have been recovered in Goma.", "en", ("people", "killed")),
        ("Gangs kidnapped 185 people in Port-au-Prince.", "en", ("people", "captured")),
        ("Russia launched 60 drones; 40 were shot down and another 20 were lost.", "en", ("drones", "lost")),
    ],
)
def test_metric_conventions(text: str, lang: Lang, expected: tuple[str, str]) -> None:
    c = claims(text, lang)[-1]
    assert (c.unit, c.metric) == expected


def test_missiles_that_struck_a_place_were_fired_by_its_enemy() -> None:
    assert one("Zwei ballistische Raketen trafen das Stadtzentrum von Sumy.", "de").subject == "RU"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ('India hit nine "terrorist" sites.', "en", (9, "targets")),
        ("Die Armee tötete mehr als 50 „Terroristen“.", "de", (50, "soldiers")),
    ],
)
def test_quotes_inside_the_noun_phrase(text: str, lang: Lang, expected: tuple[float, str]) -> None:
    c = one(text, lang)
    assert (c.value, c.unit) == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "Ukraine's air force said Russia launched 35 drones, of which 27 drones were destroyed.",
            "en",
            (27, "intercepted", "RU"),
        ),
        (
            "The ministry said 128 drones were destroyed over the Kursk region.",
            "en",
            (128, "intercepted", "UA"),
        ),
        ("Außerdem seien 14 Panzer und 45 Drohnen zerstört worden.", "de", (45, "lost", None)),
    ],
)
def test_drones_destroyed_are_shot_down(
    text: str, lang: Lang, expected: tuple[float, str, str | None]
) -> None:
    c = claims(text, lang)[-1]
    assert (c.value, c.metric, c.subject) == expected


def test_a_population_is_a_plain_count_and_gazas_ministry_is_named() -> None:
    found = claims(
        "Israel's offensive has killed more than 53,000 Palestinians, according to Gaza's Health Ministry. "
        "Some 90% of Gaza's population of roughly 2.1 million has been displaced.",
        "en",
    )
    assert [(c.value, c.unit, c.metric, c.tracked) for c in found] == [
        (53_000, "people", "killed", True),
        (2_100_000, "people", "count", False),
    ]
    assert found[0].source == "Gaza health ministry"


def test_claims_are_what_model_construct_builds() -> None:
    """The claims' fast construction matches pydantic's `model_construct` exactly."""
    text = "Laut dem ukrainischen Generalstab hat Russland seit Kriegsbeginn rund 600.000 Soldaten verloren."
    found = claims(text, "de") + claims("Hamas said 1,200 people were killed and dozens wounded.", "en")
    assert found
    for claim in found:
        given = {name: getattr(claim, name) for name in Claim.model_fields if name != "schema_version"}
        evidence = claim.evidence.model_dump()
        given["evidence"] = Evidence.model_construct(**evidence)
        reference = Claim.model_construct(**given)
        assert list(claim.__dict__) == list(reference.__dict__)
        assert claim == reference
        assert claim.model_fields_set == reference.model_fields_set
        assert claim.evidence.model_fields_set == reference.evidence.model_fields_set
        assert claim.__pydantic_extra__ is None
        assert claim.__pydantic_private__ is None
