"""Search: a static, sharded search index made from the data itself.

Why not a crawler. Pagefind (used until December 2026) parsed every built page: at 20k grants it
took 22 s of a 51 s build, at 100k 111 s and 9 GB of memory, and at 1M grants it ran out of a
12 GB limit. Everything a resident searches for (names of organisations, contracts, programmes,
decisions; words in contract and grant descriptions; the titles of the site's own pages) is
already in the tables, so the index is made from them directly, with no HTML parsed except the
few dozen pages MkDocs built.

What is indexed (one document per page a result leads to):
- each entity page: its name (the title), plus its identifier and words that describe it (the
  body): a contract's
  description, an intention's, a decision's purpose, an outcome's theme and description, and an
  organisation's grants (their titles and descriptions: each grant is found on its recipient's
  page, as no grant has a page of its own);
- each page MkDocs built (home, about, datasets, quality, ...): its title and text, tables left
  out (their rows are the entities above).

Files (under ``search-index/`` in the site):
- ``manifest.json``: its version (2: the tokens are stems), the shard keys (token prefixes,
  sorted), the document count and the chunk size;
- ``t/<n>.json``: shard n, for the tokens (stems) starting with key n (and no longer key):
  ``{token: [document frequency, doc, score, doc, score, ...]}``, highest score first, at most
  ``CAP`` documents per token (the rest score lower; the frequency is the true one);
- ``d/<n>.json``: documents n*CHUNK .. n*CHUNK+CHUNK-1, each ``[title, url, description]``.

A shard is split by the next letter while it holds more than ``SHARD_POSTINGS`` postings, so no
file grows with the data. A query downloads the manifest, one shard per word and the chunks of
the documents it shows (site_src/assets/search.js): a few tens of kilobytes whatever the size
of the site.

Kept words (``.build-search/`` in the site's root, beside ``.build-pages``): each entity
document's words and scores, with a digest of the texts they were read from. The next build
into the same folder takes a document's words from there when its digest is the same, instead
of reading its texts again (after one changed row, nearly every document is the same). The
state is written in a canonical order, so an incremental build's is the same as a full one's.

Words are lower-cased, accents removed (NFKD), and split at anything that is not a letter or a
digit; search.js does exactly the same (tests/site/test_search.py runs both on the same text).
The index holds each word's English stem (Porter2, the Snowball English stemmer: "grants" and
"granted" are "grant", "funding" is "fund"; a word with any letter outside a to z is kept as it
is), and search.js stems the words typed with the same algorithm (site_src/assets/vendor/porter2.js;
tests/site/test_stemming.py checks that the two agree), so a search for "grant" finds "grants".
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import os
import re
import unicodedata
from array import array
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from snowballstemmer.english_stemmer import EnglishStemmer  # the pure-Python one, never PyStemmer's

from ..findings import Finding
from ..model.entities import KINDS
from .format import gbp, long_date
from .urls import url_of

FOLDER = "search-index"
CHUNK = 64  # documents per d/ file
SHARD_POSTINGS = 4000  # most postings in a t/ file before it is split
CAP = 1000  # most documents kept per token
MAX_KEY = 8  # longest shard key
TITLE = 100  # score of a word in a one-word title (a longer title: TITLE / sqrt(words))
BODY = 8  # score of a word in the body
BODY_WORDS = 400  # words of body text indexed per document at most
# Entities from which build.py reads them in two processes, not one (collect_entities' `part`).
# At 1M grants (605,337 entities) one took 31-33 s, two 20-21 s; with fewer, MkDocs beside them
# takes about as long as one, and a second only slows it (20k grants, 17,872 entities: MkDocs'
# stage 1.4 s with one, 1.8 s with two).
SPLIT_ENTITIES = 200_000
STATE = ".build-search"  # the kept words, in the site's root (Index.write_state, Kept)
GRANTS_READ = 16  # an organisation's grants whose texts fill BODY_WORDS, about (for collect_entities' parts)


class SearchError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.findings = [Finding(FOLDER, None, None, "search", message)]


_WORD = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """The words of `text` as the index holds them (search.js `tokens` does the same)."""
    if not text:
        return []
    text = unicodedata.normalize("NFKD", str(text).lower())
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "M")
    return _WORD.findall(text)


_STEMMER = EnglishStemmer()
_STEMS: dict[str, str] = {}  # word -> stem, kept for the build (words repeat: at 1M grants a few hundred thousand)


def stem(word: str) -> str:
    """The stem of one word (a token): Porter2 for a word of a to z and digits, else the word
    itself (search.js `stem` does the same)."""
    found = _STEMS.get(word)
    if found is None:
        # Porter2 leaves a number as it is: most of the words at 20k grants are numbers (ids,
        # registration numbers), and asking the stemmer took a third of the index's time.
        found = _STEMS[word] = _STEMMER.stemWord(word) if word.isascii() and not word.isdigit() else word
    return found


def terms(text: str) -> list[str]:
    """The stems of the words of `text`: what the index holds and a query looks up."""
    words = tokens(text)
    stems = _STEMS
    try:
        return [stems[w] for w in words]
    except KeyError:
        return [stem(w) for w in words]


class Index:
    """Documents and their words (stems), collected before the files are written."""

    def __init__(self):
        self.docs: list[tuple[str, str, str]] = []  # (title, url relative to the site root, description)
        self.words: dict[str, int] = {}
        self._tok = array("i")
        self._doc = array("i")
        self._score = array("i")
        self.linked = 0  # files of the last write() linked from the previous index
        self.keys: list[bytes] = []  # the entity documents' digests (document i: keys[i]), for write_state
        self.kept = 0  # entity documents whose words were taken from the kept words (Kept)

    def add(self, title: str, url: str, description: str = "", body=()) -> int:
        """A document: `body` is an iterable of texts (descriptions, grant titles ...)."""
        doc = len(self.docs)
        self.docs.append((title, url, description))
        words: list[str] = []
        for text in body:  # whole texts, until BODY_WORDS words have been read
            words += terms(text)
            if len(words) >= BODY_WORDS:
                break
        best = dict.fromkeys(words, BODY)  # each word once, scored by where it is best placed
        title_words = terms(title)
        if title_words:
            best.update(dict.fromkeys(title_words, max(1, round(TITLE / math.sqrt(len(title_words))))))
        # (The order of a document's postings does not matter: write() sorts them.)
        ids = self.words
        self._tok.extend([ids.setdefault(word, len(ids)) for word in best])
        self._doc.extend([doc] * len(best))
        self._score.extend(best.values())
        return doc

    def extend(self, other: Index) -> None:
        """Add `other`'s documents after this one's, as if they had been added here."""
        offset = len(self.docs)
        if len(self.keys) == offset:  # every document so far an entity's: so are other's first
            self.keys += other.keys
        self.kept += other.kept
        self.docs += other.docs
        ids = self.words
        remap = np.array([ids.setdefault(word, len(ids)) for word in other.words], dtype=np.int32)
        if len(other._tok):
            self.add_postings(remap[np.frombuffer(other._tok, dtype=np.int32)],
                              np.frombuffer(other._doc, dtype=np.int32) + np.int32(offset),
                              np.frombuffer(other._score, dtype=np.int32))

    def add_postings(self, tok: np.ndarray, doc: np.ndarray, score: np.ndarray) -> None:
        """Postings of documents already added (word ids of this index), as arrays."""
        for into, values in ((self._tok, tok), (self._doc, doc), (self._score, score)):
            into.frombytes(np.asarray(values, dtype=np.int32).tobytes())

    def _postings(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The words by id; the postings' word ids, documents and scores as arrays; and each
        word id's rank among the words sorted."""
        words = list(self.words)
        tok, doc, score = (np.frombuffer(a, dtype=np.int32) if len(a) else np.zeros(0, np.int32)
                           for a in (self._tok, self._doc, self._score))
        rank = np.empty(len(words), dtype=np.int64)
        rank[_sorted_order(words)] = np.arange(len(words))
        return words, tok, doc, score, rank

    def write(self, out: Path, previous: Path | None = None) -> dict:
        """Write manifest.json, t/ and d/ under `out`; returns the manifest. A file the same
        as in `previous` (the published site's index) is hard-linked from there."""
        (out / "t").mkdir(parents=True, exist_ok=True)
        (out / "d").mkdir(parents=True, exist_ok=True)
        put = _Files(out, previous)
        for n in range(0, len(self.docs), CHUNK):
            put.json(f"d/{n // CHUNK}.json", [list(d) for d in self.docs[n:n + CHUNK]])

        words, tok, doc, score, rank = self._postings()
        # Order the words alphabetically, then each word's postings by score (highest first), then
        # document: one sort of a key made of the three (a word's rank, 255 less its score, the document).
        if len(tok) and len(words) < 1 << 23 and len(self.docs) < 1 << 32 and score.min() >= 0 and score.max() < 256:
            order = np.argsort((rank[tok] << 40) | ((255 - score.astype(np.int64)) << 32) | doc.astype(np.int64), kind="stable")
        else:
            order = np.lexsort((doc, -score, rank[tok])) if len(tok) else np.zeros(0, np.int64)
        tok, doc, score = tok[order], doc[order], score[order]
        sorted_words = [words[i] for i in np.argsort(rank).tolist()]
        starts = np.searchsorted(rank[tok], np.arange(len(words)), side="left")
        counts = np.append(starts[1:], len(tok)) - starts
        shown = np.minimum(counts, CAP)
        entries = _entries(sorted_words, counts, shown, starts, doc, score)
        shards = _shards(sorted_words, shown)
        for n, (key, first, last) in enumerate(shards):
            put.text(f"t/{n}.json", "{" + ",".join(entries[first:last]) + "}")
        manifest = {"version": 2, "documents": len(self.docs), "chunk": CHUNK,
                    "keys": [key for key, _, _ in shards]}
        put.json("manifest.json", manifest)
        self.linked = put.linked
        return manifest

    def write_state(self, site_dir: Path, key: str | None) -> None:
        """The entity documents' words and scores, with their digests, into site_dir/STATE/, for
        the next build (Kept): the words sorted, and numbered so; each document's postings in the
        order they were first read (kept documents keep it), so that the files do not depend on
        which documents were kept."""
        folder = site_dir / STATE
        if key is None:
            return
        folder.mkdir()
        n = len(self.keys)
        words, tok, doc, score, rank = self._postings()
        ranked = rank.astype(np.int32)[tok]
        entity = doc < n
        ranked, doc, score = ranked[entity], doc[entity], score[entity]
        order = np.argsort(doc, kind="stable")  # a kept document's postings are in the order they were read
        ranked, doc, score = ranked[order], doc[order], score[order]
        np.save(folder / "words.npy", ranked.astype(np.int32))
        np.save(folder / "scores.npy", score.astype(np.uint8))
        np.save(folder / "starts.npy", np.searchsorted(doc, np.arange(n + 1)).astype(np.int64))
        (folder / "digests").write_bytes(b"".join(self.keys))
        (folder / "vocabulary").write_text("\n".join([words[i] for i in np.argsort(rank).tolist()]), encoding="utf-8")
        (folder / "key").write_text(key + "\n", encoding="utf-8")


