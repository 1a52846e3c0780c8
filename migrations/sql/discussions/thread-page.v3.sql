-- discussions_thread_page, version 3 (2026-12-01T12-40-00_thread-page-columns.ts).
-- Changes from v2: the posts come as named columns (one array per field, in display order)
-- instead of one object per post, and without parentId (nothing shows it); mapped by name in
-- src/features/discussions/thread-page.ts. Everything else as in v2: authors by id with role
-- and handle, the optional post that narrows the page to its ancestors and subtree, and the
-- visibility rule applied by the callers (core/visibility's threadVisibleTo()).
create or replace function discussions_thread_page(
  p_thread_id integer, p_viewer_id integer, p_label_format text, p_post_id integer default null)
returns json language plpgsql stable as $$
declare
  head json;
  v_path integer[];
begin
  if p_post_id is not null then
    select p.path into v_path from posts p where p.id = p_post_id and p.thread_id = p_thread_id;
    if v_path is null then
      return null;
    end if;
  end if;
  head := discussions_thread_head(p_thread_id, p_viewer_id, p_label_format);
  if head is null then
    return null;
  end if;
  return json_build_object(
    'head', head,
    -- Posts as named columns, one array each, in display order (path): each name is sent once
    -- per page, not once per post (v2's object per post cost about a third more bytes and time).
    -- The arrays are aggregated from the sorted subquery, so they all keep its order.
    'posts', (select json_build_object(
        'id', coalesce(array_agg(s.id), '{}'), 'depth', array_agg(s.depth), 'authorId', array_agg(s.author_id),
        'bodyHtml', array_agg(s.body_html), 'deleted', array_agg(s.deleted), 'edited', array_agg(s.edited),
        'version', array_agg(s.version), 'helpfulCount', array_agg(s.helpful_count),
        'createdIso', array_agg(s.created_iso), 'createdLabel', array_agg(s.created_label))
      from (select p.id, p.depth, p.author_id, p.body_html,
          p.deleted_at is not null as deleted, p.edited_at is not null as edited, p.version, p.helpful_count,
          to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as created_iso,
          to_char(p.created_at at time zone 'Europe/Berlin', p_label_format) as created_label
        from posts p where p.thread_id = p_thread_id
          and (v_path is null or p.id = any(v_path) or p.path && array[p_post_id])
        order by p.path) s),
    'authors', (select json_object_agg(m.id, json_build_object(
        'name', m.name, 'jobTitle', m.job_title, 'organisation', o.name, 'role', m.role, 'handle', m.handle))
      from members m join organisations o on o.id = m.organisation_id
      where m.id in (select p.author_id from posts p where p.thread_id = p_thread_id
        and (v_path is null or p.id = any(v_path) or p.path && array[p_post_id]))),
    'helped', array(select x.post_id from posts p
      join reactions x on x.post_id = p.id and x.member_id = p_viewer_id and x.kind = 'helpful'
      where p.thread_id = p_thread_id),
    'unread', (select count(*) from notifications n where n.member_id = p_viewer_id and n.read_at is null),
    'unreadHere', (select count(*) from notifications n
      where n.member_id = p_viewer_id and n.read_at is null and n.thread_id = p_thread_id)
  );
end
$$;
