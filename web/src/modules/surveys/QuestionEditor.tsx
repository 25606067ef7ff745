import { Alert, Button, Card, Collapse, Flex, InputNumber, Select, Space, Switch, Tag, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useT } from '../../platform/i18n';
import { BranchEditor } from './BranchEditor';
import { DIMENSIONS, SURVEY_LIMITS, type Dimension } from './api';
import { freeId, scaleOf, type Option, type Question, type QuestionOf, type Text } from './model';
import { TextPair } from './TextPair';

type Edit<Q> = (q: Q) => void;

/** A list of bilingual parts (options, matrix rows, SERVQUAL items): each editable and removable, more added below. */
function PartList<P extends { text: Text }>({
  parts,
  onChange,
  make,
  min,
  max,
  testId,
  extra,
}: {
  parts: P[];
  onChange: (p: P[]) => void;
  make: () => P;
  min: number;
  max: number;
  testId: string;
  extra?: (p: P, set: (p: P) => void) => React.ReactNode;
}) {
  const t = useT();
  return (
    <Flex vertical gap={6}>
      {parts.map((p, i) => {
        const set = (next: P) => onChange(parts.map((x, k) => (k === i ? next : x)));
        return (
          <Flex key={i} gap={6} align="center" data-testid={testId}>
            <Typography.Text type="secondary" style={{ width: 22 }}>
              {i + 1}.
            </Typography.Text>
            {extra?.(p, set)}
            <div style={{ flex: 1 }}>
              <TextPair value={p.text} onChange={(text) => set({ ...p, text })} testId={`${testId}-text`} />
            </div>
            <Button type="text" danger icon={<DeleteOutlined />} disabled={parts.length <= min} aria-label={t('common.delete')} onClick={() => onChange(parts.filter((_, k) => k !== i))} />
          </Flex>
        );
      })}
      <div>
        <Button size="small" icon={<PlusOutlined />} disabled={parts.length >= max} onClick={() => onChange([...parts, make()])} data-testid={`${testId}-add`}>
          {t('surveys.part.add')}
        </Button>
      </div>
    </Flex>
  );
}

function ChoiceParts({ q, onChange }: { q: QuestionOf<'single'> | QuestionOf<'multiple'>; onChange: Edit<Question> }) {
  const t = useT();
  const make = (): Option => ({ value: freeId('o', q.options.map((o) => o.value)), text: { zh: '' } });
  return (
    <>
      <Typography.Text strong>{t('surveys.part.options')}</Typography.Text>
      <PartList parts={q.options} min={2} max={SURVEY_LIMITS.options} make={make} testId="option" onChange={(options) => onChange({ ...q, options })} />
      {q.type === 'multiple' ? (
        <Space style={{ marginTop: 8 }}>
          {t('surveys.part.choose')}
          <InputNumber min={0} max={q.options.length} value={q.min ?? null} placeholder="0" onChange={(v) => onChange({ ...q, min: v ?? undefined })} aria-label={t('surveys.part.min')} />
          ~
          <InputNumber min={1} max={q.options.length} value={q.max ?? null} placeholder={String(q.options.length)} onChange={(v) => onChange({ ...q, max: v ?? undefined })} aria-label={t('surveys.part.max')} />
        </Space>
      ) : null}
    </>
  );
}

function MatrixParts({ q, onChange }: { q: QuestionOf<'matrix'>; onChange: Edit<Question> }) {
  const t = useT();
  return (
    <>
      <Space style={{ marginBottom: 8 }}>
        {t('surveys.part.scale')}
        <Select<0 | 1> value={q.scale.min} style={{ width: 70 }} options={[0, 1].map((v) => ({ value: v as 0 | 1, label: String(v) }))} onChange={(min) => onChange({ ...q, scale: { ...q.scale, min } })} aria-label={t('surveys.part.min')} />
        ~
        <InputNumber min={2} max={10} precision={0} value={q.scale.max} onChange={(max) => onChange({ ...q, scale: { ...q.scale, max: max ?? 5 } })} aria-label={t('surveys.part.max')} />
      </Space>
      <Typography.Text strong>{t('surveys.part.rows')}</Typography.Text>
      <PartList parts={q.rows} min={1} max={SURVEY_LIMITS.rows} testId="row" make={() => ({ id: freeId('r', q.rows.map((r) => r.id)), text: { zh: '' } })} onChange={(rows) => onChange({ ...q, rows })} />
    </>
  );
}

