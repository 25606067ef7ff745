/**
 * A WeChat official account's push (明文模式) is one flat XML element: `<xml><ToUserName><![CDATA[gh_…]]></ToUserName>
 * <FromUserName>…</FromUserName><CreateTime>1764554400</CreateTime><MsgType>text</MsgType><Content>…</Content>
 * <MsgId>…</MsgId></xml>`. It is read with saxes (a non-validating, streaming, well-formedness-checking parser; see
 * docs/ARCHITECTURE.md, dependencies): no DTD is processed and no entity but XML's five and character references is
 * known, so an external entity or an entity expansion cannot be smuggled in; a document carrying a DOCTYPE is refused
 * outright. Only the root's direct children are kept, as strings (CreateTime as a number); anything nested deeper is
 * ignored. Any malformation throws.
 */
import { SaxesParser } from 'saxes';

/** Children kept at most (a message has about ten). */
const MAX_FIELDS = 64;

export function parseWechatXml(xml: string): Record<string, string | number> {
  const parser = new SaxesParser();
  const fields = Object.create(null) as Record<string, string | number>; // a field named __proto__ stays a field
  let depth = 0;
  let root: string | null = null;
  let field: string | null = null;
  let text = '';
  let count = 0;
  parser.on('doctype', () => {
    throw new Error('a DOCTYPE is not accepted');
  });
  parser.on('opentag', (tag) => {
    depth++;
    if (depth === 1) root = tag.name;
    else if (depth === 2) {
      if (++count > MAX_FIELDS) throw new Error('too many fields');
      field = tag.name;
      text = '';
    }
  });
  const onText = (t: string) => {
    if (depth === 2) text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    if (depth === 2 && field !== null && !Object.hasOwn(fields, field)) fields[field] = field === 'CreateTime' && /^\d{1,12}$/.test(text.trim()) ? Number(text.trim()) : text;
    if (depth === 2) field = null;
    depth--;
  });
  parser.write(xml).close();
  if (root !== 'xml') throw new Error('the root element is not <xml>');
  return fields;
}
