import { Button, Flex, InputNumber, Select, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useI18n } from '../../platform/i18n';
import type { BranchOp } from './api';
import { isChoice, isScore, opsFor, scaleOf, textIn, type Branch, type Question, type Scalar } from './model';

/** The value a branch of `op` starts with on `q`. */
function defaultValue(q: Question, op: BranchOp): Branch['when']['value'] {
  if (op === 'answered' || op === 'skipped') return undefined;
  if (isChoice(q) && 'options' in q) return op === 'in' ? [q.options[0]!.value] : q.options[0]!.value;
  const { min, max } = scaleOf(q);
  const mid = Math.floor((min + max) / 2);
  return op === 'in' ? [mid] : mid;
}

function ValueInput({ q, branch, onChange }: { q: Question; branch: Branch; onChange: (v: Branch['when']['value']) => void }) {
  const { t, lang } = useI18n();
  const { op } = branch.when;
  if (op === 'answered' || op === 'skipped') return null;
  const choices: { value: Scalar; label: string }[] =
    'options' in q
      ? q.options.map((o) => ({ value: o.value, label: textIn(o.text, lang) }))
      : Array.from({ length: scaleOf(q).max - scaleOf(q).min + 1 }, (_, i) => ({ value: scaleOf(q).min + i, label: String(scaleOf(q).min + i) }));
  if (op === 'in') {
    const value = Array.isArray(branch.when.value) ? branch.when.value : [];
    return <Select mode="multiple" style={{ minWidth: 160 }} value={value} options={choices} onChange={(v: Scalar[]) => onChange(v)} aria-label={t('surveys.branch.value')} data-testid="branch-value" />;
  }
  if (isScore(q)) {
    const { min, max } = scaleOf(q);
    return <InputNumber min={min} max={max} precision={0} value={typeof branch.when.value === 'number' ? branch.when.value : null} onChange={(v) => onChange(v ?? min)} aria-label={t('surveys.branch.value')} data-testid="branch-value" />;
  }
  return <Select style={{ minWidth: 140 }} value={branch.when.value as Scalar} options={choices} onChange={(v: Scalar) => onChange(v)} aria-label={t('surveys.branch.value')} data-testid="branch-value" />;
}

/**
 * 跳转: after this question, the first branch whose condition holds sends the respondent to a later question or to the
 * end; when none holds, the next question follows. Targets before the question are flagged (the server refuses them).
 */
export function BranchEditor({ q, index, questions, onChange }: { q: Question; index: number; questions: Question[]; onChange: (b: Branch[]) => void }) {
  const { t, lang } = useI18n();
  const branches = q.branches ?? [];
  const ops = opsFor(q);
  const targets = [
    ...questions.slice(index + 1).map((x, i) => ({ value: x.id, label: t('surveys.branch.toQuestion', { n: index + 2 + i, text: textIn(x.text, lang).slice(0, 24) }) })),
    { value: 'end', label: t('surveys.branch.end') },
  ];
  const set = (j: number, b: Branch) => onChange(branches.map((x, k) => (k === j ? b : x)));
  return (
    <Flex vertical gap={6} data-testid="branches">
      {branches.map((b, j) => {
        const pos = b.goTo === 'end' ? Infinity : questions.findIndex((x) => x.id === b.goTo);
        const bad = pos <= index;
        return (
          <Flex key={j} gap={6} wrap align="center" data-testid="branch">
            <Typography.Text>{t('surveys.branch.when')}</Typography.Text>
            <Select<BranchOp>
              style={{ width: 130 }}
              value={b.when.op}
              options={ops.map((op) => ({ value: op, label: t(`surveys.op.${op}`) }))}
              onChange={(op) => set(j, { ...b, when: { op, value: defaultValue(q, op) } })}
              aria-label={t('surveys.branch.op')}
              data-testid="branch-op"
            />
            <ValueInput q={q} branch={b} onChange={(value) => set(j, { ...b, when: { ...b.when, value } })} />
            <Typography.Text>{t('surveys.branch.goTo')}</Typography.Text>
            <Select style={{ minWidth: 200 }} value={b.goTo} options={targets} onChange={(goTo: string) => set(j, { ...b, goTo })} status={bad ? 'error' : undefined} aria-label={t('surveys.branch.goTo')} data-testid="branch-goto" />
            <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={() => onChange(branches.filter((_, k) => k !== j))} />
            {bad ? <Typography.Text type="danger">{t('surveys.branch.backward')}</Typography.Text> : null}
          </Flex>
        );
      })}
      <div>
        <Button
          size="small"
          icon={<PlusOutlined />}
          disabled={branches.length >= 30}
          onClick={() => onChange([...branches, { when: { op: ops[0]!, value: defaultValue(q, ops[0]!) }, goTo: questions[index + 2]?.id ?? 'end' }])}
          data-testid="branch-add"
        >
          {t('surveys.branch.add')}
        </Button>
      </div>
    </Flex>
  );
}
