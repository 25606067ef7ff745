/**
 * Bad input to every customer endpoint: a 4xx application/problem+json naming the field, in Chinese by default and
 * in English on request, never a 500 — and nothing written.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createTestContext, type TestContext } from '../../test/harness.js';

type Problem = { type: string; code: string; status: number; title: string; detail: string; errors: { field: string; message: string }[] };
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

type Case = {
  /** What is wrong, as the test name. */
  name: string;
  method: Method;
  url: () => string;
  body?: () => unknown;
  headers?: Record<string, string>;
  status: number;
  /** The fields errors[] must name (exactly). */
  fields: string[];
  /** Text the Chinese and the English detail must contain. */
  zh: string;
  en: string;
};

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
const LONG = '长'.repeat(10_000);
const HUGE = JSON.stringify({ name: 'x'.repeat(1_100_000) });

describe('bad input to the customer endpoints', () => {
  let ctx: TestContext;
  let person: Record<string, any>, org: Record<string, any>, gone: Record<string, any>;
  let contactId: string, nameCursor: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    person = await ctx.newCustomer({ name: '王小明', phones: ['13812345678'] });
    org = await ctx.newCustomer({ kind: 'organization', name: '冰城供热站' });
    contactId = (await ctx.admin.post(`/api/v1/customers/${org.id}/contacts`, { name: '赵站长' })).json().id;
    gone = await ctx.newCustomer({ name: '已删客户' });
    await ctx.admin.delete(`/api/v1/customers/${gone.id}`);
    nameCursor = (await ctx.admin.get('/api/v1/customers?sort=name&limit=1')).json().nextCursor;
    expect(nameCursor).toBeTruthy();
  });
  afterAll(() => ctx.close());

  const P = () => `/api/v1/customers/${person.id}`;
  const O = () => `/api/v1/customers/${org.id}`;
  const list = (query: string) => () => `/api/v1/customers?${query}`;
  const cursorOf = (value: string, id: string) => Buffer.from(JSON.stringify([value, id])).toString('base64url');

  const cases: Case[] = [
    // ---- POST /customers
    { name: 'create: name of the wrong type', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: 123 }), status: 400, fields: ['name'], zh: '「姓名/名称」类型错误，应为文本', en: '"Name" has the wrong type; expected text' },
    { name: 'create: name missing', method: 'POST', url: () => '/api/v1/customers', body: () => ({ phones: [] }), status: 400, fields: ['name'], zh: '「姓名/名称」为必填项', en: '"Name" is required' },
    { name: 'create: name only spaces', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '   ' }), status: 400, fields: ['name'], zh: '「姓名/名称」为必填项', en: '"Name" is required' },
    { name: 'create: a 10,000-character name', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: LONG }), status: 400, fields: ['name'], zh: '「姓名/名称」最多 200 个字符', en: '"Name" must be at most 200 characters' },
    { name: 'create: name null', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: null }), status: 400, fields: ['name'], zh: '「姓名/名称」类型错误', en: '"Name" has the wrong type' },
    { name: 'create: name with a NUL character', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王\u0000小明' }), status: 400, fields: ['name'], zh: '「姓名/名称」含有不允许的控制字符', en: '"Name" contains a control character that is not allowed' },
    { name: 'create: a NUL character deep inside', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', address: { room: '1\u0000' }, tags: ['ok', 'b\u0000d'] }), status: 400, fields: ['address.room', 'tags.1'], zh: '「房号」含有不允许的控制字符', en: '"Tags #2" contains a control character' },
    { name: 'create: an invalid phone', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', phones: ['12345'] }), status: 400, fields: ['phones.0'], zh: '「电话 #1」不是有效的电话号码：12345', en: '"Phones #1" is not a valid phone number: 12345' },
    { name: 'create: the second phone invalid', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', phones: ['13812345678', 'call me'] }), status: 400, fields: ['phones.1'], zh: '「电话 #2」不是有效的电话号码：call me', en: '"Phones #2" is not a valid phone number' },
    { name: 'create: phones not a list', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', phones: '13812345678' }), status: 400, fields: ['phones'], zh: '「电话」类型错误，应为数组', en: '"Phones" has the wrong type; expected an array' },
    { name: 'create: too many phones', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', phones: Array.from({ length: 11 }, (_, i) => `138000000${String(i).padStart(2, '0')}`) }), status: 400, fields: ['phones'], zh: '「电话」最多 10 项', en: '"Phones" must have at most 10 items' },
    { name: 'create: an invalid ID number', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', idNumber: '110105194912310021' }), status: 400, fields: ['idNumber'], zh: '「证件号码」不是有效的身份证号码', en: '"ID number" is not a valid ID number' },
    { name: 'create: an ID number with an impossible birth date', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', idType: 'resident', idNumber: '110105194902300023' }), status: 400, fields: ['idNumber'], zh: '不是有效的身份证号码', en: 'not a valid ID number' },
    { name: 'create: malformed JSON', method: 'POST', url: () => '/api/v1/customers', body: () => '{"name": "王', status: 400, fields: ['body'], zh: '请求体不是合法的 JSON', en: 'The request body is not valid JSON' },
    { name: 'create: an empty JSON body', method: 'POST', url: () => '/api/v1/customers', body: () => '', status: 400, fields: ['body'], zh: '不是合法的 JSON', en: 'not valid JSON' },
    { name: 'create: a JSON array instead of an object', method: 'POST', url: () => '/api/v1/customers', body: () => '[{"name":"王"}]', status: 400, fields: ['body'], zh: '「请求体」类型错误，应为对象', en: '"Request body" has the wrong type; expected an object' },
    { name: 'create: an unknown field', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', vip: true }), status: 400, fields: ['vip'], zh: '不认识的字段「vip」', en: 'Unknown field "vip"' },
    { name: 'create: an unknown address field', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', address: { city: '哈尔滨市', floor: 3 } }), status: 400, fields: ['address.floor'], zh: '不认识的字段「address.floor」', en: 'Unknown field "address.floor"' },
    { name: 'create: a body over 1 MB', method: 'POST', url: () => '/api/v1/customers', body: () => HUGE, status: 413, fields: ['body'], zh: '提交的数据过大（上限 1048576 字节）', en: 'The request body is too large (limit 1048576 bytes)' },
    { name: 'create: XML instead of JSON', method: 'POST', url: () => '/api/v1/customers', body: () => '<customer><name>王</name></customer>', headers: { 'content-type': 'application/xml' }, status: 415, fields: [], zh: '不支持的内容类型，请以 application/json 提交', en: 'Unsupported content type; send application/json' },
    { name: 'create: a form post (with the CSRF token)', method: 'POST', url: () => '/api/v1/customers', body: () => 'name=%E7%8E%8B', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, fields: [], zh: 'application/json', en: 'Unsupported content type' },
    { name: 'create: plain text', method: 'POST', url: () => '/api/v1/customers', body: () => '王小明', headers: { 'content-type': 'text/plain' }, status: 400, fields: ['body'], zh: '「请求体」类型错误，应为对象', en: 'expected an object' },
    { name: 'create: an unknown stage', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', stage: 'vip' }), status: 400, fields: ['stage'], zh: '「生命周期阶段」的取值无效，可选：prospect / new / active', en: '"Lifecycle stage" has an invalid value; allowed: prospect / new' },
    { name: 'create: an unknown kind', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', kind: 'company' }), status: 400, fields: ['kind'], zh: '「客户类型」的取值无效', en: '"Customer type" has an invalid value' },
    { name: 'create: an invalid email', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', email: 'wang-at-example' }), status: 400, fields: ['email'], zh: '「邮箱」不是有效的邮箱地址', en: '"Email" is not a valid email address' },
    { name: 'create: 30 February as birthday', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', birthday: '1990-02-30' }), status: 400, fields: ['birthday'], zh: '「生日」不是有效日期（格式 YYYY-MM-DD）', en: '"Birthday" is not a valid date (YYYY-MM-DD)' },
    { name: 'create: a birthday in the future', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', birthday: '2999-01-01' }), status: 400, fields: ['birthday'], zh: '「生日」不是有效日期', en: '"Birthday" is not a valid date' },
    { name: 'create: a lunar month 13', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', lunarBirthday: { month: 13, day: 1 } }), status: 400, fields: ['lunarBirthday.month'], zh: '「农历生日月份」不能大于 12', en: '"Lunar birthday month" must be at most 12' },
    { name: 'create: consent not a boolean', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', consent: { sms: 'yes' } }), status: 400, fields: ['consent.sms'], zh: '「短信联系许可」类型错误，应为布尔值', en: '"SMS consent" has the wrong type; expected a boolean' },
    { name: 'create: too many tags', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', tags: Array.from({ length: 51 }, (_, i) => `标签${i}`) }), status: 400, fields: ['tags'], zh: '「标签」最多 50 项', en: '"Tags" must have at most 50 items' },
    { name: 'create: an owner id that is not a UUID', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', ownerId: 'zhangsan' }), status: 400, fields: ['ownerId'], zh: '「客户经理」格式不正确', en: '"Account manager" has an invalid format' },
    { name: 'create: an owner who does not exist', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', ownerId: NO_SUCH_ID }), status: 400, fields: ['ownerId'], zh: '找不到该用户', en: 'User not found' },
    { name: 'create: a team that does not exist', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '王', teamId: NO_SUCH_ID }), status: 400, fields: ['teamId'], zh: '找不到该团队', en: 'Team not found' },
    { name: 'create: several wrong fields at once', method: 'POST', url: () => '/api/v1/customers', body: () => ({ name: '', phones: ['1'], email: 'x' }), status: 400, fields: ['email', 'name', 'phones.0'], zh: '「姓名/名称」为必填项', en: '"Phones #1" is not a valid phone number' },

    // ---- PATCH /customers/:id
    { name: 'edit: version missing', method: 'PATCH', url: P, body: () => ({ name: '王大明' }), status: 400, fields: ['version'], zh: '「版本号」为必填项', en: '"Version" is required' },
    { name: 'edit: version not a number', method: 'PATCH', url: P, body: () => ({ version: 'abc', name: '王大明' }), status: 400, fields: ['version'], zh: '「版本号」类型错误，应为数字', en: '"Version" has the wrong type; expected a number' },
    { name: 'edit: version 0', method: 'PATCH', url: P, body: () => ({ version: 0 }), status: 400, fields: ['version'], zh: '「版本号」不能小于 1', en: '"Version" must be at least 1' },
    { name: 'edit: a stale version', method: 'PATCH', url: P, body: () => ({ version: 99, name: '王大明' }), status: 409, fields: ['version'], zh: '该客户已被他人修改', en: 'This customer was changed by someone else' },
    { name: 'edit: an id that is not a UUID', method: 'PATCH', url: () => '/api/v1/customers/abc', body: () => ({ version: 1 }), status: 400, fields: ['id'], zh: '「id」格式不正确', en: '"id" has an invalid format' },
    { name: 'edit: a customer that does not exist', method: 'PATCH', url: () => `/api/v1/customers/${NO_SUCH_ID}`, body: () => ({ version: 1, name: '王' }), status: 404, fields: [], zh: '找不到该客户', en: 'Customer not found' },
    { name: 'edit: a deleted customer', method: 'PATCH', url: () => `/api/v1/customers/${gone.id}`, body: () => ({ version: gone.version + 1, name: '复活' }), status: 404, fields: [], zh: '找不到该客户', en: 'Customer not found' },
    { name: 'edit: an invalid phone', method: 'PATCH', url: P, body: () => ({ version: 1, phones: ['138-0000'] }), status: 400, fields: ['phones.0'], zh: '「电话 #1」不是有效的电话号码', en: '"Phones #1" is not a valid phone number' },
    { name: 'edit: an invalid ID number', method: 'PATCH', url: P, body: () => ({ version: 1, idNumber: '123456789012345678' }), status: 400, fields: ['idNumber'], zh: '「证件号码」不是有效的身份证号码', en: '"ID number" is not a valid ID number' },
    { name: 'edit: name null', method: 'PATCH', url: P, body: () => ({ version: 1, name: null }), status: 400, fields: ['name'], zh: '「姓名/名称」类型错误', en: '"Name" has the wrong type' },
    { name: 'edit: a 10,000-character name', method: 'PATCH', url: P, body: () => ({ version: 1, name: LONG }), status: 400, fields: ['name'], zh: '最多 200 个字符', en: 'at most 200 characters' },
    { name: 'edit: an unknown field', method: 'PATCH', url: P, body: () => ({ version: 1, deletedAt: null }), status: 400, fields: ['deletedAt'], zh: '不认识的字段「deletedAt」', en: 'Unknown field "deletedAt"' },
    { name: 'edit: malformed JSON', method: 'PATCH', url: P, body: () => '{"version":1,', status: 400, fields: ['body'], zh: '请求体不是合法的 JSON', en: 'not valid JSON' },
    { name: 'edit: a body over 1 MB', method: 'PATCH', url: P, body: () => HUGE, status: 413, fields: ['body'], zh: '提交的数据过大', en: 'too large' },
    { name: 'edit: wrong content type', method: 'PATCH', url: P, body: () => 'version=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, fields: [], zh: '不支持的内容类型', en: 'Unsupported content type' },

    // ---- DELETE /customers/:id
    { name: 'delete: an id that is not a UUID', method: 'DELETE', url: () => '/api/v1/customers/123', status: 400, fields: ['id'], zh: '「id」格式不正确', en: '"id" has an invalid format' },
    { name: 'delete: version not a number', method: 'DELETE', url: P, body: () => ({ version: 'x' }), status: 400, fields: ['version'], zh: '「版本号」类型错误', en: '"Version" has the wrong type' },
    { name: 'delete: an unknown field', method: 'DELETE', url: P, body: () => ({ force: true }), status: 400, fields: ['force'], zh: '不认识的字段「force」', en: 'Unknown field "force"' },
    { name: 'delete: malformed JSON', method: 'DELETE', url: P, body: () => '{version', status: 400, fields: ['body'], zh: '不是合法的 JSON', en: 'not valid JSON' },
    { name: 'delete: a stale version', method: 'DELETE', url: P, body: () => ({ version: 42 }), status: 409, fields: ['version'], zh: '已被他人修改', en: 'changed by someone else' },
    { name: 'delete: a customer that does not exist', method: 'DELETE', url: () => `/api/v1/customers/${NO_SUCH_ID}`, status: 404, fields: [], zh: '找不到该客户', en: 'Customer not found' },

    // ---- POST /customers/:id/restore
    { name: 'restore: an id that is not a UUID', method: 'POST', url: () => '/api/v1/customers/nope/restore', status: 400, fields: ['id'], zh: '「id」格式不正确', en: '"id" has an invalid format' },
    { name: 'restore: a customer that is not deleted', method: 'POST', url: () => `${P()}/restore`, status: 409, fields: [], zh: '该客户未被删除，无需恢复', en: 'This customer is not deleted' },
    { name: 'restore: a customer that does not exist', method: 'POST', url: () => `/api/v1/customers/${NO_SUCH_ID}/restore`, status: 404, fields: [], zh: '找不到该客户', en: 'Customer not found' },
    { name: 'restore: malformed JSON', method: 'POST', url: () => `/api/v1/customers/${gone.id}/restore`, body: () => '{', status: 400, fields: ['body'], zh: '不是合法的 JSON', en: 'not valid JSON' },

    // ---- POST /customers/:id/reveal
    { name: 'reveal: an id that is not a UUID', method: 'POST', url: () => '/api/v1/customers/x/reveal', status: 400, fields: ['id'], zh: '「id」格式不正确', en: '"id" has an invalid format' },
    { name: 'reveal: an unknown field to reveal', method: 'POST', url: () => `${P()}/reveal`, body: () => ({ fields: ['password'] }), status: 400, fields: ['fields.0'], zh: '的取值无效，可选：phones / idNumber', en: 'has an invalid value; allowed: phones / idNumber' },
    { name: 'reveal: no fields', method: 'POST', url: () => `${P()}/reveal`, body: () => ({ fields: [] }), status: 400, fields: ['fields'], zh: '「fields」至少 1 项', en: '"fields" must have at least 1 items' },
    { name: 'reveal: a 10,000-character reason', method: 'POST', url: () => `${P()}/reveal`, body: () => ({ reason: LONG }), status: 400, fields: ['reason'], zh: '「reason」最多 200 个字符', en: '"reason" must be at most 200 characters' },
    { name: 'reveal: an unknown field', method: 'POST', url: () => `${P()}/reveal`, body: () => ({ why: '好奇' }), status: 400, fields: ['why'], zh: '不认识的字段「why」', en: 'Unknown field "why"' },
    { name: 'reveal: malformed JSON', method: 'POST', url: () => `${P()}/reveal`, body: () => '{"fields":[', status: 400, fields: ['body'], zh: '不是合法的 JSON', en: 'not valid JSON' },
    { name: 'reveal: a customer that does not exist', method: 'POST', url: () => `/api/v1/customers/${NO_SUCH_ID}/reveal`, body: () => ({}), status: 404, fields: [], zh: '找不到该客户', en: 'Customer not found' },

    // ---- POST /customers/:id/contacts
    { name: 'add contact: name missing', method: 'POST', url: () => `${O()}/contacts`, body: () => ({ title: '站长' }), status: 400, fields: ['name'], zh: '「姓名/名称」为必填项', en: '"Name" is required' },
    { name: 'add contact: a 10,000-character name', method: 'POST', url: () => `${O()}/contacts`, body: () => ({ name: LONG }), status: 400, fields: ['name'], zh: '「姓名/名称」最多 100 个字符', en: '"Name" must be at most 100 characters' },
    { name: 'add contact: an invalid phone', method: 'POST', url: () => `${O()}/contacts`, body: () => ({ name: '李', phones: ['0000'] }), status: 400, fields: ['phones.0'], zh: '「电话 #1」不是有效的电话号码：0000', en: '"Phones #1" is not a valid phone number: 0000' },
    { name: 'add contact: an invalid email', method: 'POST', url: () => `${O()}/contacts`, body: () => ({ name: '李', email: '@' }), status: 400, fields: ['email'], zh: '「邮箱」不是有效的邮箱地址', en: '"Email" is not a valid email address' },
    { name: 'add contact: isPrimary not a boolean', method: 'POST', url: () => `${O()}/contacts`, body: () => ({ name: '李', isPrimary: 'yes' }), status: 400, fields: ['isPrimary'], zh: '「主要联系人」类型错误，应为布尔值', en: '"Primary contact" has the wrong type; expected a boolean' },
    { name: 'add contact: an unknown field', method: 'POST', url: () => `${O()}/contacts`, body: () => ({ name: '李', wechat: 'li' }), status: 400, fields: ['wechat'], zh: '不认识的字段「wechat」', en: 'Unknown field "wechat"' },
    { name: 'add contact: malformed JSON', method: 'POST', url: () => `${O()}/contacts`, body: () => "{'name':'李'}", status: 400, fields: ['body'], zh: '不是合法的 JSON', en: 'not valid JSON' },
    { name: 'add contact: an id that is not a UUID', method: 'POST', url: () => '/api/v1/customers/1/contacts', body: () => ({ name: '李' }), status: 400, fields: ['id'], zh: '「id」格式不正确', en: '"id" has an invalid format' },
    { name: 'add contact: to a person', method: 'POST', url: () => `${P()}/contacts`, body: () => ({ name: '李' }), status: 409, fields: [], zh: '只有单位客户可以添加联系人', en: 'Only organisations have contacts' },
    { name: 'add contact: a body over 1 MB', method: 'POST', url: () => `${O()}/contacts`, body: () => HUGE, status: 413, fields: ['body'], zh: '提交的数据过大', en: 'too large' },

    // ---- PATCH /customers/:id/contacts/:contactId
    { name: 'edit contact: a contact id that is not a UUID', method: 'PATCH', url: () => `${O()}/contacts/zhao`, body: () => ({ name: '赵' }), status: 400, fields: ['contactId'], zh: '「contactId」格式不正确', en: '"contactId" has an invalid format' },
    { name: 'edit contact: an empty name', method: 'PATCH', url: () => `${O()}/contacts/${contactId}`, body: () => ({ name: '' }), status: 400, fields: ['name'], zh: '「姓名/名称」为必填项', en: '"Name" is required' },
    { name: 'edit contact: an invalid phone', method: 'PATCH', url: () => `${O()}/contacts/${contactId}`, body: () => ({ phones: ['phone'] }), status: 400, fields: ['phones.0'], zh: '「电话 #1」不是有效的电话号码', en: '"Phones #1" is not a valid phone number' },
    { name: 'edit contact: isPrimary not a boolean', method: 'PATCH', url: () => `${O()}/contacts/${contactId}`, body: () => ({ isPrimary: 1 }), status: 400, fields: ['isPrimary'], zh: '类型错误，应为布尔值', en: 'expected a boolean' },
    { name: 'edit contact: an unknown field', method: 'PATCH', url: () => `${O()}/contacts/${contactId}`, body: () => ({ customerId: person.id }), status: 400, fields: ['customerId'], zh: '不认识的字段「customerId」', en: 'Unknown field "customerId"' },
    { name: 'edit contact: malformed JSON', method: 'PATCH', url: () => `${O()}/contacts/${contactId}`, body: () => 'null,', status: 400, fields: ['body'], zh: '不是合法的 JSON', en: 'not valid JSON' },
    { name: 'edit contact: a contact that does not exist', method: 'PATCH', url: () => `${O()}/contacts/${NO_SUCH_ID}`, body: () => ({ name: '赵' }), status: 404, fields: [], zh: '找不到该联系人', en: 'Contact not found' },
    { name: 'edit contact: under another customer', method: 'PATCH', url: () => `/api/v1/customers/${gone.id}/contacts/${contactId}`, body: () => ({ name: '赵' }), status: 404, fields: [], zh: '找不到该客户', en: 'Customer not found' },

    // ---- DELETE /customers/:id/contacts/:contactId
    { name: 'remove contact: a contact id that is not a UUID', method: 'DELETE', url: () => `${O()}/contacts/1`, status: 400, fields: ['contactId'], zh: '「contactId」格式不正确', en: '"contactId" has an invalid format' },
    { name: 'remove contact: a contact that does not exist', method: 'DELETE', url: () => `${O()}/contacts/${NO_SUCH_ID}`, status: 404, fields: [], zh: '找不到该联系人', en: 'Contact not found' },

    // ---- GET /customers (query parameters)
    { name: 'list: limit=abc', method: 'GET', url: list('limit=abc'), status: 400, fields: ['limit'], zh: '「每页条数」类型错误，应为数字', en: '"Page size" has the wrong type; expected a number' },
    { name: 'list: limit=0', method: 'GET', url: list('limit=0'), status: 400, fields: ['limit'], zh: '「每页条数」不能小于 1', en: '"Page size" must be at least 1' },
    { name: 'list: limit=1000', method: 'GET', url: list('limit=1000'), status: 400, fields: ['limit'], zh: '「每页条数」不能大于 200', en: '"Page size" must be at most 200' },
    { name: 'list: limit=2.5', method: 'GET', url: list('limit=2.5'), status: 400, fields: ['limit'], zh: '「每页条数」', en: '"Page size"' },
    { name: 'list: sort=bogus', method: 'GET', url: list('sort=bogus'), status: 400, fields: ['sort'], zh: '「sort」的取值无效，可选：createdAt / updatedAt / name', en: '"sort" has an invalid value; allowed: createdAt / updatedAt / name' },
    { name: 'list: order=up', method: 'GET', url: list('order=up'), status: 400, fields: ['order'], zh: '「order」的取值无效，可选：asc / desc', en: 'allowed: asc / desc' },
    { name: 'list: cursor=garbage', method: 'GET', url: list('cursor=garbage'), status: 400, fields: ['cursor'], zh: '「分页游标」格式不正确', en: '"Page cursor" has an invalid format' },
    { name: 'list: a name cursor used with the createdAt sort', method: 'GET', url: () => `/api/v1/customers?sort=createdAt&cursor=${nameCursor}`, status: 400, fields: ['cursor'], zh: '「分页游标」格式不正确', en: '"Page cursor" has an invalid format' },
    { name: 'list: a cursor with an impossible timestamp', method: 'GET', url: () => `/api/v1/customers?cursor=${cursorOf('2024-13-45 25:61:00+00', person.id)}`, status: 400, fields: ['cursor'], zh: '「分页游标」格式不正确', en: '"Page cursor" has an invalid format' },
    { name: 'list: a cursor whose id is not a UUID', method: 'GET', url: () => `/api/v1/customers?sort=name&cursor=${cursorOf('王', '-'.repeat(36))}`, status: 400, fields: ['cursor'], zh: '「分页游标」格式不正确', en: '"Page cursor" has an invalid format' },
    { name: 'list: a cursor with a NUL character', method: 'GET', url: () => `/api/v1/customers?sort=name&cursor=${cursorOf('王\u0000', person.id)}`, status: 400, fields: ['cursor'], zh: '「分页游标」', en: '"Page cursor"' },
    { name: 'list: createdFrom=notadate', method: 'GET', url: list('createdFrom=notadate'), status: 400, fields: ['createdFrom'], zh: '「创建日期起」', en: '"Created from"' },
    { name: 'list: createdFrom in year 0', method: 'GET', url: list('createdFrom=0000-01-01'), status: 400, fields: ['createdFrom'], zh: '「创建日期起」不是有效日期', en: '"Created from" is not a valid date' },
    { name: 'list: createdTo in year 10000', method: 'GET', url: list('createdTo=9999-12-31T23:00:00-05:00'), status: 400, fields: ['createdTo'], zh: '「创建日期止」不是有效日期', en: '"Created to" is not a valid date' },
    { name: 'list: createdTo=2023-02-30', method: 'GET', url: list('createdTo=2023-02-30'), status: 400, fields: ['createdTo'], zh: '「创建日期止」', en: '"Created to"' },
    { name: 'list: ownerId=abc', method: 'GET', url: list('ownerId=abc'), status: 400, fields: ['ownerId'], zh: '「客户经理」格式不正确', en: '"Account manager" has an invalid format' },
    { name: 'list: stage=vip', method: 'GET', url: list('stage=vip'), status: 400, fields: ['stage'], zh: '「生命周期阶段」的取值无效', en: '"Lifecycle stage" has an invalid value' },
    { name: 'list: deleted=all', method: 'GET', url: list('deleted=all'), status: 400, fields: ['deleted'], zh: '可选：exclude / only', en: 'allowed: exclude / only' },
    { name: 'list: withTotal=yes', method: 'GET', url: list('withTotal=yes'), status: 400, fields: ['withTotal'], zh: '「withTotal」的取值无效', en: '"withTotal" has an invalid value' },
    { name: 'list: an unknown parameter', method: 'GET', url: list('page=2'), status: 400, fields: ['page'], zh: '不认识的字段「page」', en: 'Unknown field "page"' },
    { name: 'list: a search of 101 characters', method: 'GET', url: list(`q=${'查'.repeat(101)}`), status: 400, fields: ['q'], zh: '「搜索词」最多 100 个字符', en: '"Search text" must be at most 100 characters' },
    { name: 'list: a search with a NUL character', method: 'GET', url: list('q=%E7%8E%8B%00'), status: 400, fields: ['q'], zh: '「搜索词」含有不允许的控制字符', en: '"Search text" contains a control character that is not allowed' },
    { name: 'list: the same tag twice', method: 'GET', url: list('tag=a&tag=b'), status: 400, fields: ['tag'], zh: '「标签」类型错误，应为文本', en: '"Tag" has the wrong type; expected text' },

    // ---- GET /customers/export.csv
    { name: 'export: a paging parameter', method: 'GET', url: () => '/api/v1/customers/export.csv?limit=10', status: 400, fields: ['limit'], zh: '不认识的字段「limit」', en: 'Unknown field "limit"' },
    { name: 'export: createdFrom=yesterday', method: 'GET', url: () => '/api/v1/customers/export.csv?createdFrom=yesterday', status: 400, fields: ['createdFrom'], zh: '「创建日期起」', en: '"Created from"' },
    { name: 'export: a search with a NUL character', method: 'GET', url: () => '/api/v1/customers/export.csv?q=%00', status: 400, fields: ['q'], zh: '「搜索词」', en: '"Search text"' },

    // ---- GET one / history / contacts
    { name: 'get: an id that is not a UUID', method: 'GET', url: () => '/api/v1/customers/0', status: 400, fields: ['id'], zh: '「id」格式不正确', en: '"id" has an invalid format' },
    { name: 'history: an id that is not a UUID', method: 'GET', url: () => '/api/v1/customers/%E7%8E%8B/history', status: 400, fields: ['id'], zh: '「id」格式不正确', en: '"id" has an invalid format' },
    { name: 'contacts: an id that is not a UUID', method: 'GET', url: () => '/api/v1/customers/null/contacts', status: 400, fields: ['id'], zh: '「id」格式不正确', en: '"id" has an invalid format' },
    { name: 'get: a customer that does not exist', method: 'GET', url: () => `/api/v1/customers/${NO_SUCH_ID}`, status: 404, fields: [], zh: '找不到该客户', en: 'Customer not found' },
  ];

  /** Row counts of the tables a customer request writes, and a digest of their content. */
  async function state(): Promise<Record<string, number | string>> {
    const digest = (await ctx.database.db.execute(
      sql.raw(
        `select (select md5(coalesce(string_agg(c::text, '|' order by c.id), '')) from customers c) ||
                (select md5(coalesce(string_agg(k::text, '|' order by k.id), '')) from customer_contacts k) as h`,
      ),
    )) as unknown as { rows: { h: string }[] };
    return {
      customers: await countRows(ctx.database, 'customers'),
      customer_contacts: await countRows(ctx.database, 'customer_contacts'),
      audit_log: await countRows(ctx.database, 'audit_log'),
      digest: digest.rows[0]!.h,
    };
  }

  for (const c of cases) {
    it(`${c.name} → ${c.status}${c.fields.length ? ` naming ${c.fields.join(', ')}` : ''}`, async () => {
      const before = await state();
      for (const [client, text] of [
        [ctx.admin, c.zh],
        [ctx.admin.lang('en'), c.en],
      ] as const) {
        const res = await client.request(c.method, c.url(), c.body?.(), c.headers);
        expect(res.statusCode, res.body.slice(0, 500)).toBe(c.status);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        const p = res.json() as Problem;
        expect(p.status).toBe(c.status);
        expect(p.type).toBe(`urn:hearth:problem:${p.code}`);
        expect(p.errors.map((e) => e.field).sort()).toEqual([...c.fields].sort());
        expect(p.detail).toContain(text);
      }
      expect(await state()).toEqual(before);
    });
  }

  it('a problem lists one message per field, and the title is generic', async () => {
    const p = (await ctx.admin.post('/api/v1/customers', { name: '', email: 'x' })).json() as Problem;
    expect(p.title).toBe('提交的数据有误');
    expect(p.errors).toEqual([
      { field: 'name', message: '「姓名/名称」为必填项' },
      { field: 'email', message: '「邮箱」不是有效的邮箱地址' },
    ]);
    expect(p.detail).toBe('「姓名/名称」为必填项；「邮箱」不是有效的邮箱地址');
    const en = (await ctx.admin.lang('en-US,en;q=0.9').post('/api/v1/customers', { name: '', email: 'x' })).json() as Problem;
    expect(en.title).toBe('The submitted data is invalid');
    expect(en.detail).toBe('"Name" is required; "Email" is not a valid email address');
  });

  it('Accept-Language picks the best supported language, defaulting to Chinese', async () => {
    const detail = async (lang: string) => ((await ctx.admin.lang(lang).post('/api/v1/customers', {})).json() as Problem).detail;
    expect(await detail('fr-FR, en;q=0.5')).toBe('"Name" is required');
    expect(await detail('en;q=0.3, zh-TW;q=0.8')).toBe('「姓名/名称」为必填项');
    expect(await detail('de')).toBe('「姓名/名称」为必填项');
    expect(await detail('*')).toBe('「姓名/名称」为必填项');
  });

  it('valid values at the limits are accepted (the limits are not off by one)', async () => {
    const res = await ctx.admin.post('/api/v1/customers', {
      name: '名'.repeat(200),
      phones: Array.from({ length: 10 }, (_, i) => `1380000${String(i).padStart(4, '0')}`),
      tags: Array.from({ length: 50 }, (_, i) => `标签${i}`),
      lunarBirthday: { month: 12, day: 30 },
      birthday: '1900-01-01',
      idType: 'passport',
      idNumber: 'E12345678',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ idType: 'passport', lunarBirthday: { month: 12, day: 30, leap: false } });
    expect(res.json().phones).toHaveLength(10);
    expect((await ctx.admin.get('/api/v1/customers?limit=200&q=' + encodeURIComponent('名名名'))).json().items).toHaveLength(1);
  });
});