def _sorted_order(words: list[str]) -> np.ndarray:
    """The positions of `words` (no two the same) in the order sorted() gives them: by Arrow,
    whose order of UTF-8 bytes is that of the code points; by sorted() where a word is not
    valid UTF-8 (a lone surrogate)."""
    try:
        return pc.array_sort_indices(pa.array(words, type=pa.large_string())).to_numpy()
    except (UnicodeEncodeError, pa.ArrowException):
        return np.array(sorted(range(len(words)), key=words.__getitem__), dtype=np.int64)


class Kept:
    """The entity documents' words of the last build into the same folder (Index.write_state),
    looked up by the digest of a document's texts (`digest`). Anything missing, unreadable or
    made with another key: nothing is kept, and every document is read again."""

    def __init__(self, previous: Path | None, key: str | None):
        self.found: dict[bytes, int] = {}
        self._docs: list[int] = []  # documents added with their kept words still to come (finish)
        self._rows: list[int] = []  # ... and where those are in the kept arrays
        if previous is None or key is None:
            return
        folder = previous / STATE
        try:
            if (folder / "key").read_text(encoding="utf-8") != key + "\n":
                return
            digests = (folder / "digests").read_bytes()
            words = np.load(folder / "words.npy", mmap_mode="r")
            scores = np.load(folder / "scores.npy", mmap_mode="r")
            starts = np.load(folder / "starts.npy")
            vocabulary = (folder / "vocabulary").read_text(encoding="utf-8").split("\n")
        except (OSError, ValueError, UnicodeDecodeError):
            return
        n = len(starts) - 1
        if (n < 0 or len(digests) != 16 * n or (words.dtype, scores.dtype, starts.dtype) != (np.int32, np.uint8, np.int64)
                or words.ndim != 1 or len(words) != len(scores) or starts[0] != 0 or starts[-1] != len(words)
                or np.any(np.diff(starts) < 0) or (len(words) and not 0 <= int(np.min(words)) <= int(np.max(words)) < len(vocabulary))):
            return  # not what write_state writes
        self.words, self.scores, self.starts, self.vocabulary = words, scores, starts, vocabulary
        self.found = {digests[16 * i:16 * i + 16]: i for i in range(n)}

    @staticmethod
    def digest(title: str, body: tuple) -> bytes:
        """What a document's words are read from: its title and body texts (with their lengths,
        so that no two lists of texts give the same string)."""
        texts = (title, *body)
        joined = "\x1f".join(texts) + "\x1e" + ",".join([str(len(t)) for t in texts])
        return hashlib.blake2b(joined.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def add(self, index: Index, title: str, url: str, description: str, body: tuple) -> None:
        """Index.add, or the document with its kept words (added by `finish`)."""
        key = self.digest(title, body)
        i = self.found.get(key)
        if i is None:
            index.add(title, url, description, body)
        else:
            self._docs.append(len(index.docs))
            self._rows.append(i)
            index.docs.append((title, url, description))
        index.keys.append(key)

    def finish(self, index: Index) -> None:
        """The kept documents' words and scores, all at once (a document's postings need not
        be next to each other: Index.write sorts them)."""
        if not self._rows:
            return
        rows = np.array(self._rows, dtype=np.int64)
        starts, counts = self.starts[rows], self.starts[rows + 1] - self.starts[rows]
        total = int(counts.sum())
        # the positions of every kept document's postings in the kept arrays, run by run
        at = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
        words = np.asarray(self.words[at], dtype=np.int64)
        used = np.flatnonzero(np.bincount(words, minlength=len(self.vocabulary)))
        ids = index.words
        remap = np.zeros(len(self.vocabulary), dtype=np.int32)
        remap[used] = [ids.setdefault(self.vocabulary[w], len(ids)) for w in used.tolist()]
        index.add_postings(remap[words], np.repeat(np.array(self._docs, dtype=np.int32), counts), self.scores[at])
        index.kept += len(rows)
        self._docs, self._rows = [], []


class _Files:
    """Writes the index's files under `out`; one whose bytes are those of the same file under
    `previous` is hard-linked from there instead (after a change to a few rows, most of the
    index is the same, and a link costs far less than a new file)."""

    def __init__(self, out: Path, previous: Path | None):
        self.out, self.previous, self.linked = out, previous, 0

    def json(self, name: str, value) -> None:
        self.text(name, json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def text(self, name: str, text: str) -> None:
        data = text.encode("utf-8")
        if self.previous is not None:
            old = self.previous / name
            try:
                if old.stat().st_size == len(data) and old.read_bytes() == data:
                    os.link(old, self.out / name)
                    self.linked += 1
                    return
            except OSError:
                pass
        (self.out / name).write_bytes(data)


ENTRIES_AT_ONCE = 1 << 20  # postings _entries turns into text at once, about


def _entries(words: list[str], counts: np.ndarray, shown: np.ndarray, starts: np.ndarray, doc: np.ndarray,
             score: np.ndarray) -> list[str]:
    """Each word's entry in its shard, as JSON: `"word":[document frequency,doc,score,...]`,
    the first `shown` of its postings (from `starts`, in the sorted `doc` and `score`). The
    numbers are made text by Arrow, a block of words at a time (some ENTRIES_AT_ONCE postings)."""
    texts = [f'"{w}"' if w.isascii() and w.isalnum() else json.dumps(w, ensure_ascii=False) for w in words]
    out: list[str] = []
    ends = np.cumsum(shown)
    begin = 0
    while begin < len(words):
        end = max(begin + 1, int(np.searchsorted(ends, (ends[begin - 1] if begin else 0) + ENTRIES_AT_ONCE, side="right")))
        end = min(end, len(words))
        n = shown[begin:end]
        total = int(n.sum())
        # the positions of the shown postings, word by word
        at = np.repeat(starts[begin:end] - (np.cumsum(n) - n), n) + np.arange(total)
        pairs = np.empty(2 * total, dtype=np.int64)
        pairs[0::2], pairs[1::2] = doc[at], score[at]
        offsets = np.zeros(end - begin + 1, dtype=np.int32)
        np.cumsum(2 * n, out=offsets[1:])
        joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), pc.cast(pa.array(pairs), pa.string())), ",")
        heads = pa.array([f"{texts[i]}:[{c}" + ("," if k else "") for i, c, k in
                          zip(range(begin, end), counts[begin:end].tolist(), n.tolist())])
        out += pc.binary_join_element_wise(heads, joined, "]", "").to_pylist()
        begin = end
    return out


