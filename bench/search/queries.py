"""The fixed mix of 200 search queries (and 200 suggest prefixes) the search
benchmark sends, as toolreg API paths and as the equivalent Meilisearch
request bodies (what toolreg's Meilisearch backend sends for the same query).

    python3 bench/search/queries.py TOOLS OUT_DIR

Deterministic: the same TOOLS gives the same files. The mix: names as
typed (sample tools and generated ones), names with a typo, subprocessor
names and short synonyms, Norwegian words, and filters with and without
text.
"""
import json
import random
import sys
import urllib.parse

tools, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(20261124)

SAMPLE_NAMES = ["kahoot", "geogebra", "padlet", "google classroom", "teams", "minecraft",
                "itslearning", "vigilo", "quizlet", "mentimeter", "scratch", "salaby",
                "book creator", "showbie", "creaza", "canva", "skooler", "ndla"]
SUBPROCESSORS = ["aws", "amazon web services", "microsoft azure", "google cloud", "hosting",
                 "cdn", "support", "mail"]
WORDS = ["quiz", "matematikk", "programmering", "læringsplattform", "oppgaver", "kontorstøtte",
         "ki", "presentasjoner", "tilbakemelding", "skole"]
FILTERS = [("verdict_level", "approved"), ("verdict_level", "approved_with_conditions"),
           ("verdict_level", "not_recommended"), ("third_country", "yes"), ("third_country", "no"),
           ("category", "quiz"), ("category", "mathematics"), ("age_band", "grades_5_7"),
           ("login_method", "feide"), ("processes_personal_data", "yes")]
FIELD = {"verdict_level": "verdict_level", "third_country": "third_country",
         "category": "categories", "age_band": "age_bands", "login_method": "login_methods",
         "processes_personal_data": "processes_personal_data"}


def typo(word):
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 4:
        return word
    i = rng.choice(letters[1:])
    kind = rng.randrange(3)
    if kind == 0:  # substitution
        return word[:i] + rng.choice("aeiouknrst") + word[i + 1:]
    if kind == 1:  # deletion
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]  # doubling


def generated_name():
    return f"verktøy {rng.randrange(tools):06d}"


queries = []  # (text, [(param, value)], facets)
for _ in range(40):
    queries.append((rng.choice(SAMPLE_NAMES), [], []))
for _ in range(30):
    queries.append((generated_name(), [], []))
for _ in range(40):
    name = rng.choice(SAMPLE_NAMES)
    queries.append((" ".join(typo(w) for w in name.split()), [], []))
for _ in range(30):
    queries.append((rng.choice(SUBPROCESSORS), [], ["verdict_level"]))
for _ in range(20):
    queries.append((rng.choice(WORDS), [], ["verdict_level", "category"]))
for _ in range(25):
    f = rng.sample(FILTERS, rng.randrange(1, 3))
    queries.append((rng.choice(WORDS + SUBPROCESSORS), f, ["verdict_level", "third_country"]))
for _ in range(15):
    f = rng.sample(FILTERS, rng.randrange(1, 3))
    queries.append(("", f, ["verdict_level", "category", "age_band"]))
assert len(queries) == 200

prefixes = []
for _ in range(200):
    name = rng.choice(SAMPLE_NAMES + [generated_name() for _ in range(3)])
    prefixes.append(name[: rng.randrange(1, min(len(name), 8) + 1)])


def api_path(text, filters, facets):
    params = [("q", text)] if text else []
    params += filters
    if facets:
        params.append(("facets", ",".join(facets)))
    return "/api/v1/search?" + urllib.parse.urlencode(params)


def meili_body(text, filters, facets):
    body = {"q": text, "limit": 20, "offset": 0, "matchingStrategy": "all", "showRankingScore": True}
    if filters:
        body["filter"] = " AND ".join(f'{FIELD[p]} IN ["{v}"]' for p, v in filters)
    if facets:
        body["facets"] = [FIELD[f] if f in FIELD else f for f in facets]
    if not text:
        body["sort"] = ["name_sort:asc"]
    return body


def suggest_body(prefix):
    return {"q": prefix, "limit": 8, "attributesToSearchOn": ["name"],
            "attributesToRetrieve": ["id", "slug", "name"], "matchingStrategy": "all"}


with open(f"{out}/search-paths.txt", "w") as f:
    f.writelines(api_path(*q) + "\n" for q in queries)
with open(f"{out}/suggest-paths.txt", "w") as f:
    f.writelines("/api/v1/search/suggest?" + urllib.parse.urlencode({"q": p}) + "\n" for p in prefixes)
with open(f"{out}/search-bodies.txt", "w") as f:
    f.writelines(json.dumps(meili_body(*q), ensure_ascii=False) + "\n" for q in queries)
with open(f"{out}/suggest-bodies.txt", "w") as f:
    f.writelines(json.dumps(suggest_body(p), ensure_ascii=False) + "\n" for p in prefixes)
