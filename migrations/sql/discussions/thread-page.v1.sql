-- discussions_thread_page, version 1: as created by 2026-11-24T14-20-00_thread-page-functions.ts
-- (kept here for reference and diffs; that migration holds its own copy and is never edited).
-- Posts as positional arrays, authors as arrays.
create or replace function discussions_thread_page(p_thread_id integer, p_member_id integer, p_label_format text)
returns json language plpgsql stable as $$
declare
  head json := discussions_thread_head(p_thread_id, p_member_id, p_label_format);
begin
  if head is null then
    return null;
  end if;
  return json_build_object(
    'head', head,
    'posts', (select coalesce(json_agg(json_build_array(
        p.id, p.parent_id, p.depth, p.author_id, p.body_html,
        p.deleted_at is not null, p.edited_at is not null, p.version, p.helpful_count,
        to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        to_char(p.created_at at time zone 'Europe/Berlin', p_label_format)
      ) order by p.path), '[]')
      from posts p where p.thread_id = p_thread_id),
    'authors', (select json_object_agg(a.author_id, (
        select json_build_array(m.name, m.job_title, o.name)
        from members m join organisations o on o.id = m.organisation_id where m.id = a.author_id))
      from (select distinct author_id from posts where thread_id = p_thread_id) a),
    'helped', array(select x.post_id from posts p
      join reactions x on x.post_id = p.id and x.member_id = p_member_id and x.kind = 'helpful'
      where p.thread_id = p_thread_id),
    'unread', (select count(*) from notifications n where n.member_id = p_member_id and n.read_at is null),
    'unreadHere', (select count(*) from notifications n
      where n.member_id = p_member_id and n.read_at is null and n.thread_id = p_thread_id)
  );
end
$$;
