"""Text analysis: how documents and queries become tokens. Both sides go through this module, so they agree.

- Normalisation: NFKC (full-width letters, digits and punctuation become half-width; ㎖ becomes ml), accents
  dropped from Latin letters, lower case.
- Chinese runs are cut by jieba with its bundled dictionary plus ``data/fmcg_words.txt`` and the Chinese
  synonyms (HMM off, so the same characters always cut the same way, in a document and in a query).
  Documents use ``cut_for_search`` (纯牛奶 → 纯牛奶 + 牛奶); queries use the precise cut.
- Latin/digit runs: stop words dropped, words stemmed with Snowball (English); "250ml" also gives "250" and
  "ml".
- Pinyin (for title and keyword fields): each Chinese word's full pinyin and initials (牛奶 → niunai, nn), the
  whole run's (伊利纯牛奶 → yilichunniunai, ylcnn), and the single characters of the title, so that "奶"
  finds 牛奶. These go into a low-weight field, so a real Chinese match ranks first.
- Queries: every word must match; a word matches by any of its alternatives (itself, its stem, its sub-words,
  its synonyms); a last Latin word also matches as a prefix (pinyin or English being typed: "niun", "yogh").

Tokens only ever contain letters and digits, so they are safe inside FTS5 strings and tsquery lexemes: the
user's raw text never reaches a full-text query parser.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from shequ.search.synonyms import SYNONYM_GROUPS

MAX_QUERY_CHARS = 200
MAX_QUERY_GROUPS = 12
_WORDS_FILE = Path(__file__).resolve().parent / "data" / "fmcg_words.txt"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_RUNS = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")
_CJK_ONLY = re.compile(rf"^[{_CJK}]+$")
_ALNUM_PARTS = re.compile(r"[0-9]+|[^\W\d_]+")
_ASCII_ALPHA = re.compile(r"^[a-z]+$")

_STOP_EN = "a an and are as at be but by for from in into is it of on or than that the this to with without"
STOP_WORDS_EN = frozenset(_STOP_EN.split(" "))
# Particles that carry no meaning in a shopping query ("好喝的酸奶" is 好喝 + 酸奶).
STOP_WORDS_ZH = frozenset("的了和与及或是在之把被也都很啊吗呢吧")


def _latin_fold_table() -> dict[int, str]:
    table = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if base and base != char and base.isascii():
            table[code] = base
    table[0xDF] = "ss"
    for code in [*range(0x20), 0x7F]:  # control characters (a NUL breaks PostgreSQL) become spaces
        table[code] = " "
    return table


_LATIN_FOLD = _latin_fold_table()


def normalize(text: str) -> str:
    """Full-width → half-width, accents off Latin letters, control characters off, lower case."""
    return unicodedata.normalize("NFKC", text).translate(_LATIN_FOLD).lower()


# --- the segmenter ---------------------------------------------------------------------------------------


class _Segmenter:
    """One private jieba tokenizer, initialised once per process on first use (about a second: jieba loads
    its bundled dictionary from a marshal cache it writes once; nothing is downloaded).

    Private so that other modules adding words to jieba's global dictionary cannot make the index and the
    queries cut the same text differently."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokenizer = None

    def _load(self):
        with self._lock:
            if self._tokenizer is not None:
                return self._tokenizer
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            # jieba keeps a marshal cache of its dictionary next to it: in the data directory (kept across
            # restarts, writable in a container) rather than the temp directory, when there is one.
            data_dir = getattr(settings, "DATA_DIR", None)
            if data_dir and Path(data_dir).is_dir():
                tokenizer.tmp_dir = str(data_dir)
            tokenizer.initialize()
            for word in extra_dictionary_words():
                tokenizer.add_word(word)
            self._tokenizer = tokenizer
            return tokenizer

    @property
    def tokenizer(self):
        return self._tokenizer or self._load()

    def cut(self, text: str) -> tuple[str, ...]:
        return _cut(self, text)

    def cut_for_search(self, text: str) -> tuple[str, ...]:
        return _cut_for_search(self, text)


# Product texts repeat (brands, categories, flavours, pack sizes): remembering cuts makes indexing several
# times faster. Runs are short, so the caches stay small.
@lru_cache(maxsize=50_000)
def _cut(segmenter: _Segmenter, text: str) -> tuple[str, ...]:
    return tuple(w for w in segmenter.tokenizer.cut(text, HMM=False) if w.strip())


