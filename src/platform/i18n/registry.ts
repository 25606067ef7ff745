/**
 * The message registry both the server (`./index.ts`) and the web app (`web/src/platform/i18n/registry.ts`) keep:
 * catalogues registered by name, each with every key in zh-CN (the reference) and in en. Plain TypeScript with no
 * imports, so the web bundles it too.
 */
export type RegistryLocale = 'zh-CN' | 'en';

/** A catalogue's two halves, as each side names them (the server `zhCN`, the web `zh`). */
export type CatalogueTexts = { readonly 'zh-CN': Readonly<Record<string, string>>; readonly en: Readonly<Record<string, string>> };

export class MessageRegistry<C extends object> {
  /** key → text, per locale, of every registered catalogue. */
  private readonly texts: Record<RegistryLocale, Map<string, string>> = { 'zh-CN': new Map(), en: new Map() };
  /** key → the name of the catalogue that defines it. */
  private readonly owners = new Map<string, string>();
  readonly catalogues = new Map<string, C>();

  constructor(private readonly halves: (catalogue: C) => CatalogueTexts) {}

  /**
   * Adds a catalogue (a module's messages, under the module's name). Refuses one whose two locales differ in their
   * keys, a key another catalogue defines already, and a second catalogue under a name already taken; registering
   * the same catalogue again is a no-op.
   */
  register(name: string, catalogue: C): void {
    const known = this.catalogues.get(name);
    if (known === catalogue) return;
    if (known) throw new Error(`message catalogue "${name}" is registered twice`);
    const { 'zh-CN': zh, en } = this.halves(catalogue);
    const keys = Object.keys(zh);
    const missing = [
      ...keys.filter((k) => !Object.hasOwn(en, k)).map((k) => `${k} (en)`),
      ...Object.keys(en).filter((k) => !Object.hasOwn(zh, k)).map((k) => `${k} (zh-CN)`),
    ];
    if (missing.length) throw new Error(`message catalogue "${name}" lacks ${missing.join(', ')}`);
    const taken = keys.filter((k) => this.owners.has(k)).map((k) => `${k} (${this.owners.get(k)})`);
    if (taken.length) throw new Error(`message catalogue "${name}" defines keys defined already: ${taken.join(', ')}`);
    this.catalogues.set(name, catalogue);
    for (const key of keys) {
      this.owners.set(key, name);
      this.texts['zh-CN'].set(key, zh[key]!);
      this.texts.en.set(key, en[key]!);
    }
  }

  /** The text of a key: the zh-CN one when the locale's is missing, else the key itself. */
  text(locale: RegistryLocale, key: string): string {
    return this.texts[locale].get(key) ?? this.texts['zh-CN'].get(key) ?? key;
  }

  has(key: string): boolean {
    return this.texts['zh-CN'].has(key);
  }
}
