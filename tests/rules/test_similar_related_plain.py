"""similar-tables: a twin with a related name is also scored with every column counting fully, so a
near-copy whose columns are the ones most of the project's tables carry (content, metadata, embedding)
is still found; the distinctive columns it must share are still the rare ones."""

from __future__ import annotations

NOTES = "".join(
    f"create table notes{i} (id uuid primary key, content text, metadata jsonb, embedding vector(1536), "
    f"extra{i} text, created_at timestamptz, updated_at timestamptz);\n"
    for i in range(5)
)
DOCUMENTS = (
    "create table documents (id uuid primary key, agent_id uuid, content text, metadata jsonb, "
    "embedding vector(1536), doc_kind text, rank_score numeric(3,2), source_url text, session_id uuid, "
    "created_at timestamptz, updated_at timestamptz);\n"
)
AI_DOCUMENTS = (
    "create table ai_documents (id uuid primary key, agent_id uuid, content text, metadata jsonb, "
    "embedding vector(1536), document_kind text, rank real, source_url text, user_id uuid, "
    "access_count integer, expires_at timestamptz, created_at timestamptz, updated_at timestamptz);\n"
)


def test_related_twin_made_of_common_columns_is_found(check) -> None:
    files = {
        "1_base.sql": "create extension if not exists vector;\n" + NOTES,
        "2_documents.sql": DOCUMENTS,
        "3_ai_documents.sql": AI_DOCUMENTS,
    }
    found = check("similar-tables", files)
    assert [(f.location.file, f.objects[0]) for f in found] == [("3_ai_documents.sql", "public.ai_documents")]
    # the plain score (every column counting fully) is the one given: 69%, not the weighted 46%
    assert "is 69% similar to public.documents" in found[0].message
    assert "rank_score→rank" in found[0].message


def test_unrelated_names_get_no_plain_second_chance(check) -> None:
    files = {
        "1_base.sql": "create extension if not exists vector;\n" + NOTES,
        "2_documents.sql": DOCUMENTS,
        "3_archive.sql": AI_DOCUMENTS.replace("ai_documents", "archived_pages"),
    }
    assert check("similar-tables", files) == []
