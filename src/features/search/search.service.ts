// Searching: what the member asked for (query and filters, read leniently: a bad filter is a
// message, never an error page), one page of hits with their passages, and similar threads.
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { Db } from '../../db/database.ts'
import { type FieldErrors, NotFoundError } from '../../lib/errors.ts'
import { type Stage, stages } from '../discussions/discussions.service.ts'
import { landNames } from '../organisations/organisations.service.ts'
import { isEmptyQuery, type ParsedQuery, parseQuery, queryLimits, queryTerms } from './query.ts'
import * as repo from './search.repository.ts'
import { type SnippetPart, snippetParts } from './snippet.ts'

export const pageSize = 20
/** Deeper pages cost more to rank than they are worth; the page asks to narrow the search instead. */
export const maxPage = 50

/** The query string as it arrives (every value a string, already cleaned by the input plugin). */
export interface SearchInput {
  q?: string
  category?: string
  stage?: string
  tag?: string
  author?: string
  organisation?: string
  land?: string
  from?: string
  to?: string
  sort?: string
  page?: string
}

export interface SearchRequest {
  text: string
  query: ParsedQuery
  filters: repo.SearchFilters
  sort: repo.SearchSort
  page: number
  /** The filters as they go into links (only those that were understood). */
  params: Record<string, string>
  errors: FieldErrors
}

const idPattern = /^[1-9]\d{0,9}$/

function optionalId(value: string | undefined): number | undefined | null {
  if (value === undefined || value === '') return undefined
  if (!idPattern.test(value) || Number(value) > 2_147_483_647) return null
  return Number(value)
}

/** A calendar date typed as YYYY-MM-DD or DD.MM.YYYY; null when it is no real date. */
export function parseDate(value: string | undefined): string | undefined | null {
  if (value === undefined || value.trim() === '') return undefined
  const text = value.trim()
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text)
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text)
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : german
      ? [Number(german[3]), Number(german[2]), Number(german[1])]
      : [Number.NaN, 0, 0]
  if (!Number.isInteger(year) || year < 1900 || year > 9999) return null
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/**
 * Reads the query string; every problem becomes a field message and that filter is left out.
 * The Themenraum is checked once the viewer's Themenräume are known (withCategoryChecked): the
 * search statement brings them along, and a slug it does not know filters nothing there.
 */
export function readSearchInput(input: SearchInput): SearchRequest {
  const errors: FieldErrors = {}
  const filters: repo.SearchFilters = {}
  const params: Record<string, string> = {}
  const text = (input.q ?? '').replace(/\s+/g, ' ').trim()
  if (input.category) {
    filters.category = input.category
    params.category = input.category
  }
  if (input.stage) {
    if ((stages as readonly string[]).includes(input.stage)) {
      filters.stage = input.stage as Stage
      params.stage = input.stage
    } else errors.stage = { key: 'search.invalid.filter', label: 'search.filter.stage' }
  }
  const tag = (input.tag ?? '').trim().replace(/\s+/g, ' ').toLowerCase()
  if (tag) {
    if (tag.length <= 30) {
      filters.tag = tag
      params.tag = tag
    } else errors.tag = { key: 'search.invalid.filter', label: 'search.filter.tag' }
  }
  for (const [name, key] of [
    ['author', 'authorId'],
    ['organisation', 'organisationId'],
  ] as const) {
    const id = optionalId(input[name])
    if (id === null) errors[name] = { key: 'search.invalid.filter' }
    else if (id !== undefined) {
      filters[key] = id
      params[name] = String(id)
    }
  }
  if (input.land) {
    if (landNames[input.land]) {
      filters.land = input.land
      params.land = input.land
    } else errors.land = { key: 'search.invalid.filter', label: 'search.filter.land' }
  }
  for (const name of ['from', 'to'] as const) {
    const date = parseDate(input[name])
    if (date === null) errors[name] = { key: 'search.invalid.date', label: `search.filter.${name}` }
    else if (date !== undefined) {
      filters[name] = date
      params[name] = date
    }
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    errors.to = { key: 'search.invalid.range', label: 'search.filter.to' }
    delete filters.to
    delete params.to
  }
  const sort: repo.SearchSort = input.sort === 'newest' ? 'newest' : 'relevance'
  if (sort === 'newest') params.sort = 'newest'
  const pageNumber = /^\d{1,6}$/.test(input.page ?? '') ? Number(input.page) : 1
  const page = Math.min(Math.max(pageNumber, 1), maxPage)
  return { text, query: parseQuery(text), filters, sort, page, params, errors }
}

