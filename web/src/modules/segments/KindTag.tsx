import { Tag } from 'antd';
import { useT } from '../../platform/i18n';
import type { SegmentKind } from './api';

/** 动态 / 静态. */
export function KindTag({ kind }: { kind: SegmentKind }) {
  const t = useT();
  return <Tag color={kind === 'dynamic' ? 'blue' : 'gold'}>{t(`segments.kind.${kind}`)}</Tag>;
}
