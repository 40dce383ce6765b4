-- Argument names as the server quotes them (quote_ident: keywords differ between versions).
SELECT n AS name, quote_ident(n) AS quoted
FROM unnest(%(names)s::text[]) n