function ServqualParts({ q, onChange }: { q: QuestionOf<'servqual'>; onChange: Edit<Question> }) {
  const t = useT();
  return (
    <>
      <Typography.Text strong>{t('surveys.part.items')}</Typography.Text>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 6 }}>
        {t('surveys.part.itemsHint')}
      </Typography.Paragraph>
      <PartList
        parts={q.items}
        min={1}
        max={SURVEY_LIMITS.items}
        testId="item"
        make={() => ({ id: freeId('i', q.items.map((i) => i.id)), dimension: q.items[q.items.length - 1]?.dimension ?? 'reliability', text: { zh: '' } })}
        onChange={(items) => onChange({ ...q, items })}
        extra={(item, set) => (
          <Select<Dimension>
            style={{ width: 110 }}
            value={item.dimension}
            options={DIMENSIONS.map((d) => ({ value: d, label: t(`surveys.dim.${d}`) }))}
            onChange={(dimension) => set({ ...item, dimension })}
            aria-label={t('surveys.part.dimension')}
            data-testid="item-dimension"
          />
        )}
      />
    </>
  );
}

/** The parts a question's type needs. */
function TypeParts({ q, onChange }: { q: Question; onChange: Edit<Question> }) {
  const t = useT();
  switch (q.type) {
    case 'nps':
    case 'csat':
    case 'ces': {
      const { min, max } = scaleOf(q);
      return <Typography.Text type="secondary">{t(`surveys.scaleNote.${q.type}`, { min, max })}</Typography.Text>;
    }
    case 'rating':
      return (
        <Space>
          {t('surveys.part.ratingMax')}
          <InputNumber min={3} max={10} precision={0} value={q.max} onChange={(max) => onChange({ ...q, max: max ?? 5 })} aria-label={t('surveys.part.ratingMax')} />
        </Space>
      );
    case 'single':
    case 'multiple':
      return <ChoiceParts q={q} onChange={onChange} />;
    case 'text':
      return (
        <Space>
          {t('surveys.part.maxLength')}
          <InputNumber min={1} max={SURVEY_LIMITS.textAnswer} precision={0} value={q.maxLength ?? SURVEY_LIMITS.defaultTextAnswer} onChange={(maxLength) => onChange({ ...q, maxLength: maxLength ?? SURVEY_LIMITS.defaultTextAnswer })} aria-label={t('surveys.part.maxLength')} />
        </Space>
      );
    case 'matrix':
      return <MatrixParts q={q} onChange={onChange} />;
    case 'servqual':
      return <ServqualParts q={q} onChange={onChange} />;
  }
}

export type QuestionEditorProps = {
  q: Question;
  index: number;
  questions: Question[];
  errors: string[];
  onChange: (q: Question) => void;
  onMove: (to: number) => void;
  onDelete: () => void;
};

/** One question: its texts (zh-CN, English), 必答, the parts of its type, its branches; moved up/down or deleted. */
export function QuestionEditor({ q, index, questions, errors, onChange, onMove, onDelete }: QuestionEditorProps) {
  const t = useT();
  return (
    <Card
      size="small"
      data-testid="question"
      title={
        <Space>
          <span>{t('surveys.questionNo', { n: index + 1 })}</span>
          <Tag color="blue" data-testid="question-type">
            {t(`surveys.qtype.${q.type}`)}
          </Tag>
          <Typography.Text type="secondary" style={{ fontWeight: 400 }}>
            {q.id}
          </Typography.Text>
        </Space>
      }
      extra={
        <Space size={2}>
          <Space size={4} style={{ marginRight: 8 }}>
            <Switch size="small" checked={q.required} onChange={(required) => onChange({ ...q, required })} data-testid="question-required" />
            {t('surveys.required')}
          </Space>
          <Button type="text" icon={<ArrowUpOutlined />} disabled={index === 0} aria-label={t('surveys.moveUp')} onClick={() => onMove(index - 1)} data-testid="question-up" />
          <Button type="text" icon={<ArrowDownOutlined />} disabled={index === questions.length - 1} aria-label={t('surveys.moveDown')} onClick={() => onMove(index + 1)} data-testid="question-down" />
          <Button type="text" danger icon={<DeleteOutlined />} disabled={questions.length <= 1} aria-label={t('common.delete')} onClick={onDelete} data-testid="question-delete" />
        </Space>
      }
    >
      {errors.length ? <Alert type="error" showIcon style={{ marginBottom: 8 }} title={errors.join('；')} /> : null}
      <Flex vertical gap={8}>
        <TextPair value={q.text} onChange={(text) => onChange({ ...q, text })} testId="question-text" multiline label={t('surveys.questionText')} />
        <Collapse
          size="small"
          ghost
          items={[
            {
              key: 'help',
              label: t('surveys.help'),
              children: <TextPair value={q.help} onChange={(help) => onChange({ ...q, help })} testId="question-help" label={t('surveys.help')} />,
            },
          ]}
        />
        <TypeParts q={q} onChange={onChange} />
        <Typography.Text strong>{t('surveys.branch.title')}</Typography.Text>
        <BranchEditor q={q} index={index} questions={questions} onChange={(branches) => onChange({ ...q, branches })} />
      </Flex>
    </Card>
  );
}
