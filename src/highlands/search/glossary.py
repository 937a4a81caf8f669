"""A small Polish ↔ English lexicon of the ecosystem's domain, for keyword query expansion.

The profiles are mostly written in one language and people search in the other.  The
sentence encoder bridges languages semantically; this lexicon lets BM25 do it too for the
domain's core vocabulary (industries, services, helix roles).  It is a general domain
lexicon, not a list of benchmark queries: each line is a dictionary translation.
"""

from __future__ import annotations

from functools import lru_cache

from ..text.analysis import analyze

# (Polish, English); several Polish inflections may point at the same English word.
PAIRS: tuple[tuple[str, str], ...] = (
    ("klaster", "cluster"),
    ("klastry", "clusters"),
    ("klastrze", "cluster"),
    ("stowarzyszenie", "association"),
    ("fundacja", "foundation"),
    ("spółka", "company"),
    ("przedsiębiorstwo", "enterprise"),
    ("przedsiębiorca", "entrepreneur"),
    ("przedsiębiorcy", "entrepreneurs"),
    ("firma", "company"),
    ("koordynator", "coordinator"),
    ("członek", "member"),
    ("członkowie", "members"),
    ("uczelnia", "university"),
    ("uczelnie", "universities"),
    ("urząd", "office"),
    ("urzędy", "offices"),
    ("marszałkowski", "marshal"),
    ("starostwo", "county office"),
    ("powiat", "county"),
    ("lotnisko", "airport"),
    ("uniwersytet", "university"),
    ("politechnika", "technology university"),
    ("instytut", "institute"),
    ("badania", "research"),
    ("badawczy", "research"),
    ("naukowy", "scientific"),
    ("nauka", "science"),
    ("rozwój", "development"),
    ("innowacje", "innovation"),
    ("innowacyjny", "innovative"),
    ("technologia", "technology"),
    ("technologie", "technologies"),
    ("zaawansowane", "advanced"),
    ("przemysł", "industry"),
    ("przemysłowy", "industrial"),
    ("gospodarka", "economy"),
    ("samorząd", "local government"),
    ("gmina", "municipality"),
    ("miasto", "city"),
    ("województwo", "voivodeship region"),
    ("region", "region"),
    ("lubelski", "lublin"),
    ("lubelskie", "lubelskie lublin"),
    ("lubelskiego", "lublin"),
    ("wschodni", "eastern"),
    ("polska", "poland polish"),
    ("szkolenie", "training"),
    ("szkolenia", "training"),
    ("warsztaty", "workshops"),
    ("doradztwo", "consulting advisory"),
    ("doradcze", "advisory consulting"),
    ("dofinansowanie", "funding co-financing"),
    ("finansowanie", "financing funding"),
    ("dotacje", "grants"),
    ("targi", "trade fairs"),
    ("misje", "missions"),
    ("współpraca", "cooperation collaboration"),
    ("partner", "partner"),
    ("podwykonawca", "subcontractor subcontracting"),
    ("podwykonawstwo", "subcontracting"),
    ("zlecenie", "commission outsourcing subcontracting"),
    ("usługi", "services"),
    ("usługa", "service"),
    ("produkty", "products"),
    ("produkcja", "production manufacturing"),
    ("producent", "manufacturer"),
    ("wytwarzanie", "manufacturing"),
    ("informatyka", "information technology it"),
    ("informatyczny", "it"),
    ("teleinformatyczny", "ict"),
    ("oprogramowanie", "software"),
    ("programowanie", "programming software"),
    ("cyfryzacja", "digitization digital"),
    ("cyfrowa", "digital"),
    ("transformacja", "transformation"),
    ("sztuczna inteligencja", "artificial intelligence"),
    ("automatyzacja", "automation"),
    ("robotyka", "robotics"),
    ("przemysł 4.0", "industry 4.0"),
    ("gospodarka obiegu zamkniętego", "circular economy goz"),
    ("odpady", "waste"),
    ("recykling", "recycling reuse"),
    ("ekologiczny", "ecological"),
    ("zrównoważony", "sustainable"),
    ("certyfikacja", "certification"),
    ("energia", "energy"),
    ("energetyka", "energy"),
    ("odnawialne", "renewable"),
    ("odnawialna", "renewable"),
    ("źródła", "sources"),
    ("fotowoltaika", "photovoltaic"),
    ("słoneczna", "solar"),
    ("efektywność energetyczna", "energy efficiency"),
    ("ciepło", "heat heating"),
    ("biogaz", "biogas"),
    ("biomasa", "biomass"),
    ("medycyna", "medicine medical"),
    ("medyczny", "medical"),
    ("zdrowie", "health"),
    ("lekarz", "doctor"),
    ("szpital", "hospital"),
    ("opieka", "care"),
    ("uzdrowisko", "spa wellness"),
    ("rehabilitacja", "rehabilitation"),
    ("biotechnologia", "biotechnology"),
    ("laboratorium", "laboratory"),
    ("żywność", "food"),
    ("rolnictwo", "agriculture"),
    ("rolniczy", "agricultural"),
    ("precyzyjne", "precision"),
    ("precyzyjny", "precision"),
    ("uprawa", "crop cultivation"),
    ("gleba", "soil"),
    ("drewno", "wood"),
    ("drzewny", "wood"),
    ("meble", "furniture"),
    ("meblarski", "furniture"),
    ("stolarka", "joinery"),
    ("tartak", "sawmill"),
    ("las", "forest"),
    ("leśny", "forestry"),
    ("hotel", "hotel"),
    ("hotele", "hotels"),
    ("restauracja", "restaurant"),
    ("restauracje", "restaurants"),
    ("gastronomia", "gastronomy catering restaurants"),
    ("kuchnia", "cuisine"),
    ("kulinarny", "culinary"),
    ("turystyka", "tourism"),
    ("hotelarz", "hotelier"),
    ("moda", "fashion"),
    ("odzież", "clothing fashion"),
    ("projektowanie", "design"),
    ("projektant", "designer"),
    ("tekstylia", "textiles"),
    ("krawiectwo", "tailoring"),
    ("fotonika", "photonics"),
    ("światłowód", "optical fiber"),
    ("światłowody", "optical fiber"),
    ("światłowodowy", "optical fiber"),
    ("optyka", "optics"),
    ("optyczny", "optical"),
    ("laser", "laser"),
    ("czujnik", "sensor"),
    ("czujniki", "sensors"),
    ("lotnictwo", "aviation"),
    ("lotniczy", "aviation aircraft"),
    ("lotnicze", "aviation"),
    ("samolot", "aircraft airplane"),
    ("śmigłowiec", "helicopter"),
    ("śmigłowce", "helicopters"),
    ("lotnisko", "airport"),
    ("port lotniczy", "airport"),
    ("pilot", "pilot"),
    ("aeroklub", "aeroclub"),
    ("motoryzacja", "automotive"),
    ("motoryzacyjny", "automotive"),
    ("samochód", "car vehicle"),
    ("pojazd", "vehicle"),
    ("ciężarówka", "truck"),
    ("maszyny", "machine machinery"),
    ("maszynowy", "machine"),
    ("mechanika", "mechanical engineering"),
    ("elektromaszynowy", "electro-machinery"),
    ("metal", "metal"),
    ("metalowy", "metal"),
    ("obróbka", "processing machining"),
    ("obróbka metali", "metal processing"),
    ("stal", "steel"),
    ("stalowy", "steel"),
    ("hartowanie", "hardening heat treatment"),
    ("spawanie", "welding"),
    ("cięcie", "cutting"),
    ("gięcie", "bending"),
    ("toczenie", "turning machining"),
    ("frezowanie", "milling machining"),
    ("odlewnia", "foundry casting"),
    ("powłoka", "coating"),
    ("powłoki", "coatings"),
    ("malowanie", "painting coating"),
    ("lakierowanie", "painting coating"),
    ("antykorozyjny", "anti-corrosion corrosion"),
    ("antykorozyjne", "anti-corrosion corrosion"),
    ("korozja", "corrosion"),
    ("budownictwo", "construction"),
    ("budowlany", "construction building"),
    ("logistyka", "logistics"),
    ("transport", "transport"),
    ("spedycja", "forwarding"),
    ("ładunki", "cargo"),
    ("magazyn", "warehouse"),
    ("eksport", "export"),
    ("import", "import"),
    ("inwestor", "investor"),
    ("inwestycje", "investment"),
    ("otoczenie biznesu", "business environment"),
    ("instytucje", "institutions"),
    ("park technologiczny", "technology park"),
    ("park naukowo-technologiczny", "technology park"),
    ("inkubator", "incubator"),
    ("startup", "startup"),
    ("organizacje pozarządowe", "ngo"),
    ("pozarządowe", "non-governmental"),
    ("społeczeństwo", "society civil"),
    ("zamknięta", "closed"),
    ("grupa", "group"),
    ("wiedza", "knowledge"),
    ("wymiana", "exchange"),
    ("promocja", "promotion"),
    ("marketing", "marketing"),
    ("sieć", "network"),
    ("sieci", "networks"),
    ("telekomunikacja", "telecommunications"),
    ("bezpieczeństwo", "security safety"),
    ("cyberbezpieczeństwo", "cybersecurity"),
    ("dane", "data"),
    ("chmura", "cloud"),
    ("internet rzeczy", "iot internet of things"),
    ("elektronika", "electronics"),
    ("automatyka", "automation"),
    ("jakość", "quality"),
)


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, tuple[str, ...]]:
    """Stem of each word of either language → analyzed words of its translation."""
    lexicon: dict[str, list[str]] = {}
    for polish, english in PAIRS:
        pl_tokens, en_tokens = analyze(polish), analyze(english)
        # One-word entries translate word for word; phrases only as a whole (see expand()).
        key = " ".join(pl_tokens)
        lexicon.setdefault(key, []).extend(t for t in en_tokens if t not in lexicon.get(key, []))
        back = " ".join(en_tokens)
        lexicon.setdefault(back, []).extend(t for t in pl_tokens if t not in lexicon.get(back, []))
    return {k: tuple(dict.fromkeys(v)) for k, v in lexicon.items()}


@lru_cache(maxsize=1)
def surface_forms() -> dict[str, str]:
    """Stem → a readable word of the lexicon, to explain matches ("hardening", not "harden")."""
    forms: dict[str, str] = {}
    for polish, english in PAIRS:
        for text in (polish, english):
            for word in text.split():
                for token in analyze(word):
                    forms.setdefault(token, word)
    return forms


def expand(tokens: list[str]) -> dict[str, tuple[str, ...]]:
    """Translations of the analyzed query tokens: {source token(s): translated tokens}."""
    lexicon = _lexicon()
    found: dict[str, tuple[str, ...]] = {}
    for size in (3, 2, 1):
        for i in range(len(tokens) - size + 1):
            key = " ".join(tokens[i : i + size])
            if key in lexicon:
                found[key] = tuple(t for t in lexicon[key] if t not in tokens)
    return {k: v for k, v in found.items() if v}
