"""``rules.mentions``: the words of each file, split once for use-before-create and missing-extension.

Both rules skip the files whose words name nothing they look for. With the shared words (one word =
a run of ``[a-z0-9_]``, ``$`` a separator) they must find exactly what they find when each reads every
text itself (the path they take for a text that is not ASCII, forced here for every file).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgconsolidate.analysis import analyze_dir
from pgconsolidate.rules import mentions, missing_extension, use_before_create
from pgconsolidate.rules.registry import RuleContext, run_rules, selected_rules
from pgconsolidate.sources.reader import read_dir

from .helpers import write_dir

RULES = ["use-before-create", "missing-extension"]


def _findings(root: Path, *, shared: bool, monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    mdir = read_dir(root)
    analysis = analyze_dir(mdir, keep_trees=False)
    ctx = RuleContext(mdir=mdir, files=analysis.files, analysis=analysis)
    with monkeypatch.context() as m:
        if not shared:  # every file read by each rule itself, as a text that is not ASCII is

            def each_rule_reads(ctx: RuleContext) -> tuple[None, ...]:
                return (None,) * len(ctx.files)

            m.setattr(use_before_create, "file_mentions", each_rule_reads)
            m.setattr(missing_extension, "file_mentions", each_rule_reads)
        found = run_rules(ctx, selected_rules(RULES))
    return [(f.rule, f.message, f.location, f.related, f.objects) for f in found]


def _same(files: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_dir(Path(tmp) / "m", files)
        shared = _findings(root, shared=True, monkeypatch=monkeypatch)
        alone = _findings(root, shared=False, monkeypatch=monkeypatch)
    assert shared == alone
    return shared


def test_dollar_next_to_a_call_or_a_type_still_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "1_a.sql": "create function f() returns text language sql as $$select crypt('a', gen_salt('bf'))$$;\n"
        "create function g() returns text language sql as $q$select 1$q$||$q$x$q$;\n"
        "do $b$begin perform net.http_post(url := 'x'); end$b$;\n"
        "create table t (e vector(3));",
    }
    found = _same(files, monkeypatch)
    assert sorted(objects[0] for _, _, _, _, objects in found) == ["pg_net", "pgcrypto", "vector"]


def test_a_name_holding_a_dollar_is_still_found_used_before_it_is_created(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = {
        "1_a.sql": "create view v as select * from a$b;",
        "2_b.sql": "create table a$b (id int);",
        "3_c.sql": 'create view w as select * from "Odd Name";',
        "4_d.sql": 'create table "Odd Name" (id int);',
    }
    found = _same(files, monkeypatch)
    assert [(loc.file, objects) for rule, _, loc, _, objects in found if rule == "use-before-create"] == [
        ("1_a.sql", ("public.a$b",)),
        ("3_c.sql", ("public.Odd Name",)),
    ]


def test_every_call_word_is_looked_for_in_the_files_holding_one_of_its_words() -> None:
    for word, tokens in missing_extension._WORD_TOKENS.items():
        assert tokens, word
        assert tokens <= mentions.EXTENSION_WORDS, word
    for key in missing_extension._CALLS:
        # each call's name holds a call word whose tokens are the call's own words
        assert any(
            w in key and set(missing_extension._WORD_TOKENS[w]) & set(mentions.words(key))
            for w in missing_extension._CALL_WORDS
        ), key


def test_words_split_on_dollars_and_punctuation_and_lower_case() -> None:
    assert mentions.words('SELECT $$x$$, "Ab_1"(a$b) 1e5') == [b"select", b"x", b"ab_1", b"a", b"b", b"1e5"]


_NAMES = ["t", "u", "items", "a$b", "vec", "crypt", "similarity"]
_PIECES = [
    "create table {n} (id int, e vector(3));",
    "create table if not exists {n} (id int);",
    "create view {n}_v as select * from {n};",
    'create view "{n}_q" as select * from "{n}";',
    "create function {n}_f() returns int language sql as $$select count(*) from {n}$$;",
    "create function {n}_g() returns text language sql as $x$select crypt('a', gen_salt('bf'))$x$;",
    "select similarity('a', 'b'), {n}.similarity from {n};",
    "create index {n}_i on {n} using gin (x gin_trgm_ops);",
    "create extension if not exists {ext};",
    "select cron.schedule('j', '* * * * *', $$select 1$$);",
    "create type {n}_t as enum ('a');",
    "create table {n}_2 (k {n}_t, h halfvec(2), c citext);",
    "insert into {n} values (1);",
    "-- {n} only in a comment\nselect 1;",
]
_EXTENSIONS = ["vector", "pg_trgm", "pgcrypto", "citext", "pg_cron"]

_file = st.lists(
    st.builds(
        lambda piece, name, ext: piece.format(n=name, ext=ext),
        st.sampled_from(_PIECES),
        st.sampled_from(_NAMES),
        st.sampled_from(_EXTENSIONS),
    ),
    min_size=1,
    max_size=4,
).map("\n".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_file, min_size=1, max_size=4))
def test_shared_words_find_what_each_rule_finds_alone(
    texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _same({f"{i + 1}_m.sql": text for i, text in enumerate(texts)}, monkeypatch)
