import { STAGES, type ListFilters, type Stage } from './api';

/** The list's filters live in the URL (?q=&tag=…), so a filtered list survives reloads, back and shared links. */
const KEYS = ['q', 'tag', 'ownerId', 'teamId', 'stage', 'city', 'compound', 'building', 'unit', 'createdFrom', 'createdTo', 'segment', 'valueTier', 'churnLevel', 'custom', 'sort', 'order'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function filtersFromParams(params: URLSearchParams): ListFilters {
  const f: ListFilters = {};
  const get = (k: string) => params.get(k)?.trim() || undefined;
  f.q = get('q');
  f.tag = get('tag');
  f.ownerId = get('ownerId');
  f.teamId = get('teamId');
  const stage = get('stage');
  if (stage && (STAGES as readonly string[]).includes(stage)) f.stage = stage as Stage;
  f.city = get('city');
  f.compound = get('compound');
  f.building = get('building');
  f.unit = get('unit');
  f.createdFrom = get('createdFrom');
  f.createdTo = get('createdTo');
  const segment = get('segment');
  if (segment && UUID.test(segment)) f.segment = segment;
  const tier = get('valueTier');
  if (tier === 'high' || tier === 'middle' || tier === 'low') f.valueTier = tier;
  const churn = get('churnLevel');
  if (churn === 'low' || churn === 'medium' || churn === 'high') f.churnLevel = churn;
  f.custom = get('custom');
  const sort = get('sort');
  if (sort === 'createdAt' || sort === 'updatedAt' || sort === 'name') f.sort = sort;
  const order = get('order');
  if (order === 'asc' || order === 'desc') f.order = order;
  if (params.get('trash') === '1') f.deleted = 'only';
  for (const k of Object.keys(f) as (keyof ListFilters)[]) if (f[k] === undefined) delete f[k];
  return f;
}

export function paramsFromFilters(f: ListFilters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of KEYS) {
    const v = f[k];
    if (v) out[k] = v;
  }
  if (f.deleted === 'only') out.trash = '1';
  return out;
}

/** How many narrowing filters are set (search, sort and trash not counted). */
export function activeFilterCount(f: ListFilters): number {
  const set = (['tag', 'ownerId', 'teamId', 'stage', 'city', 'compound', 'building', 'unit', 'segment', 'valueTier', 'churnLevel'] as const).filter((k) => !!f[k]).length;
  return set + customFilterCount(f.custom) + (f.createdFrom || f.createdTo ? 1 : 0);
}

/** How many custom field filters the `custom` JSON parameter holds. */
function customFilterCount(raw: string | undefined): number {
  if (!raw) return 0;
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' ? Object.keys(v).length : 0;
  } catch {
    return 0;
  }
}
