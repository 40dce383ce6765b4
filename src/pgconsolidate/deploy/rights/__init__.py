"""The rights an apply will need, checked before the backup and the lock.

A role that lacks them would otherwise fail at ``file:1`` only after a full verified backup. What is
derived here is only what PostgreSQL will certainly check for the statements the apply runs:

* ``CREATE SCHEMA`` → CREATE on the database;
* creating a table, view, sequence, type, domain or function in a schema that exists now → CREATE on
  that schema (an unqualified name: the session's creation schema, unless a step changes
  ``search_path``);
* altering, indexing, adding a policy to, renaming, commenting on, moving (``SET SCHEMA``: CREATE on
  the new schema too) or replacing (``CREATE OR REPLACE VIEW``) a table, view,
  materialized view, sequence, index, function, type or domain that exists now, and dropping a trigger,
  policy or rule that exists now → ownership (of its table; or membership of the owner role); dropping
  a relation, function or type → ownership of it or of its schema; renaming, commenting on or dropping
  a schema → ownership of it (renaming: CREATE on the database too);
* a table created ``PARTITION OF`` or ``INHERITS`` a table → ownership of that table;
* ``CREATE TRIGGER`` → TRIGGER on the table and EXECUTE on the trigger function; a foreign key
  (``CREATE TABLE``, ``ALTER TABLE ... ADD``) → REFERENCES on some column of the table it points to;
* ``GRANT`` on a table, sequence, function, schema or type, or on columns → the privilege WITH GRANT
  OPTION (the owner holds them all; ``ALL``: at least one; on each column named). Without it PostgreSQL
  refuses, or only warns and grants nothing — a privilege lost without saying so. ``REVOKE`` → some
  privilege on the object (column): without any, PostgreSQL refuses (with some but no grant option it
  only warns and revokes nothing, as the tool the project uses would have left it);
* ``GRANT``/``REVOKE ... ON ALL TABLES/SEQUENCES/FUNCTIONS/PROCEDURES/ROUTINES IN SCHEMA`` → USAGE on the
  schema and some privilege on each such object in it now (PostgreSQL refuses the statement for one the
  role has none on; it grants what it can and warns for the rest, often an extension's objects);
* ``OWNER TO`` a role → ownership (of a function, type or schema: only when it is not already that
  role's) and, for a new owner, SET ROLE to it (membership before PostgreSQL 16) and the new owner's
  CREATE on the object's schema (on the database, for a schema) unless the role is a superuser;
  ``ALTER DEFAULT PRIVILEGES FOR ROLE r`` → SET ROLE to ``r`` (``IN SCHEMA`` needs nothing: PostgreSQL
  stopped checking CREATE there; the objects it is about are the ones later steps create, the role's own);
* rows written and read (:mod:`.data`): INSERT/UPDATE on the table or on each column written, DELETE
  on the table, SELECT on the table or on each column read (a column grant is enough), TRUNCATE, LOCK
  TABLE by mode;
* the static statements a ``DO`` block certainly runs (:mod:`.plpgsql`), with the line inside the block,
  and the fix's statements built from literals and ``to_regprocedure``/``to_regclass`` names;
* ``REFRESH MATERIALIZED VIEW`` → ownership (MAINTAIN from PostgreSQL 17);
* ``CREATE EXTENSION`` of an extension not installed whose control file requires a superuser → superuser,
  or, for a trusted extension, CREATE on the database — on stock PostgreSQL only: a server with an
  extension allow-list of its platform (supautils, RDS, Cloud SQL, Azure, AlloyDB, Neon, pgextwlist,
  pg_tle settings) is left to the apply.

Anything uncertain is left to the apply's own error: a step that does not parse, a unit that changes
its role (``SET ROLE``, ``SET SESSION AUTHORIZATION``, ``GRANT role``, or a statement whose text sets the
role), an object absent now (the apply may create it), an object a previous step created, dropped,
renamed or moved (the name may then be another object's), a function name with several overloads and no
argument list, a statement a DO block may not run, ``EXECUTE`` of a string built at run time, MERGE,
COPY. Deriving the needs is pure
(:func:`needs_of`, from the parse trees the apply's split already made, when the steps carry them);
:func:`missing_right` asks the database in one query.

The package: :mod:`.derive` holds the table from statement kind to the function that derives its needs
(``RULES``, with :mod:`.data`'s; ``NO_RULE`` for the kinds that need none; ``covered``: whether a shape
has either), :mod:`.plpgsql` the statements of DO blocks, :mod:`.scope` what earlier steps make uncertain,
:mod:`.names` names read from parse trees, :mod:`.collect` the needs of whole units (:func:`needs_of`),
:mod:`.check` the query (:func:`missing_right`), :mod:`.messages` the one-line refusal.
"""

from pgconsolidate.deploy.rights.check import missing_right
from pgconsolidate.deploy.rights.collect import needs_of
from pgconsolidate.deploy.rights.messages import RIGHT_NAMES
from pgconsolidate.deploy.rights.model import History, Need

__all__ = ["RIGHT_NAMES", "History", "Need", "missing_right", "needs_of"]
