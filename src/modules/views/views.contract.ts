/** What the saved-views API returns (issue #21): types and constants only, compiled by the web app as is. */
export const VIEW_PAGES = ['customers', 'tickets', 'tasks'] as const;
export type ViewPage = (typeof VIEW_PAGES)[number];

export const VIEW_LIMITS = { name: 60, query: 2000, columns: 40, column: 60 } as const;

/** A view's state: the list's URL search string (filters and sort) and, where the page has columns, the visible ones. */
export type SavedViewState = { query: string; columns?: string[] };

export type SavedViewItem = {
  id: string;
  page: ViewPage;
  name: string;
  state: SavedViewState;
  /** null: personal; set: shared with that team's members. */
  teamId: string | null;
  teamName: string | null;
  ownerId: string;
  ownerName: string;
  mine: boolean;
  createdAt: string;
  updatedAt: string;
};

export type SavedViewList = { items: SavedViewItem[] };