def _shards(words: list[str], kept: np.ndarray) -> list[tuple[str, int, int]]:
    """Group the sorted words into shards keyed by a prefix: a group is split by the next
    character while it holds more than SHARD_POSTINGS postings (`kept`: each word's, in the
    same order). A word shorter than the split depth stays in a shard keyed by itself. Each
    shard is (its key, start, end): words[start:end]. The words being sorted, a group is a run
    of them, told apart from the next by how many first characters two neighbours share."""
    n = len(words)
    if not n:
        return []
    # each word's length, and how many first characters it shares with the word before it,
    # both counted up to MAX_KEY (no key is longer)
    length = np.minimum(np.fromiter(map(len, words), dtype=np.int64, count=n), MAX_KEY)
    heads = np.array(words, dtype=f"<U{MAX_KEY}").view(np.uint32).reshape(n, MAX_KEY)
    shared = np.zeros(n, dtype=np.int64)
    shared[1:] = np.minimum(np.cumprod(heads[1:] == heads[:-1], axis=1).sum(axis=1),
                            np.minimum(length[1:], length[:-1]))
    size = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(kept, out=size[1:])
    out: list[tuple[str, int, int]] = []

    def split(start: int, end: int, depth: int) -> None:
        # a run starts where a word's first `depth` characters are not its neighbour's
        before, here = np.minimum(length[start:end - 1], depth), np.minimum(length[start + 1:end], depth)
        cuts = [start, *(start + 1 + np.flatnonzero((before != here) | (shared[start + 1:end] < before))).tolist(), end]
        for first, last in zip(cuts, cuts[1:]):
            key = words[first][:depth]
            exact = int(length[first] <= depth)  # the word that is the key itself, first of its run
            if (size[last] - size[first] > SHARD_POSTINGS and depth < MAX_KEY and last - first - exact > 0
                    and np.any(shared[first + exact + 1:last] <= depth)):  # the longer ones differ in the next
                if exact:
                    out.append((key, first, first + 1))
                split(first + exact, last, depth + 1)
            else:
                out.append((key, first, last))

    split(0, n, 1)
    out.sort(key=lambda shard: shard[0])
    return out


