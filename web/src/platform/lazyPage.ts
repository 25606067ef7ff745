import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/**
 * A page (or any component) fetched as its own chunk when first drawn: each module's index.ts exports its pages
 * this way, so App.tsx routes to them without importing their code up front. A chunk missing after an upgrade (old
 * hashed names) reloads the page once.
 */
const RELOADED = 'hearth.chunkReload';
function reloadedOnce(): boolean {
  try {
    if (sessionStorage.getItem(RELOADED)) return true;
    sessionStorage.setItem(RELOADED, '1');
  } catch {
    return true; // storage blocked: no reload, so no loop
  }
  return false;
}

export function lazyPage<M extends Record<K, ComponentType<any>>, K extends keyof M & string>(load: () => Promise<M>, name: K): LazyExoticComponent<M[K]> {
  return lazy(async () => {
    try {
      const m = await load();
      try {
        sessionStorage.removeItem(RELOADED);
      } catch {
        // storage blocked
      }
      return { default: m[name] };
    } catch (err) {
      if (!reloadedOnce()) window.location.reload();
      throw err;
    }
  });
}
