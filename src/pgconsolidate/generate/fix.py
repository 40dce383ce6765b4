"""The consolidation fix: one idempotent transaction for databases that already exist (pure).

Every step is guarded on the catalog state, so running the file twice changes nothing, and every step
that moves data counts what it moves and raises before COMMIT when a row or a value would be lost:

1. embedding columns: values of another dimension are MOVED to ``<column>_<dim>`` columns, then the
   column gets its canonical dimension;
2. table merges: every source row is inserted into the target (colliding keys per the plan's strategy);
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
from collections.abc import Mapping

from psycopg import sql

from pgconsolidate.catalog.model import Snapshot
from pgconsolidate.errors import InputError
from pgconsolidate.generate.render import comment_block, do_block, qualified, render
from pgconsolidate.plan.check import columns_of, type_category
from pgconsolidate.plan.model import INDEX_METHODS, Definer, Embedding, IndexChoice, Merge, Plan

L = sql.Literal
I = sql.Identifier  # noqa: E741


def _exists_column(table: str, column: str) -> sql.Composed:
    return sql.SQL(
        "EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass({t}) AND attname = {c} "
        "AND attnum > 0 AND NOT attisdropped)"
    ).format(t=L(table), c=L(column))


def embedding_step(e: Embedding) -> str:
    tbl, col = qualified(e.table), I(e.column)
    typ = I(e.type_name)
    stmts: list[sql.Composable] = [
        sql.SQL("IF to_regclass({t}) IS NULL OR NOT {has} THEN").format(
            t=L(e.table), has=_exists_column(e.table, e.column)
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
        ).format(t=L(e.table), c=L(e.column), d=L(e.dimension)),
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
        ).format(tl=L(e.table), cl=L(e.column)),
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
        ).format(t=L(table))
    )


def resume_triggers(table: str) -> str:
    """plpgsql: re-enable the triggers :func:`suspend_triggers` disabled."""
    return render(
        sql.SQL(
            "FOREACH tg IN ARRAY suspended LOOP\n"
            "  EXECUTE 'ALTER TABLE ' || to_regclass({t})::text || ' ENABLE TRIGGER ' || quote_ident(tg);\n"
            "END LOOP;\nsuspended := '{{}}';"
        ).format(t=L(table))
    )


TRIGGER_VARS = "  r record;\n  tg text;\n  suspended text[] := '{}';\n"


def _new_key(key_type: str, tgt: sql.Composable, key: sql.Composable, src: sql.Composable) -> sql.Composable:
    """A fresh key for a colliding row: a new uuid, or a number above every key of both tables (the
    sequence is moved past it afterwards), or the old text key with a random suffix."""
    cat = type_category(key_type)
    if cat == "uuid":
        return sql.SQL("gen_random_uuid()")
    if cat == "number":
        return sql.SQL(
            "greatest((SELECT coalesce(max(t2.{k}), 0) FROM {t} t2), (SELECT "
            "coalesce(max(s2.{k}), 0) FROM {s} s2))"
            " + row_number() OVER ()"
        ).format(k=key, t=tgt, s=src)
    if cat == "text":
        return sql.SQL("s.{k} || '~' || substr(md5(random()::text), 1, 8)").format(k=key)
    raise InputError(f"merge: keep-both cannot make a new key of type {key_type}")


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
    "  rp_n_rewritten bigint;\n  rp_colmap jsonb;\n  rp_i integer;\n  rp_tgn text;\n  rp_ref_trg text[];\n"
)

_ATTNAMES = (
    "ARRAY(SELECT a.attname::text FROM unnest({keys}) WITH ORDINALITY k(n, i) JOIN pg_attribute a "
    "ON a.attrelid = {rel} AND a.attnum = k.n ORDER BY k.i)"
)


def repoint_foreign_keys(m: Merge, n: int) -> str:
    """plpgsql, run after the rows of ``m.source`` are in ``m.target`` and before the source is dropped:
    every foreign key that references the source (found in the catalog at run time, so keys created by
    hand are included) is dropped, its referencing values are rewritten through the merge's key map
    (``pgc_merge_map_<n>``: only rows whose key changed move), and it is re-created with the same name,
    columns, actions and deferrability, referencing the target (``NOT VALID`` then ``VALIDATE`` when it was
    valid). A self-reference of the source is re-created on the target over the mapped columns, its values
    rewritten on the rows that came from the source. Referencing rows and the rows whose reference
    resolves are counted before and after; any difference raises before COMMIT."""
    tschema, tname = m.target.split(".", 1)
    colmap = {c.source: c.target for c in m.columns if c.source is not None}
    colmap[m.key] = m.key
    origin_text = render(I(tschema, f"{tname}_merge_origin"))
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
    rp_scope := format(' AND r.%I IN (SELECT o.target_key FROM %s o WHERE o.source_table = %L)',
                       {keyl}, {origin}, {sl});
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
  IF EXISTS (SELECT 1 FROM pg_temp.{map} WHERE target_key::text IS DISTINCT FROM source_key::text) THEN
    rp_ref_trg := '{{}}';
    FOR rp_tgn IN SELECT tgname FROM pg_trigger
                  WHERE tgrelid = rp_on_tab AND NOT tgisinternal AND tgenabled = 'O' LOOP
      rp_ref_trg := rp_ref_trg || rp_tgn;
      EXECUTE format('ALTER TABLE %s DISABLE TRIGGER %I', rp_on_tab, rp_tgn);
    END LOOP;
    FOR rp_i IN 1 .. coalesce(array_length(rp_fk.cols, 1), 0) LOOP
      IF rp_fk.fcols[rp_i] = {keyl} THEN
        EXECUTE format('UPDATE %s r SET %I = m.target_key FROM pg_temp.%I m WHERE r.%I = m.source_key '
                       'AND m.target_key::text IS DISTINCT FROM m.source_key::text%s',
                       rp_on_tab, rp_rcols[rp_i], {mapl}, rp_rcols[rp_i], rp_scope);
        GET DIAGNOSTICS rp_n_rw = ROW_COUNT;
        rp_n_rewritten := rp_n_rewritten + rp_n_rw;
      END IF;
    END LOOP;
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
        sl=L(m.source),
        tl=L(m.target),
        keyl=L(m.key),
        origin=L(origin_text),
        map=I(f"pgc_merge_map_{n}"),
        mapl=L(f"pgc_merge_map_{n}"),
        src_names=src_names,
        ref_names=ref_names,
        other_names=other_names,
    )
    return render(body)


def merge_step(m: Merge, n: int, plan: Plan, snap: Snapshot) -> str:
    src, tgt, key = qualified(m.source), qualified(m.target), I(m.key)
    tschema, tname = m.target.split(".", 1)
    sname = m.source.split(".", 1)[1]
    origin = I(tschema, f"{tname}_merge_origin")
    tcols = columns_of(snap, m.target)
    ktype = tcols[m.key].type if m.key in tcols else m.key_type
    cols, unmapped = _mapping(m, plan, snap)
    extra = (
        sql.SQL("jsonb_build_object({})").format(
            sql.SQL(", ").join(sql.SQL("{}, s.{}").format(L(u), I(u)) for u in unmapped)
        )
        if unmapped
        else sql.SQL("NULL::jsonb")
    )
    mapname = I(f"pgc_merge_map_{n}")
    target_list = sql.SQL(", ").join([key, *(I(c) for c, _ in cols)])
    value_list = sql.SQL(", ").join(
        [sql.SQL("coalesce(m.target_key, s.{k})").format(k=key), *(v for _, v in cols)]
    )
    fmt = {
        "src": src,
        "tgt": tgt,
        "key": key,
        "origin": origin,
        "map": mapname,
        "sl": L(m.source),
        "tl": L(m.target),
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
        ).format(origin=origin, kt=sql.SQL(ktype)),
        sql.SQL("IF EXISTS (SELECT 1 FROM {origin} WHERE source_table = {sl}) THEN").format(**fmt),
        sql.SQL("  RAISE NOTICE 'pgconsolidate: % was merged into % already: skipped', {sl}, {tl};").format(
            **fmt
        ),
        sql.SQL("  RETURN;\nEND IF;"),
        sql.SQL("SELECT count(*) INTO n_source FROM {src};").format(**fmt),
        sql.SQL("SELECT count(*) INTO n_target_before FROM {tgt};").format(**fmt),
        sql.SQL("DROP TABLE IF EXISTS pg_temp.{map};").format(**fmt),
        sql.SQL(
            "CREATE TEMP TABLE {map} ON COMMIT DROP AS\n"
            "  SELECT s.{key} AS source_key, {newkey} AS target_key\n"
            "  FROM {src} s JOIN {tgt} t ON t.{key} = s.{key};"
        ).format(
            newkey=_new_key(ktype, tgt, key, src)
            if m.on_collision == "keep-both"
            else sql.SQL("t.{}").format(key),
            **fmt,
        ),
        sql.SQL("SELECT count(*) INTO n_collide FROM {map};").format(**fmt),
    ]
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
            sql.SQL("INSERT INTO {u} SELECT s.* FROM {src} s JOIN {map} m ON m.source_key = s.{key};").format(
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
            sql.SQL("INSERT INTO {r} SELECT t.* FROM {tgt} t JOIN {map} m ON m.target_key = t.{key};").format(
                r=replaced, **fmt
            ),
            sql.SQL("UPDATE {tgt} t SET {sets} FROM {src} s WHERE t.{key} = s.{key};").format(
                sets=sets, **fmt
            ),
        ]
        insert_where = sql.SQL("\n  WHERE m.source_key IS NULL")
        outcome = sql.SQL("CASE WHEN m.source_key IS NULL THEN 'inserted' ELSE 'overwrote-target' END")
        expected = sql.SQL("n_target_before + n_source - n_collide")
    s += [
        sql.SQL(
            "INSERT INTO {tgt} ({tl_cols}) OVERRIDING SYSTEM VALUE\n  SELECT {vl}\n  FROM {src} "
            "s LEFT JOIN {map} m "
            "ON m.source_key = s.{key}{where};"
        ).format(tl_cols=target_list, vl=value_list, where=insert_where, **fmt),
        sql.SQL(
            "INSERT INTO {origin} (source_table, source_key, target_key, key_changed, outcome, extra)\n"
            "  SELECT {sl}, s.{key}::text, coalesce(m.target_key, s.{key}), m.source_key IS NOT NULL "
            "AND m.target_key IS DISTINCT FROM s.{key}, {outcome}, {extra}\n"
            "  FROM {src} s LEFT JOIN {map} m ON m.source_key = s.{key};"
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
    if type_category(ktype) == "number":
        s.append(
            sql.SQL(
                "IF pg_get_serial_sequence({tl}, {kl}) IS NOT NULL THEN\n"
                "  PERFORM setval(pg_get_serial_sequence({tl}, {kl}), (SELECT max({key}) FROM "
                "{tgt}));\nEND IF;"
            ).format(kl=L(m.key), **fmt)
        )
    if m.drop_source:
        s.append(sql.SQL(repoint_foreign_keys(m, n)))
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
        "  n_origin bigint;\n" + TRIGGER_VARS + (REPOINT_VARS if m.drop_source else ""),
    )


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
            t=L(ix.table), create=create
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
) -> str:
    """The text of ``<stamp>_consolidation_fix.sql`` for ``plan``; ``snapshot`` is the schema it was
    planned against (column lists and key types), ``definitions`` the function bodies to re-create for
    ``keep_from = "live"`` choices (identity -> ``pg_get_functiondef``)."""
    definitions = definitions or {}
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
            f"* {d.function} stays SECURITY DEFINER: search_path pinned, EXECUTE revoked from "
            f"{', '.join(d.revoke_from)}"
        )
    if plan.indexes:
        head.append(
            f"* {len(plan.indexes)} missing indexes added (CREATE INDEX IF NOT EXISTS; locks writes "
            "on each table while it builds)"
        )
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
    parts.append("\nCOMMIT;\n")
    return "".join(parts)