# --- what goes in -------------------------------------------------------------------------

_ARTICLE = re.compile(r'<article[^>]*>(.*?)</article>', re.S)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_DROP = re.compile(r"<(table|script|style|form|svg|noscript)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def page_text(page_html: str) -> tuple[str, str]:
    """The title and the text (tables, scripts and forms left out) of a page MkDocs built."""
    match = _ARTICLE.search(page_html)
    article = match.group(1) if match else ""
    heading = _H1.search(article)
    title = html.unescape(_TAG.sub("", heading.group(1))).strip() if heading else ""
    text = html.unescape(_TAG.sub(" ", _DROP.sub(" ", article)))
    return title, " ".join(text.split())


def _present(value) -> bool:
    return isinstance(value, str) and value != ""


def collect_entities(entities, tables: dict, part: tuple[int, int] = (0, 1), previous: Path | None = None,
                     key: str | None = None, on_progress=None) -> Index:
    """Every entity page, most money first within each kind; or, with `part` (i, n), the i-th
    of n runs of them of about equal work, for Index.extend to join in order. (build.py runs the parts in
    forked processes while MkDocs builds; `on_progress` is there for that, and not called.)
    `previous`, `key`: the site last built into the same folder and the key its kept words must
    have been made with (Kept)."""
    index = Index()
    kept = Kept(previous, key)
    every = [(kind_name, entity) for kind_name in KINDS for entity in by_money(entities.by_kind.get(kind_name, {}))]
    i, n = part
    if n > 1:  # runs of about equal work: an organisation's document holds its grants' texts
        weights = np.array([1 + (min(len(e.grants), GRANTS_READ) if k == "organisation" else 0) for k, e in every],
                           dtype=np.int64)
        starts, total = np.cumsum(weights) - weights, int(weights.sum())
        every = every[np.searchsorted(starts, total * i / n):np.searchsorted(starts, total * (i + 1) / n)]

    def column(table: str, name: str) -> list:
        frame = tables.get(table)
        return frame[name].tolist() if frame is not None and name in frame else []

    bodies = {
        "contract": column("contracts", "description"),
        "intention": column("commissioning_intentions", "description"),
        "decision": column("decisions", "purpose"),
        "outcome": [" ".join(t for t in pair if _present(t))
                    for pair in zip(column("outcomes", "theme"), column("outcomes", "description"))],
    }
    # an organisation's grants' titles and descriptions, in the grants' order (Entity.grants)
    grant_titles, grant_descriptions = (column("grants", name) if any(k == "organisation" for k, _ in every) else []
                                        for name in ("title", "description"))
    suppliers = column("contracts", "supplier_org_id")
    decided = column("decisions", "decision_date")
    organisations = entities.by_kind.get("organisation", {})

    for kind_name, entity in every:
        kind = KINDS[kind_name]
        label = kind.singular[:1].upper() + kind.singular[1:]
        texts = bodies.get(kind_name)
        description = label
        if kind_name == "contract" and entity.row is not None:
            supplier = organisations.get(suppliers[entity.row])
            description += f" with {supplier.name}" if supplier else ""
        elif kind_name == "decision" and entity.row is not None:
            day = decided[entity.row]
            description += f", {long_date(day.date())}" if day is not None and day == day else ""
        if entity.total > 0:
            description += f": {gbp(entity.total, False)}"
        if kind_name == "organisation":
            body = [text for row in entity.grants.tolist() for text in (grant_titles[row], grant_descriptions[row])
                    if _present(text)]
        elif texts is not None and entity.row is not None:
            value = texts[entity.row]
            body = (value,) if _present(value) else ()
        else:
            body = ()
        # Its identifier first (an org-id such as GB-CHC-1234567, a contract or decision
        # reference), so it is found by that too; for a programme or ward it is the name.
        body = (entity.key, *body) if entity.key != entity.name else tuple(body)
        kept.add(index, entity.name, url_of(entity.page), description, body)
    kept.finish(index)
    return index


def by_money(kind: dict) -> list:
    """A kind's entities, most money first, then by name (ignoring case), then as they came:
    sorted by name, then stably by money (the same order as sorting by the pair, without a
    tuple per entity)."""
    found = list(kind.values())
    names = [e.name.lower() for e in found]
    order = np.array(sorted(range(len(found)), key=names.__getitem__), dtype=np.int64)
    totals = np.array([e.total for e in found], dtype=np.float64)
    return [found[j] for j in order[np.argsort(-totals[order], kind="stable")].tolist()]


def add_static_pages(index: Index, site_dir: Path, static_urls: list[str]) -> None:
    """The pages MkDocs built (static_pages), after the entities."""
    for url in static_urls:
        path = site_dir / url / "index.html"
        if not path.is_file():
            continue
        title, text = page_text(path.read_text(encoding="utf-8"))
        if title:
            index.add(title, url, "Page", (text,))


def static_pages(site_dir: Path) -> list[str]:
    """The URLs of the pages MkDocs built (called before the entity pages are written; the
    shells left out), sorted."""
    urls = []
    for path in site_dir.rglob("index.html"):
        url = path.parent.relative_to(site_dir).as_posix()
        url = "" if url == "." else url + "/"
        if not url.startswith(("shell/", FOLDER + "/")):
            urls.append(url)
    return sorted(urls, key=lambda u: (u.count("/"), u))


def index(site_dir: Path, entities, tables: dict, static_urls: list[str], found: Index | None = None,
          published: Path | None = None, key: str | None = None) -> dict:
    """Write the search index into site_dir/search-index/; returns its manifest. `static_urls`:
    the pages MkDocs built (static_pages); `found`: the entities, when collect_entities
    was run already; `published`: the site last built into the same folder, whose index files
    are linked where they are the same (Index.write); `key`: what the entities' kept words are
    made with (Index.write_state; None: none written)."""
    try:
        if found is None:
            found = collect_entities(entities, tables, previous=published, key=key)
        found.write_state(site_dir, key)  # before the pages MkDocs built join the entities
        add_static_pages(found, site_dir, static_urls)
        return found.write(site_dir / FOLDER, published / FOLDER if published is not None else None)
    except OSError as exc:
        raise SearchError(f"the search index could not be written ({exc.strerror or exc}: {exc.filename}; "
                          f"expected a writable site folder with free space)") from None
