import { useState } from 'react';
import { App, Button, Empty, Flex, Form, Input, Popconfirm, Radio, Space, Tag, Tree, TreeSelect, Typography } from 'antd';
import { ApartmentOutlined, PlusOutlined, TeamOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { useMutation } from '../../platform/forms';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { ErrorAlert, Loading } from '../../platform/ui';
import { keys, teamTree, useTeams, useUsers, type TeamNode, type TeamView } from './api';

type Mode = { kind: 'create'; parentId: string | null } | { kind: 'rename'; team: TeamView } | { kind: 'move'; team: TeamView };
type Values = { name?: string; kind?: TeamView['kind']; parentId?: string | null };

/** Teams as a tree of 部门 / 班组: create, rename, move, delete (only when empty). */
export function TeamsPanel() {
  const t = useT();
  const { can } = useAuth();
  const manage = can('user:manage');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const teams = useTeams();
  const users = useUsers();
  const [mode, setMode] = useState<Mode | null>(null);
  const [form] = Form.useForm<Values>();
  // Every team is expanded unless the user folded it (so a team moved under a leaf shows at once).
  const [folded, setFolded] = useState<ReadonlySet<string>>(new Set());
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/teams/${id}`),
    onSuccess: () => {
      message.success(t('common.deleted'));
      void qc.invalidateQueries({ queryKey: keys.teams });
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  if (teams.isPending) return <Loading />;
  const list = teams.data ?? [];
  const byId = new Map(list.map((tm) => [tm.id, tm]));
  const members = (id: string) => (users.data ?? []).filter((u) => u.teamId === id).length;
  const open = (m: Mode) => setMode(m);

  const title = (node: TeamNode) => {
    const team = byId.get(node.key)!;
    return (
      <Flex align="center" gap={8} wrap style={{ paddingBlock: 2 }} data-testid={`team-${node.title}`}>
        {team.kind === 'department' ? <ApartmentOutlined /> : <TeamOutlined />}
        <Typography.Text strong>{node.title}</Typography.Text>
        <Tag color={team.kind === 'department' ? 'geekblue' : 'cyan'}>{t(`teams.kind.${team.kind}`)}</Tag>
        <Typography.Text type="secondary">{t('teams.members', { n: members(team.id) })}</Typography.Text>
        {manage ? (
          <Space size={4}>
            <Button size="small" type="link" onClick={() => open({ kind: 'create', parentId: team.id })} aria-label={t('teams.createChild')} title={t('teams.createChild')}>
              <PlusOutlined />
            </Button>
            <Button size="small" type="link" onClick={() => open({ kind: 'rename', team })}>
              {t('teams.rename')}
            </Button>
            <Button size="small" type="link" onClick={() => open({ kind: 'move', team })}>
              {t('teams.move')}
            </Button>
            <Popconfirm title={t('teams.deleteConfirm', { name: team.name })} onConfirm={() => remove.mutate(team.id)} okText={t('common.delete')} cancelText={t('common.cancel')}>
              <Button size="small" type="link" danger>
                {t('common.delete')}
              </Button>
            </Popconfirm>
          </Space>
        ) : null}
      </Flex>
    );
  };

  const initial: Values =
    mode?.kind === 'create'
      ? { kind: mode.parentId ? 'group' : 'department', parentId: mode.parentId }
      : mode
        ? { name: mode.team.name, kind: mode.team.kind, parentId: mode.team.parentId }
        : {};

  return (
    <>
      <Flex justify="end" style={{ marginBottom: 12 }}>
        {manage ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open({ kind: 'create', parentId: null })}>
            {t('teams.create')}
          </Button>
        ) : null}
      </Flex>
      <ErrorAlert error={teams.error} />
      {list.length ? (
        <Tree<TeamNode>
          treeData={teamTree(list)}
          expandedKeys={list.map((tm) => tm.id).filter((id) => !folded.has(id))}
          onExpand={(keys) => setFolded(new Set(list.map((tm) => tm.id).filter((id) => !keys.includes(id))))}
          selectable={false}
          blockNode
          titleRender={title}
        />
      ) : (
        <Empty description={t('teams.empty')} />
      )}
      <FormDialog
        open={!!mode}
        title={
          mode?.kind === 'create' ? t('teams.create') : mode?.kind === 'rename' ? t('teams.rename') : t('teams.moveTitle', { name: mode?.team.name ?? '' })
        }
        form={form}
        initialValues={initial}
        submit={(v: Values) => {
          if (mode?.kind === 'create') return api.post<TeamView>('/api/v1/teams', { name: v.name, kind: v.kind, parentId: v.parentId ?? null });
          if (mode?.kind === 'rename') return api.patch<TeamView>(`/api/v1/teams/${mode.team.id}`, { name: v.name, kind: v.kind });
          return api.patch<TeamView>(`/api/v1/teams/${mode!.team.id}`, { parentId: v.parentId ?? null });
        }}
        onSaved={() => {
          message.success(mode?.kind === 'create' ? t('teams.created') : t('common.saved'));
          setMode(null);
          void qc.invalidateQueries({ queryKey: keys.teams });
        }}
        onClose={() => setMode(null)}
      >
        {mode?.kind !== 'move' ? (
          <>
            <Form.Item name="name" label={t('teams.name')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('teams.name') }) }]}>
              <Input maxLength={64} autoFocus />
            </Form.Item>
            <Form.Item name="kind" label={t('teams.kind')}>
              <Radio.Group
                options={[
                  { value: 'department', label: t('teams.kind.department') },
                  { value: 'group', label: t('teams.kind.group') },
                ]}
              />
            </Form.Item>
          </>
        ) : null}
        {mode?.kind !== 'rename' ? (
          <Form.Item name="parentId" label={t('teams.parent')}>
            <TreeSelect
              treeData={teamTree(list, mode?.kind === 'move' ? mode.team.id : undefined)}
              allowClear
              placeholder={t('teams.root')}
              treeDefaultExpandAll
            />
          </Form.Item>
        ) : null}
      </FormDialog>
    </>
  );
}
