"""The consolidation fix: one idempotent transaction for databases that already exist (pure).

Every step is guarded on the catalog state, so running the file twice changes nothing, and every step
that moves data counts what it moves and raises before COMMIT when a row or a value would be lost:

1. embedding columns: values of another dimension are MOVED to ``<column>_<dim>`` columns, then the
   column gets its canonical dimension;
2. table merges: every source row is inserted into the target (colliding keys per the plan's strategy;
   keep-both renews one key column as :mod:`pgconsolidate.plan.keys` describes: identity, the column's
   own default, or a value made for its type, its sequence moved past every key);
   every merged row is recorded in ``<target>_merge_origin``; counts checked; foreign keys that
   reference the source (read from the catalog at run time) are repointed to the target, their values
   rewritten through the key map and counted; the source is dropped;
3. losing overloads dropped by exact signature (``to_regprocedure``), kept variants re-created;
4. SECURITY DEFINER functions converted to INVOKER, or kept with a pinned search_path and EXECUTE revoked;
5. missing indexes added (``IF NOT EXISTS``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from psycopg import sql

from pgconsolidate.catalog.model import Column, Snapshot
from pgconsolidate.errors import InputError
from pgconsolidate.generate.render import comment_block, do_block, qualified, render
from pgconsolidate.plan.check import columns_of, type_category
from pgconsolidate.plan.keys import Renewal, generating_default, key_columns, renewal, type_fallback
from pgconsolidate.plan.model import INDEX_METHODS, Definer, Embedding, IndexChoice, Merge, Plan
from pgconsolidate.plan.recreated import RecreatedTable

L = sql.Literal
I = sql.Identifier  # noqa: E741
_PLAIN = re.compile(r"^[a-z_][a-z0-9_$]*$")


def RL(identity: str) -> sql.Literal:
    """``schema.name`` as a literal for ``to_regclass``: as it is when both parts are plain lower-case
    names, else quoted (``to_regclass('public.Post')`` folds to ``public.post``: Prisma's tables)."""
    if all(_PLAIN.match(part) for part in identity.split(".")):
        return L(identity)
    return L(render(qualified(identity)))


def _exists_column(table: str, column: str) -> sql.Composed:
    return sql.SQL(
        "EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass({t}) AND attname = {c} "
        "AND attnum > 0 AND NOT attisdropped)"
    ).format(t=RL(table), c=L(column))


def embedding_step(e: Embedding) -> str:
    tbl, col = qualified(e.table), I(e.column)
    typ = I(e.type_name)
    stmts: list[sql.Composable] = [
        sql.SQL("IF to_regclass({t}) IS NULL OR NOT {has} THEN").format(
            t=RL(e.table), has=_exists_column(e.table, e.column)
        ),
        sql.SQL("  RAISE NOTICE 'pgconsolidate: % has no column %, skipped', {t}, {c};").format(
            t=L(e.table), c=L(e.column)
        ),
        sql.SQL("  RETURN;\nEND IF;"),
    ]
    for d in e.move_dimensions:
        stmts.append(
            sql.SQL("ALTER TABLE {t} ADD COLUMN IF NOT EXISTS {s} {typ}({d});").format(
                t=tbl, s=I(e.side_column(d)), typ=typ, d=sql.SQL(str(int(d)))
            )
        )
    side_counts = sql.SQL("").join(
        sql.SQL(" + count({})").format(I(e.side_column(d))) for d in e.move_dimensions
    )
    handled = sql.SQL(", ").join(L(d) for d in (e.dimension, *e.move_dimensions))
    stmts += [
        sql.SQL("SELECT count({c}){side} INTO n_values FROM {t};").format(c=col, side=side_counts, t=tbl),
        sql.SQL(
            "SELECT count(*) INTO n_other FROM {t} WHERE {c} IS NOT NULL AND vector_dims({c}) NOT IN ({h});"
        ).format(t=tbl, c=col, h=handled),
        sql.SQL("IF n_other > 0 THEN").format(),
        sql.SQL(
            "  RAISE EXCEPTION 'pgconsolidate: % rows of %.% hold a dimension the plan does not handle "
            "(canonical {d}); nothing was changed', n_other, {t}, {c};"
        ).format(d=sql.SQL(str(int(e.dimension))), t=L(e.table), c=L(e.column)),
        sql.SQL("END IF;"),
    ]
    if e.move_dimensions:
        stmts.append(sql.SQL(suspend_triggers(e.table)))
    for d in e.move_dimensions:
        stmts.append(
            sql.SQL(
                "UPDATE {t} SET {s} = {c}::{typ}({d}), {c} = NULL WHERE {c} IS NOT NULL AND "
                "vector_dims({c}) = {dl};"
            ).format(t=tbl, s=I(e.side_column(d)), c=col, typ=typ, d=sql.SQL(str(int(d))), dl=L(d))
        )
        stmts.append(sql.SQL("GET DIAGNOSTICS n_moved = ROW_COUNT;"))
        stmts.append(
            sql.SQL(
                "RAISE NOTICE 'pgconsolidate: %.%: % values of {d} dimensions moved to %', {t}, "
                "{c}, n_moved, {s};"
            ).format(d=sql.SQL(str(int(d))), t=L(e.table), c=L(e.column), s=L(e.side_column(d)))
        )
    if e.move_dimensions:
        stmts.append(sql.SQL(resume_triggers(e.table)))
    stmts += [
        sql.SQL(
            "IF (SELECT atttypmod FROM pg_attribute WHERE attrelid = to_regclass({t}) AND "
            "attname = {c}) <> {d} THEN"
        ).format(t=RL(e.table), c=L(e.column), d=L(e.dimension)),
        sql.SQL(
            "  -- triggers that name the column block ALTER TYPE: drop them and re-create them identically\n"
            "  FOR r IN SELECT tg.tgname, pg_get_triggerdef(tg.oid) AS def FROM pg_trigger tg\n"
            "    WHERE tg.tgrelid = to_regclass({tl}) AND NOT tg.tgisinternal\n"
            "      AND ((SELECT attnum FROM pg_attribute WHERE attrelid = tg.tgrelid AND "
            "attname = {cl}) = ANY (tg.tgattr)\n"
            "           OR tg.tgqual IS NOT NULL) LOOP\n"
            "    trigger_defs := trigger_defs || r.def;\n"
            "    EXECUTE 'DROP TRIGGER ' || quote_ident(r.tgname) || ' ON ' || to_regclass({tl})::text;\n"
            "  END LOOP;"
        ).format(tl=RL(e.table), cl=L(e.column)),
        sql.SQL("  ALTER TABLE {t} ALTER COLUMN {c} TYPE {typ}({d}) USING {c}::{typ}({d});").format(
            t=tbl, c=col, typ=typ, d=sql.SQL(str(int(e.dimension)))
        ),
        sql.SQL("  FOREACH def IN ARRAY trigger_defs LOOP\n    EXECUTE def;\n  END LOOP;"),
        sql.SQL("END IF;"),
        sql.SQL("SELECT count({c}){side} INTO n_after FROM {t};").format(c=col, side=side_counts, t=tbl),
        sql.SQL("IF n_after <> n_values THEN"),
        sql.SQL(
            "  RAISE EXCEPTION 'pgconsolidate: %.% had % embedding values, % after conversion: rolled back', "
            "{t}, {c}, n_values, n_after;"
        ).format(t=L(e.table), c=L(e.column)),
        sql.SQL("END IF;"),
    ]
    body = "\n".join(render(s) for s in stmts)
    return do_block(
        body,
        "  n_values bigint;\n  n_other bigint;\n  n_moved bigint;\n  n_after bigint;\n"
        "  def text;\n  trigger_defs text[] := '{}';\n" + TRIGGER_VARS,
    )


def suspend_triggers(table: str) -> str:
    """plpgsql: disable the enabled user triggers of ``table`` (names kept in ``suspended``)."""
    return render(
        sql.SQL(
            "FOR r IN SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass({t}) AND NOT tgisinternal "
            "AND tgenabled = 'O' LOOP\n"
            "  suspended := suspended || r.tgname::text;\n"
            "  EXECUTE 'ALTER TABLE ' || to_regclass({t})::text || ' DISABLE TRIGGER ' || "
            "quote_ident(r.tgname);\n"
            "END LOOP;"
        ).format(t=RL(table))
    )


def resume_triggers(table: str) -> str:
    """plpgsql: re-enable the triggers :func:`suspend_triggers` disabled."""
    return render(
        sql.SQL(
            "FOREACH tg IN ARRAY suspended LOOP\n"
            "  EXECUTE 'ALTER TABLE ' || to_regclass({t})::text || ' ENABLE TRIGGER ' || quote_ident(tg);\n"
            "END LOOP;\nsuspended := '{{}}';"
        ).format(t=RL(table))
    )


TRIGGER_VARS = "  r record;\n  tg text;\n  suspended text[] := '{}';\n"


def _mapping(m: Merge, plan: Plan, snap: Snapshot) -> tuple[list[tuple[str, sql.Composable]], list[str]]:
    """(target column, value expression over ``s``) for every mapped column, and unmapped source columns."""
    scols = columns_of(snap, m.source)
    out: list[tuple[str, sql.Composable]] = []
    used: set[str] = {m.key}
    for c in m.columns:
        if c.target == m.key:
            continue
        if c.source is not None:
            out.append((c.target, sql.SQL("s.{}").format(I(c.source))))
            used.add(c.source)
            te, se = plan.embedding_for(m.target, c.target), plan.embedding_for(m.source, c.source)
            if te and se:
                for d in sorted(set(te.move_dimensions) & set(se.move_dimensions)):
                    out.append((te.side_column(d), sql.SQL("s.{}").format(I(se.side_column(d)))))
                    used.add(se.side_column(d))
        elif c.expr is not None:
            # A reviewed SQL expression from the plan (over the source row ``s``): inserted as written.
            out.append((c.target, sql.SQL("(" + c.expr.replace("{", "{{").replace("}", "}}") + ")").format()))
            used.update(re.findall(r'\bs\."?(\w+)"?', c.expr))
    unmapped = [name for name in scols if name not in used]
    for e in plan.embeddings:
        if e.table == m.source:
            unmapped = [u for u in unmapped if u not in {e.side_column(d) for d in e.move_dimensions}] + [
                e.side_column(d)
                for d in e.move_dimensions
                if e.side_column(d) not in used and e.side_column(d) not in scols
            ]
    return out, unmapped


REPOINT_VARS = (
    "  rp_fk record;\n  rp_on_tab regclass;\n  rp_rcols text[];\n  rp_tcols text[];\n  rp_scope text;\n"
    "  rp_fk_name text;\n  rp_newdef text;\n  rp_oldref text;\n  rp_newref text;\n  rp_joins text;\n"
    "  rp_nn_cond text;\n  rp_n_ref_before bigint;\n"
    "  rp_n_ok_before bigint;\n  rp_n_ref_after bigint;\n  rp_n_ok_after bigint;\n  rp_n_rw bigint;\n"
    "  rp_n_rewritten bigint;\n  rp_refkey text;\n  rp_colmap jsonb;\n  rp_i integer;\n  rp_tgn text;\n"
    "  rp_ref_trg text[];\n"
)

_ATTNAMES = (
    "ARRAY(SELECT a.attname::text FROM unnest({keys}) WITH ORDINALITY k(n, i) JOIN pg_attribute a "
    "ON a.attrelid = {rel} AND a.attnum = k.n ORDER BY k.i)"
)


def repoint_foreign_keys(m: Merge, n: int, renew: str = "") -> str:
    """plpgsql, run after the rows of ``m.source`` are in ``m.target`` and before the source is dropped:
    every foreign key that references the source (found in the catalog at run time, so keys created by
    hand are included) is dropped, its referencing values are rewritten through the merge's key map
    (``pgc_merge_map_<n>``: only rows whose key changed move), and it is re-created with the same name,
    columns, actions and deferrability, referencing the target (``NOT VALID`` then ``VALIDATE`` when it was
    valid). A self-reference of the source is re-created on the target over the mapped columns, its values
    rewritten on the rows that came from the source. Referencing rows and the rows whose reference
    resolves are counted before and after; any difference raises before COMMIT. ``renew`` is the key
    column keep-both gave new values (empty: no key changed); a foreign key that names it must name the
    whole key (its values are matched through the map's ``source_key``)."""
    tschema, tname = m.target.split(".", 1)
    keys = key_columns(m.key)
    colmap = {c.source: c.target for c in m.columns if c.source is not None}
    for k in keys:
        colmap[k] = k
    scope = sql.SQL(" AND {kx} IN (SELECT o.target_key FROM {origin} o WHERE o.source_table = {sl})").format(
        kx=key_expr("r", keys), origin=I(tschema, f"{tname}_merge_origin"), sl=RL(m.source)
    )
    src_names = sql.SQL(_ATTNAMES).format(keys=sql.SQL("c.conkey"), rel=sql.SQL("c.conrelid"))
    ref_names = sql.SQL(_ATTNAMES).format(keys=sql.SQL("c.confkey"), rel=sql.SQL("c.confrelid"))
    other_names = sql.SQL(_ATTNAMES).format(keys=sql.SQL("c2.conkey"), rel=sql.SQL("c2.conrelid"))
    body = sql.SQL(
        """-- foreign keys that reference the source now reference the target (same name, columns, actions)
rp_colmap := {colmap}::jsonb;
FOR rp_fk IN
  SELECT c.conname::text AS conname, c.conrelid::regclass AS reltab,
         c.conrelid = to_regclass({sl}) AS self_ref,
         pg_get_constraintdef(c.oid) AS def, c.convalidated, {src_names} AS cols, {ref_names} AS fcols
  FROM pg_constraint c
  WHERE c.contype = 'f' AND c.confrelid = to_regclass({sl}) AND c.conparentid = 0
  ORDER BY c.conrelid::regclass::text, c.conname
LOOP
  rp_tcols := ARRAY(SELECT coalesce(rp_colmap->>u.c, u.c)
                    FROM unnest(rp_fk.fcols) WITH ORDINALITY u(c, i) ORDER BY u.i);
  IF rp_fk.self_ref THEN
    rp_on_tab := to_regclass({tl});
    rp_rcols := ARRAY(SELECT coalesce(rp_colmap->>u.c, u.c)
                      FROM unnest(rp_fk.cols) WITH ORDINALITY u(c, i) ORDER BY u.i);
    IF EXISTS (SELECT 1 FROM unnest(rp_rcols) rc WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a
               WHERE a.attrelid = rp_on_tab AND a.attname = rc AND a.attnum > 0 AND NOT a.attisdropped)) THEN
      RAISE EXCEPTION 'pgconsolidate: self-reference % of % uses columns % that % does not have: rolled back',
        rp_fk.conname, {sl}, rp_fk.cols, {tl};
    END IF;
    rp_scope := {scope};
  ELSE
    rp_on_tab := rp_fk.reltab;
    rp_rcols := rp_fk.cols;
    rp_scope := '';
  END IF;
  SELECT string_agg(format('p.%I = r.%I', x, y), ' AND '), string_agg(format('r.%I IS NOT NULL', y), ' AND ')
    INTO rp_joins, rp_nn_cond FROM unnest(rp_fk.fcols, rp_fk.cols) AS u(x, y);
  EXECUTE format('SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM %s p WHERE %s)) '
                 'FROM %s r WHERE %s',
                 to_regclass({sl}), rp_joins, rp_fk.reltab, rp_nn_cond) INTO rp_n_ref_before, rp_n_ok_before;
  rp_oldref := ' REFERENCES ' || to_regclass({sl})::text || '('
    || (SELECT string_agg(quote_ident(u.c), ', ' ORDER BY u.i)
        FROM unnest(rp_fk.fcols) WITH ORDINALITY u(c, i)) || ')';
  rp_newref := ' REFERENCES ' || to_regclass({tl})::text || '('
    || (SELECT string_agg(quote_ident(u.c), ', ' ORDER BY u.i)
        FROM unnest(rp_tcols) WITH ORDINALITY u(c, i)) || ')';
  IF position(rp_oldref IN rp_fk.def) = 0 THEN
    RAISE EXCEPTION 'pgconsolidate: cannot repoint foreign key % on % (definition %): rolled back',
      rp_fk.conname, rp_fk.reltab, rp_fk.def;
  END IF;
  rp_newdef := regexp_replace(replace(rp_fk.def, rp_oldref, rp_newref), ' NOT VALID$', '');
  IF rp_fk.self_ref THEN
    rp_newdef := replace(rp_newdef,
      'FOREIGN KEY (' || (SELECT string_agg(quote_ident(u.c), ', ' ORDER BY u.i)
                          FROM unnest(rp_fk.cols) WITH ORDINALITY u(c, i)) || ')',
      'FOREIGN KEY (' || (SELECT string_agg(quote_ident(u.c), ', ' ORDER BY u.i)
                          FROM unnest(rp_rcols) WITH ORDINALITY u(c, i)) || ')');
  END IF;
  EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', rp_fk.reltab, rp_fk.conname);
  -- rewrite the references of rows whose key changed (user triggers suspended: a key rewrite, not an edit)
  rp_n_rewritten := 0;
  IF {renew} = ANY (rp_fk.fcols) AND EXISTS (SELECT 1 FROM pg_temp.{map} WHERE new_val IS NOT NULL) THEN
    IF NOT ({kcols} <@ rp_fk.fcols) THEN
      RAISE EXCEPTION 'pgconsolidate: foreign key % on % references % without its whole key %: its values '
        'cannot be rewritten to the new keys: rolled back', rp_fk.conname, rp_fk.reltab, {sl}, {kcols};
    END IF;
    rp_ref_trg := '{{}}';
    FOR rp_tgn IN SELECT tgname FROM pg_trigger
                  WHERE tgrelid = rp_on_tab AND NOT tgisinternal AND tgenabled = 'O' LOOP
      rp_ref_trg := rp_ref_trg || rp_tgn;
      EXECUTE format('ALTER TABLE %s DISABLE TRIGGER %I', rp_on_tab, rp_tgn);
    END LOOP;
    -- the referencing columns in the key's order: one column, or jsonb_build_array(...) for a composite key
    SELECT string_agg(format('r.%I', rp_rcols[array_position(rp_fk.fcols, k.c)]), ', ' ORDER BY k.i)
      INTO rp_refkey FROM unnest({kcols}) WITH ORDINALITY k(c, i);
    IF cardinality({kcols}) > 1 THEN
      rp_refkey := 'jsonb_build_array(' || rp_refkey || ')';
    END IF;
    EXECUTE format('UPDATE %s r SET %I = m.new_val FROM pg_temp.%I m WHERE %s = m.source_key '
                   'AND m.new_val IS NOT NULL%s',
                   rp_on_tab, rp_rcols[array_position(rp_fk.fcols, {renew})], {mapl}, rp_refkey, rp_scope);
    GET DIAGNOSTICS rp_n_rw = ROW_COUNT;
    rp_n_rewritten := rp_n_rewritten + rp_n_rw;
    FOREACH rp_tgn IN ARRAY rp_ref_trg LOOP
      EXECUTE format('ALTER TABLE %s ENABLE TRIGGER %I', rp_on_tab, rp_tgn);
    END LOOP;
  END IF;
  rp_fk_name := rp_fk.conname;
  IF rp_fk.self_ref AND EXISTS (SELECT 1 FROM pg_constraint c2
                                WHERE c2.conrelid = rp_on_tab AND c2.contype = 'f'
                             AND c2.confrelid = rp_on_tab AND {other_names} = rp_rcols) THEN
    RAISE NOTICE 'pgconsolidate: % already has a foreign key on % like %: not duplicated',
      rp_on_tab, rp_rcols, rp_fk.conname;
  ELSE
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = rp_on_tab AND conname = rp_fk_name) THEN
      rp_fk_name := left(rp_fk.conname, 50) || '_merged';
    END IF;
    IF rp_fk.convalidated AND (SELECT relkind FROM pg_class WHERE oid = rp_on_tab) = 'p' THEN
      -- partitioned tables: a valid key is added (and checked) in one step
      EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', rp_on_tab, rp_fk_name, rp_newdef);
    ELSE
      EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s NOT VALID', rp_on_tab, rp_fk_name, rp_newdef);
    END IF;
    IF rp_fk.convalidated AND (SELECT relkind FROM pg_class WHERE oid = rp_on_tab) <> 'p' THEN
      EXECUTE format('ALTER TABLE %s VALIDATE CONSTRAINT %I', rp_on_tab, rp_fk_name);
    END IF;
  END IF;
  SELECT string_agg(format('p.%I = r.%I', x, y), ' AND '), string_agg(format('r.%I IS NOT NULL', y), ' AND ')
    INTO rp_joins, rp_nn_cond FROM unnest(rp_tcols, rp_rcols) AS u(x, y);
  EXECUTE format('SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM %s p WHERE %s)) FROM %s r '
                 'WHERE %s%s', to_regclass({tl}), rp_joins, rp_on_tab, rp_nn_cond, rp_scope)
    INTO rp_n_ref_after, rp_n_ok_after;
  IF rp_n_ref_after <> rp_n_ref_before OR rp_n_ok_after <> rp_n_ok_before THEN
    RAISE EXCEPTION 'pgconsolidate: repointing foreign key % on % from % to % would lose references (rows %, '
      'resolved % before; % and % after): rolled back', rp_fk.conname, rp_fk.reltab, {sl}, {tl},
      rp_n_ref_before, rp_n_ok_before, rp_n_ref_after, rp_n_ok_after;
  END IF;
  RAISE NOTICE 'pgconsolidate: foreign key % on % now references % (% references rewritten to new keys)',
    rp_fk_name, rp_on_tab, {tl}, rp_n_rewritten;
END LOOP;"""
    ).format(
        colmap=L(json.dumps(colmap, sort_keys=True)),
        sl=RL(m.source),
        tl=RL(m.target),
        scope=L(render(scope)),
        renew=L(renew),
        kcols=sql.SQL("{}::text[]").format(L(list(keys))),
        map=I(f"pgc_merge_map_{n}"),
        mapl=L(f"pgc_merge_map_{n}"),
        src_names=src_names,
        ref_names=ref_names,
        other_names=other_names,
    )
    return render(body)


def key_expr(alias: str, keys: tuple[str, ...]) -> sql.Composable:
    """The key of the row ``alias``: its one key column, or ``jsonb_build_array(...)`` of a composite key
    (comparable across tables whatever the column types, and printable as the origin's ``source_key``).
    An empty ``alias`` names the bare columns (``md5(string_agg(<key_expr>::text ...))`` over a table gives
    the checksum of the keys its origin table records)."""
    cols = [sql.SQL("{}.{}").format(sql.SQL(alias), I(k)) if alias else I(k) for k in keys]
    if len(cols) == 1:
        return cols[0]
    return sql.SQL("jsonb_build_array({})").format(sql.SQL(", ").join(cols))


def key_join(a: str, b: str, keys: tuple[str, ...]) -> sql.Composable:
    return sql.SQL(" AND ").join(
        sql.SQL("{a}.{k} = {b}.{k}").format(a=sql.SQL(a), b=sql.SQL(b), k=I(k)) for k in keys
    )


#: Placeholder for the new-key expression in the map's CREATE statement (replaced at run time).
NEW_KEY_TOKEN = "/*pgc:new-key*/NULL"
#: The PostgreSQL regular expression for defaults that make a new value per call (see plan/keys.py).
GENERATING_DEFAULT_RE = r"(^|[^a-z_])(nextval|gen_random_uuid|uuid_generate_v[0-9a-z_]*|random)\s*\("


def _fallback_key(r: Renewal, m: Merge) -> sql.Composable:
    """A new value of ``r.column`` for a colliding source row ``s`` when the column has no generating
    default: a new uuid, a number above every key of both tables, or the old text with a random suffix
    that fits the column's length."""
    col = I(r.column)
    how = type_fallback(r.type)
    if how == "uuid":
        return sql.SQL("gen_random_uuid()")
    if how == "number":
        return sql.SQL(
            "greatest((SELECT coalesce(max(t2.{k}), 0) FROM {t} t2),\n"
            "         (SELECT coalesce(max(s2.{k}), 0) FROM {s} s2))"
            " + row_number() OVER ()"
        ).format(k=col, t=qualified(m.target), s=qualified(m.source))
    if how == "text":
        rand = sql.SQL("md5(random()::text || s.{k}::text)").format(k=col)
        if r.length is None:
            return sql.SQL("s.{k}::text || '~' || substr({rand}, 1, 8)").format(k=col, rand=rand)
        n = int(r.length)
        return sql.SQL("left(s.{k}::text, {keep}) || '~' || substr({rand}, 1, {hexn})").format(
            k=col, keep=sql.SQL(str(max(n - 9, 0))), rand=rand, hexn=sql.SQL(str(min(8, n - 1)))
        )
    return sql.SQL("NULL")


def _new_key_steps(
    m: Merge, r: Renewal, fmt: dict[str, sql.Composable], template: sql.Composable
) -> list[sql.Composable]:
    """plpgsql: choose the new-key expression at run time from the catalog (the column's identity
    sequence, else its generating default, else the type's fallback), move the column's sequence past
    every key of both tables, and create the key map with it."""
    rl = L(r.column)
    return [
        sql.SQL(
            "SELECT a.attidentity::text, pg_get_expr(ad.adbin, ad.adrelid), ty.typcategory = 'N'\n"
            "  INTO key_ident, key_default, key_numeric\n"
            "  FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid\n"
            "  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum\n"
            "  WHERE a.attrelid = to_regclass({tl}) AND a.attname = {rl} AND a.attgenerated = '';"
        ).format(rl=rl, **fmt),
        _sequence_of(r.column, fmt),
        sql.SQL(
            "-- the column's identity, else its own default when it makes new values (a sequence only\n"
            "-- behind a number: it is moved past every key below), else a value made for its type\n"
            "IF key_ident IN ('a', 'd') AND key_seq IS NOT NULL THEN\n"
            "  new_expr := format('nextval(%L::regclass)', key_seq);\n"
            "ELSIF key_default ~* {gen} AND (key_seq IS NULL OR key_numeric) THEN\n"
            "  new_expr := key_default;\n"
            "ELSE\n"
            "  new_expr := {fallback};\n"
            "END IF;\n"
            "IF new_expr IS NULL OR new_expr = 'NULL' THEN\n"
            "  RAISE EXCEPTION 'pgconsolidate: merge % -> %: no way to make a new % for colliding rows "
            "(no identity, no generating default, type %); choose on_collision = prefer-target or fail', "
            "{sl}, {tl}, {cl}, {typ};\n"
            "END IF;"
        ).format(
            gen=L(GENERATING_DEFAULT_RE),
            fallback=L(render(_fallback_key(r, m))),
            cl=L(r.column),
            typ=L(r.type),
            **fmt,
        ),
        _advance_sequence(r.column, fmt, both=True),
        sql.SQL("EXECUTE replace({tmpl}, {token}, new_expr);").format(
            tmpl=L(render(template)), token=L(NEW_KEY_TOKEN)
        ),
    ]


def _sequence_of(column: str, fmt: dict[str, sql.Composable]) -> sql.Composable:
    """plpgsql: ``key_seq`` := the sequence behind ``column`` of the target (identity, serial, or a
    hand-made ``DEFAULT nextval(...)``), NULL when there is none."""
    return sql.SQL(
        "key_seq := pg_get_serial_sequence({tl}, {cl});\n"
        "IF key_seq IS NULL THEN\n"
        "  SELECT d.refobjid::regclass::text INTO key_seq FROM pg_attrdef ad\n"
        "    JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum\n"
        "    JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid\n"
        "      AND d.refclassid = 'pg_class'::regclass\n"
        "    JOIN pg_class c ON c.oid = d.refobjid AND c.relkind = 'S'\n"
        "    WHERE ad.adrelid = to_regclass({tl}) AND a.attname = {cl} LIMIT 1;\n"
        "END IF;"
    ).format(cl=L(column), **fmt)


def _advance_sequence(column: str, fmt: dict[str, sql.Composable], *, both: bool) -> sql.Composable:
    """plpgsql: move ``key_seq`` (when set) past the largest ``column`` of the target (and of the source
    when ``both``), never backwards."""
    c = I(column)
    biggest = (
        sql.SQL("SELECT greatest((SELECT max({c}) FROM {tgt}), (SELECT max({c}) FROM {src}))::numeric")
        if both
        else sql.SQL("SELECT max({c})::numeric FROM {tgt}")
    ).format(c=c, **fmt)
    return sql.SQL(
        "IF key_seq IS NOT NULL AND (SELECT ty.typcategory FROM pg_attribute a JOIN pg_type ty ON ty.oid = "
        "a.atttypid\n"
        "    WHERE a.attrelid = to_regclass({tl}) AND a.attname = {cl}) = 'N' THEN\n"
        "  EXECUTE {q} INTO key_max;\n"
        "  IF key_max IS NOT NULL AND key_max > coalesce(pg_sequence_last_value(key_seq::regclass), 0) THEN\n"
        "    PERFORM setval(key_seq, key_max::bigint);\n"
        "  END IF;\n"
        "END IF;"
    ).format(q=L(render(biggest)), cl=L(column), **fmt)


def _closed_to_api(table: sql.Composable) -> sql.Composed:
    """Row level security on a bookkeeping table the fix creates (``*_merge_origin``, ``*_merge_unmerged``,
    ``*_merge_replaced``): it holds every merged key (and whole rows), and a schema's default privileges
    (Supabase grants ALL on new tables in ``public`` to anon and authenticated) would otherwise expose it
    to the API. Without policies only the owner and roles that bypass RLS read it."""
    return sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY;").format(table)


def merge_step(m: Merge, n: int, plan: Plan, snap: Snapshot) -> str:
    src, tgt = qualified(m.source), qualified(m.target)
    keys = key_columns(m.key)
    tschema, tname = m.target.split(".", 1)
    sname = m.source.split(".", 1)[1]
    origin = I(tschema, f"{tname}_merge_origin")
    tcols = columns_of(snap, m.target)
    renew: Renewal | None = None
    if m.on_collision == "keep-both":
        found = renewal(m.key, tcols)
        if isinstance(found, str):
            raise InputError(
                f"merge {m.source} -> {m.target}: keep-both cannot make a new key: {found}; set "
                'on_collision = "prefer-target" or "fail" in the plan'
            )
        renew = found
    if len(keys) == 1:
        ktype = sql.SQL(tcols[keys[0]].type if keys[0] in tcols else m.key_type)
    else:
        ktype = sql.SQL("jsonb")
    cols, unmapped = _mapping(m, plan, snap)
    extra = (
        sql.SQL("jsonb_build_object({})").format(
            sql.SQL(", ").join(sql.SQL("{}, s.{}").format(L(u), I(u)) for u in unmapped)
        )
        if unmapped
        else sql.SQL("NULL::jsonb")
    )
    mapname = I(f"pgc_merge_map_{n}")
    sk, tk = key_expr("s", keys), key_expr("t", keys)
    key_values = [
        sql.SQL("CASE WHEN m.source_key IS NULL THEN s.{k} ELSE m.new_val END").format(k=I(k))
        if renew is not None and k == renew.column
        else sql.SQL("s.{}").format(I(k))
        for k in keys
    ]
    target_list = sql.SQL(", ").join([*(I(k) for k in keys), *(I(c) for c, _ in cols)])
    value_list = sql.SQL(", ").join([*key_values, *(v for _, v in cols)])
    fmt: dict[str, sql.Composable] = {
        "src": src,
        "tgt": tgt,
        "sk": sk,
        "tk": tk,
        "join": key_join("t", "s", keys),
        "origin": origin,
        "map": mapname,
        "sl": RL(m.source),
        "tl": RL(m.target),
    }
    s: list[sql.Composable] = [
        sql.SQL("IF to_regclass({sl}) IS NULL THEN").format(**fmt),
        sql.SQL(
            "  RAISE NOTICE 'pgconsolidate: % does not exist (merged already or never created): "
            "skipped', {sl};"
        ).format(**fmt),
        sql.SQL("  RETURN;\nEND IF;"),
        sql.SQL("IF to_regclass({tl}) IS NULL THEN").format(**fmt),
        sql.SQL("  RAISE EXCEPTION 'pgconsolidate: merge target % does not exist', {tl};").format(**fmt),
        sql.SQL("END IF;"),
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {origin} (\n"
            "  source_table text NOT NULL,\n  source_key text NOT NULL,\n  target_key {kt} NOT NULL,\n"
            "  key_changed boolean NOT NULL,\n  outcome text NOT NULL,\n  extra jsonb,\n"
            "  merged_at timestamptz NOT NULL DEFAULT now()\n);"
        ).format(origin=origin, kt=ktype),
        _closed_to_api(origin),
        sql.SQL("IF EXISTS (SELECT 1 FROM {origin} WHERE source_table = {sl}) THEN").format(**fmt),
        sql.SQL("  RAISE NOTICE 'pgconsolidate: % was merged into % already: skipped', {sl}, {tl};").format(
            **fmt
        ),
        sql.SQL("  RETURN;\nEND IF;"),
        sql.SQL("SELECT count(*) INTO n_source FROM {src};").format(**fmt),
        sql.SQL("SELECT count(*) INTO n_target_before FROM {tgt};").format(**fmt),
        sql.SQL("DROP TABLE IF EXISTS pg_temp.{map};").format(**fmt),
    ]
    if renew is not None:
        rc = I(renew.column)
        new_key = (
            sql.SQL("jsonb_build_array({})").format(
                sql.SQL(", ").join(
                    sql.SQL("q.pgc_new") if k == renew.column else sql.SQL("q.{}").format(I(k)) for k in keys
                )
            )
            if len(keys) > 1
            else sql.SQL("q.pgc_new")
        )
        template = sql.SQL(
            "CREATE TEMP TABLE {map} ON COMMIT DROP AS\n"
            "  SELECT {qk} AS source_key, q.{rc} AS old_val, q.pgc_new AS new_val, {new_key} AS target_key\n"
            "  FROM (SELECT {kcols}, ({token})::{rtype} AS pgc_new\n"
            "        FROM {src} s JOIN {tgt} t ON {join}) q"
        ).format(
            qk=key_expr("q", keys),
            rc=rc,
            new_key=new_key,
            kcols=sql.SQL(", ").join(sql.SQL("s.{}").format(I(k)) for k in keys),
            token=sql.SQL(NEW_KEY_TOKEN),
            rtype=sql.SQL(renew.type),
            **fmt,
        )
        s += _new_key_steps(m, renew, fmt, template)
        # a new key that is taken (by a target row, a source row or another new key: a random suffix of a
        # short column can repeat) is made again, for those rows only, until every new key is free
        retarget = (
            sql.SQL("jsonb_set(m.source_key, ARRAY[{i}], to_jsonb(x.v))").format(
                i=L(str(keys.index(renew.column)))
            )
            if len(keys) > 1
            else sql.SQL("x.v")
        )
        retry = sql.SQL(
            "UPDATE {map} m SET new_val = x.v, target_key = {retarget}\n"
            "FROM (SELECT s.source_key, ({token})::{rtype} AS v\n"
            "      FROM (SELECT mm.source_key, mm.old_val AS {rc}\n"
            "            FROM (SELECT m1.*,\n"
            "                         row_number() OVER (PARTITION BY m1.new_val ORDER BY m1.ctid) AS dup\n"
            "                  FROM {map} m1) mm\n"
            "            WHERE mm.new_val IS NULL OR mm.dup > 1\n"
            "               OR EXISTS (SELECT 1 FROM {tgt} t WHERE t.{rc} = mm.new_val)\n"
            "               OR EXISTS (SELECT 1 FROM {src} s2 WHERE s2.{rc} = mm.new_val)) s) x\n"
            "WHERE m.source_key = x.source_key"
        ).format(retarget=retarget, token=sql.SQL(NEW_KEY_TOKEN), rtype=sql.SQL(renew.type), rc=rc, **fmt)
        s.append(
            sql.SQL(
                "FOR key_try IN 1 .. 100 LOOP\n"
                "  EXECUTE replace({retry}, {token}, new_expr);\n"
                "  GET DIAGNOSTICS n_taken = ROW_COUNT;\n"
                "  EXIT WHEN n_taken = 0;\n"
                "END LOOP;\n"
                "IF n_taken > 0 THEN\n"
                "  RAISE EXCEPTION 'pgconsolidate: merge % -> %: % new keys made with % are still taken "
                "after 100 tries: nothing was changed', {sl}, {tl}, n_taken, new_expr;\n"
                "END IF;"
            ).format(retry=L(render(retry)), token=L(NEW_KEY_TOKEN), **fmt)
        )
    else:
        s.append(
            sql.SQL(
                "CREATE TEMP TABLE {map} ON COMMIT DROP AS\n"
                "  SELECT {sk} AS source_key, NULL::text AS new_val, {tk} AS target_key\n"
                "  FROM {src} s JOIN {tgt} t ON {join};"
            ).format(**fmt)
        )
    s.append(sql.SQL("SELECT count(*) INTO n_collide FROM {map};").format(**fmt))
    if m.on_collision == "fail":
        s.append(
            sql.SQL(
                "IF n_collide > 0 THEN\n  RAISE EXCEPTION 'pgconsolidate: % rows of % have a "
                "key that exists in % "
                "(on_collision = fail): nothing was changed', n_collide, {sl}, {tl};\nEND IF;"
            ).format(**fmt)
        )
    if not m.fire_triggers:
        s.append(sql.SQL(suspend_triggers(m.target)))
    insert_where: sql.Composable = sql.SQL("")
    outcome: sql.Composable = sql.SQL(
        "CASE WHEN m.source_key IS NULL THEN 'inserted' ELSE 'inserted-new-key' END"
    )
    expected = sql.SQL("n_target_before + n_source")
    if m.on_collision == "prefer-target":
        unmerged = I(m.source.split(".", 1)[0], f"{sname}_merge_unmerged")
        s += [
            sql.SQL("CREATE TABLE IF NOT EXISTS {u} (LIKE {src});").format(u=unmerged, **fmt),
            _closed_to_api(unmerged),
            sql.SQL("INSERT INTO {u} SELECT s.* FROM {src} s JOIN {map} m ON m.source_key = {sk};").format(
                u=unmerged, **fmt
            ),
        ]
        insert_where = sql.SQL("\n  WHERE m.source_key IS NULL")
        outcome = sql.SQL(
            "CASE WHEN m.source_key IS NULL THEN 'inserted' ELSE 'kept-target (source row in {})' END"
        ).format(sql.SQL(f"{sname}_merge_unmerged".replace("'", "''").replace("{", "{{").replace("}", "}}")))
        expected = sql.SQL("n_target_before + n_source - n_collide")
    elif m.on_collision == "prefer-source":
        replaced = I(tschema, f"{tname}_merge_replaced")
        sets = sql.SQL(", ").join(sql.SQL("{} = {}").format(I(c), v) for c, v in cols)
        s += [
            sql.SQL("CREATE TABLE IF NOT EXISTS {r} (LIKE {tgt});").format(r=replaced, **fmt),
            _closed_to_api(replaced),
            sql.SQL("INSERT INTO {r} SELECT t.* FROM {tgt} t JOIN {map} m ON m.target_key = {tk};").format(
                r=replaced, **fmt
            ),
        ]
        if cols:
            s.append(sql.SQL("UPDATE {tgt} t SET {sets} FROM {src} s WHERE {join};").format(sets=sets, **fmt))
        insert_where = sql.SQL("\n  WHERE m.source_key IS NULL")
        outcome = sql.SQL("CASE WHEN m.source_key IS NULL THEN 'inserted' ELSE 'overwrote-target' END")
        expected = sql.SQL("n_target_before + n_source - n_collide")
    s += [
        sql.SQL(
            "INSERT INTO {tgt} ({tl_cols}) OVERRIDING SYSTEM VALUE\n  SELECT {vl}\n  FROM {src} "
            "s LEFT JOIN {map} m "
            "ON m.source_key = {sk}{where};"
        ).format(tl_cols=target_list, vl=value_list, where=insert_where, **fmt),
        sql.SQL(
            "INSERT INTO {origin} (source_table, source_key, target_key, key_changed, outcome, extra)\n"
            "  SELECT {sl}, {sk}::text, coalesce(m.target_key, {sk}), m.source_key IS NOT NULL "
            "AND m.target_key IS DISTINCT FROM {sk}, {outcome}, {extra}\n"
            "  FROM {src} s LEFT JOIN {map} m ON m.source_key = {sk};"
        ).format(outcome=outcome, extra=extra, **fmt),
        sql.SQL(resume_triggers(m.target) if not m.fire_triggers else ""),
        sql.SQL("SELECT count(*) INTO n_target_after FROM {tgt};").format(**fmt),
        # the key is added after the first bulk load (building it once is cheaper than row by row)
        sql.SQL(
            "IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass({ol}) "
            "AND contype = 'p') THEN\n"
            "  ALTER TABLE {origin} ADD PRIMARY KEY (source_table, source_key);\nEND IF;"
        ).format(ol=L(f"{tschema}.{tname}_merge_origin"), **fmt),
        sql.SQL("SELECT count(*) INTO n_origin FROM {origin} WHERE source_table = {sl};").format(**fmt),
        sql.SQL("IF n_target_after <> {exp} OR n_origin <> n_source THEN").format(exp=expected),
        sql.SQL(
            "  RAISE EXCEPTION 'pgconsolidate: merge % -> % would lose rows (source %, target "
            "before %, after %, "
            "recorded %): rolled back', {sl}, {tl}, n_source, n_target_before, n_target_after, n_origin;"
        ).format(**fmt),
        sql.SQL("END IF;"),
    ]
    # the sequence of the key column (renewed or not) is moved past every key now in the target
    seq_col = renew.column if renew is not None else _sequence_column(keys, tcols)
    if seq_col is not None:
        s += [_sequence_of(seq_col, fmt), _advance_sequence(seq_col, fmt, both=False)]
    if m.drop_source:
        s.append(sql.SQL(repoint_foreign_keys(m, n, renew.column if renew is not None else "")))
        s.append(sql.SQL("DROP TABLE {src};").format(**fmt))
    s.append(
        sql.SQL(
            "RAISE NOTICE 'pgconsolidate: merged % rows of % into % (% colliding keys, {strategy})', "
            "n_source, {sl}, {tl}, n_collide;"
        ).format(strategy=sql.SQL(m.on_collision), **fmt)
    )
    body = "\n".join(render(x) for x in s)
    return do_block(
        body,
        "  n_source bigint;\n  n_target_before bigint;\n  n_target_after bigint;\n  n_collide bigint;\n"
        "  n_origin bigint;\n  key_ident text;\n  key_default text;\n  key_numeric boolean;\n"
        "  key_seq text;\n  key_max numeric;\n  key_try integer;\n  n_taken bigint;\n"
        "  new_expr text;\n" + TRIGGER_VARS + (REPOINT_VARS if m.drop_source else ""),
    )


def _sequence_column(keys: tuple[str, ...], tcols: Mapping[str, Column]) -> str | None:
    """The key column whose sequence must follow the merged keys: the first integer-like key column
    with a generating default (identity / serial), None when there is none."""
    for k in keys:
        c = tcols.get(k)
        if c is not None and type_category(c.type) == "number" and generating_default(c):
            return k
    return None


def drop_overload_step(identity: str) -> str:
    body = render(
        sql.SQL(
            "f := to_regprocedure({s});\nIF f IS NOT NULL THEN\n  EXECUTE 'DROP FUNCTION ' || f::text;\n"
            "  RAISE NOTICE 'pgconsolidate: dropped %', f;\nEND IF;"
        ).format(s=L(identity))
    )
    return do_block(body, "  f regprocedure;\n")


def definer_step(d: Definer) -> str:
    lines = [render(sql.SQL("f := to_regprocedure({});").format(L(d.function)))]
    lines.append(
        render(
            sql.SQL(
                "IF f IS NULL THEN\n  RAISE NOTICE 'pgconsolidate: % does not exist, skipped', "
                "{};\n  RETURN;\nEND IF;"
            ).format(L(d.function))
        )
    )
    if d.action == "invoker":
        lines.append(
            "IF (SELECT prosecdef FROM pg_proc WHERE oid = f) THEN\n"
            "  EXECUTE 'ALTER FUNCTION ' || f::text || ' SECURITY INVOKER';\nEND IF;"
        )
    else:
        path = d.search_path or ""
        items = [p.strip() for p in path.split(",") if p.strip()]
        value = render(sql.SQL(", ").join(I(p) for p in items)) if items else "''"
        lines.append(
            render(
                sql.SQL(
                    "EXECUTE 'ALTER FUNCTION ' || f::text || ' SECURITY DEFINER SET search_path TO ' || {};"
                ).format(L(value))
            )
        )
        for role in d.revoke_from:
            if role.upper() == "PUBLIC":
                lines.append("EXECUTE 'REVOKE EXECUTE ON FUNCTION ' || f::text || ' FROM PUBLIC';")
            else:
                lines.append(
                    render(
                        sql.SQL(
                            "IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {r}) THEN\n"
                            "  EXECUTE 'REVOKE EXECUTE ON FUNCTION ' || f::text || ' FROM ' || {ri};\nEND IF;"
                        ).format(r=L(role), ri=L(render(I(role))))
                    )
                )
    return do_block("\n".join(lines), "  f regprocedure;\n")


def index_sql(ix: IndexChoice) -> sql.Composed:
    """``CREATE INDEX IF NOT EXISTS`` for one planned index."""
    if ix.method not in INDEX_METHODS:
        raise InputError(f"index {ix.name}: unknown method {ix.method}")
    cols = sql.SQL(", ").join(
        sql.SQL("{} {}").format(I(c), I(ix.opclass)) if ix.opclass else I(c) for c in ix.columns
    )
    return sql.SQL("CREATE INDEX IF NOT EXISTS {n} ON {t} USING {m} ({c})").format(
        n=I(ix.name), t=qualified(ix.table), m=sql.SQL(ix.method), c=cols
    )


def index_step(ix: IndexChoice) -> str:
    create = index_sql(ix)
    body = render(
        sql.SQL("IF to_regclass({t}) IS NOT NULL THEN\n  {create};\nEND IF;").format(
            t=RL(ix.table), create=create
        )
    )
    return do_block(body)


def generate_fix(
    plan: Plan,
    snapshot: Snapshot,
    *,
    definitions: Mapping[str, str] | None = None,
    extension_schemas: tuple[str, ...] = ("extensions",),
    stamp: str = "",
    recreated: Sequence[RecreatedTable] = (),
    created: Sequence[tuple[str, str]] = (),
) -> str:
    """The text of ``<stamp>_consolidation_fix.sql`` for ``plan``; ``created``: (identity, idempotent SQL)
    that creates the objects the files make and the live database lacks, in dependency order
    (``files_only`` entries with ``action = "create"``: ``generate.files_only.creation_sql``); ``snapshot``
    is the schema it was planned against (column lists and key types), ``definitions`` the function bodies to
    re-create for ``keep_from = "live"`` choices (identity -> ``pg_get_functiondef``); ``recreated``: the
    tables the old chain drops and creates again without their rows (the header says what happens to
    those rows, and a step reports, on each database, the dropped tables it still has and keeps)."""
    definitions = definitions or {}
    made = {ident for ident, _ in created}
    parts: list[str] = []
    head = [
        f"pgconsolidate consolidation fix {stamp}".rstrip(),
        "",
        "For databases that already exist (production, staging): brings them to the state the clean",
        "migration set describes. One transaction; every step is guarded on the catalog state, so running",
        "this file twice changes nothing. Steps that move data count rows before and after and raise (so",
        "the whole transaction rolls back) if a row or a value would be lost.",
        "",
    ]
    for e in plan.embeddings:
        moves = ", ".join(f"{e.side_column(d)} vector({d})" for d in e.move_dimensions) or "none expected"
        head.append(
            f"* {e.identity}: canonical {e.type_name}({e.dimension}); other dimensions moved to: {moves}"
        )
    for m in plan.merges:
        head.append(
            f"* merge {m.source} -> {m.target} on {m.key} ({m.on_collision}); every row recorded in "
            f"{m.target}_merge_origin"
            + (
                "; foreign keys that reference the source are repointed to the target; source dropped "
                "after the counts match"
                if m.drop_source
                else ""
            )
        )
    for f in plan.functions:
        if f.drop:
            head.append(f"* {f.name}: keep {f.keep}; drop {', '.join(f.drop)}")
        if f.keep_from == "live" and f.keep in definitions:
            head.append(f"* {f.keep}: re-created with the body the live database runs")
    conv = [d for d in plan.definers if d.action == "invoker"]
    kept = [d for d in plan.definers if d.action == "keep"]
    if conv:
        head.append(f"* {len(conv)} SECURITY DEFINER functions become SECURITY INVOKER (by exact signature)")
    for d in kept:
        head.append(
            f"* {d.function} stays SECURITY DEFINER: search_path pinned, "
            + (
                f"EXECUTE revoked from {', '.join(d.revoke_from)}"
                if d.revoke_from
                else "EXECUTE left as granted"
            )
        )
    if plan.indexes:
        head.append(
            f"* {len(plan.indexes)} missing indexes added (CREATE INDEX IF NOT EXISTS; locks writes "
            "on each table while it builds)"
        )
    for fo in plan.files_only:
        if fo.action == "create" and fo.object in made:
            head.append(f"* {fo.kind} {fo.object}: not in the live database; created as the files define it")
    if recreated:
        head += ["", "Tables the old chain drops and creates again without copying their rows:"]
        for t in recreated:
            head += ["* " + t.fix_lines()[0], *("  " + ln for ln in t.fix_lines()[1:])]
    parts.append(comment_block("\n".join(head)))
    parts.append("BEGIN;\n")
    parts.append(render(sql.SQL("SET LOCAL lock_timeout = {};\n").format(L(plan.settings.lock_timeout))))
    parts.append(
        render(sql.SQL("SET LOCAL statement_timeout = {};\n").format(L(plan.settings.statement_timeout)))
    )
    path = ["public", *[s for s in extension_schemas if s not in ("public", "pg_catalog")], "pg_catalog"]
    parts.append(
        render(sql.SQL("SET LOCAL search_path TO {};\n").format(sql.SQL(", ").join(I(p) for p in path)))
    )
    if created:
        parts.append("\n-- 0. Objects the files create that the live database lacks (files_only: create)\n")
        for ident, text in created:
            parts.append(f"\n-- {ident}\n{text}\n")
    if plan.embeddings:
        parts.append("\n-- 1. Embedding dimensions (values of other dimensions are moved, never nulled)\n")
        # merge sources first so that their values match the target's columns before rows move
        for e in plan.embeddings:
            parts.append(f"\n-- {e.identity} -> {e.type_name}({e.dimension})\n" + embedding_step(e))
    if plan.merges:
        parts.append("\n-- 2. Table merges (every row accounted for)\n")
        for n, m in enumerate(plan.merges, 1):
            parts.append(f"\n-- {m.source} -> {m.target}\n" + merge_step(m, n, plan, snapshot))
    fsteps = []
    for f in plan.functions:
        for sig in f.drop:
            fsteps.append(f"\n-- drop overload {sig} (keep {f.keep})\n" + drop_overload_step(sig))
        if f.keep_from == "live" and f.keep in definitions:
            body = definitions[f.keep].rstrip().rstrip(";")
            fsteps.append(f"\n-- {f.keep}: the body the live database runs\n{body};\n")
    if fsteps:
        parts.append("\n-- 3. Function variants and overloads\n")
        parts += fsteps
    if plan.definers:
        parts.append("\n-- 4. SECURITY DEFINER functions (by exact signature: to_regprocedure)\n")
        for d in plan.definers:
            parts.append(f"\n-- {d.function}: {d.action}\n" + definer_step(d))
    if plan.indexes:
        parts.append("\n-- 5. Missing indexes\n")
        for ix in plan.indexes:
            parts.append(f"\n-- {ix.identity}\n" + index_step(ix))
    gone = [t for t in recreated if t.successor is not None]
    if gone:
        parts.append("\n-- 6. Tables the old chain replaces without their rows (kept here, never dropped)\n")
        for t in gone:
            note = comment_block(f"{t.table} (replaced by {t.successor} at {t.created_at})")
            parts.append("\n" + note + kept_table_step(t))
    parts.append("\nCOMMIT;\n")
    return "".join(parts)


def kept_table_step(t: RecreatedTable) -> str:
    """A notice, on a database that still has ``t.table``, that its rows are kept and not moved."""
    body = sql.SQL(
        "IF to_regclass({t}) IS NOT NULL THEN\n"
        "  EXECUTE format('SELECT count(*) FROM %s', to_regclass({t})) INTO n_rows;\n"
        "  RAISE NOTICE 'pgconsolidate: % is still here with % rows (the old chain drops it at %): kept, "
        "not moved into %', {t}, n_rows, {at}, {s};\n"
        "END IF;"
    ).format(t=RL(t.table), at=L(t.dropped_at), s=L(t.successor))
    return do_block(body, "  n_rows bigint;\n")
