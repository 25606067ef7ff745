import { AppShell } from './platform/layout/AppShell';
import { TaskBell } from './modules/interactions';
import { NotificationBell } from './modules/notifications';
import { GlobalSearch } from './modules/search';
import { NAV } from './nav';

/** The signed-in layout (side menu, header: the global search and the task bell): its own chunk, so the sign-in page does not load it. */
export function Shell() {
  return (
    <AppShell
      nav={NAV}
      headerExtra={
        <>
          <GlobalSearch />
          <TaskBell />
          <NotificationBell />
        </>
      }
    />
  );
}
