import { AppShell } from './platform/layout/AppShell';
import { TaskBell } from './modules/interactions';
import { NAV } from './nav';

/** The signed-in layout (side menu, header, the task bell): its own chunk, so the sign-in page does not load it. */
export function Shell() {
  return <AppShell nav={NAV} headerExtra={<TaskBell />} />;
}
