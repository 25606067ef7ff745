import { useNavigate } from 'react-router';
import { Button } from 'antd';
import { ImportOutlined } from '@ant-design/icons';
import { useAuth } from '../../platform/auth';
import { useT } from '../../platform/i18n';

/** 导入: the way from a list to the import wizard, for users who may import (customer:write). */
export function ImportButton({ kind = 'customers' }: { kind?: 'customers' | 'transactions' }) {
  const t = useT();
  const { can } = useAuth();
  const navigate = useNavigate();
  if (!can('customer:write')) return null;
  return (
    <Button icon={<ImportOutlined />} onClick={() => navigate(kind === 'customers' ? '/imports' : `/imports?kind=${kind}`)}>
      {t('imports.button')}
    </Button>
  );
}
