import { MessageRegistry } from '../../../../src/platform/i18n/registry';
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

const registry = new MessageRegistry<Catalogue>((c) => ({ 'zh-CN': c.zh, en: c.en }));

/**
 * Adds a catalogue (a module's dictionaries, under the module's name); the same registry as the server's
 * (src/platform/i18n/registry.ts), so the same refusals: two languages with different keys, a key defined twice, a
 * name taken.
 */
export function registerMessages(name: string, catalogue: Catalogue): void {
  registry.register(name, catalogue);
}

/** The text of a key in a language: the Chinese one when the English one is missing, else the key itself. */
export function lookup(lang: Lang, key: MessageKey): string {
  return registry.text(lang, key);
}

registerMessages('common', common);
