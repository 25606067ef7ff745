import { Grid, Steps } from 'antd';
import { useT } from '../../platform/i18n';

/** The wizard's four steps: file → mapping → progress → report (titles under the icons on phones, so they fit). */
export function ImportSteps({ current, failed = false }: { current: 0 | 1 | 2 | 3; failed?: boolean }) {
  const t = useT();
  const isPhone = !Grid.useBreakpoint().md;
  return (
    <Steps
      size="small"
      current={current}
      status={failed ? 'error' : current === 3 ? 'finish' : 'process'}
      responsive={false}
      titlePlacement={isPhone ? 'vertical' : 'horizontal'}
      style={{ marginBottom: 20 }}
      items={[
        { title: t('imports.step.file') },
        { title: t('imports.step.mapping') },
        { title: t('imports.step.progress') },
        { title: t('imports.step.report') },
      ]}
    />
  );
}
