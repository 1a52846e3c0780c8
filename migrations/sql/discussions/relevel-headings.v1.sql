-- Post headings in stored HTML, re-levelled the way markdown.ts now renders them (version 1,
-- 2026-12-01T12-30-00_post-heading-levels.ts): posts sit under an h2, so their headings start
-- at h3 and each goes at most one level below the nearest earlier heading of a higher level
-- (an outline kept as a stack). Before, "#"/"##" were stored as h3/h4 and "###"… as h3…, so a
-- post could jump from the page's h2 to an h4. The sanitiser writes heading tags without
-- attributes, and "<h3>" written as text is stored escaped, so the tags are found exactly.
create or replace function discussions_relevel_headings(p_html text) returns text
language plpgsql immutable as $$
declare
  parts text[];
  tags text[];
  result text;
  stack_written integer[] := '{}';
  stack_level integer[] := '{}';
  written integer;
  current_level integer := 3;
  n integer;
begin
  if p_html is null or p_html !~ '<h[3-6]>' then
    return p_html;
  end if;
  parts := regexp_split_to_array(p_html, '</?h[3-6]>');
  tags := array(select m[1] from regexp_matches(p_html, '(</?h[3-6]>)', 'g') with ordinality as r(m, i) order by i);
  result := parts[1];
  for n in 1 .. coalesce(array_length(tags, 1), 0) loop
    if left(tags[n], 2) = '</' then
      result := result || '</h' || current_level || '>';
    else
      written := substr(tags[n], 3, 1)::integer;
      while coalesce(array_length(stack_written, 1), 0) > 0
        and stack_written[array_length(stack_written, 1)] >= written loop
        stack_written := stack_written[1 : array_length(stack_written, 1) - 1];
        stack_level := stack_level[1 : array_length(stack_level, 1) - 1];
      end loop;
      current_level := least(coalesce(stack_level[array_length(stack_level, 1)] + 1, 3), 6);
      stack_written := stack_written || written;
      stack_level := stack_level || current_level;
      result := result || '<h' || current_level || '>';
    end if;
    result := result || parts[n + 1];
  end loop;
  return result;
end
$$;
