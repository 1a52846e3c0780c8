import { type Kysely, sql } from 'kysely'

// The thread page's query as PL/pgSQL functions: Postgres keeps their plans for the life of
// a connection, while the same statement sent from the app would be planned on every request,
// which cost more database CPU than running it. Change them only with a new migration.
export async function up(db: Kysely<any>): Promise<void> {
  // The head of a thread as the member sees it (null when the thread does not exist).
  await sql`
    create or replace function discussions_thread_head(p_thread_id integer, p_member_id integer, p_label_format text)
    returns json language plpgsql stable as $$
    begin
      return (select to_json(h) from (
        select t.id, t.title, t.stage, t.confidential, t.locked, t.reply_count as "replyCount",
          t.author_id as "authorId", a.name as "authorName", t.opening_post_id as "openingPostId",
          t.category_id as "categoryId", c.name as "categoryName", c.slug as "categorySlug",
          coalesce((select array_agg(g.tag order by g.tag) from thread_tags g where g.thread_id = t.id), '{}') as tags,
          exists (select 1 from follows f where f.thread_id = t.id and f.member_id = p_member_id) as following,
          r.last_read_post_id as "lastReadPostId", r.read_post_count as "readPostCount",
          coalesce((
            select json_agg(json_build_object(
              'from', s.from_stage, 'to', s.to_stage, 'by', m.name,
              'at', to_char(s.changed_at at time zone 'Europe/Berlin', p_label_format),
              'iso', to_char(s.changed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            ) order by s.changed_at, s.id)
            from thread_stage_changes s left join members m on m.id = s.member_id
            where s.thread_id = t.id
          ), '[]') as history
        from threads t
        join categories c on c.id = t.category_id
        join members a on a.id = t.author_id
        left join thread_reads r on r.thread_id = t.id and r.member_id = p_member_id
        where t.id = p_thread_id
      ) h);
    end
    $$
  `.execute(db)

  // Everything the thread page shows: the head, every post in display order as a compact
  // array, each author once, the posts the member found helpful, unread notification counts.
  await sql`
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
    $$
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists discussions_thread_page(integer, integer, text)`.execute(db)
  await sql`drop function if exists discussions_thread_head(integer, integer, text)`.execute(db)
}
