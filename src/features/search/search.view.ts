// The view model of the search page: the form with what was asked, the results and the links
// that keep every filter (shareable URLs; the back button restores them).
import type { FastifyRequest } from 'fastify'
import type { Stage } from '../discussions/discussions.service.ts'
import type { SearchRequest, SearchResult } from './search.service.ts'
import { limitsForPage, pageSize } from './search.service.ts'

function searchUrl(params: Record<string, string>): string {
  const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== '')).toString()
  return query ? `/search?${query}` : '/search'
}

export function searchPageView(
  request: FastifyRequest,
  data: {
    request: SearchRequest
    result: SearchResult
    categories: { id: number; slug: string; name: string }[]
    stages: readonly Stage[]
    lands: Record<string, string>
    names: { author?: string; organisation?: string }
  },
) {
  const { request: asked, result } = data
  const t = request.t.bind(request)
  const base = { q: asked.text, ...asked.params }
  const { page: _page, ...withoutPage } = base as Record<string, string>
  const offset = (asked.page - 1) * pageSize
  const shown = offset + result.hits.length
  const chips = [
    asked.filters.authorId !== undefined && {
      label: t('search.filter.author', { name: data.names.author ?? `#${asked.filters.authorId}` }),
      removeUrl: searchUrl({ ...withoutPage, author: '' }),
    },
    asked.filters.organisationId !== undefined && {
      label: t('search.filter.organisation', {
        name: data.names.organisation ?? `#${asked.filters.organisationId}`,
      }),
      removeUrl: searchUrl({ ...withoutPage, organisation: '' }),
    },
  ].filter(Boolean)
  const status =
    result.state !== 'searched'
      ? ''
      : result.hits.length === 0
        ? t(Object.keys(asked.filters).length > 0 ? 'search.noResultsFiltered' : 'search.noResults', {
            query: asked.text,
          })
        : result.more
          ? t('search.resultsMore', { count: shown })
          : t('search.results', { count: shown })
  return {
    title: asked.text ? t('search.titleWithQuery', { query: asked.text }) : t('search.title'),
    errors: Object.keys(asked.errors).length > 0 ? asked.errors : undefined,
    values: {
      q: asked.text,
      tag: asked.params.tag ?? '',
      from: asked.params.from ?? '',
      to: asked.params.to ?? '',
      author: asked.params.author ?? '',
      organisation: asked.params.organisation ?? '',
    },
    categories: data.categories.map((c) => ({ ...c, selected: c.slug === asked.params.category })),
    stages: data.stages.map((stage) => ({
      value: stage,
      label: t(`discussions.stage.${stage}`),
      selected: stage === asked.params.stage,
    })),
    lands: Object.entries(data.lands)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, name]) => ({
        code,
        name,
        selected: code === asked.params.land,
      })),
    sortNewest: asked.sort === 'newest',
    chips,
    hasFilters: Object.keys(asked.params).some((key) => key !== 'sort'),
    resetUrl: searchUrl({ q: asked.text }),
    state: result.state,
    shortened: result.shortened,
    limits: limitsForPage,
    status,
    hits: result.hits.map((hit) => ({
      ...hit,
      stageLabel: t(`discussions.stage.${hit.stage}`),
      profileUrl: `/m/${hit.authorId}`,
      authorFilterUrl: searchUrl({ ...withoutPage, author: String(hit.authorId) }),
      organisationUrl: searchUrl({ ...withoutPage, organisation: String(hit.organisationId) }),
    })),
    typos: result.typos.map((row) => ({ ...row, stageLabel: t(`discussions.stage.${row.stage}`) })),
    firstNumber: offset + 1,
    page: asked.page,
    previousUrl:
      asked.page > 1 ? searchUrl({ ...base, page: asked.page > 2 ? String(asked.page - 1) : '' }) : undefined,
    nextUrl:
      result.more && asked.page < limitsForPage.maxPage
        ? searchUrl({ ...base, page: String(asked.page + 1) })
        : undefined,
  }
}

/** The header field's live results: a few hits, the count for the live region, a link to all. */
export function headerResultsView(request: FastifyRequest, asked: SearchRequest, result: SearchResult) {
  const t = request.t.bind(request)
  const searched = result.state === 'searched'
  const status = !searched
    ? ''
    : result.hits.length === 0
      ? t('search.noResults', { query: asked.text })
      : t(result.more ? 'search.header.status.more' : 'search.header.status', { count: result.hits.length })
  return {
    searched,
    status,
    hits: result.hits.map((hit) => ({ ...hit, stageLabel: t(`discussions.stage.${hit.stage}`) })),
    allUrl: searchUrl({ q: asked.text }),
    query: asked.text,
    notice: result.state === 'onlyStopWords' ? t('search.onlyStopWords') : '',
  }
}