/** The request with its Themenraum filter left out (and a message) when the viewer has no such Themenraum. */
export function withCategoryChecked(
  request: SearchRequest,
  categories: readonly repo.FilterCategory[],
): SearchRequest {
  const slug = request.filters.category
  if (slug === undefined || categories.some((c) => c.slug === slug)) return request
  const { category: _filter, ...filters } = request.filters
  const { category: _param, ...params } = request.params
  return {
    ...request,
    filters,
    params,
    errors: {
      ...request.errors,
      category: { key: 'search.invalid.filter', label: 'search.filter.category' },
    },
  }
}

export interface SearchHit {
  threadId: number
  href: string
  title: string
  categoryName: string
  categorySlug: string
  stage: Stage
  confidential: boolean
  replyCount: number
  inReply: boolean
  authorId: number
  authorName: string
  organisationId: number
  organisationName: string
  at: string
  snippet: SnippetPart[]
}

export interface SearchResult {
  /** Why nothing was searched: no query, or nothing but stop words and exclusions. */
  state: 'empty' | 'onlyStopWords' | 'searched'
  hits: SearchHit[]
  more: boolean
  shortened: boolean
  /** Titles like the query, when full text found (almost) nothing on the first page. */
  typos: repo.SimilarRow[]
  /** The viewer's Themenräume, when the search statement ran (it brings them along). */
  categories?: repo.FilterCategory[]
}

const typoThreshold = 3

/** The header field's live results: the best few, no typo suggestions (the search page has those). */
export const headerOptions = { pageSize: 5, typos: false }

export async function search(
  db: Db,
  member: CurrentMember,
  request: SearchRequest,
  options: { pageSize: number; typos: boolean } = { pageSize, typos: true },
): Promise<SearchResult> {
  const empty = { hits: [], more: false, typos: [], shortened: request.query.shortened }
  if (request.text === '') return { ...empty, state: 'empty' }
  if (isEmptyQuery(request.query)) return { ...empty, state: 'onlyStopWords' }
  const found = await repo.searchPage(
    db,
    member.id,
    queryTerms(request.query),
    request.filters,
    request.sort,
    (request.page - 1) * options.pageSize,
    options.pageSize,
  )
  if (!found.searchable) return { ...empty, state: 'onlyStopWords', categories: found.categories }
  const hits = found.hits.map((row) => ({
    threadId: row.threadId,
    // A reply's link opens the window of the thread page that holds it (paged threads).
    href: row.postId ? `/t/${row.threadId}?at=${row.postId}#post-${row.postId}` : `/t/${row.threadId}`,
    title: row.title,
    categoryName: row.categoryName,
    categorySlug: row.categorySlug,
    stage: row.stage,
    confidential: row.confidential,
    replyCount: row.replyCount,
    inReply: row.postId !== null,
    authorId: row.authorId,
    authorName: row.authorName,
    organisationId: row.organisationId,
    organisationName: row.organisationName,
    at: row.at,
    snippet: snippetParts(row.headline),
  }))
  const typoWords = request.query.groups
    .flat()
    .flatMap((term) => term.text.split(/\s+/))
    .filter((word) => /[\p{L}\p{N}]{3,}/u.test(word))
    .slice(0, 6)
  const typos =
    options.typos && request.page === 1 && hits.length < typoThreshold
      ? (await repo.titlesLike(db, member.id, typoWords, 5)).filter(
          (row) => !hits.some((hit) => hit.threadId === row.threadId),
        )
      : []
  return {
    state: 'searched',
    hits,
    more: found.more,
    shortened: request.query.shortened,
    typos,
    categories: found.categories,
  }
}

// ---------------------------------------------------------------------------------------
// Similar threads

export const similarLimit = 5
/** How much of the text counts for similar threads: the first lines. */
const similarTextLength = 400

export async function similarToDraft(
  db: Db,
  member: CurrentMember,
  draft: { title: string; body: string },
): Promise<repo.SimilarRow[]> {
  const title = draft.title.replace(/\s+/g, ' ').trim().slice(0, 200)
  const text = draft.body.slice(0, similarTextLength)
  if (title.length < 3 && text.trim().length < 10) return []
  return repo.similarThreads(db, member.id, { title, text }, similarLimit)
}

export async function similarToThread(
  db: Db,
  member: CurrentMember,
  threadId: number,
): Promise<repo.SimilarRow[]> {
  const similar = await repo.similarToThreadId(db, member.id, threadId, similarLimit)
  if (!similar) throw new NotFoundError()
  return similar
}

export const limitsForPage = { ...queryLimits, pageSize, maxPage }