@lru_cache(maxsize=50_000)
def _cut_for_search(segmenter: _Segmenter, text: str) -> tuple[str, ...]:
    return tuple(w for w in segmenter.tokenizer.cut_for_search(text, HMM=False) if w.strip())


_segmenter = _Segmenter()


def extra_dictionary_words() -> list[str]:
    """The FMCG word list plus every Chinese synonym (deterministic order: the cut depends on it)."""
    words = [
        line.split("#", 1)[0].strip() for line in _WORDS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    for group in _synonym_groups():
        words.extend(member for member in group if _CJK_ONLY.match(normalize(member)))
    return list(dict.fromkeys(normalize(w) for w in words if w))


def warm_up() -> None:
    """Load the segmenter and pinyin tables now rather than on the first search (e.g. in a worker's start)."""
    _segmenter.tokenizer  # noqa: B018
    _pinyin("牛奶")


# --- pieces ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _stemmer():
    try:  # the English stemmer alone: importing the package's registry loads every language
        from snowballstemmer.english_stemmer import EnglishStemmer

        return EnglishStemmer()
    except ImportError:  # pragma: no cover - a future layout
        import snowballstemmer

        return snowballstemmer.stemmer("english")


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """Snowball English stem of a lower-case ASCII word (other words unchanged)."""
    if len(word) < 3 or not _ASCII_ALPHA.match(word):
        return word
    return _stemmer().stemWord(word)


def runs(text: str) -> list[tuple[bool, str]]:
    """(is_chinese, run) for each run of Chinese characters or of other letters/digits, in order."""
    return [(bool(cjk), cjk or word) for cjk, word in _RUNS.findall(text)]


def _word_tokens(word: str) -> list[str]:
    """Tokens of one non-Chinese word: its stem, and its letter/digit parts when mixed ("250ml")."""
    if word in STOP_WORDS_EN:
        return []
    tokens = [stem(word)]
    parts = _ALNUM_PARTS.findall(word)
    if len(parts) > 1:
        tokens.extend(stem(p) for p in parts if p not in STOP_WORDS_EN)
    return tokens


def _pinyin_run(run: str) -> tuple[str, ...]:
    """_pinyin of a whole run, word by word (words repeat across products, so their pinyin is cached)."""
    if len(run) <= 4:
        return _pinyin(run)
    return tuple(s for word in _segmenter.cut(run) for s in _pinyin(word))


@lru_cache(maxsize=50_000)
def _pinyin(run: str) -> tuple[str, ...]:
    """One syllable per character of a Chinese run ("" where a character has no known reading)."""
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(run, errors=lambda chars: [""] * len(chars))
    if len(syllables) != len(run):  # pypinyin grouped something: fall back to one character at a time
        syllables = [(lazy_pinyin(ch, errors=lambda chars: [""]) or [""])[0] for ch in run]
    return tuple(s if _ASCII_ALPHA.match(s or "-") else "" for s in syllables)


def _pinyin_forms(syllables: tuple[str, ...]) -> list[str]:
    if not syllables or not all(syllables):
        return []
    return ["".join(syllables), "".join(s[0] for s in syllables)]


# --- documents -------------------------------------------------------------------------------------------


def document_tokens(texts: list[str]) -> list[str]:
    """Search tokens of some texts, in order, without repeats."""
    tokens: list[str] = []
    for text in texts:
        for is_chinese, run in runs(normalize(text or "")):
            if is_chinese:
                tokens.extend(w for w in _segmenter.cut_for_search(run) if w not in STOP_WORDS_ZH)
            else:
                tokens.extend(_word_tokens(run))
    return list(dict.fromkeys(tokens))


def pinyin_tokens(texts: list[str], *, characters: bool = True) -> list[str]:
    """Pinyin of each Chinese word and of each whole run (full and initials), plus single characters."""
    tokens: list[str] = []
    for text in texts:
        for is_chinese, run in runs(normalize(text or "")):
            if not is_chinese:
                continue
            syllables = _pinyin_run(run)
            position = 0
            for word in _segmenter.cut(run):
                if len(word) >= 2:
                    tokens.extend(_pinyin_forms(syllables[position : position + len(word)]))
                    for part in _segmenter.cut_for_search(word):  # 纯牛奶 → also niunai / nn
                        start = word.find(part)
                        if part != word and len(part) >= 2 and start >= 0:
                            tokens.extend(_pinyin_forms(syllables[position + start : position + start + len(part)]))
                position += len(word)
            if len(run) >= 2:
                tokens.extend(_pinyin_forms(syllables))
            if characters:
                tokens.extend(ch for ch in run if ch not in STOP_WORDS_ZH)
    return list(dict.fromkeys(tokens))


def keywords(texts: list[str]) -> list[str]:
    """Words worth suggesting from a title: Chinese words of 2–8 characters and Latin words of 3+ letters."""
    found: list[str] = []
    for text in texts:
        for is_chinese, run in runs(normalize(text or "")):
            if is_chinese:
                found.extend(w for w in _segmenter.cut_for_search(run) if 2 <= len(w) <= 8)
            elif len(run) >= 3 and run.isalpha() and run not in STOP_WORDS_EN:
                found.append(run)
    return list(dict.fromkeys(found))


@lru_cache(maxsize=50_000)
def _suggestion_keys(phrase: str) -> tuple[str, ...]:
    return tuple(_keys_of(phrase))


def suggestion_keys(phrase: str) -> list[str]:
    """What a typed prefix is compared with for a suggestion: the phrase itself and, if Chinese, its pinyin."""
    return list(_suggestion_keys(phrase))


def _keys_of(phrase: str) -> list[str]:
    text = " ".join(normalize(phrase).split())
    keys = [text]
    compact = text.replace(" ", "")
    if compact != text:
        keys.append(compact)
    chinese = "".join(run for is_chinese, run in runs(text) if is_chinese)
    if chinese:
        keys.extend(_pinyin_forms(_pinyin_run(chinese)))
    return [k[:100] for k in dict.fromkeys(keys) if k]


def suggestion_prefix(prefix: str) -> str:
    """A typed prefix in the form the suggestion keys are stored in."""
    return " ".join(normalize(prefix[:MAX_QUERY_CHARS]).split())[:100]


def pinyin_key(word: str) -> str:
    """Full pinyin of a Chinese word (for "did you mean": 牛乃 → niunai → 牛奶)."""
    forms = _pinyin_forms(_pinyin(word)) if _CJK_ONLY.match(word) else []
    return forms[0] if forms else ""


# --- queries ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False


@dataclass(frozen=True)
class QueryGroup:
    """One word of the query: it matches a document when every term of any one alternative does."""

    word: str
    alternatives: tuple[tuple[Term, ...], ...]


@dataclass(frozen=True)
class ParsedQuery:
    groups: tuple[QueryGroup, ...]

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def words(self) -> list[str]:
        return [g.word for g in self.groups]

    def key(self) -> str:
        """A stable text form, for cache keys."""
        return "|".join(
            "+".join(",".join(t.text + ("*" if t.prefix else "") for t in alt) for alt in g.alternatives)
            for g in self.groups
        )


def _synonym_groups() -> list[tuple[str, ...]]:
    return [*SYNONYM_GROUPS, *(tuple(g) for g in getattr(settings, "SHEQU_SEARCH_SYNONYMS", []))]


@lru_cache(maxsize=1)
def _synonym_index() -> tuple[dict[str, tuple[str, ...]], int]:
    """Normalised member → its group's members; and the longest member in words (for phrase lookup)."""
    index: dict[str, tuple[str, ...]] = {}
    longest = 1
    for group in _synonym_groups():
        members = tuple(dict.fromkeys(" ".join(normalize(m).split()) for m in group if m.strip()))
        for member in members:
            index[member] = tuple(dict.fromkeys(index.get(member, ()) + members))
            longest = max(longest, len(member.split()))
            if " " not in member and _ASCII_ALPHA.match(member):
                index.setdefault(stem(member), index[member])
    return index, longest


def _alternative(text: str) -> tuple[Term, ...]:
    """Terms that all must match for ``text`` (a synonym member, or a sub-word cover) to match."""
    terms: list[str] = []
    for is_chinese, run in runs(text):
        if is_chinese:
            terms.extend(w for w in _segmenter.cut(run) if w not in STOP_WORDS_ZH)
        else:
            tokens = _word_tokens(run)
            terms.extend(tokens[:1])
    return tuple(Term(t) for t in dict.fromkeys(terms))


def _sub_word_cover(word: str) -> tuple[Term, ...] | None:
    """Dictionary sub-words covering every character of a long Chinese word (全脂牛奶 → 全脂 + 牛奶), so a
    document cut differently around it still matches; None when there is nothing finer than the word."""
    parts = [w for w in _segmenter.cut_for_search(word) if w != word]
    covered = [False] * len(word)
    chosen: list[str] = []
    for part in sorted(dict.fromkeys(parts), key=len, reverse=True):
        start = word.find(part)
        while start != -1:
            if not all(covered[start : start + len(part)]):
                chosen.append(part)
                for i in range(start, start + len(part)):
                    covered[i] = True
            start = word.find(part, start + 1)
    if not chosen:
        return None
    chosen.extend(word[i] for i, done in enumerate(covered) if not done)
    return tuple(Term(t) for t in dict.fromkeys(chosen))


def _query_words(text: str) -> list[tuple[bool, str]]:
    words: list[tuple[bool, str]] = []
    for is_chinese, run in runs(text):
        if is_chinese:
            words.extend((True, w) for w in _segmenter.cut(run) if w not in STOP_WORDS_ZH)
        elif run not in STOP_WORDS_EN:
            words.append((False, run))
    if not words:  # only stop words: search for them rather than for nothing
        words = [(is_chinese, run) for is_chinese, run in runs(text)]
    return words


def _merge_phrases(words: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    """Join consecutive Latin words that form a multi-word synonym ("oat milk") into one query word."""
    index, longest = _synonym_index()
    merged: list[tuple[bool, str]] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 1, -1):
            window = words[i : i + size]
            phrase = " ".join(w for _, w in window)
            if not any(is_chinese for is_chinese, _ in window) and phrase in index:
                merged.append((False, phrase))
                i += size
                break
        else:
            merged.append(words[i])
            i += 1
    return merged


def _group(is_chinese: bool, word: str, *, prefix: bool) -> QueryGroup | None:
    alternatives: list[tuple[Term, ...]] = []
    synonyms_of = word
    if is_chinese:
        # Chinese words are typed whole (the IME commits words), and documents are indexed with their sub-words
        # and single title characters: an exact match is enough, and much cheaper than a prefix.
        alternatives.append((Term(word),))
        if len(word) >= 3:
            cover = _sub_word_cover(word)
            if cover:
                alternatives.append(cover)
    elif " " in word:  # a multi-word synonym phrase
        alternatives.append(_alternative(word))
    else:
        tokens = _word_tokens(word) or [word]
        stemmed = tokens[0]
        alternatives.append((Term(stemmed, prefix=prefix and len(word) >= 2),))
        if stemmed != word:  # pinyin and unstemmed forms are indexed as they are
            alternatives.append((Term(word, prefix=prefix and len(word) >= 2),))
        if len(tokens) > 1:  # "250ml" also matches "250 ml"
            alternatives.append(tuple(Term(t) for t in tokens[1:]))
        synonyms_of = word if word in _synonym_index()[0] else stemmed
    for member in _synonym_index()[0].get(synonyms_of, ()):
        if member != word:
            alternative = _alternative(member)
            if alternative:
                alternatives.append(alternative)
    alternatives = [a for a in dict.fromkeys(alternatives) if a]
    if not alternatives:
        return None
    return QueryGroup(word=word, alternatives=tuple(alternatives[:8]))


def parse_query(text: str, *, prefix_last: bool = True) -> ParsedQuery:
    """The query as groups of alternatives; any text is accepted (what is not a letter or digit is ignored)."""
    words = _merge_phrases(_query_words(normalize((text or "")[:MAX_QUERY_CHARS])))
    words = list(dict.fromkeys(words))[:MAX_QUERY_GROUPS]
    groups = []
    for position, (is_chinese, word) in enumerate(words):
        group = _group(is_chinese, word, prefix=prefix_last and position == len(words) - 1)
        if group is not None:
            groups.append(group)
    return ParsedQuery(groups=tuple(groups))
