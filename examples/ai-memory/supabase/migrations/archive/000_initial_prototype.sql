-- Prototype schema from the hackathon (superseded by 001/003, kept for reference)
-- Marek K. 2024-11-20

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE memory (
    id         serial PRIMARY KEY,
    user_email text NOT NULL,
    text       text NOT NULL,
    embedding  vector(1536),
    created_at timestamp DEFAULT now()
);

CREATE TABLE memory_metadata (
    memory_id  integer REFERENCES memory(id),
    key        text,
    value      text
);
