-- discussions_thread_page, version 5 (2026-12-04T11-00-00_thread-page-without-iso.ts).
-- Changes from v4: no createdIso. A post's time is printed as its label only (the permalink's
-- text), so Postgres formats each post's timestamp once, not twice.
-- Unchanged: everything else (see thread-page.v4.sql for the window, the post mode and the rest).
create or replace function discussions_thread_page(
  p_thread_id integer, p_viewer_id integer, p_label_format text, p_post_id integer default null,
  p_after integer default null, p_at integer default null, p_size integer default 100, p_max integer default 150)
returns json language plpgsql stable as $$
declare
  head json;
  v_path integer[];
  v_from integer[];
  v_inclusive boolean := false;
  v_ids integer[];
  v_count integer;
  v_cut integer;
  v_more integer;
begin
  head := discussions_thread_head(p_thread_id, p_viewer_id, p_label_format);
  if head is null then
    return null;
  end if;
  if p_post_id is not null then
    select p.path into v_path from posts p where p.id = p_post_id and p.thread_id = p_thread_id;
    if v_path is null then
      return null;
    end if;
    v_ids := v_path;
  else
    if p_after is not null then
      -- An unknown cursor shows the first window.
      select p.path into v_from from posts p where p.id = p_after and p.thread_id = p_thread_id;
    elsif p_at is not null then
      select p.path into v_path from posts p where p.id = p_at and p.thread_id = p_thread_id and p.depth > 0;
      -- Within the first p_size replies: the first window. Else the window starts at its top-level
      -- reply when the post is among that subtree's first p_size posts, or at the post itself.
      if v_path is not null and (select count(*) from posts p
          where p.thread_id = p_thread_id and p.depth > 0 and p.path < v_path) >= p_size then
        v_inclusive := true;
        if (select count(*) from posts p
            where p.thread_id = p_thread_id and p.path >= v_path[1:2] and p.path < v_path) < p_size then
          v_from := v_path[1:2];
        else
          v_from := v_path;
        end if;
      end if;
    end if;
    -- The candidates: up to p_max + 1 replies from the start (one index range on thread, path).
    select array_agg(c.id order by c.rn), count(*)::integer,
        min(c.rn) filter (where c.rn > p_size and c.depth = 1)::integer
      into v_ids, v_count, v_cut
      from (select l.id, l.depth, row_number() over (order by l.path) as rn
        from (select p.id, p.depth, p.path from posts p
          where p.thread_id = p_thread_id and p.depth > 0 and p.path >= coalesce(v_from, '{}')
            and (v_inclusive or v_from is null or p.path <> v_from)
          order by p.path limit p_max + 1) l) c;
    if v_count > p_max then
      v_cut := coalesce(v_cut, p_max + 1);
      v_ids := v_ids[1:v_cut - 1];
      v_more := v_ids[v_cut - 1];
    end if;
    v_ids := array_remove(array[(select t.opening_post_id from threads t where t.id = p_thread_id)], null)
      || coalesce(v_ids, '{}');
  end if;
  return json_build_object(
    'head', head,
    'posts', (select json_build_object(
        'id', coalesce(array_agg(s.id), '{}'), 'depth', array_agg(s.depth), 'authorId', array_agg(s.author_id),
        'bodyHtml', array_agg(s.body_html), 'deleted', array_agg(s.deleted), 'edited', array_agg(s.edited),
        'version', array_agg(s.version), 'helpfulCount', array_agg(s.helpful_count),
        'createdLabel', array_agg(s.created_label))
      from (select p.id, p.depth, p.author_id, p.body_html,
          p.deleted_at is not null as deleted, p.edited_at is not null as edited, p.version, p.helpful_count,
          to_char(p.created_at at time zone 'Europe/Berlin', p_label_format) as created_label
        from posts p where p.id = any(v_ids) and p.thread_id = p_thread_id
        order by p.path) s),
    'authors', (select json_object_agg(m.id, json_build_object(
        'name', m.name, 'jobTitle', m.job_title, 'organisation', o.name, 'role', m.role, 'handle', m.handle))
      from members m join organisations o on o.id = m.organisation_id
      where m.id in (select p.author_id from posts p where p.id = any(v_ids))),
    'orphans', (select json_object_agg(p.id, json_build_object(
        'id', q.id, 'name', case when q.deleted_at is null then m.name end))
      from posts p join posts q on q.id = p.parent_id join members m on m.id = q.author_id
      where p.id = any(v_ids) and p.depth > 1 and not (p.parent_id = any(v_ids))),
    'window', json_build_object('more', v_more, 'start', v_from is null),
    'helped', array(select x.post_id from reactions x
      where x.post_id = any(v_ids) and x.member_id = p_viewer_id and x.kind = 'helpful'),
    'unread', (select count(*) from notifications n where n.member_id = p_viewer_id and n.read_at is null),
    'unreadHere', (select count(*) from notifications n
      where n.member_id = p_viewer_id and n.read_at is null and n.thread_id = p_thread_id)
  );
end
$$;
