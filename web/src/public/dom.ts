/** Builds DOM elements from text (never from HTML strings): what a household typed can only ever be shown as text. */
type Attr = string | number | boolean | null | undefined | ((event: Event) => void);
export type Child = Node | string | number | null | undefined | false | Child[];

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, Attr> | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces everything inside `el`. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A message box: error, warning or success; hidden when empty. */
export function alertBox(kind: 'error' | 'warning'): HTMLDivElement & { show: (messages: string[]) => void } {
  const box = h('div', { class: `alert ${kind}`, role: 'alert', hidden: true }) as HTMLDivElement & { show: (messages: string[]) => void };
  box.show = (messages) => {
    fill(box, ...messages.map((m) => h('div', null, m)));
    box.hidden = messages.length === 0;
  };
  return box;
}
