import * as common from './common.messages';

export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

/** One owner's strings: every key in Chinese (the reference) and in English. Keys are flat; `{name}` placeholders. */
export type Catalogue = { readonly zh: Readonly<Record<string, string>>; readonly en: Readonly<Record<string, string>> };

/** The keys of a catalogue's Chinese half, as an object type that `MessageCatalog` can extend. */
export type KeysOf<C extends Catalogue> = Record<keyof C['zh'], string>;

/**
 * Every key the UI knows, as an interface so that it can be merged into. The platform's own strings (`common`) are
 * here; the modules' keys are added by `web/src/messages.ts` (the one list of the modules' dictionaries), which
 * registers the same dictionaries when it is loaded: a module's key type-checks exactly when its dictionary is
 * registered. The platform imports no module.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the interface exists to be merged into
export interface MessageCatalog extends KeysOf<typeof common> {}
export type MessageKey = keyof MessageCatalog;

/** key → text, per language, of every registered catalogue. */
const texts: Record<Lang, Map<string, string>> = { 'zh-CN': new Map(), en: new Map() };
/** key → the name of the catalogue that defines it. */
const owners = new Map<string, string>();
const catalogues = new Map<string, Catalogue>();

/**
 * Adds a catalogue (a module's dictionaries, under the module's name). Refuses one whose two languages differ in
 * their keys, a key another catalogue defines already, and a second catalogue under a name already taken;
 * registering the same catalogue again is a no-op.
 */
export function registerMessages(name: string, catalogue: Catalogue): void {
  const known = catalogues.get(name);
  if (known === catalogue) return;
  if (known) throw new Error(`message catalogue "${name}" is registered twice`);
  const keys = Object.keys(catalogue.zh);
  const missing = [
    ...keys.filter((k) => !Object.hasOwn(catalogue.en, k)).map((k) => `${k} (en)`),
    ...Object.keys(catalogue.en).filter((k) => !Object.hasOwn(catalogue.zh, k)).map((k) => `${k} (zh-CN)`),
  ];
  if (missing.length) throw new Error(`message catalogue "${name}" lacks ${missing.join(', ')}`);
  const taken = keys.filter((k) => owners.has(k)).map((k) => `${k} (${owners.get(k)})`);
  if (taken.length) throw new Error(`message catalogue "${name}" defines keys defined already: ${taken.join(', ')}`);
  catalogues.set(name, catalogue);
  for (const key of keys) {
    owners.set(key, name);
    texts['zh-CN'].set(key, catalogue.zh[key]!);
    texts.en.set(key, catalogue.en[key]!);
  }
}

/** The text of a key in a language: the Chinese one when the English one is missing, else the key itself. */
export function lookup(lang: Lang, key: MessageKey): string {
  return texts[lang].get(key) ?? texts['zh-CN'].get(key) ?? key;
}

registerMessages('common', common);
