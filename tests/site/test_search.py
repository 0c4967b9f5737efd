"""The search index (generator/site/search.py): what goes in, how it is sharded, and that the
browser's search (site_src/assets/search.js) reads the same words out of a text."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator.site import search
from generator.model.entities import KINDS
from generator.site.urls import url_of

from conftest import CHROMIUM, serve


def _lookup(root: Path, word: str) -> list[int] | None:
    """The postings of `word` as search.js finds them: its stem, in the shard whose key is the
    longest prefix of the stem."""
    word = search.stem(word)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    keys = manifest["keys"]
    for n in range(len(word), 0, -1):
        if word[:n] in keys:
            shard = json.loads((root / "t" / f"{keys.index(word[:n])}.json").read_text(encoding="utf-8"))
            return shard.get(word)
    return None


def test_tokens():
    assert search.tokens("Café Zoë's 2024/25 plan: TRUST_fund") == ["cafe", "zoe", "s", "2024", "25", "plan", "trust", "fund"]
    assert search.tokens("") == [] and search.tokens("---") == []
    assert search.tokens("Ŵyn Ælfrēd naïve") == ["wyn", "ælfred", "naive"]


def test_shards_split_until_small_and_every_word_is_found(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "SHARD_POSTINGS", 20)
    monkeypatch.setattr(search, "CAP", 15)
    index = search.Index()
    words = [f"w{a}{b}{c}" for a in "abc" for b in "abcd" for c in "ab"] + ["w", "wa", "zeta"]
    for i in range(60):
        index.add(" ".join(words[j] for j in range(i % 7, len(words), 7)), f"p/{i}/", "Page")
    index.add("common " * 3, "c/", "Page")
    for i in range(40):
        index.add("common", f"c{i}/", "Page")
    manifest = index.write(tmp_path)
    assert manifest["keys"] == sorted(manifest["keys"]) and len(set(manifest["keys"])) == len(manifest["keys"])
    assert manifest["documents"] == 101
    sizes = []
    for n, key in enumerate(manifest["keys"]):
        shard = json.loads((tmp_path / "t" / f"{n}.json").read_text(encoding="utf-8"))
        assert all(w.startswith(key) for w in shard), (key, list(shard))
        sizes.append((len(shard), sum((len(p) - 1) // 2 for p in shard.values())))
    # A shard holding more than the limit holds one word only (which cannot be split further).
    assert all(postings <= 20 or count == 1 for count, postings in sizes)
    assert len(manifest["keys"]) > 3
    for word in words + ["common"]:
        postings = _lookup(tmp_path, word)
        assert postings is not None, word
        docs = postings[1::2]
        assert len(docs) == min(postings[0], 15) and len(set(docs)) == len(docs)
        scores = postings[2::2]
        assert scores == sorted(scores, reverse=True)
    common = _lookup(tmp_path, "common")
    assert common[0] == 41  # the true document frequency, though only CAP are kept
    # Kept: the highest scores, then the lowest document numbers. "common common common" (doc 60)
    # is a three-word title, so it scores less than each one-word "common" and is not kept.
    assert common[1::2] == list(range(61, 76)) and set(common[2::2]) == {search.TITLE}


def test_title_words_outrank_body_words_and_short_titles_outrank_long(tmp_path):
    index = search.Index()
    index.add("Youth mentoring", "a/", "Contract", body=["football"])
    index.add("Football club", "b/", "Organisation", body=["youth"])
    index.add("Youth football club for the whole borough", "c/", "Organisation")
    index.write(tmp_path)
    youth = _lookup(tmp_path, "youth")
    assert youth[1::2] == [0, 2, 1]
    football = _lookup(tmp_path, "football")
    assert football[1::2] == [1, 2, 0]
    docs = json.loads((tmp_path / "d" / "0.json").read_text(encoding="utf-8"))
    assert docs[1] == ["Football club", "b/", "Organisation"]


def test_a_word_in_the_title_scores_as_a_title_word_and_the_body_is_read_a_whole_text_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "BODY_WORDS", 3)
    index = search.Index()
    index.add("Youth", "a/", "Organisation", body=["youth club", "garden", "library"])
    index.add("Garden", "b/", "Organisation", body=["two", "garden", "museum", "library"])
    index.write(tmp_path)
    assert _lookup(tmp_path, "youth") == [1, 0, search.TITLE]  # once, as in the title
    assert _lookup(tmp_path, "garden") == [2, 1, search.TITLE, 0, search.BODY]
    assert _lookup(tmp_path, "club") == [1, 0, search.BODY]
    assert _lookup(tmp_path, "museum") == [1, 1, search.BODY]  # the third word, so the last read
    assert _lookup(tmp_path, "library") is None  # past BODY_WORDS in both


def test_index_files_the_same_as_the_previous_index_are_linked_from_it_and_the_others_written(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "CHUNK", 2)
    monkeypatch.setattr(search, "SHARD_POSTINGS", 2)

    def make(amount: str) -> search.Index:
        index = search.Index()
        index.add("Youth mentoring", "a/", "Contract", body=["football"])
        index.add("Garden club", "b/", "Organisation", body=["allotments"])
        index.add("Museum trust", "c/", f"Organisation: {amount}", body=["history"])
        return index

    def files(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*.json"))}

    make("£100").write(tmp_path / "one")
    before = {name: path.read_bytes() for name, path in files(tmp_path / "one").items()}
    changed = make("£200")
    changed.write(tmp_path / "two", previous=tmp_path / "one")
    make("£200").write(tmp_path / "plain")
    one, two, plain = files(tmp_path / "one"), files(tmp_path / "two"), files(tmp_path / "plain")
    assert {name: path.read_bytes() for name, path in two.items()} == {name: path.read_bytes() for name, path in plain.items()}
    linked = {name for name in two if two[name].stat().st_ino == one[name].stat().st_ino}
    assert linked == set(two) - {"d/1.json"} and changed.linked == len(linked) > 3  # the third document's chunk changed
    assert {name: path.read_bytes() for name, path in one.items()} == before  # the previous index is as it was
    make("£200").write(tmp_path / "three", previous=tmp_path / "missing")  # no previous index: all written
    assert all(path.stat().st_nlink == 1 for path in files(tmp_path / "three").values())


def test_built_site_indexes_every_entity_page_and_the_mkdocs_pages(built_site, bundled_tables):
    root = built_site / search.FOLDER
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    docs = []
    for n in range(0, manifest["documents"], manifest["chunk"]):
        docs += json.loads((root / "d" / f"{n // manifest['chunk']}.json").read_text(encoding="utf-8"))
    assert len(docs) == manifest["documents"]
    urls = [d[1] for d in docs]
    assert len(set(urls)) == len(urls)
    assert all((built_site / (u if u.endswith(".html") else u + "index.html")).is_file() for u in urls)
    from generator.model.entities import build_entities
    entities = build_entities(bundled_tables)
    expected = {url_of(e.page) for kind in KINDS for e in entities.by_kind[kind].values()}
    assert expected <= set(urls)
    for url in ("", "about/", "datasets/grants/", "accessibility/", "decisions/gateway-2/"):
        assert url in urls, url
    # Pages that are not indexed: the further pages of long lists.
    assert "programmes/neighbourhoods-fund.grants-2.html" not in urls
    # A grant's words lead to its recipient's page.
    grants = bundled_tables["grants"]
    org = grants["recipient_org_id"].iloc[0]
    word = max(search.tokens(grants["description"].iloc[0]), key=len)
    postings = _lookup(root, word)
    org_url = url_of(entities.by_kind["organisation"][org].page)
    assert urls.index(org_url) in postings[1::2] or postings[0] > search.CAP


def test_page_text_leaves_out_tables_and_scripts():
    html = ('<nav>Menu</nav><article class="md-content__inner"><h1 id="x">About <em>this</em> data</h1>'
            '<p>Where the &amp; money goes.</p><table><tr><td>Row 1</td></tr></table>'
            '<script>var secret = 1;</script><form><label>Search</label></form></article>')
    assert search.page_text(html) == ("About this data", "About this data Where the & money goes.")


TEXTS = ["Café Zoë's 2024/25 plan: TRUST_fund", "Ŵyn Ælfrēd naïve", "O'Brien & Sons (UK) Ltd.", "ÉCOLE – ŒUVRE",
         "Straße 12½", "İstanbul", "ﬁne ﬂow", "Ｆｕｌｌ width", "日本語のテキスト", "مرحبا بالعالم", "a.b-c_d e\u00a0f"]


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed")
def test_the_browser_reads_the_same_words_as_the_index(browser, built_site):
    url, httpd = serve(built_site)
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(url + "search/", wait_until="load")
        seen = page.evaluate("texts => texts.map(t => window.siteSearchTokens(t))", TEXTS)
        context.close()
    finally:
        httpd.shutdown()
    assert seen == [search.tokens(t) for t in TEXTS]


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed")
def test_the_browser_finds_a_page_whose_common_words_were_cut_from_the_index(browser, built_site, tmp_path,
                                                                             monkeypatch):
    """Common words keep only their best CAP documents; a page with a rare word and two
    common ones ("GB-CHC-1000007") must still be found, and first."""
    import shutil

    site = tmp_path / "site"
    shutil.copytree(built_site / "search", site / "search")
    shutil.copytree(built_site / "assets", site / "assets")
    monkeypatch.setattr(search, "CAP", 3)
    index = search.Index()
    for n in range(12):
        index.add(f"Organisation {n}", f"o{n}/", "Organisation", body=[f"GB-CHC-{1000000 + n}"])
    index.write(site / search.FOLDER)
    assert len(_lookup(site / search.FOLDER, "chc")) == 1 + 2 * 3  # cut to 3 of 12
    url, httpd = serve(site)
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(url + "search/?q=GB-CHC-1000007", wait_until="load")
        page.wait_for_selector("#search-results li a", timeout=15000)
        links = page.locator("#search-results li a")
        assert links.first.inner_text() == "Organisation 7" and links.count() == 1
        context.close()
    finally:
        httpd.shutdown()


@pytest.mark.parametrize("parts", [2, 3])
def test_the_entities_read_in_parts_and_joined_make_the_same_index(small_tables, tmp_path, parts):
    """build.py reads the entities in two forked processes (collect_entities' `part`) and joins
    them (Index.extend): the files written are those of one read of them all."""
    from generator.model.entities import build_entities
    entities = build_entities(small_tables)
    whole = search.collect_entities(entities, small_tables)
    joined = search.collect_entities(entities, small_tables, (0, parts))
    for i in range(1, parts):
        joined.extend(search.collect_entities(entities, small_tables, (i, parts)))
    assert len(joined.docs) == len(whole.docs) > 100 and joined.docs == whole.docs
    whole.write(tmp_path / "whole")
    joined.write(tmp_path / "joined")
    names = sorted(p.relative_to(tmp_path / "whole") for p in (tmp_path / "whole").rglob("*.json"))
    assert len(names) > 5
    assert all((tmp_path / "whole" / n).read_bytes() == (tmp_path / "joined" / n).read_bytes() for n in names)
    assert names == sorted(p.relative_to(tmp_path / "joined") for p in (tmp_path / "joined").rglob("*.json"))


def test_a_build_that_reads_the_entities_in_two_processes_writes_the_same_index(small_data, tmp_path, config,
                                                                                   monkeypatch):
    """build.py's two collectors (from search.SPLIT_ENTITIES entities, 200,000: here from one)
    give the search index of one."""
    from generator import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795564800")
    build.build(small_data, tmp_path / "one", config, docs_dir=None)
    monkeypatch.setattr(search, "SPLIT_ENTITIES", 1)
    result = build.build(small_data, tmp_path / "two", config, docs_dir=None)
    one, two = (sorted((tmp_path / site / search.FOLDER).rglob("*.json")) for site in ("one", "two"))
    assert [p.relative_to(tmp_path / "one") for p in one] == [p.relative_to(tmp_path / "two") for p in two]
    assert len(one) > 5 and all(a.read_bytes() == b.read_bytes() for a, b in zip(one, two))
    assert result.beside["search entities"]["seconds"] > 0


def _state(site: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((site / search.STATE).iterdir())}


def test_the_entities_words_are_kept_by_the_digest_of_their_texts_and_make_the_same_index(small_tables, tmp_path):
    """A build writes each entity document's words with a digest of its texts (Index.write_state);
    the next build into the same folder takes the words of a document whose texts are the same
    from there (Kept), and its index and state are those of a build without them."""
    from generator.model.entities import build_entities

    def collect(tables, site: Path, previous: Path | None = None, key: str | None = "key-1") -> search.Index:
        index = search.collect_entities(build_entities(tables), tables, previous=previous, key=key)
        site.mkdir()
        index.write_state(site, "key-1")
        index.write(site / search.FOLDER)
        return index

    def files(site: Path) -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}

    first = collect(small_tables, tmp_path / "first")
    assert first.kept == 0 and len(first.keys) == len(first.docs) > 100
    again = collect(small_tables, tmp_path / "again", tmp_path / "first")
    assert again.kept == len(again.docs) and files(tmp_path / "again") == files(tmp_path / "first")

    # One contract's description changed: that document's words are read again, the others kept.
    changed = dict(small_tables)
    changed["contracts"] = small_tables["contracts"].copy()
    row = 0
    changed["contracts"].loc[row, "description"] = "Zebra crossings painted"
    kept = collect(changed, tmp_path / "kept", tmp_path / "first")
    plain = collect(changed, tmp_path / "plain")
    assert kept.kept == len(kept.docs) - 1 and plain.kept == 0
    assert files(tmp_path / "kept") == files(tmp_path / "plain") != files(tmp_path / "first")
    assert _lookup(tmp_path / "kept" / search.FOLDER, "zebra")[0] == 1  # in one document

    # Another key, no state, or a damaged one: nothing kept, the same index.
    assert collect(changed, tmp_path / "other-key", tmp_path / "first", key="key-2").kept == 0
    assert collect(changed, tmp_path / "none", tmp_path / "missing").kept == 0
    import numpy as np
    state = tmp_path / "first" / search.STATE
    starts = np.load(state / "starts.npy")
    wrong = starts.copy()
    wrong[1] = starts[-1]  # the right count, first and last, but a document ending after the next one's start
    np.save(state / "starts.npy", wrong)
    assert collect(changed, tmp_path / "disordered", tmp_path / "first").kept == 0
    np.save(state / "starts.npy", starts)
    assert collect(changed, tmp_path / "restored", tmp_path / "first").kept == len(changed_docs := kept.docs) - 1
    (state / "digests").write_bytes(b"short")
    damaged = collect(changed, tmp_path / "damaged", tmp_path / "first")
    assert damaged.kept == 0 and files(tmp_path / "damaged") == files(tmp_path / "plain") and changed_docs


def test_a_digest_tells_lists_of_texts_apart_that_join_to_the_same_text():
    digest = search.Kept.digest
    assert digest("a", ("b c",)) == digest("a", ("b c",))
    assert len({digest("a", ("b", "c")), digest("a", ("b\x1fc",)), digest("a\x1fb", ("c",)), digest("a", ("bc",)),
                digest("a", ()), digest("a", ("",))}) == 6


def test_entities_are_read_most_money_first_then_by_name_then_as_they_came():
    import random
    from types import SimpleNamespace

    rng = random.Random(7)
    found = {n: SimpleNamespace(name=rng.choice(["Abbey", "abbey", "Brook", "brook", "Cedar"]),
                                total=rng.choice([0.0, 12.5, 100.0, 2500.0]), n=n) for n in range(300)}
    expected = sorted(found.values(), key=lambda e: (-e.total, e.name.lower()))  # stable: as they came on a tie
    assert [e.n for e in search.by_money(found)] == [e.n for e in expected]
    assert search.by_money({}) == []


def _reference_split(words: list[str], kept: dict[str, int]) -> list[tuple[str, list[str]]]:
    """search._shards as it was until December 2026: the words grouped by prefix in Python,
    each group's members listed (now: runs of the sorted words told apart by numpy)."""
    out: list[tuple[str, list[str]]] = []

    def split(group: list[str], depth: int) -> None:
        buckets: dict[str, list[str]] = {}
        for w in group:
            buckets.setdefault(w[:depth], []).append(w)
        for key in sorted(buckets):
            members = buckets[key]
            size = sum(kept[w] for w in members)
            longer = [w for w in members if len(w) > depth]
            if size > search.SHARD_POSTINGS and depth < search.MAX_KEY and longer and len({w[:depth + 1] for w in longer}) > 1:
                exact = [w for w in members if len(w) <= depth]
                if exact:
                    out.append((key, exact))
                split(longer, depth + 1)
            else:
                out.append((key, members))

    split(words, 1)
    out.sort(key=lambda item: item[0])
    return out


@pytest.mark.parametrize("seed", range(6))
def test_the_shards_are_the_groups_of_words_the_old_code_made(monkeypatch, seed):
    """_shards finds the runs of the sorted words by the characters neighbours share: the
    same shards as grouping the words by prefix in Python, for words longer and shorter than
    MAX_KEY, the empty word, words that are prefixes of others, letters that are not ASCII (some outside the
    Basic Multilingual Plane), postings counts around SHARD_POSTINGS."""
    import random

    import numpy as np

    draw = random.Random(seed)
    monkeypatch.setattr(search, "SHARD_POSTINGS", draw.choice([3, 10, 40]))
    monkeypatch.setattr(search, "MAX_KEY", draw.choice([2, 3, 8]))
    letters = draw.choice(["ab", "abc", "abcdefghij", "aæé𝔞z0"])
    words = sorted({"".join(draw.choices(letters, k=draw.randint(0, 12))) for _ in range(draw.choice([1, 50, 2000]))})
    kept = {w: draw.choice([0, 1, 1, 2, 5, 30]) for w in words}
    expected = _reference_split(words, kept)
    made = search._shards(words, np.array([kept[w] for w in words], dtype=np.int64))
    assert [(key, words[first:last]) for key, first, last in made] == expected
    assert len(expected) > 1 or len(words) < 10


def _reference_shards(index: search.Index) -> dict[str, str]:
    """The t/ files as Index.write made them until December 2026: the postings ordered by
    np.lexsort, and each word's entry made in Python, one word at a time."""
    import numpy as np

    words, tok, doc, score, rank = index._postings()
    order = np.lexsort((doc, -score, rank[tok]))
    tok, doc, score = tok[order], doc[order], score[order]
    sorted_words = sorted(words)
    starts = np.searchsorted(rank[tok], np.arange(len(words)), side="left")
    ends = np.append(starts[1:], len(tok))
    df = {w: int(ends[i] - starts[i]) for i, w in enumerate(sorted_words)}
    kept = {w: min(df[w], search.CAP) for w in sorted_words}
    files = {}
    for n, (key, members) in enumerate(_reference_split(sorted_words, kept)):
        parts = []
        for w in members:
            i = rank[index.words[w]]
            s = int(starts[i])
            e = s + kept[w]
            pairs = np.empty(2 * (e - s), dtype=np.int64)
            pairs[0::2] = doc[s:e]
            pairs[1::2] = score[s:e]
            parts.append(json.dumps(w, ensure_ascii=False) + ":[" + str(df[w]) + ("," if e > s else "")
                         + ",".join(map(str, pairs.tolist())) + "]")
        files[f"{n}.json"] = "{" + ",".join(parts) + "}"
    return files


@pytest.mark.parametrize("at_once", [1, 7, 1 << 20])
def test_the_shards_are_the_words_entries_one_at_a_time_would_make(tmp_path, monkeypatch, at_once):
    """Index.write sorts the postings by one key and makes the words' entries by Arrow, a block
    at a time (_entries): the shards are those the sort by three keys and the entries made one
    word at a time made, for any size of block, with words cut to CAP postings, words in shards
    split by their next letters, words that are not ASCII, and words in titles and bodies."""
    import random

    monkeypatch.setattr(search, "CAP", 5)
    monkeypatch.setattr(search, "SHARD_POSTINGS", 40)
    monkeypatch.setattr(search, "ENTRIES_AT_ONCE", at_once)
    draw = random.Random(2016)
    vocabulary = ["grant", "granted", "fund", "funding", "community", "youth", "ælfred", "naïve", "zoë", "2024", "25",
                  "gb", "chc", "1000007", "a", "ab", "abc", "abd", "mental", "health", "older", "adults"]
    index = search.Index()
    for n in range(300):
        title = " ".join(draw.choices(vocabulary, k=draw.randint(0, 4)))
        body = [" ".join(draw.choices(vocabulary, k=draw.randint(0, 12))) for _ in range(draw.randint(0, 3))]
        index.add(title, f"p{n}/", "Page", body)
    expected = _reference_shards(index)
    index.write(tmp_path / search.FOLDER)
    written = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / search.FOLDER / "t").iterdir()}
    assert written == expected
    assert len(expected) > 5 and any(len(json.loads(text)) > 1 for text in expected.values())
    assert any(entry[0] > 5 for text in expected.values() for entry in json.loads(text).values())  # cut to CAP


def test_the_words_are_ranked_as_sorted_ranks_them():
    """Index._postings ranks the words by Arrow's sort of their UTF-8 bytes: the order of
    sorted(), also for letters outside the Basic Multilingual Plane, and by sorted() itself
    for a word Arrow cannot hold (a lone surrogate)."""
    import random

    draw = random.Random(2016)
    letters = "aAzZ0é中\uff21𝔞\U0010fffd-_"
    words = list({"".join(draw.choices(letters, k=draw.randint(1, 6))) for _ in range(3000)})
    for extra in ([], ["\ud800x"]):
        index = search.Index()
        index.words = {w: i for i, w in enumerate(words + extra)}
        ranked, *_, rank = index._postings()
        assert sorted(ranked, key=lambda w: rank[index.words[w]]) == sorted(ranked)
        assert sorted(rank.tolist()) == list(range(len(ranked)))
