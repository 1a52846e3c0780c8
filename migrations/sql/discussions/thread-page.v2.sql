-- discussions_thread_page, version 2 (2026-12-01T12-00-00_thread-page-named-fields.ts).
-- Changes from v1: posts and authors as objects with named fields (mapped once, in
-- src/features/discussions/thread-page.ts); authors carry their role (staff are marked) and
-- handle; an optional post narrows the posts to that post's ancestors and its subtree (what an
-- htmx fragment about that post shows, from the same producer as the page).
-- Visibility is not decided here: callers select this function from `threads t` filtered by
-- core/visibility's threadVisibleTo(), so the one rule stays in one place.
drop function if exists discussions_thread_page(integer, integer, text);

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
    'posts', (select coalesce(json_agg(json_build_object(
        'id', p.id, 'parentId', p.parent_id, 'depth', p.depth, 'authorId', p.author_id,
        'bodyHtml', p.body_html, 'deleted', p.deleted_at is not null, 'edited', p.edited_at is not null,
        'version', p.version, 'helpfulCount', p.helpful_count,
        'createdIso', to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'createdLabel', to_char(p.created_at at time zone 'Europe/Berlin', p_label_format)
      ) order by p.path), '[]')
      from posts p where p.thread_id = p_thread_id
        and (v_path is null or p.id = any(v_path) or p.path && array[p_post_id])),
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
