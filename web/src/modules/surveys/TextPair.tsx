import { Flex, Input } from 'antd';
import { useT } from '../../platform/i18n';
import { SURVEY_LIMITS } from './api';
import type { Text } from './model';

/** A text in both languages: 中文 (required by the server) and English (optional), side by side. */
export function TextPair({ value, onChange, testId, multiline, label }: { value: Text | undefined; onChange: (t: Text) => void; testId: string; multiline?: boolean; label?: string }) {
  const t = useT();
  const v = value ?? { zh: '' };
  const Field = multiline ? Input.TextArea : Input;
  return (
    <Flex gap={8} wrap style={{ width: '100%' }}>
      <Field
        style={{ flex: '1 1 240px' }}
        value={v.zh}
        maxLength={SURVEY_LIMITS.text}
        placeholder={t('surveys.zh')}
        aria-label={`${label ?? ''}${t('surveys.zh')}`}
        status={v.zh.trim() ? undefined : 'error'}
        onChange={(e) => onChange({ ...v, zh: e.target.value })}
        data-testid={`${testId}-zh`}
        {...(multiline ? { autoSize: { minRows: 1, maxRows: 4 } } : {})}
      />
      <Field
        style={{ flex: '1 1 240px' }}
        value={v.en ?? ''}
        maxLength={SURVEY_LIMITS.text}
        placeholder={t('surveys.en')}
        aria-label={`${label ?? ''}${t('surveys.en')}`}
        onChange={(e) => onChange({ ...v, en: e.target.value })}
        data-testid={`${testId}-en`}
        {...(multiline ? { autoSize: { minRows: 1, maxRows: 4 } } : {})}
      />
    </Flex>
  );
}
