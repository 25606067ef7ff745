import type { ReactNode } from 'react';
import type { Permission } from '../auth';
import type { MessageKey } from '../i18n';

/** One entry of the side menu. Modules contribute theirs; an entry shows when the user holds any of `anyOf` and all of `allOf`. */
export type NavItem = {
  key: string;
  label: MessageKey;
  icon?: ReactNode;
  anyOf?: Permission[];
  /** Shows only when the user holds every one of these (as well). */
  allOf?: Permission[];
  /** Shows only when the installation uses this industry template (company settings: the heating tools). */
  template?: 'heating';
  children?: NavItem[];
};

export function visibleNav(items: NavItem[], can: (p: Permission) => boolean, template?: string): NavItem[] {
  const out: NavItem[] = [];
  for (const item of items) {
    if (item.template && item.template !== template) continue;
    if (item.anyOf && !item.anyOf.some(can)) continue;
    if (item.allOf && !item.allOf.every(can)) continue;
    if (item.children) {
      const children = visibleNav(item.children, can, template);
      if (children.length) out.push({ ...item, children });
    } else {
      out.push(item);
    }
  }
  return out;
}

/** The menu key for a path: the longest entry that is a prefix of it. */
export function selectedKey(items: NavItem[], pathname: string): string | undefined {
  let best: string | undefined;
  const walk = (list: NavItem[]) => {
    for (const i of list) {
      if (i.children) walk(i.children);
      else if ((pathname === i.key || pathname.startsWith(`${i.key}/`)) && (!best || i.key.length > best.length)) best = i.key;
    }
  };
  walk(items);
  return best;
}

export function parentKeys(items: NavItem[]): string[] {
  return items.filter((i) => i.children).map((i) => i.key);
}
