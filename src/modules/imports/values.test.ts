/** Cell parsing (dates, amounts, lists), encoding detection and header suggestions: pure functions. */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { registerImporter } from './importer.js';
import { detectEncoding } from './reader.js';
import { suggestMapping } from './imports.service.js';
import { instantOf, parseAmountFen, parseBoolean, parseDateCell, parseNumber, splitList } from './values.js';
import { customerImporter } from '../customers/index.js';
import { transactionImporter } from '../transactions/index.js';

describe('dates as people type them', () => {
  it.each([
    ['2024/3/5', '2024-03-05'],
    ['2024年3月5日', '2024-03-05'],
    ['2024 年 03 月 05 日', '2024-03-05'],
    ['2024-03-05', '2024-03-05'],
    ['2024.3.5', '2024-03-05'],
    ['20240305', '2024-03-05'],
    ['２０２４／３／５', '2024-03-05'],
    ['45356', '2024-03-05'], // an Excel serial number
  ])('%s → %s', (raw, date) => {
    expect(parseDateCell(raw)?.date).toBe(date);
  });
  it('keeps a time of day, placed in UTC+8', () => {
    const p = parseDateCell('2024/3/5 14:30');
    expect(p).toEqual({ date: '2024-03-05', time: '14:30:00' });
    expect(instantOf(p!).toISOString()).toBe('2024-03-05T06:30:00.000Z');
    expect(instantOf(parseDateCell('2024年3月5日')!).toISOString()).toBe('2024-03-04T16:00:00.000Z');
  });
  it.each(['2024年13月40日', '2023/2/29', '明天', '2024-3', '', '1899-12-31', '12345678'])('refuses %j', (raw) => {
    expect(parseDateCell(raw)).toBeNull();
  });
  it('reads Excel dates (exceljs gives UTC midnight of the day shown)', () => {
    expect(parseDateCell(new Date(Date.UTC(2024, 2, 5)))).toEqual({ date: '2024-03-05', time: null });
    expect(parseDateCell(45356)).toEqual({ date: '2024-03-05', time: null });
  });
});

describe('amounts to integer fen', () => {
  it.each([
    ['¥1,234.50', 123450],
    ['￥1,234.5', 123450],
    ['1,000元', 100000],
    ['RMB 88', 8800],
    ['12.3', 1230],
    ['0.07', 7],
    ['-50.00', -5000],
    ['¥-50', -5000],
    ['(12.00)', -1200],
    ['$29.33', 2933],
    ['１２３', 12300],
  ])('%s → %d fen', (raw, fen) => {
    expect(parseAmountFen(raw)).toBe(fen);
  });
  it.each(['12.345', '1,23', 'abc', '', '1.2.3', '¥'])('refuses %j', (raw) => {
    expect(parseAmountFen(raw)).toBeNull();
  });
  it('numbers from spreadsheets', () => {
    expect(parseAmountFen(1234.5)).toBe(123450);
    expect(parseNumber('85.5㎡')).toBe(85.5);
    expect(parseNumber('1,200平方米')).toBe(1200);
    expect(parseNumber('八十')).toBeNull();
  });
});

describe('lists and yes/no', () => {
  it('splits on Chinese and ASCII separators', () => {
    expect(splitList('VIP，老客户；低保、 重点 |欠费')).toEqual(['VIP', '老客户', '低保', '重点', '欠费']);
  });
  it('reads 是/否', () => {
    expect([parseBoolean('是'), parseBoolean('否'), parseBoolean('Y'), parseBoolean('也许')]).toEqual([true, false, true, null]);
  });
});

describe('encoding detection', () => {
  const text = '姓名,手机号,小区\n张伟,13812345678,幸福家园\n李娜,13912345678,阳光小区\n'.repeat(20);
  it('UTF-8 with and without BOM', () => {
    expect(detectEncoding(Buffer.from(text))).toBe('utf-8');
    expect(detectEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toBe('utf-8');
  });
  it('GBK as Excel on Chinese Windows saves it', () => {
    expect(detectEncoding(iconv.encode(text, 'gbk'))).toBe('gb18030');
  });
  it('a UTF-8 file with a few broken bytes stays UTF-8 (the broken rows are refused, the rest land)', () => {
    const broken = Buffer.concat([Buffer.from(text), Buffer.from([0xc3, 0x28, 0x0a]), Buffer.from(text)]);
    expect(detectEncoding(broken)).toBe('utf-8');
  });
});

describe('suggested mapping from headers', () => {
  registerImporter(customerImporter);
  registerImporter(transactionImporter);
  it('Chinese and English customer headers', () => {
    expect(suggestMapping('customers', ['姓名', '手机号', '联系电话', '电子邮箱', '出生日期', '小区', '楼栋', '单元', '房号', '户号', '会员等级'])).toEqual({
      姓名: 'name',
      手机号: 'phones',
      联系电话: 'phones',
      电子邮箱: 'email',
      出生日期: 'birthday',
      小区: 'compound',
      楼栋: 'building',
      单元: 'unit',
      房号: 'room',
      户号: 'externalId',
    });
    expect(suggestMapping('customers', ['Full Name', 'Mobile Phone', 'E-mail', 'City'])).toEqual({
      'Full Name': 'name',
      'Mobile Phone': 'phones',
      'E-mail': 'email',
      City: 'city',
    });
  });
  it('a unit or note in brackets does not keep a column from its field: 供暖面积 finds the field 供暖面积(㎡)', () => {
    const fields = [
      { key: 'name', synonyms: ['姓名'] },
      { key: 'custom.heated_area', synonyms: ['供暖面积(㎡)', 'Heated area (m²)', 'heated_area'] },
    ];
    expect(suggestMapping('customers', ['姓名', '供暖面积'], fields)).toEqual({ 姓名: 'name', 供暖面积: 'custom.heated_area' });
    expect(suggestMapping('customers', ['姓名（户主）', '供暖面积（平方米）'], fields)).toEqual({ '姓名（户主）': 'name', '供暖面积（平方米）': 'custom.heated_area' });
    expect(suggestMapping('customers', ['Heated area'], fields)).toEqual({ 'Heated area': 'custom.heated_area' });
    // Brackets that are the whole header stay what they are.
    expect(suggestMapping('customers', ['(备注)'], [{ key: 'note', synonyms: ['备注'] }])).toEqual({ '(备注)': 'note' });
  });
  it('CDNOW headers for transactions', () => {
    expect(suggestMapping('transactions', ['customer_id', 'date', 'number_of_cds', 'dollar_value'])).toEqual({
      customer_id: 'customerExternalId',
      date: 'occurredAt',
      dollar_value: 'amount',
    });
    expect(suggestMapping('transactions', ['户号', '缴费日期', '实收金额', '采暖季', '计费面积', '缴费单号'])).toEqual({
      户号: 'customerExternalId',
      缴费日期: 'occurredAt',
      实收金额: 'amount',
      采暖季: 'heatingSeason',
      计费面积: 'billedArea',
      缴费单号: 'externalId',
    });
  });
});
